#!/usr/bin/env bash
# Accuracy of the precision policies on the zoo's Fashion-MNIST models over the
# full held-out test split (10,000 images), calibrated on the training-split
# samples in test/models/zoo/fmnist-calib (docs/Benchmarks.md).
#   bench/quant_accuracy.sh [LIMIT] [MODEL...]
# LIMIT: test images per run (default 10000); MODELS default: vit_fmnist vit_relu.
# Needs dataset-fashion-mnist (apt) and a build in build/. Prints one line per
# (model, policy, observer): top-1 on the simulator and the drop against the
# model's FP32 torch accuracy on the same 10k images (meta.json).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
limit=${1:-10000}
shift || true
models=${*:-vit_fmnist vit_relu}
tern="$root/build/bin/tern"
data="$root/build/bench-data/fmnist-test"
[ -f "$data/labels.npy" ] || /usr/bin/python3 "$root/scripts/zoo/splits.py" test "$data"

run() { # model policy observer
  local zoo="$root/test/models/zoo/$1" extra=()
  [ "$2" = bf16 ] || extra=(--calib "$root/test/models/zoo/fmnist-calib" --observer "$3")
  local out fp32
  out=$("$tern" eval "$zoo/model.onnx" --dataset "$data" --limit "$limit" \
          --precision "$2" "${extra[@]}")
  fp32=$(/usr/bin/python3 -c "import json;print(json.load(open('$zoo/meta.json'))['metrics']['torch_test_top1'])")
  echo "$out" | awk -v m="$1" -v p="$2" -v o="$3" -v f="$fp32" -v n="$limit" '
    /^top-1 accuracy/ {acc=$3}
    /^per sample/ {cyc=$9; uj=$13}
    END {printf "%-11s %-6s %-13s top-1 %.4f  FP32(torch, 10k) %.4f  drop %+.2f pt  n=%d  %s cycles  %s uJ/sample\n",
         m, p, o, acc, f, (f-acc)*100, n, cyc, uj}'
}

for m in $models; do
  run "$m" bf16 -
  for obs in minmax percentile mse; do run "$m" tataa "$obs"; done
done
