#!/usr/bin/env bash
# Redraws every SVG under docs/ from the current code: builds the programs docs/plots.txt names
# (Release, build/docs-plots), runs each distinct command once in a scratch directory and copies
# the SVGs into docs/. Fails if an SVG under docs/ is missing from docs/plots.txt.
# Usage: scripts/docs-plots.sh [--list] [SVG...]   (--list: print the plan; SVGs: only those)
set -euo pipefail
cd "$(dirname "$0")/.."
list=docs/plots.txt
build=build/docs-plots

declare -a svgs files cmds
while IFS= read -r line; do
  [[ -z ${line//[[:space:]]/} || $line == \#* ]] && continue
  IFS='|' read -r svg file cmd <<<"$line"
  svg=$(echo "$svg" | xargs) file=$(echo "$file" | xargs) cmd=$(echo "$cmd" | sed 's/^ *//; s/ *$//')
  [[ -n $svg && -n $file && -n $cmd ]] || { echo "docs-plots: bad line in $list: $line" >&2; exit 2; }
  svgs+=("$svg") files+=("$file") cmds+=("$cmd")
done <"$list"

# Every SVG under docs/ must be listed.
status=0
while IFS= read -r f; do
  found=0
  for s in "${svgs[@]}"; do [[ $s == "$f" ]] && found=1; done
  if [[ $found == 0 ]]; then
    echo "docs-plots: $f is not in $list (add the command that draws it)" >&2
    status=1
  fi
done < <(find docs -name '*.svg' | sort)
[[ $status == 0 ]] || exit 2

if [[ ${1:-} == --list ]]; then
  for i in "${!svgs[@]}"; do echo "${svgs[$i]} <- ${files[$i]} <- ${cmds[$i]}"; done
  exit 0
fi
only=("$@")
wanted() {
  [[ ${#only[@]} == 0 ]] && return 0
  for o in "${only[@]}"; do [[ $o == "$1" ]] && return 0; done
  return 1
}

# Programs to build: the first word of each wanted command.
declare -A targets=()
for i in "${!svgs[@]}"; do
  wanted "${svgs[$i]}" || continue
  prog=${cmds[$i]%% *}
  [[ $prog == lrs ]] && targets[lrs_tool]=1 || targets[$prog]=1
done
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=Release -DLRS_BUILD_TESTS=OFF >/dev/null
cmake --build "$build" -j "$(nproc 2>/dev/null || echo 2)" --target "${!targets[@]}"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
declare -A done_cmds=()
for i in "${!svgs[@]}"; do
  wanted "${svgs[$i]}" || continue
  cmd=${cmds[$i]} prog=${cmd%% *} args=${cmd#"$prog"}
  if [[ $prog == lrs ]]; then exe=$PWD/$build/tools/lrs/lrs; else exe=$PWD/$build/examples/$prog; fi
  key=$(printf '%s' "$cmd" | cksum | cut -d' ' -f1)
  dir=$work/$key
  if [[ -z ${done_cmds[$key]:-} ]]; then
    mkdir -p "$dir"
    echo "docs-plots: $cmd" >&2
    (cd "$dir" && eval "\"$exe\" $args" >"$dir/stdout")
    done_cmds[$key]=1
  fi
  if [[ ${files[$i]} == - ]]; then src=$dir/stdout; else src=$dir/${files[$i]}; fi
  cp "$src" "${svgs[$i]}"
  echo "docs-plots: wrote ${svgs[$i]}" >&2
done
