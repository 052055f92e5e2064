#!/usr/bin/env bash
# The README's main command: install what is missing, build, then compile the
# bundled trained ViT (Fashion-MNIST, test/models/zoo/vit_fmnist) for the
# tern-edge target and run its 64-image fixture on the simulator, printing the
# accuracy against the labels and against onnxruntime's FP32 outputs.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build=${TERN_BUILD_DIR:-$root/build}
zoo="$root/test/models/zoo/vit_fmnist"
"$build/bin/tern" eval "$zoo/model.onnx" --dataset "$zoo" --target "${TERN_TARGET:-tern-edge}"
