#!/usr/bin/env bash
# Host time of the timing model on a real compiled ViT-B/16 (issue 9:
# `--mode perf` in <= 1 s; docs/Benchmarks.md, "Timing model: simulation
# speed"). Not run in CI.
#
#   bash bench/perf_mode_speed.sh [TARGET]        (default tern-edge)
#
# 1. Once: exports torchvision ViT-B/16 (bench/export_vit_b16.py, needs
#    python3-torch and python3-torchvision) and compiles it with
#    `tern compile --precision bf16` (2-3 minutes); both are cached under
#    $build/bench-data/vit_b16/ (delete the .tern file to recompile).
# 2. Times `tern run PROG --mode perf` RUNS times, and the same with
#    `--stats X.json` (which also reads the debug map: layer names), with GNU
#    time -v: median user+sys, median wall and median peak RSS of each.
# 3. With BASELINE_TERN=path/to/an/older/tern: runs that binary with --stats
#    on the same program and checks that both JSON files are byte-identical
#    (and reports its median times too, for a before/after).
# Environment: TERN_BUILD_DIR (default build), RUNS (default 5).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERN_BUILD_DIR:-$root/build}
runs=${RUNS:-5}
target=${1:-tern-edge}
tern=$build/bin/tern
data=$build/bench-data/vit_b16
model=$data/vit_b16_op17.onnx
prog=$data/vit_b16.$target.tern
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

[ -x "$tern" ] || { echo "missing $tern (build first)" >&2; exit 1; }
if [ ! -f "$model" ]; then
  echo "exporting ViT-B/16 to $model (once)"
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$root/bench/export_vit_b16.py" "$data" 2>/dev/null
fi
if [ ! -f "$prog" ]; then
  echo "compiling $model for $target (once, 2-3 minutes)"
  "$tern" compile "$model" --target "$target" --precision bf16 -o "$tmp/prog.tern"
  mv "$tmp/prog.tern" "$prog"
fi
size_mb=$(awk -v b="$(stat -c %s "$prog")" 'BEGIN {printf "%.1f", b / 1e6}')
echo "program: $prog ($size_mb MB), load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$tern" inspect "$prog" | grep -E '^  (code|debug):' || true

# timeit LABEL BINARY ARGS...: RUNS runs under GNU time -v; prints the medians.
timeit() {
  local label=$1 bin=$2
  shift 2
  local cpu=() wall=() rss=()
  for i in $(seq "$runs"); do
    /usr/bin/time -v -o "$tmp/time" "$bin" run "$prog" --mode perf "$@" \
      > /dev/null 2> "$tmp/log" || { cat "$tmp/log" "$tmp/time" >&2; exit 1; }
    cpu+=("$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$tmp/time")")
    wall+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n = split($2, t, ":"); s = 0;
                for (j = 1; j <= n; j++) s = s * 60 + t[j]; print s}' "$tmp/time")")
    rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$tmp/time")")
  done
  printf '%-40s user+sys median %.2f s (runs: %s), wall median %.2f s, peak RSS median %d MB\n' \
    "$label" "$(printf '%s\n' "${cpu[@]}" | median)" "${cpu[*]}" \
    "$(printf '%s\n' "${wall[@]}" | median)" \
    $(($(printf '%s\n' "${rss[@]}" | median | cut -d. -f1) / 1000))
}

"$tern" run "$prog" --mode perf 2>&1 | grep -E '^cycles:'
timeit "tern run --mode perf" "$tern"
timeit "tern run --mode perf --stats x.json" "$tern" --stats "$tmp/stats.json"
if [ -n "${BASELINE_TERN:-}" ]; then
  timeit "baseline: --mode perf" "$BASELINE_TERN"
  timeit "baseline: --mode perf --stats x.json" "$BASELINE_TERN" --stats "$tmp/base.json"
  if cmp -s "$tmp/stats.json" "$tmp/base.json"; then
    echo "--stats JSON: byte-identical to $BASELINE_TERN's ($(stat -c %s "$tmp/stats.json") bytes)"
  else
    echo "--stats JSON DIFFERS from $BASELINE_TERN's" >&2
    exit 1
  fi
fi
