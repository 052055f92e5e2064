// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests that a reshape is a reinterpretation of the same buffer (no copy).
// CHECK-LABEL: func @reshape
// CHECK-SAME: (%[[X:.+]]: memref<2x3x4xbf16>)
// CHECK-NEXT: %[[V:.+]] = memref.reinterpret_cast %[[X]] to offset: [0], sizes: [6, 4], strides: [4, 1]
// CHECK-NEXT: return %[[V]]
func.func @reshape(%x: tensor<2x3x4xf32>) -> tensor<6x4xf32> {
  %y = tosa.reshape %x {new_shape = array<i64: 6, 4>} : (tensor<2x3x4xf32>) -> tensor<6x4xf32>
  return %y : tensor<6x4xf32>
}

// -----

// Tests a transpose that keeps the last dimension: one strided block copy
// per outer index. [17, 4, 12] -> [4, 17, 12]: for head h the 17 rows start at
// element 12 * h with a row stride of 48.
// CHECK-LABEL: func @heads
// CHECK: %[[OUT:.+]] = memref.alloc() : memref<4x17x12xbf16>
// CHECK: memref.reinterpret_cast %arg0 to offset: [0], sizes: [17, 12], strides: [48, 1]
// CHECK: accel.dma_load
// CHECK: memref.reinterpret_cast %[[OUT]] to offset: [0], sizes: [17, 12], strides: [12, 1]
// CHECK: accel.dma_store
// CHECK: memref.reinterpret_cast %arg0 to offset: [12], sizes: [17, 12], strides: [48, 1]
// CHECK: memref.reinterpret_cast %[[OUT]] to offset: [204], sizes: [17, 12], strides: [12, 1]
func.func @heads(%x: tensor<17x4x12xf32>) -> tensor<4x17x12xf32> {
  %perm = "tosa.const"() <{value = dense<[1, 0, 2]> : tensor<3xi32>}> : () -> tensor<3xi32>
  %y = tosa.transpose %x, %perm : (tensor<17x4x12xf32>, tensor<3xi32>) -> tensor<4x17x12xf32>
  return %y : tensor<4x17x12xf32>
}

// -----

