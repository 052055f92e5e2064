// The ReRAM tier of atleus-3d: xbar.prog programs a constant weight block
// once, xbar.gemm multiplies by it. The products are the int8 GEMM's: the
// same numpy reference as gemm.s (Inputs/check.py) must hold, with the
// SIMD/threaded and scalar kernels giving identical bytes. `both` gives the
// same outputs as `func` and the same cycles as `perf`.
//
// RUN: tern asm %s -o %t.tern
// RUN: rm -rf %t.out %t.scalar %t.both
// RUN: tern run %t.tern --input x=%S/Inputs/gemm_x.npy --output-dir %t.out 2>&1 | FileCheck %s --check-prefix=RES
// RUN: %python %S/Inputs/check.py gemm %t.out | FileCheck %s --check-prefix=REF
// RUN: tern run %t.tern --input x=%S/Inputs/gemm_x.npy --output-dir %t.scalar --scalar-kernels --threads 2 --quiet
// RUN: cmp %t.out/y.npy %t.scalar/y.npy
// RUN: cmp %t.out/y8.npy %t.scalar/y8.npy
// RUN: tern run %t.tern --mode both --input x=%S/Inputs/gemm_x.npy --output-dir %t.both --stats %t.stats.json --trace %t.trace.json > %t.both.txt 2>&1
// RUN: tern run %t.tern --mode perf --stats %t.stats.csv > %t.perf.txt 2>&1
// RUN: FileCheck %s --check-prefix=CSV < %t.stats.csv
// RUN: cat %t.perf.txt %t.both.txt | FileCheck %s --check-prefix=BOTH
// RUN: cmp %t.out/y.npy %t.both/y.npy
// RUN: cmp %t.out/y8.npy %t.both/y8.npy
// RUN: tern run %t.tern --mode perf --compute-only 2>&1 | FileCheck %s --check-prefix=PERF
// RUN: FileCheck %s --check-prefix=JSON < %t.stats.json
// RUN: FileCheck %s --check-prefix=TRACE < %t.trace.json
// RUN: %python %tern_src_root/scripts/check_trace.py %t.trace.json
// RUN: tern report %t.tern -o %t.html
// RUN: FileCheck %s --check-prefix=HTML < %t.html

// RES: tern run: 14 instructions, 4096 MACs, 0 K rows skipped (4096 MACs on the ReRAM tier), config=1, dma=3, requant=1, sync=7, reram=2

// REF: y: OK (128 values)
// REF: y8: OK (128 values)

// One 32 x 16 block of 8-bit weights in 2-bit cells: 64 columns of one
// 128 x 128 crossbar. Per activation row: 8 bit-serial steps (1-bit DACs)
// x ceil(64 / 8 ADCs) = 8 conversions = 64 cycles; 8 rows: 512 cycles, 8
// crossbar MVMs of 150 pJ = 1200 pJ. Programming: 32 x 16 x 4 cells x
// 2000 pJ = 4.096 uJ, once, outside the run. Compute-only: 512 + 3
// push/pop pairs in series (6) + cfg.requant (1) + rq.ibert (8 x 16 / 64
// lanes + 4 = 6) = 525.
// PERF: cycles: 525 (
// PERF: throughput: {{.*}} on 4096 MACs
// PERF: tiers: reram 8192 ops (100.0% of matrix operations), 8 crossbar MVMs, 0.001 uJ; systolic 0 ops
// PERF: reram programming (once per program load, not in the energy above): 2048 cells, 4.096 uJ
// BOTH: cycles: [[CYCLES:[0-9]+]] (
// BOTH: tiers: reram 8192 ops
// BOTH: cycles: [[CYCLES]] (
// BOTH: tiers: reram 8192 ops
// JSON: "cycles": {{[0-9]+}},
// JSON: "layers": [
// JSON: "busy_cycles": 512,
// JSON-NEXT: "energy_pj": 1200,
// JSON-NEXT: "instructions": 1,
// JSON-NEXT: "lane_ops": 0,
// JSON-NEXT: "layer": "linear/matmul",
// JSON-NEXT: "matrix_ops": 8192,
// JSON-NEXT: "unit": "reram"
// JSON: "reram_programming": {
// JSON-NEXT: "cells": 2048,
// JSON: "reram": {
// JSON-NEXT: "crossbar_mvms": 8,
// JSON-NEXT: "energy_pj": 1200,
// JSON-NEXT: "macs": 4096,
// JSON-NEXT: "ops": 8192,
// JSON-NEXT: "share_of_matrix_ops": 1
// HTML: <h2>Tiers</h2>
// HTML: <tr><td>ReRAM crossbars</td><td>8192</td><td>100.0%</td><td>8 crossbar MVMs</td><td>0.001</td></tr>
// HTML: <tr><td>systolic (array and lanes)</td><td>0</td><td>0.0%</td><td>128 lane operations</td>
// HTML: Crossbar programming, once per program load (not in the run's energy): 2048 cells, 4.096 uJ.
// HTML: <th>ReRAM MACs</th>
// HTML: <tr><td>linear/matmul</td>{{.*}}<td>0</td><td>4096</td><td>0</td></tr>
// CSV: layer,unit,instructions,busy_cycles,matrix_ops,lane_ops,energy_pj
// CSV: "linear/matmul",reram,1,512,8192,0,1200.000
// CSV: "linear/requant",requant,1,6,0,128,51.200
// TRACE: "name": "reram"
// TRACE: "cat": "reram",

.target atleus-3d
.dram 16384
.input "x", i8, [8, 32], 0x0, scale=0.05
.output "y", i32, [8, 16], 0x1000
.output "y8", i8, [8, 16], 0x2000
.const 0x3000, i8, file "Inputs/gemm_w.npy"

.loc "linear/program"
xbar.prog id=7, dram=0x3000, rows=32, cols=16, stride=16
.loc "linear/load"
load spad=act, saddr=0, dram=0x0, rows=8, cols=32, stride=32
push from=load, to=compute
pop from=load, to=compute
.loc "linear/matmul"
xbar.gemm dst=0, a=0, id=7, m=8, k=32, n=16
.loc "linear/requant"
cfg.requant rd=0, mult=1431655765, shift=40
rq.ibert dsp=vec, dst=0, asp=acc, a=0, rows=8, cols=16, rreg=0
push from=compute, to=store
.loc "linear/store"
pop from=compute, to=store
store spad=acc, saddr=0, dram=0x1000, rows=8, cols=64, stride=64
store spad=vec, saddr=0, dram=0x2000, rows=8, cols=16, stride=16
push from=store, to=compute
pop from=store, to=compute
end
