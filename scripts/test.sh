#!/usr/bin/env bash
# The README's test command: install what is missing, build, and run every
# test under ctest:
#   1. the runtime (simulator, ISA, program file, presets, tern run) and its
#      tests, built with AddressSanitizer + UBSan (build-asan/);
#   2. everything (compiler and runtime, lit suites and unit tests) in a
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

echo "== all tests (Release)"
"$root/scripts/build.sh"
build=${TERN_BUILD_DIR:-$root/build}
ctest --test-dir "$build" --output-on-failure -j "$(nproc)"