// Tests a transpose that moves the last dimension: the input's rows are
// read as one block and transposed by the DMA (accel.dma_load_transposed),
// not gathered element by element.
// CHECK-LABEL: func @swap
// CHECK: memref.reinterpret_cast %arg0 to offset: [0], sizes: [3, 2], strides: [2, 1]
// CHECK: accel.dma_load_transposed {{.*}} : memref<3x2xbf16, strided<[2, 1]>>, memref<2x3xbf16, #accel.space<act>>
// CHECK: accel.dma_store {{.*}} : memref<2x3xbf16, #accel.space<act>>, memref<2x3xbf16, strided<[3, 1]>>
// CHECK-NOT: accel.dma_load
func.func @swap(%x: tensor<3x2xf32>) -> tensor<2x3xf32> {
  %perm = "tosa.const"() <{value = dense<[1, 0]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %y = tosa.transpose %x, %perm : (tensor<3x2xf32>, tensor<2xi32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests that a transpose of a constant is folded at compile time: the
// weight global holds the transposed values and no copy is emitted.
// CHECK-LABEL: memref.global "private" constant @__tern_constant : memref<2x2xbf16> = dense<{{\[}}[1.000000e+00, 3.000000e+00], [2.000000e+00, 4.000000e+00]]>
// CHECK-LABEL: func @weight
// CHECK-NOT: accel.dma_store
// CHECK: memref.get_global @__tern_constant
func.func @weight() -> tensor<2x2xf32> {
  %w = "tosa.const"() <{value = dense<[[1.0, 2.0], [3.0, 4.0]]> : tensor<2x2xf32>}> : () -> tensor<2x2xf32>
  %perm = "tosa.const"() <{value = dense<[1, 0]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %t = tosa.transpose %w, %perm : (tensor<2x2xf32>, tensor<2xi32>) -> tensor<2x2xf32>
  return %t : tensor<2x2xf32>
}

// -----

// Tests slice (a strided block at the start offset), concat (each input at
// its offset along the axis) and gather with constant indices (row copies).
// CHECK-LABEL: func @slice_concat_gather
// Slice [17, 1, 48] at column 48 of [17, 1, 144].
// CHECK: memref.reinterpret_cast %arg0 to offset: [48], sizes: [17, 48], strides: [144, 1]
// Concat along axis 1: the CLS row first, then 16 patch rows at row 1.
// CHECK: memref.reinterpret_cast %{{.*}} to offset: [48], sizes: [16, 48], strides: [48, 1]
// Gather token 0 of [1, 17, 48].
// CHECK: memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [1, 48], strides: [48, 1]
func.func @slice_concat_gather(%x: tensor<17x1x144xf32>, %cls: tensor<1x1x48xf32>, %p: tensor<1x16x48xf32>)
    -> (tensor<17x1x48xf32>, tensor<1x1x48xf32>) {
  %s = tosa.slice %x {size = array<i64: 17, 1, 48>, start = array<i64: 0, 0, 48>} : (tensor<17x1x144xf32>) -> tensor<17x1x48xf32>
  %c = tosa.concat %cls, %p {axis = 1 : i32} : (tensor<1x1x48xf32>, tensor<1x16x48xf32>) -> tensor<1x17x48xf32>
  %idx = "tosa.const"() <{value = dense<0> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
  %g = tosa.gather %c, %idx : (tensor<1x17x48xf32>, tensor<1x1xi32>) -> tensor<1x1x48xf32>
  return %s, %g : tensor<17x1x48xf32>, tensor<1x1x48xf32>
}

// -----

// Tests the patch embedding: im2col copies (one per output row of patches
// and kernel row) into a [16, 4] patch matrix, then a GEMM against the
// compile-time reordered [kH*kW*Ci, Co] weight with its bias.
// CHECK-LABEL: func @patch_embedding
// CHECK: %[[P:.+]] = memref.alloc() : memref<16x4xbf16>
// CHECK: memref.reinterpret_cast %arg0 to offset: [0], sizes: [4, 2], strides: [2, 1]
// CHECK: memref.reinterpret_cast %[[P]] to offset: [0], sizes: [4, 2], strides: [4, 1]
// CHECK: memref.reinterpret_cast %arg0 to offset: [8], sizes: [4, 2], strides: [2, 1]
// CHECK: memref.reinterpret_cast %[[P]] to offset: [2], sizes: [4, 2], strides: [4, 1]
// CHECK: accel.gemm {{.*}} : memref<16x4xbf16, #accel.space<act>>, memref<4x3xbf16, #accel.space<wgt>>
// CHECK: accel.dma_broadcast
func.func @patch_embedding(%x: tensor<1x8x8x1xf32>) -> tensor<1x4x4x3xf32> {
  %w = "tosa.const"() <{value = dense<0.5> : tensor<3x2x2x1xf32>}> : () -> tensor<3x2x2x1xf32>
  %b = "tosa.const"() <{value = dense<[0.0, 1.0, 2.0]> : tensor<3xf32>}> : () -> tensor<3xf32>
  %y = tosa.conv2d %x, %w, %b {dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>} : (tensor<1x8x8x1xf32>, tensor<3x2x2x1xf32>, tensor<3xf32>) -> tensor<1x4x4x3xf32>
  return %y : tensor<1x4x4x3xf32>
}

// -----

// Tests a residual add and a row-broadcast bias add.
// CHECK-LABEL: func @adds
// CHECK: accel.dma_load
// CHECK: accel.dma_broadcast %{{.*}}, %[[B:.+]] : memref<48xbf16, strided<[1]>>, memref<17x48xbf16, #accel.space<act>>
// CHECK: accel.vector <add> %{{.*}}, %[[B]],
func.func @adds(%x: tensor<17x48xf32>, %b: tensor<1x48xf32>) -> tensor<17x48xf32> {
  %y = tosa.add %x, %b : (tensor<17x48xf32>, tensor<1x48xf32>) -> tensor<17x48xf32>
  return %y : tensor<17x48xf32>
}

// -----

// Tests head split and merge: [B, S, H*Dh] <-> [B, H, S, Dh]. Head h of
// the split reads the 5 rows of the input from column h * 2 (row stride 6).
// CHECK-LABEL: func @split_merge
// CHECK: memref.reinterpret_cast %arg0 to offset: [0], sizes: [5, 2], strides: [6, 1]
// CHECK: memref.reinterpret_cast %arg0 to offset: [2], sizes: [5, 2], strides: [6, 1]
// CHECK: memref.reinterpret_cast %arg0 to offset: [4], sizes: [5, 2], strides: [6, 1]
// Merging writes token s of head h at column h * 2 of row s.
// CHECK: sizes: [3, 2], strides: [10, 1]
// CHECK: sizes: [3, 2], strides: [2, 1]
func.func @split_merge(%x: tensor<1x5x6xf32>) -> tensor<1x5x6xf32> {
  %s = tern.split_heads %x heads 3 {precision = #tern.precision<bf16>} : tensor<1x5x6xf32> -> tensor<1x3x5x2xf32>
  %m = tern.merge_heads %s {precision = #tern.precision<bf16>} : tensor<1x3x5x2xf32> -> tensor<1x5x6xf32>
  return %m : tensor<1x5x6xf32>
}

// -----

// Tests that an exported ReLU (clamp with no upper bound) is max with 0.
// CHECK-LABEL: func @relu_clamp
// CHECK: accel.vector_const <max> %{{.*}}, %{{.*}} 0.000000e+00
func.func @relu_clamp(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = tosa.clamp %x {max_fp = 3.40282347E+38 : f32, max_int = 9223372036854775807 : i64, min_fp = 0.000000e+00 : f32, min_int = 0 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests the other element-wise ops: sub and maximum on full tensors, mul by
// a broadcast row.
// CHECK-LABEL: func @elementwise
// CHECK: accel.vector <sub>
// CHECK: accel.dma_broadcast
// CHECK: accel.vector <mul>
// CHECK: accel.vector <max>
func.func @elementwise(%x: tensor<4x8xf32>, %y: tensor<4x8xf32>, %s: tensor<8xf32>) -> tensor<4x8xf32> {
  %d = tosa.sub %x, %y : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %m = tosa.mul %d, %s {shift = 0 : i8} : (tensor<4x8xf32>, tensor<8xf32>) -> tensor<4x8xf32>
  %r = tosa.maximum %m, %y : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Tests that the transposes around an exported BatchNorm1d (per-channel
// constants on [1, C, T]) move past the multiply-add and cancel: no copy is
// emitted, the coefficients become rows of C (transposed at compile time)
// broadcast by DMA.
// CHECK-LABEL: func @batchnorm_transposed
// CHECK-SAME: (%[[X:.+]]: memref<1x3x2xbf16>)
// CHECK: memref.get_global @{{.*}} : memref<1x1x2xbf16>
// CHECK: memref.get_global @{{.*}} : memref<1x1x2xbf16>
// CHECK-NOT: accel.dma_store
// CHECK: memref.reinterpret_cast %[[X]] to offset: [0], sizes: [3, 2], strides: [2, 1]
// CHECK: accel.dma_load
// CHECK: accel.dma_broadcast %{{.*}}, %[[A:.+]] : memref<2xbf16, strided<[1]>>, memref<3x2xbf16, #accel.space<act>>
// CHECK: accel.vector <mul> %{{.*}}, %[[A]],
// CHECK: accel.dma_store
// CHECK: accel.dma_broadcast
// CHECK: accel.vector <add>
// CHECK: accel.dma_store
// CHECK-NOT: accel.dma_store
// CHECK: return
func.func @batchnorm_transposed(%x: tensor<1x3x2xf32>) -> tensor<1x3x2xf32> {
  %perm = "tosa.const"() <{value = dense<[0, 2, 1]> : tensor<3xi32>}> : () -> tensor<3xi32>
  %a = "tosa.const"() <{value = dense<[[[1.5], [2.0]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %c = "tosa.const"() <{value = dense<[[[-1.0], [-2.0]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %t = tosa.transpose %x, %perm : (tensor<1x3x2xf32>, tensor<3xi32>) -> tensor<1x2x3xf32>
  %m = tosa.mul %t, %a {shift = 0 : i8} : (tensor<1x2x3xf32>, tensor<1x2x1xf32>) -> tensor<1x2x3xf32>
  %y = tosa.add %m, %c : (tensor<1x2x3xf32>, tensor<1x2x1xf32>) -> tensor<1x2x3xf32>
  %z = tosa.transpose %y, %perm : (tensor<1x2x3xf32>, tensor<3xi32>) -> tensor<1x3x2xf32>
  return %z : tensor<1x3x2xf32>
}

// -----

// Tests that a transpose used twice does not move (it would be copied
// twice), and that two transposes that do not cancel merge into one copy.
// CHECK-LABEL: func @transpose_kept
// CHECK-COUNT-1: accel.dma_load_transposed {{.*}} : memref<2x3xbf16, strided<[3, 1]>>, memref<3x2xbf16, #accel.space<act>>
// CHECK-NOT: accel.dma_load_transposed
// CHECK: accel.vector_const <mul>
// CHECK: accel.vector_const <add>
// Merged: [2, 3, 4] -> [4, 2, 3] in one pass: per index of the first input
// dimension, its [3 x 4] block transposed into out[:, b, :] (row stride 6),
// and nothing else.
// CHECK-LABEL: func @transposes_merged
// CHECK: accel.dma_load_transposed {{.*}} : memref<3x4xbf16, strided<[4, 1]>>, memref<4x3xbf16, #accel.space<act>>
// CHECK-NEXT: memref.reinterpret_cast %{{.*}} to offset: [0], sizes: [4, 3], strides: [6, 1]
// CHECK: accel.dma_load_transposed {{.*}} : memref<3x4xbf16, strided<[4, 1], offset: 12>>, memref<4x3xbf16, #accel.space<act>>
// CHECK-NEXT: memref.reinterpret_cast %{{.*}} to offset: [3], sizes: [4, 3], strides: [6, 1]
// CHECK-NOT: accel.dma_load
func.func @transpose_kept(%x: tensor<2x3xf32>) -> (tensor<3x2xf32>, tensor<3x2xf32>) {
  %perm = "tosa.const"() <{value = dense<[1, 0]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %two = "tosa.const"() <{value = dense<2.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %t = tosa.transpose %x, %perm : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<3x2xf32>
  %m = tosa.mul %t, %two {shift = 0 : i8} : (tensor<3x2xf32>, tensor<1x1xf32>) -> tensor<3x2xf32>
  %a = tosa.add %t, %two : (tensor<3x2xf32>, tensor<1x1xf32>) -> tensor<3x2xf32>
  return %m, %a : tensor<3x2xf32>, tensor<3x2xf32>
}
func.func @transposes_merged(%x: tensor<2x3x4xf32>) -> tensor<4x2x3xf32> {
  %p1 = "tosa.const"() <{value = dense<[0, 2, 1]> : tensor<3xi32>}> : () -> tensor<3xi32>
  %p2 = "tosa.const"() <{value = dense<[1, 0, 2]> : tensor<3xi32>}> : () -> tensor<3xi32>
  %t = tosa.transpose %x, %p1 : (tensor<2x3x4xf32>, tensor<3xi32>) -> tensor<2x4x3xf32>
  %u = tosa.transpose %t, %p2 : (tensor<2x4x3xf32>, tensor<3xi32>) -> tensor<4x2x3xf32>
  return %u : tensor<4x2x3xf32>
}
