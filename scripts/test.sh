#!/usr/bin/env bash
# Builds and tests lrs on GCC and Clang in C++17 and C++20, then checks the CMake options and the
# formatting. Prints a summary; exits non-zero if any leg fails.
#
#   gcc   C++17  -Werror              build everything but the header check, run the tests
#   clang C++20  ASan+UBSan -Werror   build everything but the header check, run the tests
#                                     (both in the compiled mode, LRS_BUILD_COMPILED: the tests,
#                                     examples and tool link lrs_compiled, so the registry, the fits
#                                     and the GP compile once; header-only: the header check and
#                                     the tool of Clang C++17, the add_subdirectory consumer test,
#                                     the fuzzers, the adapters and MPI)
#   gcc   C++20  every LRS_* option ON  build only what no other leg builds in C++20 with GCC:
#                                     the header check (as the compiled mode sees the headers), the
#                                     tool, lrs_compiled and the benchmarks (which link it; fuzzers
#                                     need Clang: skipped)
#   clang C++17  -Werror              build only the header check and the tool (header-only)
#   every combination of the LRS_* options                 configure only (one directory per core)
#   clang-format
#   api docs (doxygen)   scripts/api-docs.sh build/api: fails on any undocumented public name
#
# LRS_BUILD_ADAPTERS is covered by scripts/test-adapters.sh, the fuzzers are built and run by
# scripts/fuzz.sh (both called from .ci/run).
# Usage: scripts/test.sh [leg-name-substring...]   (e.g. `scripts/test.sh gcc` runs the gcc legs)
# shellcheck disable=SC2317  # the legs are functions called through run_leg
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

bash scripts/install-deps.sh || exit 1
jobs=$(nproc 2>/dev/null || echo 2)
start=$(date +%s)
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi
asan="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"

# The LRS_* options that change what is configured (ADAPTERS: scripts/test-adapters.sh).
options=(LRS_BUILD_TESTS LRS_BUILD_EXAMPLES LRS_BUILD_TOOLS LRS_BUILD_BENCHMARKS LRS_INSTALL
         LRS_WARNINGS_AS_ERRORS LRS_BUILD_FUZZERS LRS_UNITY_BUILD LRS_BUILD_COMPILED)
every_option_on=()
for o in "${options[@]}"; do every_option_on+=("-D$o=ON"); done

results=()
failed=0
run_leg() {
  local name=$1
  shift
  if [ ${#filters[@]} -gt 0 ]; then
    local f hit=0
    for f in "${filters[@]}"; do [[ $name == *"$f"* ]] && hit=1; done
    [ $hit -eq 1 ] || return 0
  fi
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

# The legs build with Ninja: `cmake --build --target a b` with CMake's Makefiles builds the targets
# one after another (its top-level Makefile is .NOTPARALLEL), so a target of one unit (the tool, a
# fuzzer) used one core; Ninja builds them side by side. A directory configured with another
# generator is made again.
configure() {
  local dir=$1
  shift
  if [ -f "$dir/CMakeCache.txt" ] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"
  then
    rm -rf "$dir"
  fi
  cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Debug -DLRS_WARNINGS_AS_ERRORS=ON \
    "${launcher[@]}" "$@" >/dev/null
}

build_and_test() {
  local dir=$1
  shift
  configure "$dir" "$@" &&
    cmake --build "$dir" -j "$jobs" &&
    ctest --test-dir "$dir" -j "$jobs" --output-on-failure --no-tests=error
}

# Builds the given targets (a comma-separated list) of the configuration without running the
# tests. The tests and examples are built and run in C++17 by GCC and in C++20 by Clang; the
# other two compiler/standard pairs compile every public header on its own (lrs_header_check),
# the tool, and (GCC C++20) the benchmarks, which no other leg builds.
build_only() {
  local dir=$1 targets=$2
  shift 2
  # shellcheck disable=SC2086
  configure "$dir" "$@" && cmake --build "$dir" -j "$jobs" --target ${targets//,/ }
}

# Configures every combination of the options, split over one scratch directory per core (each
# run passes every option, so nothing carries over but the cache of found packages).
configure_combinations_from() {
  local worker=$1 n=${#options[@]} mask i args bad=0 dir=build/options-$1
  rm -rf "$dir"
  for ((mask = worker; mask < (1 << n); mask += jobs)); do
    args=()
    for ((i = 0; i < n; ++i)); do
      args+=("-D${options[i]}=$(((mask >> i) & 1 ? 1 : 0))")
    done
    if ! cmake -S . -B "$dir" "${args[@]}" >"$dir.log" 2>&1; then
      echo "configure failed: ${args[*]}"
      tail -n 20 "$dir.log"
      bad=1
    fi
  done
  return "$bad"
}

configure_all_combinations() {
  local w pids=() bad=0
  for ((w = 0; w < jobs; ++w)); do
    configure_combinations_from "$w" &
    pids+=($!)
  done
  for w in "${pids[@]}"; do wait "$w" || bad=1; done
  echo "configured $((1 << ${#options[@]})) combinations of ${options[*]}"
  return "$bad"
}

format_check() {
  local files
  files=$(git ls-files '*.hpp' '*.cpp' 2>/dev/null || find include tests examples bench tools \
    -name '*.hpp' -o -name '*.cpp')
  # shellcheck disable=SC2086
  clang-format --dry-run --Werror $files
}

filters=("$@")
run_leg "gcc C++17 -Werror, compiled mode" build_and_test build/gcc \
  -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_STANDARD=17 -DLRS_BUILD_COMPILED=ON
run_leg "clang C++20 ASan+UBSan, compiled mode" build_and_test build/clang-asan \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_STANDARD=20 "-DCMAKE_CXX_FLAGS=$asan" \
  -DLRS_BUILD_COMPILED=ON
run_leg "gcc C++20 every option ON (build only)" build_only build/gcc-cxx20 \
  lrs_header_check,lrs_tool,lrs_benchmarks,lrs_compiled -DCMAKE_CXX_COMPILER=g++ -DCMAKE_CXX_STANDARD=20 "${every_option_on[@]}"
run_leg "clang C++17 (build only)" build_only build/clang-cxx17 lrs_header_check,lrs_tool \
  -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_STANDARD=17
run_leg "configure: every combination of the LRS_* options" configure_all_combinations
run_leg "clang-format" format_check
# The API reference (every public name documented, no doc errors).
run_leg "api docs (doxygen)" bash scripts/api-docs.sh build/api

echo
echo "=== summary ($(($(date +%s) - start)) s)"
printf '%s\n' "${results[@]}"
exit $failed
