#!/usr/bin/env bash
# Token pruning (tern-prune-tokens) + FFN2 dynamic sparsity (tern-ffn2-sparsity)
# on the zoo's ReLU ViTs over the Fashion-MNIST test split (issue 8,
# SEEDS.md 2; docs/Benchmarks.md "Token pruning and FFN2 sparsity").
#   bench/pruning.sh [MODEL...]    (default: vit_relu vit_relu_pruned)
# Environment: HEAD_N (default 10000) images for the headline rows (dense
# int8 and ffn2 + keep rate 0.5), ROW_N (default 2000) for the other rows
# (the first N test images; each row prints its count).
#
# Per model: compiles with --precision tataa for tern-edge, calibrated on
# test/models/zoo/fmnist-calib (training images), and evaluates with
# `tern eval` on build/bench-data/fmnist-test (made by scripts/zoo/splits.py
# like bench/quant_accuracy.sh): dense; --ffn2-sparsity (threshold 0, exact);
# --ffn2-sparsity + --prune-tokens on layers 1,2,3 at keep rates 0.9 ... 0.5;
# at keep rate 0.5 with --ffn2-threshold 2 and 8; and at keep rate 0.5 with
# --prune-fuse (EViT fusion: one extra token per pruning point). Columns: MACs per image
# (functional model, mean) and their saving against the dense program; FFN2
# weight bytes the matrix unit reads per image (bitmap-GEMM weight bytes
# minus those the bitmaps skipped) and their saving against the dense FFN2
# (the threshold-0 row's total, all 17 tokens); timing-model cycles per
# image (static: kept counts are compile-time for top-k, bitmaps are charged
# at capacity, docs/Timing.md); simulated top-1; top-1 of an FP32 numpy
# model that prunes the same way (bench/pruning_fp32.py: Tern's int8 CLS
# scores, FFN2 dense); and the drop of the simulated top-1 against the
# dense FP32 vit_relu on the same images (numpy, the issue's baseline).
# Also checks on the fixture that --ffn2-sparsity at threshold 0 is
# bit-exact (tern run, byte-identical outputs).
# Threshold selection (--prune-threshold T, a run-time token count): a
# second table, ROW_N images, T in THRESHOLDS (default "2 3 4 6 8") on
# layers 1,2,3 with --ffn2-sparsity: mean token counts and top-1 of the
# FP32 numpy model (bench/pruning_fp32.py --thresholds, Tern's int8
# scores), the closed-form MACs of running only the kept tokens, and the
# simulated MACs (and their saving against the dense 3,541,120), FFN2 weight
# reads, cycles and top-1. The program runs only the kept rows (lensel after
# each pruning point, docs/Lowering.md); `tern eval` charges each image's
# executed counts and bitmap rows to the timing model (the mean over the
# images, like `tern run --mode both`). TABLES=threshold
# prints only that table (TABLES=topk only the first; default both).
# Needs a build in build/ (or TERN_BUILD_DIR) and dataset-fashion-mnist.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERN_BUILD_DIR:-$root/build}
tern="$build/bin/tern"
py=/usr/bin/python3
models=${*:-vit_relu vit_relu_pruned}
head_n=${HEAD_N:-10000}
row_n=${ROW_N:-2000}
calib="$root/test/models/zoo/fmnist-calib"
data="$root/build/bench-data/fmnist-test"
[ -f "$data/labels.npy" ] || $py "$root/scripts/zoo/splits.py" test "$data"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
layers=1,2,3
tables=${TABLES:-topk,threshold}
thresholds=${THRESHOLDS:-2 3 4 6 8}

