#!/usr/bin/env bash
# Installs the Debian (bookworm) packages Tern needs, and only those that are
# missing. Idempotent and non-interactive; runs `apt-get update` at most once.
# Used by both README commands. Needs root (or sudo) only when something is
# missing.
set -euo pipefail

# Why each package is here: docs/Dependencies.md.
packages=(
  # build
  cmake ninja-build g++ ccache lld
  # compiler: LLVM/MLIR 19 (libraries, mlir-tblgen, FileCheck/not/lit)
  llvm-19-dev llvm-19-tools libmlir-19-dev mlir-19-tools
  # ONNX import
  libonnx-dev libprotobuf-dev protobuf-compiler
  # runtime: program container, SIMD dispatch
  libflatbuffers-dev flatbuffers-compiler libhwy-dev
  # tests and benchmarks
  libgtest-dev libbenchmark-dev libonnx-testdata python3 python3-numpy
  # importer conformance runner (test/Import/Conformance) reads the cases
  python3-onnx
  # fuzz targets (test/Fuzz, bench/fuzz/run.sh): clang with libFuzzer and
  # the sanitizer runtimes
  clang-19 libfuzzer-19-dev libclang-rt-19-dev
  # the HTML report's render test (test/Runtime/report-render.test)
  chromium
)
# Extra packages a caller asks for (e.g. TERN_EXTRA_PACKAGES="clang-19").
if [[ -n "${TERN_EXTRA_PACKAGES:-}" ]]; then
  read -r -a extra <<<"$TERN_EXTRA_PACKAGES"
  packages+=("${extra[@]}")
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [[ $(id -u) -ne 0 ]]; then
  sudo="sudo"
fi
echo "setup: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -q
$sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
