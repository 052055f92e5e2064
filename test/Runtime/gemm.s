// An int8 linear layer: DMA in, GEMM, I-BERT requantization, DMA out.
// The reference is numpy (Inputs/check.py); SIMD/threaded and scalar kernels
// must give identical bytes.
//
// RUN: tern asm %s -o %t.tern
// RUN: rm -rf %t.out %t.scalar
// RUN: tern run %t.tern --input x=%S/Inputs/gemm_x.npy --output-dir %t.out 2>&1 | FileCheck %s --check-prefix=RES
// RUN: %python %S/Inputs/check.py gemm %t.out | FileCheck %s --check-prefix=REF
// RUN: tern run %t.tern --input x=%S/Inputs/gemm_x.npy --output-dir %t.scalar --scalar-kernels --threads 2 --quiet
// RUN: cmp %t.out/y.npy %t.scalar/y.npy
// RUN: cmp %t.out/y8.npy %t.scalar/y8.npy
// RUN: tern inspect %t.tern --disasm | FileCheck %s --check-prefix=INSPECT

// RES-LABEL: tern run: program={{.*}} target=tern-edge
// RES: tern run: 14 instructions, 4096 MACs, 0 K rows skipped, config=1, dma=4, matrix=1, requant=1, sync=7
// REF: y: OK (128 values)
// REF: y8: OK (128 values)

// INSPECT: target: tern-edge
// INSPECT: code: 14 instructions (224 bytes)
// INSPECT: constants: 1 segments, 512 values, 512 packed bytes
// INSPECT: inputs:
// INSPECT-NEXT: x: i8 [8, 32] at 0x0 scale=0.05 zp=0
// INSPECT: outputs:
// INSPECT-NEXT: y: i32 [8, 16] at 0x1000
// INSPECT-NEXT: y8: i8 [8, 16] at 0x2000
// INSPECT: instruction mix by unit:
// INSPECT: dma: 4
// INSPECT: matrix: 1
// INSPECT: instruction mix by queue:
// INSPECT-NEXT: compute: 7
// INSPECT-NEXT: load: 3
// INSPECT-NEXT: store: 4
// INSPECT: 4: gemm dst=0, a=0, w=0, m=8, k=32, n=16, lensel=0, acc=0, width=w8, accmode=i32, bmap=0, baddr=0  // linear/matmul

.target tern-edge
.dram 16384
.input "x", i8, [8, 32], 0x0, scale=0.05
.output "y", i32, [8, 16], 0x1000
.output "y8", i8, [8, 16], 0x2000
.const 0x3000, i8, file "Inputs/gemm_w.npy"

.loc "linear/load"
load spad=act, saddr=0, dram=0x0, rows=8, cols=32, stride=32
load spad=wgt, saddr=0, dram=0x3000, rows=32, cols=16, stride=16
push from=load, to=compute
pop from=load, to=compute
.loc "linear/matmul"
gemm dst=0, a=0, w=0, m=8, k=32, n=16
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
