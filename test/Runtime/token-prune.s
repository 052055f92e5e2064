// Token pruning with a run-time length: CLS-attention importance averaged
// over 2 heads, top-3 patch tokens + CLS kept, rows gathered, then the GEMM
// and the stores take their row count from length register L0 (lensel=1),
// so the 4 pruned tokens cost no MACs.
//
// RUN: tern asm %s -o %t.tern
// RUN: rm -rf %t.out
// RUN: tern run %t.tern --input att=%S/Inputs/tok_att.npy --input h=%S/Inputs/tok_h.npy --output-dir %t.out 2>&1 | FileCheck %s
// RUN: %python %S/Inputs/check.py token %t.out | FileCheck %s --check-prefix=REF

// 4 of 8 rows x k=16 x n=8 = 512 MACs (1024 without pruning).
// CHECK: tern run: {{[0-9]+}} instructions, 512 MACs
// REF: kept: OK (8 values)
// REF: y: OK (64 values)

.target tern-edge
.input "att", i8, [2, 8], 0x0
.input "h", i8, [8, 16], 0x100
.output "kept", i32, [8], 0x800
.output "y", i32, [8, 8], 0x1000
.const 0x400, i8, file "Inputs/tok_w.npy"

load spad=acc, saddr=4096, dram=0x0, rows=2, cols=8, stride=8
load spad=act, saddr=0, dram=0x100, rows=8, cols=16, stride=16
load spad=wgt, saddr=0, dram=0x400, rows=16, cols=8, stride=8
push from=load, to=compute
pop from=load, to=compute
tok.score dst=0, asp=acc, a=4096, heads=2, n=8, hstride=8, ty=i8
tok.select dst=64, src=0, n=8, mode=topk, param=3, lreg=0
tok.gather dsp=act, dst=1024, asp=act, a=0, idx=64, rowbytes=16, n=8, lreg=0
gemm dst=0, a=1024, w=0, m=8, k=16, n=8, lensel=1
push from=compute, to=store
pop from=compute, to=store
store spad=vec, saddr=64, dram=0x800, rows=8, cols=4, stride=4, lensel=1
store spad=acc, saddr=0, dram=0x1000, rows=8, cols=32, stride=32, lensel=1
end
