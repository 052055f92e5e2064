#!/usr/bin/env bash
# Compile time, peak memory and simulation speed of a zoo model against
# onnxruntime on the same samples in the same run (docs/Benchmarks.md).
#   bench/sim_vs_ort.sh [model] [target]     (default: vit_fmnist tern-edge)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
model=${1:-vit_fmnist}
target=${2:-tern-edge}
zoo="$root/test/models/zoo/$model"
tern="$root/build/bin/tern"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

for i in 1 2 3; do
  /usr/bin/time -f "%e %M" -o "$tmp/t$i" "$tern" compile "$zoo/model.onnx" \
    --target "$target" -o "$tmp/m.tern" >/dev/null
done
compile_s=$(cat "$tmp"/t? | awk '{print $1}' | median)
compile_kb=$(cat "$tmp"/t? | awk '{print $2}' | median)
echo "compile: ${compile_s} s wall, peak RSS $((compile_kb / 1024)) MiB (median of 3)"
ls -l "$zoo/model.onnx" | awk '{printf "model file: %.2f MiB\n", $5 / 1048576}'

for i in 1 2 3; do
  /usr/bin/time -f "%e" -o "$tmp/e$i" "$tern" eval "$zoo/model.onnx" \
    --dataset "$zoo" --target "$target" --limit 64 >/dev/null
done
eval_s=$(cat "$tmp"/e? | median)
awk -v e="$eval_s" -v c="$compile_s" \
  'BEGIN {printf "functional simulation: %.3f ms per sample (eval - compile, 64 samples)\n", (e - c) * 1000 / 64}'
input=$("$tern" inspect "$tmp/m.tern" | awk '/^inputs?:/ {getline; print $1; exit}' | tr -d '":')
node "$root/bench/ort_time.js" "$zoo/model.onnx" "$zoo/inputs.npy" "${input:-image}" 64 5
