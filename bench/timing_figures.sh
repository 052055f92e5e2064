#!/bin/bash
# Published-figure benchmarks of the timing model (docs/Benchmarks.md,
# "Timing model against the published figures").
#
#   bash bench/timing_figures.sh [BUILD_DIR] [--write-doc]
#
# Generates tiled int8 GEMM programs (bench/gen_tiled_program.py), assembles
# them with `tern asm` and runs them with `tern run --mode perf`; compiles the
# zoo forecaster for spartan7-ts; counts Atleus' ReRAM share in closed form
# (bench/atleus_op_share.py). Prints markdown tables; with --write-doc also
# replaces the generated block of docs/Benchmarks.md. Every figure is parsed
# from the tools' output: nothing here knows a result.
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD=build
WRITE=0
for a in "$@"; do
  case "$a" in
  --write-doc) WRITE=1 ;;
  *) BUILD="$a" ;;
  esac
done
TERN="$BUILD/bin/tern"
PY=/usr/bin/python3
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
OUT="$W/tables.md"

# perf NAME PRESET CORES GENERATOR-ARGS... -> $W/NAME.log (--bus split: an
# even share of the DRAM bandwidth per core) and $W/NAME_shared.log (--bus
# shared: one channel, first come first served); docs/Timing.md.
perf() {
  local name=$1 preset=$2 cores=$3
  shift 3
  $PY bench/gen_tiled_program.py --preset "$preset" --cores "$cores" "$@" \
    -o "$W/$name.s" --summary 2>"$W/$name.tiles"
  "$TERN" asm "$W/$name.s" -o "$W/$name.tern"
  "$TERN" run "$W/$name.tern" --mode perf --cores "$cores" --bus split >"$W/$name.log" 2>&1
  "$TERN" run "$W/$name.tern" --mode perf --cores "$cores" --bus shared >"$W/${name}_shared.log" 2>&1
}
# field NAME what -> a number from $W/NAME.log
field() {
  local log="$W/$1.log"
  case "$2" in
  cycles) sed -n 's/^cycles: \([0-9]*\) .*/\1/p' "$log" ;;
  us) sed -n 's/^cycles: [0-9]* (\([0-9.]*\) us.*/\1/p' "$log" ;;
  uj) sed -n 's/^energy: \([0-9.]*\) uJ.*/\1/p' "$log" ;;
  gops) sed -n 's/^throughput: \([0-9.]*\) GOPS.*/\1/p' "$log" ;;
  peak) sed -n 's/.*; peak \([0-9.]*\) GOPS int8.*/\1/p' "$log" ;;
  bf16) sed -n 's/.*GOPS int8, \([0-9.]*\) GFLOPS bf16.*/\1/p' "$log" ;;
  matrix) sed -n 's/.*matrix=\([0-9.]*\)%.*/\1/p' "$log" ;;
  dma) sed -n 's/.*dma=\([0-9.]*\)%.*/\1/p' "$log" ;;
  esac
}
pct() { $PY -c "print('%.1f%%' % (100.0 * $1 / $2))"; }

# --- TATAA on the U280: 8 cores, rows split across cores -----------------
BERT="--linear q:4096:768:768 --linear k:4096:768:768 --linear v:4096:768:768
      --linear o:4096:768:768 --linear ffn1:4096:768:3072
      --linear ffn2:4096:3072:768"
DEIT="--linear q:3152:384:384 --linear k:3152:384:384 --linear v:3152:384:384
      --linear o:3152:384:384 --linear ffn1:3152:384:1536
      --linear ffn2:3152:1536:384"
# shellcheck disable=SC2086
perf bert tataa-u280 8 $BERT
# shellcheck disable=SC2086
perf deit tataa-u280 8 $DEIT
perf bert_qkvo tataa-u280 8 --linear q:4096:768:768
perf bert_ffn1 tataa-u280 8 --linear ffn1:4096:768:3072
perf bert_ffn2 tataa-u280 8 --linear ffn2:4096:3072:768
perf deit_qkvo tataa-u280 8 --linear q:3152:384:384
perf deit_ffn1 tataa-u280 8 --linear ffn1:3152:384:1536
perf deit_ffn2 tataa-u280 8 --linear ffn2:3152:1536:384
PEAK=$(field bert peak)
{
  echo "#### tataa-u280 (8 cores, 225 MHz): linear layers"
  echo
  echo "Peaks from the preset (\`tern run\` prints them): int8 **$PEAK GOPS**," \
    "bf16 lanes **$(field bert bf16) GFLOPS** (paper: 3686.4 and 230.4)."
  echo
  echo "| workload | layer(s) M x K x N | gemm tile (per core) | DRAM bus | cycles | GOPS | of peak | matrix busy | DMA busy | paper |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for w in bert_qkvo:"BERT Q/K/V/O":4096x768x768 bert_ffn1:"BERT FFN1":4096x768x3072 \
    bert_ffn2:"BERT FFN2":4096x3072x768 bert:"**BERT-base, all 6 linears**":"seq 128 x batch 32" \
    deit_qkvo:"DeiT-S Q/K/V/O":3152x384x384 deit_ffn1:"DeiT-S FFN1":3152x384x1536 \
    deit_ffn2:"DeiT-S FFN2":3152x1536x384 deit:"**DeiT-S, all 6 linears**":"197 tokens x batch 16"; do
    IFS=: read -r n label shape <<<"$w"
    tile=$(sed -n 's/.*: gemm \([0-9x]*\),.*/\1/p' "$W/$n.tiles" | sort -u | paste -sd/)
    paper=""
    case $n in bert | deit) paper="2935.2 (79.6%)" ;; esac
    for bus in split shared; do
      r=$n
      [ $bus = split ] || r=${n}_shared
      echo "| $label | $shape | $tile | $bus | $(field $r cycles) | $(field $r gops) |" \
        "$(pct "$(field $r gops)" "$PEAK") | $(field $r matrix)% | $(field $r dma)% | $paper |"
    done
  done
  echo
} >>"$OUT"

