#!/usr/bin/env bash
# Installs the Debian packages lrs builds with, skipping what is already there.
# Usage: scripts/install-deps.sh [extra packages...]   (as root, or with sudo available)
set -euo pipefail

packages=(cmake make g++ clang libclang-rt-dev clang-format libeigen3-dev catch2 libfmt-dev
          libcli11-dev libbenchmark-dev zlib1g-dev liblbfgspp-dev "$@")

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
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
