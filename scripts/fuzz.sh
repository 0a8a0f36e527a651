#!/usr/bin/env bash
# Builds the libFuzzer targets of tests/fuzz with Clang (ASan + UBSan + asserts) and runs each for
# a bounded time from its committed seed corpus and dictionary. Fails on any finding (a crash, a
# sanitizer report, a non-finite or negative value, an input slower than its -timeout, a failed
# load that changed an object, ...). Prints the executions and coverage (libFuzzer's cov/ft) of
# each target.
#
# Usage: scripts/fuzz.sh [seconds-per-target-scale]
#   FUZZ_SCALE=10 scripts/fuzz.sh      # ten times longer (default 1: 60 s of fuzzing in all, the
#                                      # targets side by side on the cores: 35 s on two)
#   FUZZ_TARGETS="fuzz_spec" scripts/fuzz.sh
# New inputs go to build/fuzz/work/<target> (not to the committed seeds); a finding is saved as
# build/fuzz/artifacts/<target>-crash-<sha1> and can be replayed: build/fuzz/tests/fuzz/<target> <file>.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1

scale=${FUZZ_SCALE:-${1:-1}}
targets=${FUZZ_TARGETS:-"fuzz_spec fuzz_csv fuzz_state"}
jobs=$(nproc 2>/dev/null || echo 2)
dir=build/fuzz
launcher=()
if command -v ccache >/dev/null; then launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache); fi

# Seconds per target (spec and state have the deeper input languages) and input length caps. The
# spec parser is capped at 256 bytes to keep the CI minute on short inputs; its nesting limit (256)
# makes longer inputs safe too (tests/fuzz/README.md).
declare -A seconds=([fuzz_spec]=25 [fuzz_csv]=10 [fuzz_state]=25)
declare -A max_len=([fuzz_spec]=256 [fuzz_csv]=4096 [fuzz_state]=4096)
# Seconds one input may take before libFuzzer reports it as a hang (a finding). A spec is parsed
# and evaluated at 14 steps in well under a millisecond even in this sanitizer build, so 5 s is a
# hang (a schedule's loop that does not end), not a slow machine.
declare -A timeout=([fuzz_spec]=5 [fuzz_csv]=20 [fuzz_state]=20)
declare -A corpus=([fuzz_spec]=spec [fuzz_csv]=csv [fuzz_state]=state)

# Line tables only (-gline-tables-only): a finding's stack trace still names file and line, the
# code is the same as with -g, and the build takes about 13 % less CPU (fuzz_state 59 -> 49 s).
# Ninja builds the targets side by side (CMake's Makefiles build the goals of one command one after
# another); a directory configured with another generator is made again.
if [ -f "$dir/CMakeCache.txt" ] && ! grep -q '^CMAKE_GENERATOR:INTERNAL=Ninja$' "$dir/CMakeCache.txt"; then
  rm -rf "$dir"
fi
cmake -S . -B "$dir" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_CXX_STANDARD=20 \
  -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-gline-tables-only -O1" \
  -DLRS_WARNINGS_AS_ERRORS=ON -DLRS_BUILD_FUZZERS=ON -DLRS_BUILD_TESTS=OFF -DLRS_BUILD_EXAMPLES=OFF \
  -DLRS_BUILD_TOOLS=OFF -DLRS_BUILD_BENCHMARKS=OFF "${launcher[@]}" >/dev/null || exit 1
# shellcheck disable=SC2086
cmake --build "$dir" -j "$jobs" --target $targets || exit 1

# Runs one target; its log is $dir/<target>.log, its exit code $dir/<target>.rc.
fuzz_one() {
  local t=$1 work="$dir/work/$1" secs
  mkdir -p "$work"
  rm -f "$dir/$t.rc"
  secs=$(awk -v s="${seconds[$t]}" -v k="$scale" 'BEGIN { printf "%d", s * k }')
  echo "=== $t: ${secs} s"
  "$dir/tests/fuzz/$t" -max_total_time="$secs" -max_len="${max_len[$t]}" -timeout="${timeout[$t]}" \
    -rss_limit_mb=2048 -print_final_stats=1 -dict="tests/fuzz/${corpus[$t]}.dict" \
    -artifact_prefix="$dir/artifacts/$t-" "$work" "tests/fuzz/corpus/${corpus[$t]}" >"$dir/$t.log" 2>&1
  echo $? >"$dir/$t.rc"
}

# The targets run side by side, one per core (each is single-threaded): the same fuzzing time per
# target in less wall time.
mkdir -p "$dir/artifacts"
running=0
for t in $targets; do
  if [ "$running" -ge "$jobs" ]; then
    wait -n
    running=$((running - 1))
  fi
  fuzz_one "$t" &
  running=$((running + 1))
done
wait

failed=0
summary=()
for t in $targets; do
  secs=$(awk -v s="${seconds[$t]}" -v k="$scale" 'BEGIN { printf "%d", s * k }')
  log="$dir/$t.log"
  rc=$(cat "$dir/$t.rc" 2>/dev/null || echo 1)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  covline=$(grep -E '^#[0-9]+' "$log" | tail -n 1)
  cov=$(sed -n 's/.* cov: \([0-9]*\).*/\1/p' <<<"$covline")
  ft=$(sed -n 's/.* ft: \([0-9]*\).*/\1/p' <<<"$covline")
  line="$t: ${execs:-?} executions in ${secs} s, cov ${cov:-?}, ft ${ft:-?}"
  if [ "$rc" -ne 0 ]; then
    failed=1
    summary+=("FAIL  $line (exit $rc; $log)")
    grep -E 'ERROR|runtime error|fuzz_(spec|csv|state):|Test unit written|^spec:' "$log" | head -n 20
  else
    summary+=("PASS  $line")
  fi
done

echo
echo "=== fuzz summary"
printf '%s\n' "${summary[@]}"
exit $failed
