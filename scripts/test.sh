#!/usr/bin/env bash
# The README's test command: install what is missing, build, and run every
# test under ctest:
#   1. the runtime (simulator, ISA, program file, presets, tern run) and its
#      tests, built with AddressSanitizer + UBSan (build-asan/);
#   2. every libFuzzer target (runtime formats and the ONNX importer, built
#      with clang + ASan + UBSan in build-fuzz*/): its seed corpus replayed,
#      then a fixed-seed burst of mutations (docs/Fuzzing.md);
#   3. everything (compiler and runtime, lit suites and unit tests) in a
#      Release build (build/), whose ctest summary closes the output.
# Exits non-zero if anything fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/setup.sh"

echo "== runtime tests under AddressSanitizer + UBSan"
TERN_BUILD_DIR="$root/build-asan" "$root/scripts/build.sh" \
  -DTERN_BUILD_COMPILER=OFF -DTERN_ENABLE_SANITIZERS=ON
ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --test-dir "$root/build-asan" --output-on-failure -j "$(nproc)"

echo "== fuzz targets under AddressSanitizer + UBSan (seed corpora + ${TERN_CI_FUZZ_RUNS:=20000} runs each, seed 1)"
TERN_FUZZ_ARGS="-seed=1 -runs=$TERN_CI_FUZZ_RUNS" "$root/bench/fuzz/run.sh" 120

echo "== all tests (Release)"
"$root/scripts/build.sh"
build=${TERN_BUILD_DIR:-$root/build}
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