# --- ViT design (28 nm): peak and a GEMM-bound micro-benchmark ------------
perf vit_ffn1 vit-tp-28nm 1 --linear ffn1:197:384:1536
perf vit_sq vit-tp-28nm 1 --linear sq:1024:1024:1024
VPEAK=$(field vit_sq peak)
{
  echo "#### vit-tp-28nm (1 core, 16 x 32 array, 1 GHz)"
  echo
  echo "Peak from the preset: **$VPEAK GOPS** (paper: 1024 GOPS)."
  echo
  echo "| micro-benchmark | M x K x N | gemm tile | cycles | GOPS | of peak | matrix busy | DMA busy |"
  echo "|---|---|---|---|---|---|---|---|"
  for w in vit_ffn1:"DeiT-S FFN1, one image":197x384x1536 vit_sq:"square GEMM":1024x1024x1024; do
    IFS=: read -r n label shape <<<"$w"
    tile=$(sed -n 's/.*: gemm \([0-9x]*\),.*/\1/p' "$W/$n.tiles" | sort -u | paste -sd/)
    echo "| $label | $shape | $tile | $(field $n cycles) | $(field $n gops) |" \
      "$(pct "$(field $n gops)" "$VPEAK") | $(field $n matrix)% | $(field $n dma)% |"
  done
  echo
} >>"$OUT"

# --- Spartan-7 forecaster: the zoo models compiled by tern -----------------
# bf16: the default policy. int: TATAA's policy (int8 activations, weights
# at --bits; the non-linear operations stay bf16), calibrated on the
# fixture's own inputs.npy.
{
  echo "#### spartan7-ts (1 x 1 sequential MAC, 100 MHz): zoo forecasters"
  echo
  echo "| model | precision | instructions | cycles | latency | energy | matrix busy | DMA busy | paper (same shape) |"
  echo "|---|---|---|---|---|---|---|---|---|"
  for m in ${FORECASTERS-forecaster forecaster_w6}; do
    for prec in bf16 w8a8 w6a8 w4a8; do
      n=$m-$prec
      if [ $prec = bf16 ]; then
        flags=(--precision bf16)
      else
        flags=(--precision tataa --calib "test/models/zoo/$m" --bits $prec)
      fi
      "$TERN" compile "test/models/zoo/$m/model.onnx" --target spartan7-ts \
        "${flags[@]}" -o "$W/$n.tern" >/dev/null 2>&1
      "$TERN" run "$W/$n.tern" --mode perf >"$W/$n.log" 2>&1
      insns=$("$TERN" inspect "$W/$n.tern" | sed -n 's/^ *code: \([0-9]*\) instructions.*/\1/p')
      paper=""
      case $n in
      forecaster-w4a8) paper="1.33 ms, 0.084 mJ (window 12, d 32, 4 bit)" ;;
      forecaster_w6-w8a8) paper="2.82 ms, 0.212 mJ (window 6, d 64, 8 bit)" ;;
      esac
      case $m in
      forecaster) shape="window 12, d 32" ;;
      forecaster_w6) shape="window 6, d 64" ;;
      esac
      ms=$($PY -c "print('%.3f' % ($(field $n us) / 1000))")
      mj=$($PY -c "print('%.4f' % ($(field $n uj) / 1000))")
      echo "| $m ($shape) | $prec | $insns | $(field $n cycles) | $ms ms |" \
        "$mj mJ | $(field $n matrix)% | $(field $n dma)% | $paper |"
    done
  done
  echo
} >>"$OUT"

# --- Atleus: share of operations on the ReRAM tier ------------------------
{
  echo "#### atleus-3d: GPT-2-Medium-shaped model at sequence 1024, closed form (paper: 91.9%)"
  echo
  $PY bench/atleus_op_share.py --seq 1024 --d 1024 --layers 24 --heads 16 \
    --ffn 4096 --lora-rank 32
  echo
} >>"$OUT"

cat "$OUT"
if [ "$WRITE" = 1 ]; then
  DOC=docs/Benchmarks.md
  $PY - "$DOC" "$OUT" <<'EOF'
import sys
doc, tables = sys.argv[1], open(sys.argv[2]).read()
begin = '<!-- timing-figures: generated by bench/timing_figures.sh -->'
end = '<!-- end of timing-figures -->'
text = open(doc).read()
i, j = text.index(begin) + len(begin), text.index(end)
open(doc, 'w').write(text[:i] + '\n\n' + tables + text[j:])
EOF
fi
