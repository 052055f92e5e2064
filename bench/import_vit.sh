#!/usr/bin/env bash
# Import benchmark: torchvision ViT-B/16 (330 MB ONNX) through
# `tern-translate --import-onnx`, median wall time and peak RSS of N runs
# (GNU time). Not run in CI; see docs/Benchmarks.md for what it measures.
#
#   bench/import_vit.sh [model.onnx ...]      (default: build/models/vit_b16_op{17,13}.onnx,
#                                              made by scripts/models/export_models.py --vit)
# Environment: TERN_BUILD_DIR (default build), RUNS (default 5).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERN_BUILD_DIR:-$root/build}
runs=${RUNS:-5}
tool=$build/bin/tern-translate
models=("$@")
if [ ${#models[@]} -eq 0 ]; then
  models=("$build/models/vit_b16_op17.onnx" "$build/models/vit_b16_op13.onnx")
fi
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

for model in "${models[@]}"; do
  [ -f "$model" ] || { echo "missing $model (run scripts/models/export_models.py --vit)"; exit 1; }
  size_mb=$(( $(stat -c %s "$model") / 1000000 ))
  # Two output modes: weights elided from the printed IR (import + verify +
  # print of the ops), and the complete textual IR with its 660 MB of hex
  # written to /dev/null.
  for mode in elided full; do
    flags=()
    [ $mode = elided ] && flags=(--mlir-elide-resource-strings-if-larger=16)
    walls=() ; rss=() ; cpus=()
    for _ in $(seq "$runs"); do
      log=$(mktemp)
      /usr/bin/time -v "$tool" --import-onnx "$model" "${flags[@]}" -o /dev/null 2> "$log"
      w=$(awk -F': ' '/Elapsed \(wall clock\)/ {split($2,t,":"); s=0; for(i=1;i<=length(t);i++) s=s*60+t[i]; print s}' "$log")
      r=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
      c=$(awk -F': ' '/User time|System time/ {s+=$2} END {print s}' "$log")
      walls+=("$w"); rss+=("$r"); cpus+=("$c"); rm -f "$log"
    done
    wm=$(printf '%s\n' "${walls[@]}" | median)
    rm_kb=$(printf '%s\n' "${rss[@]}" | median)
    cm=$(printf '%s\n' "${cpus[@]}" | median)
    printf '%-18s %-6s file %3d MB  wall median %5.2f s (runs: %s)  user+sys median %5.2f s  peak RSS median %4d MB (%.2fx file)  load %s\n' \
      "$(basename "$model")" "$mode" "$size_mb" "$wm" "${walls[*]}" "$cm" $((rm_kb / 1000)) \
      "$(echo "$rm_kb $size_mb" | awk '{print $1/1000/$2}')" "$(cut -d' ' -f1 /proc/loadavg)"
  done
done
