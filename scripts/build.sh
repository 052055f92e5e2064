#!/usr/bin/env bash
# Configures (once) and builds Tern in build/ (Release, Ninja). Extra CMake
# arguments are passed through, e.g. scripts/build.sh -DTERN_ENABLE_SANITIZERS=ON.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERN_BUILD_DIR:-$root/build}
if [[ ! -f $build/build.ninja || $# -gt 0 ]]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release "$@"
fi
cmake --build "$build"