# FP32 numpy accuracies: dense vit_relu (the baseline of every drop) and each
# model pruned at each keep rate, on the first N images for both N.
fp32() { # model n rate -> top-1 (rate "0.50f": with --prune-fuse)
  local file="$work/fp32_$1_$2.txt" rate=$3
  if [[ $rate == *f ]]; then file="$work/fp32f_$1_$2.txt"; rate=${rate%f}; fi
  awk -v r="$rate" '$2 == r {print $6}' "$file"
}
for n in $row_n $head_n; do
  [[ $tables == *topk* ]] || [ "$n" = "$row_n" ] || continue
  for m in vit_relu $models; do
    [ -f "$work/fp32_${m}_$n.txt" ] ||
      $py "$root/bench/pruning_fp32.py" "$root/test/models/zoo/$m/model.onnx" "$data" \
        --limit "$n" --layers $layers --rates 1.00 0.90 0.80 0.70 0.60 0.50 \
        > "$work/fp32_${m}_$n.txt"
  done
done
for m in $models; do
  [[ $tables == *topk* ]] || continue
  $py "$root/bench/pruning_fp32.py" "$root/test/models/zoo/$m/model.onnx" "$data" \
    --limit "$row_n" --layers $layers --rates 0.50 --fuse > "$work/fp32f_${m}_$row_n.txt"
done

threshold_table() {
  echo
  echo "Threshold selection (--prune-threshold T on layers $layers, with --ffn2-sparsity): run-time token counts."
  echo
  echo "| model | T | images | mean tokens after L1,L2,L3 (FP32) | MACs/image on kept tokens (closed form) | saved | MACs/image executed (sim) | saved | FFN2 W read (B/image) | cycles/image (sim, executed counts) | top-1 (sim) | top-1 FP32 threshold (numpy) | drop vs dense FP32 (pt) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  local base
  base=$(fp32 vit_relu "$row_n" 1.00)
  for m in $models; do
    zoo="$root/test/models/zoo/$m"
    [ -f "$work/$m.stats.json" ] ||
      "$tern" compile "$zoo/model.onnx" --precision tataa --calib "$calib" \
        --save-calib-stats "$work/$m.stats.json" -o "$work/$m.dense.tern" >/dev/null
    $py "$root/bench/pruning_fp32.py" "$zoo/model.onnx" "$data" --limit "$row_n" \
      --layers $layers --thresholds $thresholds > "$work/fp32t_$m.txt"
    for t in $thresholds; do
      "$tern" eval "$zoo/model.onnx" --dataset "$data" --limit "$row_n" --precision tataa \
        --calib-stats "$work/$m.stats.json" --ffn2-sparsity --prune-tokens \
        --prune-layers "$layers" --prune-threshold "$t" |
        awk -v m="$m" -v t="$t" -v n="$row_n" -v b="$base" \
            -v f="$(awk -v t="$t" '$2 == t' "$work/fp32t_$m.txt")" '
          /^top-1 accuracy/ {acc=$3}
          /^per sample/ {macs=$5; cyc=$9}
          /^bitmap gemms/ {skip=$4; tot=$6}
          END {
            split(f, w, " "); split(w[9], c, ",")
            printf "| %s | %s | %s | %s, %s, %s | %.0f | %.1f%% | %s | %.1f%% | %d | %s | %.4f | %.4f | %+.2f |\n",
              m, t, n, c[2], c[3], c[4], w[11], 100 * (3541120 - w[11]) / 3541120, macs,
              100 * (3541120 - macs) / 3541120, tot - skip, cyc, acc, w[6], 100 * (b - acc)
          }'
    done
  done
}

if [[ $tables != *topk* ]]; then
  threshold_table
  exit 0
fi
echo "Seed design (SEEDS.md 2, 28 nm ViT): 61.5% fewer operations, 59.3% fewer FFN2 weights, < 2% accuracy loss."
echo "Issue 8 target: >= 40% fewer operations and >= 40% less FFN2 weight traffic at <= 2 points drop."
echo
echo "| model | config | images | MACs/image | ops saved | FFN2 W read (B/image) | FFN2 W saved | cycles/image | top-1 (sim) | top-1 FP32 pruned (numpy) | drop vs dense FP32 (pt) |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"

