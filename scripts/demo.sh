#!/usr/bin/env bash
# Builds the examples in Release and runs the main demo. Usage: scripts/demo.sh [demo options...]
set -euo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build/demo -DCMAKE_BUILD_TYPE=Release -DLRS_BUILD_TESTS=OFF -DLRS_BUILD_TOOLS=OFF \
  >/dev/null
cmake --build build/demo -j "$jobs" --target quickstart
./build/demo/examples/quickstart "$@"
