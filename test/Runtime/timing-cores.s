// `tern run --cores N`: the program is one core's share of work split across
// N cores; each core gets 1/N of the preset's DRAM bandwidth, and throughput
// counts all N cores. Peaks come from the preset (tataa-u280: 8 cores x
// 32 x 32 MAC x 2 ops x 225 MHz; 8 x 128 bf16 lanes x 225 MHz).
// RUN: tern asm %s -o %t.tern
// RUN: tern run %t.tern --mode perf 2>&1 | FileCheck %s --check-prefix=ONE
// RUN: tern run %t.tern --mode perf --cores 8 2>&1 | FileCheck %s --check-prefix=EIGHT
// RUN: tern run %t.tern --mode perf --cores 8 --compute-only 2>&1 | FileCheck %s --check-prefix=FREE
// RUN: not tern run %t.tern --mode perf --cores 9 2>&1 | FileCheck %s --check-prefix=MANY
// RUN: not tern run %t.tern --mode perf --cores 0 2>&1 | FileCheck %s --check-prefix=ZERO
// RUN: not tern run %t.tern --cores 2 2>&1 | FileCheck %s --check-prefix=FUNC

// One core alone: 68 cycles of latency + 4096 B at 512 B/cycle = 76; push 1,
// pop 1; one 32 x 32 tile of k = 128: 128 + 32 + 1 = 161. 2 * 131072 ops in
// 239 cycles at 225 MHz.
// ONE: cycles: 239 (
// ONE: throughput: 246.8 GOPS on 131072 MACs (2 ops/MAC); peak 3686.4 GOPS int8, 230.4 GFLOPS bf16
// With 8 cores sharing DRAM: 64 B/cycle, the load takes 68 + 64 = 132.
// EIGHT: cycles: 295 (
// EIGHT: throughput: 1599.5 GOPS on 131072 MACs per core x 8 cores (2 ops/MAC); peak 3686.4 GOPS int8
// FREE: cycles: 163 (
// MANY: --cores must be between 1 and the preset's 8 cores, not 9
// ZERO: --cores must be between 1 and the preset's 8 cores, not 0
// FUNC: --cores needs --mode perf or both

.target tataa-u280
.dram 16384
.input "x", i8, [32, 128], 0x0
load spad=act, saddr=0, dram=0x0, rows=32, cols=128, stride=128
push from=load, to=compute
pop from=load, to=compute
gemm dst=0, a=0, w=0, m=32, k=128, n=32, accmode=i16
end
