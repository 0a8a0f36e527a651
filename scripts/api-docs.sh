#!/usr/bin/env bash
# Builds the API reference (Doxygen HTML) and fails on any warning: an undocumented public name, a
# documented parameter that does not exist, a bad command. Names under detail/ or lrs::detail are
# not public and not checked.
# Usage: scripts/api-docs.sh [OUTDIR]   (default build/api; the site is OUTDIR/html/index.html)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-build/api}
mkdir -p "$out"
out=$(cd "$out" && pwd)
command -v doxygen >/dev/null || { echo "api-docs: doxygen not found (apt-get install doxygen)" >&2; exit 2; }
{ cat docs/Doxyfile; echo "OUTPUT_DIRECTORY = $out"; echo "WARN_LOGFILE = $out/warnings.txt"; } |
  doxygen - >"$out/doxygen.log" 2>&1
n=$(grep -c 'warning:' "$out/warnings.txt" || true)
if [ "$n" -ne 0 ]; then
  sed "s|$PWD/||" "$out/warnings.txt"
  echo "api-docs: $n warning(s); each public name needs a /// comment (see docs/api.md)" >&2
  exit 1
fi
echo "api-docs: $out/html/index.html, no warnings"
