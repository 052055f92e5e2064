// `tern run --mode`: perf needs no inputs and reports the timing model;
// both runs the functional model too and reports the same cycles (nothing
// here is data-dependent); compute-only drops the DMA costs.
// RUN: tern asm %s -o %t.tern
// RUN: tern run %t.tern --mode perf 2>&1 | FileCheck %s --check-prefix=PERF
// RUN: tern run %t.tern --mode both --input x=%S/Inputs/x4x16.npy 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: tern run %t.tern --mode perf --compute-only 2>&1 | FileCheck %s --check-prefix=COMPUTE
// RUN: not tern run %t.tern --mode fast 2>&1 | FileCheck %s --check-prefix=BAD
// PERF: cycles: [[CYCLES:[0-9]+]] (
// BOTH: cycles: [[CYCLES:[0-9]+]] (
// BOTH: instructions
// One 16x16 tile of k=16: 16 + 16 + 1 = 33 cycles, after a push/pop pair
// (1 + 1) and before another (1 + 1) = 37 with free DMA.
// COMPUTE: cycles: 37 (
// BAD: --mode must be func, perf or both, not 'fast'
.target tern-edge
.dram 4096
.input "x", i8, [4, 16], 0x0
.output "y", i32, [4, 16], 0x100
.const 0x400, i8, count=256, hex "01010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101010101"
load spad=act, saddr=0, dram=0x0, rows=4, cols=16, stride=16
load spad=wgt, saddr=0, dram=0x400, rows=16, cols=16, stride=16
push from=load, to=compute
pop from=load, to=compute
gemm dst=0, a=0, w=0, m=4, k=16, n=16
push from=compute, to=store
pop from=compute, to=store
store spad=acc, saddr=0, dram=0x100, rows=4, cols=64, stride=64
end
