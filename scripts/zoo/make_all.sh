#!/usr/bin/env bash
# Regenerates Tern's model zoo: test/models/zoo/<model>/{model.onnx, inputs.npy,
# labels.npy|targets.npy, reference.npy, meta.json}. Installs nothing.
#
# Prerequisites (checked below):
#   apt:  python3-torch python3-torchvision python3-onnx python3-numpy python3-statsmodels
#         python3-sklearn libopenblas0-pthread dataset-fashion-mnist;   Node.js 20 + npm
#   npm:  (cd scripts/zoo/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci)   # onnxruntime-node, CPU
#
# Usage: scripts/zoo/make_all.sh [MODEL...]     (default: all, in dependency order)
# One core: torch runs single-threaded with OPENBLAS_NUM_THREADS=1. About 35 minutes in all on
# the shared 2-core build machine (each model's training time is in its meta.json).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=/usr/bin/python3
export OPENBLAS_NUM_THREADS=1

fail() { echo "make_all.sh: $*" >&2; exit 1; }
[ -x "$PY" ] || fail "$PY missing (Debian python3)"
$PY -c 'import torch, onnx, numpy' 2>/dev/null \
  || fail "need python3-torch python3-onnx python3-numpy (apt-get install ...)"
$PY -c 'import statsmodels.api' 2>/dev/null || fail "need python3-statsmodels (apt-get install python3-statsmodels)"
$PY -c 'import sklearn.datasets' 2>/dev/null || fail "need python3-sklearn (apt-get install python3-sklearn; vit_digits)"
dpkg -s libopenblas0-pthread >/dev/null 2>&1 \
  || fail "need libopenblas0-pthread (apt-get install libopenblas0-pthread; the committed weights were trained with it)"
[ -f /usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz ] \
  || fail "need dataset-fashion-mnist (apt-get install dataset-fashion-mnist)"
command -v node >/dev/null || fail "need node (Node 20)"
[ -d scripts/zoo/ort/node_modules/onnxruntime-node ] \
  || fail "need onnxruntime-node: (cd scripts/zoo/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci)"

MODELS=("$@")
[ ${#MODELS[@]} -gt 0 ] || MODELS=(forecaster forecaster_w6 vit_digits vit_fmnist vit_relu vit_relu_pruned vit_qat4 vit_qat4_a4)
mkdir -p build-zoo
for m in "${MODELS[@]}"; do
  echo "=== $m"
  script=(scripts/zoo/train.py "$m")
  # vit_relu_pruned fine-tunes the committed vit_relu with token pruning in the forward.
  [ "$m" != vit_relu_pruned ] || script=(scripts/zoo/finetune_pruned.py)
  $PY "${script[@]}" 2>&1 | grep --line-buffered -v -e TracerWarning -e '^  *cls = ' | tee "build-zoo/$m.log"
done
$PY scripts/zoo/summarize.py   # results table of docs/ModelZoo.md from the meta.json files
du -sh test/models/zoo
