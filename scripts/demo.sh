#!/usr/bin/env bash
# Installs what is missing (with Fashion-MNIST), builds the examples in Release and runs the main
# demo, budget_sweep, with its defaults: every schedule at every training budget over 3 seeds, on
# every core, a table on stdout, CSVs and SVG plots in build/demo/budget_sweep/.
# Usage: scripts/demo.sh [budget_sweep options...]   (see --help; --out and --threads override)
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh dataset-fashion-mnist zlib1g-dev
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DLRS_BUILD_TESTS=OFF -DLRS_BUILD_TOOLS=OFF \
  >/dev/null
cmake --build build/demo -j "$jobs" --target budget_sweep

# Every core (the runs are independent; the numbers do not depend on the thread count).
out=(--out build/demo/budget_sweep)
threads=(--threads "$jobs")
for arg in "$@"; do
  case $arg in
    --out | --out=*) out=() ;;
    --threads | --threads=*) threads=() ;;
  esac
done
./build/demo/examples/budget_sweep "${out[@]}" "${threads[@]}" "$@"
