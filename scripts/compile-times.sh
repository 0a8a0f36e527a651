#!/usr/bin/env bash
# Compile time of a user's translation unit per umbrella header (with and without a call into its
# heaviest part), header-only and in the compiled mode (-DLRS_COMPILED: the unit only declares the
# spec registry, the law fits, optimize_schedule and the Gaussian process, which lrs_compiled
# defines), and the preprocessed size of each. Prints the Markdown table of bench/README.md
# ("Compile time of a user's translation unit").
#
#   bash scripts/compile-times.sh [compiler] [flags...]      default: g++ -std=c++17 -O0
#
# Each unit is compiled to an object file (no link) REPEAT times (default 3); the table gives the
# least user+system CPU seconds, which a busy machine disturbs less than wall time.
#
#   AGAINST=/path/to/other/checkout bash scripts/compile-times.sh
# adds a column: the header-only seconds of the same units with that checkout's include/, compiled
# in turn with this one's (one compile of each per repetition), so that a before/after comparison
# sees the same load of the machine.
set -euo pipefail
cd "$(dirname "$0")/.."
cxx=${1:-g++}
shift || true
flags=("$@")
[ ${#flags[@]} -gt 0 ] || flags=(-std=c++17 -O0)
repeat=${REPEAT:-3}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
inc=(-Iinclude -I/usr/include/eigen3)

# name | includes | body of main
units=(
  "lrs.hpp + a cosine schedule|lrs/lrs.hpp|lrs::cosine_annealing_lr<double> s(0.1, 100); return s(3) > 0 ? 0 : 1;"
  "optim.hpp + an AdamW step|lrs/optim.hpp|Eigen::VectorXf p = Eigen::VectorXf::Zero(8), g = p; lrs::adamw<float> o; o.step(lrs::param_tensor(p, g), 1e-3f); return 0;"
  "io.hpp|lrs/io.hpp|return 0;"
  "io.hpp + parse_schedule|lrs/io.hpp|return lrs::parse_schedule(\"StepLR(step_size=3)\", {0.1})(4) > 0 ? 0 : 1;"
  "controllers.hpp|lrs/controllers.hpp|return 0;"
  "analysis.hpp|lrs/analysis.hpp|return 0;"
  "analysis.hpp + fit_annealing_law|lrs/analysis.hpp|std::vector<lrs::loss_run> runs; return lrs::fit_annealing_law(runs).rmse > 0 ? 0 : 1;"
  "io/parse_schedule.hpp + parse_schedule|lrs/io/parse_schedule.hpp|return lrs::parse_schedule(\"StepLR(step_size=3)\", {0.1})(4) > 0 ? 0 : 1;"
  "analysis/scaling_law.hpp + fit_annealing_law|lrs/analysis/scaling_law.hpp|std::vector<lrs::loss_run> runs; return lrs::fit_annealing_law(runs).rmse > 0 ? 0 : 1;"
  "analysis/multi_power_law.hpp + fit_multi_power_law|lrs/analysis/multi_power_law.hpp|std::vector<lrs::loss_run> runs; return lrs::fit_multi_power_law(runs).rmse > 0 ? 0 : 1;"
  "analysis/optimize_schedule.hpp + optimize_schedule|lrs/analysis/optimize_schedule.hpp|return lrs::optimize_schedule(lrs::annealing_law{}, 100, 1e-3, {}).final_loss > 0 ? 0 : 1;"
  "analysis/gaussian_process.hpp + a fit|lrs/analysis/gaussian_process.hpp|lrs::gaussian_process gp; gp.fit({0.0, 1.0}, {1.0, 2.0}); return gp.fitted() ? 0 : 1;"
)

one_compile() {  # user+sys seconds of one compile of $1 with include dir $2 (more flags: $3...)
  local src=$1 dir=$2
  shift 2
  { /usr/bin/time -f '%U %S' "$cxx" "${flags[@]}" "$@" "-I$dir" -I/usr/include/eigen3 -c "$src" \
    -o "$work/o.o" 2>&1 >/dev/null; } | tail -n1 | awk '{ printf "%.2f", $1 + $2 }'
}

least() { awk -v a="$1" -v b="$2" 'BEGIN { print (b == "" || a < b) ? a : b }'; }

cpu_seconds() {  # least user+sys seconds of REPEAT compiles of $1 (more flags: $2...)
  local src=$1 best=""
  shift
  for ((r = 0; r < repeat; ++r)); do best=$(least "$(one_compile "$src" include "$@")" "$best"); done
  echo "$best"
}

# Least seconds of REPEAT compiles of $1 with include/ and with $AGAINST/include, in turn:
# prints both.
cpu_seconds_against() {
  local src=$1 best="" other=""
  for ((r = 0; r < repeat; ++r)); do
    best=$(least "$(one_compile "$src" include)" "$best")
    other=$(least "$(one_compile "$src" "$AGAINST/include")" "$other")
  done
  echo "$best $other"
}

echo "Compile time of one translation unit, $("$cxx" --version | head -n1), ${flags[*]}," \
  "least of $repeat, CPU seconds:"
echo
if [ -n "${AGAINST:-}" ]; then
  echo "| unit | header-only: CPU seconds | lines | compiled mode: CPU seconds | lines |" \
    "header-only, $(git -C "$AGAINST" rev-parse --short HEAD 2>/dev/null || echo "$AGAINST") |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: |"
else
  echo "| unit | header-only: CPU seconds | lines | compiled mode: CPU seconds | lines |"
  echo "| --- | ---: | ---: | ---: | ---: |"
fi
i=0
for u in "${units[@]}"; do
  IFS='|' read -r name header body <<<"$u"
  src=$work/u$i.cpp
  printf '#include <%s>\n#include <vector>\nint main() { %s }\n' "$header" "$body" >"$src"
  other=""
  if [ -n "${AGAINST:-}" ]; then
    read -r secs other <<<"$(cpu_seconds_against "$src")"
    other=" $other |"
  else
    secs=$(cpu_seconds "$src")
  fi
  lines=$("$cxx" "${flags[@]}" "${inc[@]}" -E "$src" | wc -l)
  csecs=$(cpu_seconds "$src" -DLRS_COMPILED)
  clines=$("$cxx" "${flags[@]}" -DLRS_COMPILED "${inc[@]}" -E "$src" | wc -l)
  echo "| \`<$header>\`${name#*.hpp} | $secs | $lines | $csecs | $clines |$other"
  i=$((i + 1))
done
