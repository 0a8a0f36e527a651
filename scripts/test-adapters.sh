#!/usr/bin/env bash
# Builds and runs the libtorch and dlib adapter tests (among them the two-rank libtorch test over
# Gloo on 127.0.0.1, which needs libgloo-dev) and builds the adapter examples (GCC, C++17, Debug,
# -Werror; no sanitizers: neither framework is built with them). Separate from scripts/test.sh
# because libtorch's headers take minutes to compile.
# Usage: scripts/test-adapters.sh [build dir, default build/adapters]
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

bash scripts/install-deps.sh libtorch-dev libgloo-dev libdlib-dev || exit 1
dir=${1:-build/adapters}
jobs=$(nproc 2>/dev/null || echo 2)
start=$(date +%s)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
targets=(lrs_torch_adapter_tests lrs_torch_distributed_test lrs_dlib_adapter_tests torch_fashion_mnist
         torch_distributed dlib_fashion_mnist)

# Ninja builds the targets side by side (CMake's Makefiles build the goals of one command one after
# another); a directory configured with another generator is made again.
if [ -f "$dir/CMakeCache.txt" ] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
  rm -rf "$dir"
fi
cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_STANDARD=17 \
  -DLRS_WARNINGS_AS_ERRORS=ON -DLRS_BUILD_ADAPTERS=ON "${launcher[@]}" >/dev/null || exit 1
cmake --build "$dir" -j "$jobs" --target "${targets[@]}" || exit 1
ctest --test-dir "$dir" -L adapters -j "$jobs" --output-on-failure --no-tests=error
status=$?
echo "=== adapters: $([ $status -eq 0 ] && echo PASS || echo FAIL) ($(($(date +%s) - start)) s)"
exit $status
