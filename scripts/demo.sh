#!/usr/bin/env bash
# The README's main command: install what is missing, build, and run the
# bundled encoder block through a real pass pipeline, printing the IR after
# each pass.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"
"$root/scripts/build.sh"
build=${TERN_BUILD_DIR:-$root/build}
"$build/bin/tern-opt" "$root/test/examples/encoder-block.mlir" \
  --pass-pipeline='builtin.module(func.func(tern-gelu-to-relu,canonicalize,cse))' \
  --mlir-print-ir-after-all
