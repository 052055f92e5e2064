// vnzmap computes the FFN2 bitmap on the machine: the non-zero columns of
// the post-ReLU int8 tile h (19 of 32), then a bitmap gemm skips the other
// 13 W2 rows and equals the dense gemm bit for bit. With thr=45 the columns
// whose |h| never exceeds 45 are dropped as well (an approximation; only
// the map is checked).
//
// RUN: tern asm %s -o %t.tern
// RUN: tern disasm %t.tern | FileCheck %s --check-prefix=DIS
// RUN: rm -rf %t.out
// RUN: tern run %t.tern --input h=%S/Inputs/ffn_h.npy --output-dir %t.out 2>&1 | FileCheck %s
// RUN: %python %S/Inputs/check.py vnzmap %t.out | FileCheck %s --check-prefix=REF

// DIS: vnzmap dst=0, asp=act, a=0, rows=8, cols=32, lensel=0, thr=0
// DIS: vnzmap dst=16, asp=act, a=0, rows=8, cols=32, lensel=0, thr=45
// dense 8*32*16 = 4096 MACs + sparse 8*19*16 = 2432 MACs.
// CHECK: tern run: {{[0-9]+}} instructions, 6528 MACs, 13 K rows skipped (208 of 512 bitmap gemm weight bytes)
// REF: map: OK (4 values)
// REF: map_thr45: OK (4 values)
// REF: y_dense: OK (128 values)
// REF: y_sparse: OK (128 values)

.target tern-edge
.input "h", i8, [8, 32], 0x0
.output "map", u8, [4], 0x800
.output "map_thr45", u8, [4], 0x900
.output "y_dense", i32, [8, 16], 0x1000
.output "y_sparse", i32, [8, 16], 0x1400
.const 0x400, i8, file "Inputs/ffn_w2.npy"

load spad=act, saddr=0, dram=0x0, rows=8, cols=32, stride=32
load spad=wgt, saddr=0, dram=0x400, rows=32, cols=16, stride=16
push from=load, to=compute
pop from=load, to=compute
vnzmap dst=0, asp=act, a=0, rows=8, cols=32
vnzmap dst=16, asp=act, a=0, rows=8, cols=32, thr=45
gemm dst=0, a=0, w=0, m=8, k=32, n=16
gemm dst=512, a=0, w=0, m=8, k=32, n=16, bmap=1, baddr=0
push from=compute, to=store
pop from=compute, to=store
store spad=vec, saddr=0, dram=0x800, rows=1, cols=4, stride=4
store spad=vec, saddr=16, dram=0x900, rows=1, cols=4, stride=4
store spad=acc, saddr=0, dram=0x1000, rows=8, cols=64, stride=64
store spad=acc, saddr=512, dram=0x1400, rows=8, cols=64, stride=64
end
