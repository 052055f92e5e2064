#!/usr/bin/env bash
# ViT-B/16 end to end (issue 5's benchmark; not run in CI; docs/Benchmarks.md):
#   1. `tern compile` of torchvision ViT-B/16 (bf16 policy): wall and CPU time
#      and peak RSS (GNU time), median of RUNS, against the ONNX file's size;
#   2. functional simulation of one image (`tern run --threads 1`) and
#      onnxruntime FP32 (one intra-op thread, graph optimizations off) on the
#      same image in the same run: host CPU seconds of each and the ratio;
#   3. the simulated logits against onnxruntime's: relative L2 error and top-1.
#
#   bench/vit_b16.sh [TARGET]          (default tern-edge)
# Environment: TERN_BUILD_DIR (default build), RUNS (compile runs, default 3),
#   MAX_INSTRUCTIONS (simulate only this many instructions and extrapolate the
#   time to the whole program, labelled as such; default 0 = the whole run),
#   KEEP_PROGRAM (copy the compiled program there), CORES (tern compile
#   --cores: partition across that many of the target's cores; default 1).
# Needs: build/bin/tern; /usr/bin/python3 with torch + torchvision (only to
# export the model once: bench/export_vit_b16.py writes
# $build/models/vit_b16_op17.onnx and vit_b16_image.npy); onnxruntime-node
# (cd scripts/zoo/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${TERN_BUILD_DIR:-$root/build}
runs=${RUNS:-3}
maxi=${MAX_INSTRUCTIONS:-0}
cores=${CORES:-1}
target=${1:-tern-edge}
tern=$build/bin/tern
models=$build/models
model=$models/vit_b16_op17.onnx
image=$models/vit_b16_image.npy
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

[ -x "$tern" ] || { echo "missing $tern (build first)"; exit 1; }
[ -d "$root/scripts/zoo/ort/node_modules/onnxruntime-node" ] ||
  { echo "missing onnxruntime-node: (cd scripts/zoo/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci)"; exit 1; }
if [ ! -f "$model" ] || [ ! -f "$image" ]; then
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 "$root/bench/export_vit_b16.py" "$models" 2>/dev/null
fi
size_mb=$(awk -v b="$(stat -c %s "$model")" 'BEGIN {printf "%.1f", b / 1e6}')
echo "model: $model ($size_mb MB), target $target, $cores core(s), load average $(cut -d' ' -f1-3 /proc/loadavg)"

# 1. Compile.
walls=(); cpus=(); rss=()
for _ in $(seq "$runs"); do
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$tern" compile "$model" \
    --target "$target" --precision bf16 --cores "$cores" -o "$tmp/vit.tern" > "$tmp/summary"
  read -r w u s m < <(tail -1 "$tmp/t")
  walls+=("$w"); cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN {print u + s}')"); rss+=("$m")
done
cat "$tmp/summary"
[ -z "${KEEP_PROGRAM:-}" ] || cp "$tmp/vit.tern" "$KEEP_PROGRAM"
wm=$(printf '%s\n' "${walls[@]}" | median)
cm=$(printf '%s\n' "${cpus[@]}" | median)
rm_kb=$(printf '%s\n' "${rss[@]}" | median)
printf 'compile: wall median %.1f s (runs: %s), user+sys median %.1f s, peak RSS median %d MB = %.2fx the model file\n' \
  "$wm" "${walls[*]}" "$cm" $((rm_kb / 1000)) "$(awk -v r="$rm_kb" -v s="$size_mb" 'BEGIN {print r / 1000 / s}')"

# 2. Functional simulation of one image, then onnxruntime on the same image.
total=$(awk '{for (i = 1; i <= NF; i++) if ($i == "instructions,") print $(i - 1)}' "$tmp/summary" | head -1)
/usr/bin/time -f "%e %U %S %M" -o "$tmp/r" "$tern" run "$tmp/vit.tern" --mode func --threads 1 \
  --max-instructions "$maxi" --input image="$image" --output-dir "$tmp/sim" 2> "$tmp/run.log" || {
  # --max-instructions stops the run with an error (and no outputs) by design.
  [ "$maxi" != 0 ] || { cat "$tmp/run.log"; exit 1; }; }
read -r rw ru rs rm < <(tail -1 "$tmp/r")  # GNU time may prepend "Command exited ..."
sim_cpu=$(awk -v u="$ru" -v s="$rs" 'BEGIN {print u + s}')
node "$root/bench/ort_time.js" "$model" "$image" image 1 3 > "$tmp/ort.log"
ort_ms=$(awk '{print $2}' "$tmp/ort.log")
if [ "$maxi" = 0 ]; then
  printf 'functional simulation (tern run --threads 1, whole program, %s instructions): %.1f s wall, %.1f s user+sys, peak RSS %d MB\n' \
    "$total" "$rw" "$sim_cpu" $((rm / 1000))
  est=$sim_cpu
else
  est=$(awk -v c="$sim_cpu" -v n="$maxi" -v t="$total" 'BEGIN {print c * t / n}')
  printf 'functional simulation: first %s of %s instructions in %.1f s user+sys; EXTRAPOLATED whole program %.1f s\n' \
    "$maxi" "$total" "$sim_cpu" "$est"
fi
printf 'onnxruntime FP32, one thread: %s ms per image (median of 3 runs after session creation)\n' "$ort_ms"
awk -v s="$est" -v o="$ort_ms" 'BEGIN {printf "simulator / onnxruntime: %.0fx (simulator CPU time incl. program load over onnxruntime run time)\n", s * 1000 / o}'

# 3. Accuracy against onnxruntime on that image.
if [ "$maxi" = 0 ]; then
  node "$root/scripts/zoo/ort/run_graph.js" "$model" "$tmp/ort" image="$image" > /dev/null
  /usr/bin/python3 "$root/scripts/compare_npy.py" "$tmp/sim/logits.npy" "$tmp/ort/logits.npy" --rel-l2 1e-2 --argmax || true
  /usr/bin/python3 -c "
import numpy as np
s = np.load('$tmp/sim/logits.npy')[0]; o = np.load('$tmp/ort/logits.npy')[0]
print('top-1 simulated %d, onnxruntime %d; top-5 overlap %d/5' % (s.argmax(), o.argmax(),
      len(set(np.argsort(-s)[:5]) & set(np.argsort(-o)[:5]))))"
fi