for m in $models; do
  zoo="$root/test/models/zoo/$m"
  "$tern" compile "$zoo/model.onnx" --precision tataa --calib "$calib" \
    --save-calib-stats "$work/$m.stats.json" -o "$work/$m.dense.tern" >/dev/null
  common=(--precision tataa --calib-stats "$work/$m.stats.json")

  # Threshold 0 is exact: dense and bitmap programs give byte-identical outputs.
  "$tern" compile "$zoo/model.onnx" "${common[@]}" --ffn2-sparsity -o "$work/$m.ffn2.tern" >/dev/null
  rm -rf "$work/in" && $py - "$zoo/inputs.npy" "$work/in" <<'PY'
import os, sys, numpy as np
x = np.load(sys.argv[1]); os.makedirs(sys.argv[2], exist_ok=True)
for i in range(x.shape[0]):
    np.save(os.path.join(sys.argv[2], f"{i}.npy"), x[i:i + 1].astype(np.float32))
PY
  same=0; total=0
  for f in "$work"/in/*.npy; do
    i=$(basename "$f" .npy)
    "$tern" run "$work/$m.dense.tern" --input "image=$f" --output-dir "$work/d$i" --quiet
    "$tern" run "$work/$m.ffn2.tern" --input "image=$f" --output-dir "$work/s$i" --quiet
    total=$((total + 1))
    if diff -rq "$work/d$i" "$work/s$i" >/dev/null; then same=$((same + 1)); fi
    rm -rf "$work/d$i" "$work/s$i"
  done
  echo "$m: ffn2 threshold 0: $same of $total fixture images give byte-identical outputs (dense vs bitmap program)" >&2

  row() { # label n rate flags...
    local label=$1 n=$2 rate=$3; shift 3
    "$tern" eval "$zoo/model.onnx" --dataset "$data" --limit "$n" "${common[@]}" "$@" |
      awk -v l="$label" -v n="$n" -v f="$(fp32 "$m" "$n" "$rate")" \
          -v b="$(fp32 vit_relu "$n" 1.00)" '
        /^top-1 accuracy/ {acc=$3}
        /^per sample/ {macs=$5; cyc=$9}
        /^bitmap gemms/ {skip=$4; tot=$6}
        END {printf "%s|%s|%s|%s|%s|%s|%s|%s|%s\n", l, n, macs, tot+0, skip+0, cyc, acc, f, b}'
  }
  {
    row "dense int8" "$head_n" 1.00
    row "ffn2 t=0" "$row_n" 1.00 --ffn2-sparsity
    for r in 0.90 0.80 0.70 0.60; do
      row "ffn2 + prune L$layers rho=$r" "$row_n" "$r" --ffn2-sparsity \
        --prune-tokens --prune-layers "$layers" --prune-keep-rate "$r"
    done
    row "ffn2 + prune L$layers rho=0.50" "$head_n" 0.50 --ffn2-sparsity \
      --prune-tokens --prune-layers "$layers" --prune-keep-rate 0.5
    for t in 2 8; do
      row "ffn2 t=$t + prune L$layers rho=0.50" "$row_n" 0.50 --ffn2-sparsity \
        --ffn2-threshold "$t" --prune-tokens --prune-layers "$layers" --prune-keep-rate 0.5
    done
    row "ffn2 + prune L$layers rho=0.50 + fuse" "$row_n" 0.50f --ffn2-sparsity \
      --prune-tokens --prune-layers "$layers" --prune-keep-rate 0.5 --prune-fuse
  } | awk -F'|' -v m="$m" '
    { for (i = 1; i <= 9; i++) f[NR, i] = $i }
    END {
      dm = f[1, 3]; dw = f[2, 4]
      for (r = 1; r <= NR; r++) {
        read = (r == 1 ? dw : f[r, 4] - f[r, 5])
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %.4f | %.4f | %+.2f |\n", m, f[r, 1],
          f[r, 2], f[r, 3], (r == 1 ? "-" : sprintf("%.1f%%", 100 * (dm - f[r, 3]) / dm)),
          read, (r == 1 ? "-" : sprintf("%.1f%%", 100 * (dw - read) / dw)), f[r, 6], f[r, 7],
          f[r, 8], 100 * (f[r, 9] - f[r, 7])
      }
    }'
done
[[ $tables != *threshold* ]] || threshold_table
