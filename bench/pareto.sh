#!/usr/bin/env bash
# Pareto table of the precision policies (issue 7): error, accuracy, cycles
# and energy of every policy on the zoo's Fashion-MNIST ViTs
# (docs/Benchmarks.md, "Pareto").
#   bench/pareto.sh [TARGET] [MODEL...]   (default: tern-edge vit_fmnist vit_relu)
# Env: REQUANT (see below), TEST_LIMIT (test images, default 1000; the split is built on demand
# from apt's dataset-fashion-mnist), CALIB_LIMIT (calibration images of
# test/models/zoo/fmnist-calib the observers see, default 32), CALIB_SAMPLES
# (default 16, what `auto` measures its error on and the error column uses).
#
# Columns:
#  - error: relative L2 of the logits against the all-bf16 program on the
#    first CALIB_SAMPLES calibration images (training split), the quantity
#    `auto` bounds with --error-budget; computed by `tern eval` against the
#    bf16 program's saved outputs, so it is independent of auto's own count;
#  - top-1 on the first TEST_LIMIT images of the held-out test split, and the
#    agreement with the model's onnxruntime FP32 top-1 on the 64-image fixture;
#  - cycles and energy per image from the timing model (perf numbers of the
#    same program), conversions = int8<->bf16 conversion ops in the program.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
target=${1:-tern-edge}
shift || true
models=${*:-vit_fmnist vit_relu}
test_limit=${TEST_LIMIT:-1000}
calib_n=${CALIB_SAMPLES:-16}
calib_limit=${CALIB_LIMIT:-32}
# REQUANT: a requantization variant other than the target's (e.g. ibert on
# tataa-u280, whose int16 partial sums overflow on these models).
requant=()
[ -z "${REQUANT:-}" ] || requant=(--requant "$REQUANT")
tern="$root/build/bin/tern"
py=/usr/bin/python3
calib="$root/test/models/zoo/fmnist-calib"
data="$root/build/bench-data/fmnist-test"
[ -f "$data/labels.npy" ] || $py "$root/scripts/zoo/splits.py" test "$data"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# calib16/: the first calib_n calibration images; reference.npy is filled
# per model with the bf16 program's outputs.
mkdir -p "$tmp/calib"
$py -c "import numpy as np; a=np.load('$calib/inputs.npy'); np.save('$tmp/calib/inputs.npy', a[:$calib_n])"

field() { # regex awk-field-number file
  awk -v f="$2" "/$1/ {print \$f; exit}" "$3"
}

row() { # model label compile-args... [-- eval-args...]
  # The eval runs take the compile's arguments unless `--` gives others
  # (auto: its selection is replayed from the saved overrides rather than
  # searched again; the replay is byte-identical, test/e2e/precision-policies).
  local m=$1 label=$2
  shift 2
  local zoo="$root/test/models/zoo/$m" c=() comp=() ev=() seen=0 a
  [ "$label" = bf16 ] || c=(--calib "$calib" --calib-limit "$calib_limit" "${requant[@]}")
  for a in "$@"; do
    if [ "$a" = -- ]; then seen=1; elif [ $seen = 0 ]; then comp+=("$a"); else ev+=("$a"); fi
  done
  [ $seen = 1 ] || ev=("${comp[@]}")
  if ! "$tern" compile "$zoo/model.onnx" --target "$target" "${comp[@]}" "${c[@]}" \
      -o "$tmp/p.tern" >"$tmp/compile.txt" 2>&1; then
    printf '| %s | %s | refused: %s ||||||\n' "$m" "$label" \
      "$(grep -m1 error "$tmp/compile.txt" | cut -c1-140)"
    return
  fi
  "$tern" eval "$zoo/model.onnx" --target "$target" --dataset "$tmp/calib" \
    "${ev[@]}" "${c[@]}" >"$tmp/err.txt" 2>&1
  "$tern" eval "$zoo/model.onnx" --target "$target" --dataset "$zoo" \
    "${ev[@]}" "${c[@]}" >"$tmp/fix.txt" 2>&1
  "$tern" eval "$zoo/model.onnx" --target "$target" --dataset "$data" \
    --limit "$test_limit" "${ev[@]}" "${c[@]}" >"$tmp/test.txt" 2>&1
  local err agree top1 cycles energy conv
  err=$(field "^relative L2" 7 "$tmp/err.txt" | tr -d ,)
  agree=$(field "^top-1 accuracy" 10 "$tmp/fix.txt")
  top1=$(field "^top-1 accuracy" 3 "$tmp/test.txt")
  cycles=$(field "^per sample" 9 "$tmp/test.txt")
  energy=$(field "^per sample" 13 "$tmp/test.txt")
  conv=$(grep -o '[0-9]* int8/bf16 conversions' "$tmp/compile.txt" | awk '{print $1}' || true)
  printf '| %s | %s | %s | %s | %s | %s | %s | %s uJ |\n' \
    "$m" "$label" "${conv:-0}" "$err" "$top1" "$agree" "$cycles" "$energy"
}

echo "target $target; error on $calib_n calibration images; top-1 on $test_limit test images"
echo
echo "| model | policy | conversions | error vs bf16 | top-1 (test) | agreement (fixture) | cycles | energy |"
echo "|---|---|---|---|---|---|---|---|"
for m in $models; do
  zoo="$root/test/models/zoo/$m"
  "$tern" eval "$zoo/model.onnx" --target "$target" --dataset "$tmp/calib" \
    --precision bf16 --save-outputs "$tmp/calib/reference.npy" >/dev/null 2>&1
  row "$m" bf16 --precision bf16
  row "$m" tataa --precision tataa
  row "$m" int8-max --precision int8-max
  row "$m" int-only --precision int-only
  for b in 0.01 0.02 0.05; do
    row "$m" "auto, budget $b" --precision auto --error-budget "$b" \
      --auto-samples "$calib_n" --save-precision "$tmp/auto.txt" \
      -- --precision-overrides "$tmp/auto.txt"
  done
  rm -f "$tmp/calib/reference.npy"
done
