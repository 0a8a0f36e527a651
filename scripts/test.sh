#!/usr/bin/env bash
# Builds and runs every test: GCC C++17 with -Werror, Clang C++20 with ASan+UBSan, the header
# self-containment check (part of both builds) and the clang-format check. Prints a summary.
set -uo pipefail
cd "$(dirname "$0")/.."

bash scripts/install-deps.sh || exit 1
jobs=$(nproc 2>/dev/null || echo 2)
start=$(date +%s)

run_leg() {
  local name=$1
  shift
  local t0
  t0=$(date +%s)
  echo "=== $name"
  if "$@"; then
    results+=("PASS  $name ($(($(date +%s) - t0)) s)")
  else
    results+=("FAIL  $name ($(($(date +%s) - t0)) s)")
    failed=1
  fi
}

build_and_test() {
  local dir=$1
  shift
  cmake -S . -B "$dir" -DLRS_WARNINGS_AS_ERRORS=ON "$@" >/dev/null &&
    cmake --build "$dir" -j "$jobs" &&
    ctest --test-dir "$dir" -j "$jobs" --output-on-failure --no-tests=error
}

format_check() {
  local files
  files=$(git ls-files '*.hpp' '*.cpp' 2>/dev/null || find include tests examples bench tools \
    -name '*.hpp' -o -name '*.cpp')
  # shellcheck disable=SC2086
  clang-format --dry-run --Werror $files
}

failed=0
run_leg "gcc C++17 -Werror" build_and_test build/gcc -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_STANDARD=17
run_leg "clang C++20 ASan+UBSan" build_and_test build/clang-asan -DCMAKE_BUILD_TYPE=Debug \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_STANDARD=20 \
  "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
run_leg "clang-format" format_check

echo
echo "=== summary ($(($(date +%s) - start)) s)"
printf '%s\n' "${results[@]}"
exit $failed
