#!/usr/bin/env bash
# Quick consistency check of the committed zoo (no training, a few seconds): for every
# test/models/zoo/<model>, re-runs scripts/zoo/ort/run_reference.js on model.onnx + inputs.npy
# and requires the result to equal the committed reference.npy byte for byte; likewise for a
# model's held-out split in <model>/test (vit_digits). Directories without a model.onnx (the
# calibration sets, e.g. fmnist-calib) are not models and are skipped.
# Needs node + (cd scripts/zoo/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci).
set -euo pipefail
cd "$(dirname "$0")/../.."
[ -d scripts/zoo/ort/node_modules/onnxruntime-node ] \
  || { echo "check_refs.sh: need (cd scripts/zoo/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci)" >&2; exit 1; }
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
n=0; bad=0
for d in test/models/zoo/*/; do
  m=$(basename "$d")
  [ -f "$d/model.onnx" ] || continue
  for f in model.onnx inputs.npy reference.npy meta.json; do
    [ -f "$d$f" ] || { echo "FAIL $m: missing $f"; bad=$((bad + 1)); continue 2; }
  done
  node scripts/zoo/ort/run_reference.js "$d/model.onnx" "$d/inputs.npy" "$tmp/$m.npy" >/dev/null
  if cmp -s "$tmp/$m.npy" "$d/reference.npy"; then echo "ok   $m"; else echo "FAIL $m: reference.npy differs"; bad=$((bad + 1)); fi
  n=$((n + 1))
  if [ -f "$d/test/reference.npy" ]; then
    node scripts/zoo/ort/run_reference.js "$d/model.onnx" "$d/test/inputs.npy" "$tmp/$m-test.npy" >/dev/null
    if cmp -s "$tmp/$m-test.npy" "$d/test/reference.npy"; then echo "ok   $m/test"; else echo "FAIL $m/test: reference.npy differs"; bad=$((bad + 1)); fi
    n=$((n + 1))
  fi
done
echo "$((n - bad))/$n zoo references reproduced"
[ "$bad" -eq 0 ]
