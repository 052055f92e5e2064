#!/usr/bin/env bash
#===- bench/fuzz/run.sh - build and run the libFuzzer targets ------------===#
#
# Usage: bench/fuzz/run.sh SECONDS [TARGET...]
#
# Builds the fuzz configurations (clang-19, ASan + UBSan + libFuzzer;
# docs/Fuzzing.md): the runtime targets in build-fuzz/ (runtime only) and the
# ONNX importer targets in build-fuzz-onnx/ (compiler libraries too, only
# when one of them is asked for), seeds one corpus per target from the
# repository's test files, then runs each target (default: all six) for
# SECONDS, one at a time, and prints executions, coverage (cov/ft from
# libFuzzer's final stats) and crashes per target.
#
# Corpora grow across runs in build-fuzz/fuzz-corpus/<target>; crashing
# inputs land in build-fuzz/fuzz-artifacts/<target>; logs in
# build-fuzz/fuzz-logs/<target>.log. Env: TERN_FUZZ_BUILD_JOBS (ninja -j,
# default all cores), TERN_FUZZ_ARGS (extra libFuzzer flags).
# Exits 1 if any target crashed.
#
#===----------------------------------------------------------------------===#
set -euo pipefail
if [[ $# -lt 1 || ! $1 =~ ^[0-9]+$ ]]; then
  echo "usage: $0 SECONDS [fuzz-program|fuzz-asm|fuzz-preset|fuzz-tensor|" \
       "fuzz-onnx|fuzz-onnx-text...]" >&2
  exit 2
fi
seconds=$1
shift
targets=("$@")
if ((${#targets[@]} == 0)); then
  targets=(fuzz-program fuzz-asm fuzz-preset fuzz-tensor fuzz-onnx
           fuzz-onnx-text)
fi
onnx_targets=()
for t in "${targets[@]}"; do
  [[ $t == fuzz-onnx* ]] && onnx_targets+=("$t")
done

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$root/build-fuzz
if [[ ! -f $build/build.ninja ]]; then
  cmake -G Ninja -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release \
    -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
    -DTERN_BUILD_COMPILER=OFF -DTERN_ENABLE_FUZZERS=ON >/dev/null
fi
ninja -C "$build" -j "${TERN_FUZZ_BUILD_JOBS:-$(nproc)}" tern-fuzzers tern \
  >/dev/null
# The importer targets need the MLIR libraries: a second configuration, so
# that the runtime targets stay quick to build.
build_onnx=$root/build-fuzz-onnx
if ((${#onnx_targets[@]} > 0)); then
  if [[ ! -f $build_onnx/build.ninja ]]; then
    cmake -G Ninja -S "$root" -B "$build_onnx" -DCMAKE_BUILD_TYPE=Release \
      -DCMAKE_C_COMPILER=clang-19 -DCMAKE_CXX_COMPILER=clang++-19 \
      -DTERN_ENABLE_FUZZERS=ON >/dev/null
  fi
  ninja -C "$build_onnx" -j "${TERN_FUZZ_BUILD_JOBS:-$(nproc)}" \
    "${onnx_targets[@]}" >/dev/null
fi

#===--- Seed corpora and dictionaries -------------------------------------===#
corpus=$build/fuzz-corpus
mkdir -p "$corpus"/{fuzz-program,fuzz-asm,fuzz-preset,fuzz-tensor,fuzz-onnx,fuzz-onnx-text}
# Kept regression inputs (test/Fuzz/regressions/<target>) always seed too.
for t in fuzz-program fuzz-asm fuzz-preset fuzz-tensor fuzz-onnx \
         fuzz-onnx-text; do
  if [[ -d $root/test/Fuzz/regressions/$t ]]; then
    cp -f "$root"/test/Fuzz/regressions/"$t"/* "$corpus/$t/" 2>/dev/null || true
  fi
done
while IFS= read -r -d '' s; do
  name=$(echo "${s#"$root"/}" | tr '/' '_')
  cp -f "$s" "$corpus/fuzz-asm/$name"
  # Programs: whatever of the .s files assembles on its own (without
  # LeakSanitizer: only the fuzz targets are under test here).
  out=$corpus/fuzz-program/${name%.s}.tbin
  ASAN_OPTIONS=detect_leaks=0 "$build/bin/tern" asm "$s" -o "$out" \
    >/dev/null 2>&1 || rm -f "$out"
done < <(find "$root/test" -name '*.s' -size -64k -not -path '*/Fuzz/*' -print0)
cp -f "$root"/runtime/targets/presets/*.json "$corpus/fuzz-preset/"
while IFS= read -r -d '' f; do
  cp -f "$f" "$corpus/fuzz-tensor/$(echo "${f#"$root"/}" | tr '/' '_')"
done < <(find "$root/test" \( -name '*.npy' -o -name '*.pb' \) -size -64k \
           -print0)

# ONNX models: the repository's small ones and libonnx's backend node tests
# (one small model per operator variant); textual models from the importer's
# lit tests (libonnx's parser skips their `#` comment lines).
while IFS= read -r -d '' f; do
  cp -f "$f" "$corpus/fuzz-onnx/$(echo "${f#"$root"/}" | tr '/' '_')"
done < <(find "$root/test" -name '*.onnx' -size -64k -print0)
testdata=/usr/share/libonnx-testdata/data/node
if [[ -d $testdata ]]; then
  for d in "$testdata"/*/; do
    [[ -f $d/model.onnx ]] && cp -f "$d/model.onnx" \
      "$corpus/fuzz-onnx/node_$(basename "$d").onnx"
  done
fi
while IFS= read -r -d '' f; do
  cp -f "$f" "$corpus/fuzz-onnx-text/$(echo "${f#"$root"/}" | tr '/' '_')"
done < <(find "$root/test" -name '*.onnxtxt' -size -64k -print0)

# Assembler dictionary: every mnemonic and field name of the ISA table
# (runtime/isa/Instructions.def) plus the directives and keywords.
dict=$build/fuzz-asm.dict
{
  sed -n 's/^TERN_INSN([A-Za-z0-9]*, *"\([^"]*\)".*/"\1"/p' \
    "$root/runtime/isa/Instructions.def"
  sed -n 's/^TERN_FIELD([A-Za-z0-9]*, *\([a-z0-9_]*\),.*/"\1="/p' \
    "$root/runtime/isa/Instructions.def" | sort -u
  for w in .target .target_json .dram .input .output .const .loc scale= zp= \
           count= hex file i8 u8 i4 i6 i16 i32 bf16 f32 tern-edge; do
    echo "\"$w\""
  done
} >"$dict"

#===--- Runs --------------------------------------------------------------===#
mkdir -p "$build/fuzz-logs"
printf '%-14s %12s %8s %8s %8s\n' target executions cov ft crashes
status=0
for t in "${targets[@]}"; do
  art=$build/fuzz-artifacts/$t
  mkdir -p "$art"
  args=(-max_total_time="$seconds" -print_final_stats=1 -timeout=10
        -rss_limit_mb=2048 -artifact_prefix="$art/")
  [[ $t == fuzz-asm ]] && args+=(-dict="$dict")
  bin=$build/fuzz/$t
  [[ $t == fuzz-onnx* ]] && bin=$build_onnx/fuzz/$t
  # shellcheck disable=SC2206
  args+=(${TERN_FUZZ_ARGS:-})
  log=$build/fuzz-logs/$t.log
  before=$(find "$art" -type f | wc -l)
  "$bin" "${args[@]}" "$corpus/$t" >"$log" 2>&1 || status=1
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | cut -d' ' -f2)
  crashes=$(($(find "$art" -type f | wc -l) - before))
  printf '%-14s %12s %8s %8s %8s\n' "$t" "${execs:-?}" "${cov:-?}" \
    "${ft:-?}" "$crashes"
  ((crashes == 0)) || { status=1; ls "$art" | sed 's/^/    /'; }
done
exit $status
