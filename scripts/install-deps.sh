#!/usr/bin/env bash
# Installs the Debian packages lrs builds with, skipping what is already there.
# Usage: scripts/install-deps.sh [extra packages...]   (as root, or with sudo available)
set -euo pipefail

packages=(cmake make ninja-build g++ clang libclang-rt-dev clang-format libeigen3-dev catch2
          libfmt-dev libcli11-dev libbenchmark-dev zlib1g-dev liblbfgspp-dev doxygen "$@")

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then sudo="sudo"; fi

# Another apt-get (unattended-upgrades, a parallel job) may hold the dpkg or package-lists lock.
# DPkg::Lock::Timeout makes apt-get wait for the dpkg lock (apt >= 1.9.11); apt-get update's lock
# on /var/lib/apt/lists is not covered by it everywhere, so a lock failure is also retried, for
# up to 10 minutes in all.
apt_get() {
  local out waited=0
  while true; do
    if out=$($sudo apt-get -o DPkg::Lock::Timeout=600 "$@" 2>&1); then
      [ -z "$out" ] || printf '%s\n' "$out"
      return 0
    fi
    if ! grep -qE 'Could not get lock|Unable to (acquire|lock)' <<<"$out" || [ $waited -ge 600 ]; then
      printf '%s\n' "$out" >&2
      return 1
    fi
    [ $waited -gt 0 ] || echo "install-deps: another apt-get holds the lock; waiting (up to 10 min)"
    sleep 10
    waited=$((waited + 10))
  done
}

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt_get update -qq
apt_get install -y -qq --no-install-recommends "${missing[@]}"
