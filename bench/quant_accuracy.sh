#!/usr/bin/env bash
# Accuracy of the precision policies on the zoo's image classifiers over
# their full held-out test split, calibrated on training-split samples only
# (docs/Benchmarks.md): the Fashion-MNIST models on the 10,000 test images
# with test/models/zoo/fmnist-calib; vit_digits on its 360 test images
# (test/models/zoo/vit_digits/test) with test/models/zoo/vit_digits/calib.
#   bench/quant_accuracy.sh [LIMIT] [ROW...]
# LIMIT: test images per run (default 10000; at most the split's size). A ROW is either
#   MODEL                       bf16, then tataa with each observer (minmax,
#                               percentile, mse); the default rows are
#                               vit_fmnist vit_relu vit_digits
#   'MODEL|POLICY|OPTIONS[|REF]' one run: --precision POLICY plus the extra
#                               `tern eval` OPTIONS (split on spaces), e.g.
#                               'vit_fmnist|tataa|--bits w4a8 --per-channel';
#                               REF names the zoo model whose FP32 accuracy
#                               the drop is taken against (default MODEL)
# Policies other than bf16 and qdq (which uses the model's own QDQ scales) are
# calibrated with --calib (observer: tern's default unless OPTIONS name one).
# Needs dataset-fashion-mnist (apt; not for vit_digits, whose split is
# committed) and a build in build/. Prints one line per run: top-1 on the
# simulator and the drop against the FP32 torch accuracy of REF on the same
# test images (meta.json metrics.torch_test_top1).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
limit=${1:-10000}
shift || true
[ $# -gt 0 ] || set -- vit_fmnist vit_relu vit_digits
tern="$root/build/bin/tern"

split() { # model -> "TEST_DIR CALIB_DIR"
  case $1 in
  vit_digits) echo "$root/test/models/zoo/vit_digits/test $root/test/models/zoo/vit_digits/calib" ;;
  *)
    local data="$root/build/bench-data/fmnist-test"
    [ -f "$data/labels.npy" ] || /usr/bin/python3 "$root/scripts/zoo/splits.py" test "$data"
    echo "$data $root/test/models/zoo/fmnist-calib"
    ;;
  esac
}

run() { # model policy label ref [tern eval options...]
  local m=$1 policy=$2 label=$3 ref=$4
  shift 4
  local zoo="$root/test/models/zoo/$m" extra=("$@") data calib
  read -r data calib <<<"$(split "$m")"
  case $policy in bf16 | qdq) ;; *) extra=(--calib "$calib" "${extra[@]}") ;; esac
  local out fp32
  out=$("$tern" eval "$zoo/model.onnx" --dataset "$data" --limit "$limit" \
          --precision "$policy" "${extra[@]}")
  fp32=$(/usr/bin/python3 -c "import json;print(json.load(open('$root/test/models/zoo/$ref/meta.json'))['metrics']['torch_test_top1'])")
  echo "$out" | awk -v m="$m" -v p="$policy" -v o="$label" -v f="$fp32" -v r="$ref" '
    /^top-1 accuracy/ {acc=$3}
    /^samples:/ {n=$2}
    /^per sample/ {cyc=$9; uj=$13}
    END {printf "%-11s %-8s %-28s top-1 %.4f  FP32(torch %s) %.4f  drop %+.2f pt  n=%d  %s cycles  %s uJ/sample\n",
         m, p, o, acc, r, f, (f-acc)*100, n, cyc, uj}'
}

for row in "$@"; do
  case $row in
  *'|'*)
    IFS='|' read -r m policy opts ref <<<"$row"
    read -r -a optv <<<"$opts"
    run "$m" "$policy" "${opts:--}" "${ref:-$m}" "${optv[@]}"
    ;;
  *)
    run "$row" bf16 - "$row"
    for obs in minmax percentile mse; do
      run "$row" tataa "--observer $obs" "$row" --observer "$obs"
    done
    ;;
  esac
done
