#!/usr/bin/env bash
# FFN2 dynamic sparsity (tern-ffn2-sparsity) and, once lowered, token pruning
# (tern-prune-tokens) on the zoo's ReLU ViT (docs/Benchmarks.md, SEEDS.md 2).
#   bench/pruning.sh [THRESHOLDS...]     (default: 0 1 2 4 8)
# Compiles test/models/zoo/vit_relu with --precision tataa (calibrated on
# test/models/zoo/fmnist-calib), dense and with --ffn2-sparsity
# --ffn2-threshold T, evaluates each program on the 64-image fixture and
# prints one row per configuration: MACs per image (functional model, mean),
# FFN2 weight bytes the matrix unit reads (dense vs skipped by the bitmaps),
# timing-model cycles (static: bitmaps and run-time lengths are charged at
# their capacity, docs/Timing.md), top-1 accuracy and its drop against the
# dense int8 program. It also checks that threshold 0 is bit-exact: the
# dense and the bitmap program give byte-identical outputs (tern run).
# Needs a build in build/ (or TERN_BUILD_DIR).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERN_BUILD_DIR:-$root/build}
tern="$build/bin/tern"
zoo="$root/test/models/zoo/vit_relu"
calib="$root/test/models/zoo/fmnist-calib"
thresholds=${*:-0 1 2 4 8}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$tern" compile "$zoo/model.onnx" --precision tataa --calib "$calib" \
  --save-calib-stats "$work/stats.json" -o "$work/dense.tern" >/dev/null
common=(--precision tataa --calib-stats "$work/stats.json")

# Bit-exactness of threshold 0 on every fixture image (tern run).
"$tern" compile "$zoo/model.onnx" "${common[@]}" --ffn2-sparsity -o "$work/ffn2.tern"
/usr/bin/python3 - "$zoo/inputs.npy" "$work/in" <<'PY'
import os, sys, numpy as np
x = np.load(sys.argv[1]); os.makedirs(sys.argv[2], exist_ok=True)
for i in range(x.shape[0]):
    np.save(os.path.join(sys.argv[2], f"{i}.npy"), x[i:i + 1].astype(np.float32))
PY
same=0; total=0
for f in "$work"/in/*.npy; do
  i=$(basename "$f" .npy)
  "$tern" run "$work/dense.tern" --input "image=$f" --output-dir "$work/d$i" --quiet
  "$tern" run "$work/ffn2.tern" --input "image=$f" --output-dir "$work/s$i" --quiet
  total=$((total + 1))
  if diff -rq "$work/d$i" "$work/s$i" >/dev/null; then same=$((same + 1)); fi
done
echo "threshold 0: $same of $total images give byte-identical outputs (dense vs bitmap program)"

row() { # label flags...
  local label=$1; shift
  "$tern" eval "$zoo/model.onnx" --dataset "$zoo" "${common[@]}" "$@" |
    awk -v l="$label" '
      /^top-1 accuracy/ {acc=$3}
      /^per sample/ {macs=$5; cyc=$9}
      /^bitmap gemms/ {skip=$4; tot=$6}
      END {printf "%s|%s|%s|%s|%s|%s\n", l, macs, tot, skip, cyc, acc}'
}
echo "| config | MACs/image | ops saved | FFN2 W bytes read | skipped | FFN2 W saved | cycles (static) | top-1 | drop (pt) |"
echo "|---|---|---|---|---|---|---|---|---|"
{
  row dense
  for t in $thresholds; do row "ffn2 t=$t" --ffn2-sparsity --ffn2-threshold "$t"; done
} | awk -F'|' '
  NR == 1 {dm = $2; dacc = $6}
  { tot = $3 + 0; skip = $4 + 0
    printf "| %s | %d | %.1f%% | %s | %s | %s | %s | %.4f | %+.2f |\n", $1, $2,
      100 * (dm - $2) / dm, (tot ? tot : "-"), (tot ? skip : "-"),
      (tot ? sprintf("%.1f%%", 100 * skip / tot) : "-"), $5, $6,
      100 * (dacc - $6) }'
