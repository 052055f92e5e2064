// FFN2 dynamic pruning: after ReLU, 13 of 32 hidden channels are zero in
// every row of the tile; the bitmap GEMM skips those W2 rows (neither read
// nor multiplied) and must equal the dense GEMM bit for bit.
//
// RUN: tern asm %s -o %t.tern
// RUN: rm -rf %t.out
// RUN: tern run %t.tern --input h=%S/Inputs/ffn_h.npy --input bitmap=%S/Inputs/ffn_bitmap.npy --output-dir %t.out 2>&1 | FileCheck %s
// RUN: %python %S/Inputs/check.py ffn2 %t.out | FileCheck %s --check-prefix=REF

// dense 8*32*16 = 4096 MACs + sparse 8*19*16 = 2432 MACs.
// CHECK: tern run: {{[0-9]+}} instructions, 6528 MACs, 13 K rows skipped
// REF: y_dense: OK (128 values)
// REF: y_sparse: OK (128 values)
// REF: skippable rows: 13

.target tern-edge
.input "h", i8, [8, 32], 0x0
.input "bitmap", u8, [4], 0x100
.output "y_dense", i32, [8, 16], 0x1000
.output "y_sparse", i32, [8, 16], 0x1400
.const 0x400, i8, file "Inputs/ffn_w2.npy"

load spad=act, saddr=0, dram=0x0, rows=8, cols=32, stride=32
load spad=wgt, saddr=0, dram=0x400, rows=32, cols=16, stride=16
load spad=vec, saddr=0, dram=0x100, rows=1, cols=4, stride=4
push from=load, to=compute
pop from=load, to=compute
.loc "ffn2/dense"
gemm dst=0, a=0, w=0, m=8, k=32, n=16
.loc "ffn2/sparse"
gemm dst=512, a=0, w=0, m=8, k=32, n=16, bmap=1, baddr=0
.loc ""
push from=compute, to=store
pop from=compute, to=store
store spad=acc, saddr=0, dram=0x1000, rows=8, cols=64, stride=64
store spad=acc, saddr=512, dram=0x1400, rows=8, cols=64, stride=64
end
