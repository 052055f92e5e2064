// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32 tile-n=16 tile-k=8" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tern.

// Tests that a linear layer with bias becomes output-stationary GEMM tiles:
// M = 40 in row blocks of 32 + 8, N = 24 in column blocks of 16 + 8, K = 16
// in two slices of 8 accumulated in the accumulator scratchpad, then
// converted to bf16, biased with a broadcast row and stored.
// The weight of a model linear is a frozen weight (the program's weight
// table, --weight-noise).
// CHECK-LABEL: memref.global "private" constant @__tern_constant : memref<16x24xbf16> = dense<5.000000e-01> {accel.frozen_weight}
// CHECK-LABEL: func @linear
// CHECK-SAME: (%[[X:.+]]: memref<40x16xbf16>, %[[B:.+]]: memref<24xbf16>) -> memref<40x24xbf16>
// Tiles are views of each buffer cast once to its layout written as strides
// (right after its definition): a memref.reinterpret_cast to the tile's
// offset (in elements), sizes and strides.
// CHECK: %[[BS:.+]] = memref.cast %[[B]] : memref<24xbf16> to memref<24xbf16, strided<[1]>>
// CHECK: %[[XS:.+]] = memref.cast %[[X]] : memref<40x16xbf16> to memref<40x16xbf16, strided<[16, 1]>>
// CHECK: %[[W:.+]] = memref.get_global @__tern_constant
// CHECK-NEXT: %[[WS:.+]] = memref.cast %[[W]] : memref<16x24xbf16> to memref<16x24xbf16, strided<[24, 1]>>
// CHECK: %[[Y:.+]] = memref.alloc() : memref<40x24xbf16>
// CHECK-NEXT: %[[YS:.+]] = memref.cast %[[Y]] : memref<40x24xbf16> to memref<40x24xbf16, strided<[24, 1]>>
// CHECK-NOT: memref.cast
// First output block: rows 0..32, columns 0..16.
// CHECK: %[[ACC:.+]] = memref.alloc() : memref<32x16xf32, #accel.space<acc>>
// CHECK: memref.reinterpret_cast %[[XS]] to offset: [0], sizes: [32, 8], strides: [16, 1]
// CHECK: accel.dma_load {{.*}} : memref<32x8xbf16, strided<[16, 1]>>, memref<32x8xbf16, #accel.space<act>>
// CHECK: memref.reinterpret_cast %[[WS]] to offset: [0], sizes: [8, 16], strides: [24, 1]
// CHECK: accel.dma_load {{.*}} : memref<8x16xbf16, strided<[24, 1]>>, memref<8x16xbf16, #accel.space<wgt>>
// CHECK: accel.gemm %{{.*}}, %{{.*}}, %[[ACC]] :
// CHECK: memref.reinterpret_cast %[[XS]] to offset: [8], sizes: [32, 8], strides: [16, 1]
// CHECK: memref.reinterpret_cast %[[WS]] to offset: [192], sizes: [8, 16], strides: [24, 1]
// CHECK: accel.gemm %{{.*}}, %{{.*}}, %[[ACC]] accumulate :
// CHECK: %[[OUT:.+]] = memref.alloc() : memref<32x16xbf16, #accel.space<act>>
// CHECK: accel.convert %[[ACC]], %[[OUT]] :
// CHECK: %[[BROW:.+]] = memref.reinterpret_cast %[[BS]] to offset: [0], sizes: [16], strides: [1]
// CHECK: accel.dma_broadcast %[[BROW]], %[[BT:.+]] : memref<16xbf16, strided<[1]>>, memref<32x16xbf16, #accel.space<act>>
// CHECK: accel.vector <add> %[[OUT]], %[[BT]], %[[OUT]]
// CHECK: memref.reinterpret_cast %[[YS]] to offset: [0], sizes: [32, 16], strides: [24, 1]
// CHECK: accel.dma_store %[[OUT]], {{.*}} : memref<32x16xbf16, #accel.space<act>>, memref<32x16xbf16, strided<[24, 1]>>
// Second column block has the 8 remaining columns.
// CHECK: memref.alloc() : memref<32x8xf32, #accel.space<acc>>
// CHECK: memref.reinterpret_cast %[[WS]] to offset: [16], sizes: [8, 8], strides: [24, 1]
// CHECK: memref.reinterpret_cast %[[BS]] to offset: [16], sizes: [8], strides: [1]
// Last row block has the 8 remaining rows.
// CHECK: memref.alloc() : memref<8x16xf32, #accel.space<acc>>
// CHECK: memref.reinterpret_cast %[[XS]] to offset: [512], sizes: [8, 8], strides: [16, 1]
// CHECK: memref.alloc() : memref<8x8xf32, #accel.space<acc>>
// CHECK: memref.reinterpret_cast %[[YS]] to offset: [784], sizes: [8, 8], strides: [24, 1]
// CHECK: return %[[Y]] : memref<40x24xbf16>
func.func @linear(%x: tensor<40x16xf32>, %b: tensor<24xf32>) -> tensor<40x24xf32> {
  %w = arith.constant dense<0.5> : tensor<16x24xf32>
  %y = tern.linear %x, %w, %b precision <bf16> : tensor<40x16xf32>, tensor<16x24xf32>, tensor<24xf32> -> tensor<40x24xf32>
  return %y : tensor<40x24xf32>
}

// -----

// Tests that weights are rounded to bf16 (nearest even) and that a batched
// input is collapsed to rows.
// CHECK: memref.global "private" constant @__tern_constant : memref<2x2xbf16> = dense<{{\[}}[1.000000e+00, 1.007810e+00], [-3.000000e+00, 0.000000e+00]]>
// CHECK-LABEL: func @batched_linear
// CHECK: memref.collapse_shape %{{.*}} {{\[}}[0, 1], [2]] : memref<2x3x2xbf16> into memref<6x2xbf16>
// CHECK: memref.alloc() : memref<6x2xf32, #accel.space<acc>>
func.func @batched_linear(%x: tensor<2x3x2xf32>) -> tensor<2x3x2xf32> {
  // 1.00390625 is halfway between bf16 1.0 and 1.0078125: ties to even keeps
  // 1.0; 1.005 rounds up.
  %w = arith.constant dense<[[1.00390625, 1.005], [-3.0, 0.0]]> : tensor<2x2xf32>
  %y = tern.linear %x, %w precision <bf16> : tensor<2x3x2xf32>, tensor<2x2xf32> -> tensor<2x3x2xf32>
  return %y : tensor<2x3x2xf32>
}

// -----

// Tests attention-score matmuls: per batch (head), each [k x n] weight tile
// of K^T is K's [n x k] block, transposed by the DMA on its way in (one
// accel.dma_load_transposed, not one load per column), and the scale is
// applied by the conversion of the accumulator.
// CHECK-LABEL: func @scores
// CHECK-SAME: (%[[Q:.+]]: memref<2x4x3xbf16>, %[[K:.+]]: memref<2x4x3xbf16>)
// CHECK: %[[KM:.+]] = memref.collapse_shape %[[K]]
// CHECK-NEXT: %[[KS:.+]] = memref.cast %[[KM]] : memref<8x3xbf16> to memref<8x3xbf16, strided<[3, 1]>>
// CHECK: %[[WT:.+]] = memref.alloc() : memref<3x4xbf16, #accel.space<wgt>>
// CHECK-NEXT: %[[B0:.+]] = memref.reinterpret_cast %[[KS]] to offset: [0], sizes: [4, 3], strides: [3, 1] : memref<8x3xbf16, strided<[3, 1]>> to memref<4x3xbf16, strided<[3, 1]>>
// CHECK-NEXT: accel.dma_load_transposed %[[B0]], %[[WT]] : memref<4x3xbf16, strided<[3, 1]>>, memref<3x4xbf16, #accel.space<wgt>>
// CHECK-NOT: accel.dma_load %
// CHECK: accel.gemm %{{.*}}, %[[WT]], %{{.*}}
// CHECK: accel.convert %{{.*}}, %{{.*}} scale 5.000000e-01
// Second head reads rows 4..8 of K.
// CHECK: memref.reinterpret_cast %[[KS]] to offset: [12], sizes: [4, 3]
// CHECK-NEXT: accel.dma_load_transposed
// CHECK: accel.gemm
func.func @scores(%q: tensor<2x4x3xf32>, %k: tensor<2x4x3xf32>) -> tensor<2x4x4xf32> {
  %s = tern.matmul %q, %k transpose_rhs scale 0.5 precision <bf16> : tensor<2x4x3xf32>, tensor<2x4x3xf32> -> tensor<2x4x4xf32>
  return %s : tensor<2x4x4xf32>
}

// -----

// Tests the row-wise ops: whole rows per tile, layer_norm's gamma and beta
// applied by broadcast vector ops, relu as max with the constant 0.
// CHECK-LABEL: func @rows
// CHECK: accel.softmax %{{.*}}, %{{.*}} : memref<32x8xbf16, #accel.space<act>>
// CHECK: accel.softmax %{{.*}}, %{{.*}} : memref<8x8xbf16, #accel.space<act>>
// CHECK: accel.layer_norm %{{.*}}, %[[N:.+]] epsilon 9.99999974E-6
// CHECK: accel.dma_broadcast %{{.*}}, %[[G:.+]] :
// CHECK: accel.vector <mul> %[[N]], %[[G]], %[[N]]
// CHECK: accel.dma_broadcast %{{.*}}, %[[BE:.+]] :
// CHECK: accel.vector <add> %[[N]], %[[BE]], %[[N]]
// CHECK: accel.gelu
// CHECK: accel.vector_const <max> %{{.*}}, %{{.*}} 0.000000e+00
// CHECK: accel.dma_load {{.*}} #accel.space<act>>
// CHECK: accel.dma_load {{.*}} #accel.space<act>>
// CHECK: accel.vector <add>
func.func @rows(%x: tensor<40x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<40x8xf32> {
  %0 = tern.softmax %x precision <bf16> : tensor<40x8xf32> -> tensor<40x8xf32>
  %1 = tern.layer_norm %0, %g, %b epsilon 1.0e-5 precision <bf16> : tensor<40x8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<40x8xf32>
  %2 = tern.gelu %1 precision <bf16> : tensor<40x8xf32> -> tensor<40x8xf32>
  %3 = tern.relu %2 precision <bf16> : tensor<40x8xf32> -> tensor<40x8xf32>
  %4 = tern.add %3, %x precision <bf16> : tensor<40x8xf32>, tensor<40x8xf32> -> tensor<40x8xf32>
  return %4 : tensor<40x8xf32>
}

// -----

// Tests that tiles shrink to a quarter of small scratchpads (TATAA's 32 KiB
// files): a [32 x 32] bf16 GEMM tile gets K slices of 32 KiB / 4 / (32 * 2)
// = 128, and a 768-wide row op gets 32 KiB / 4 / 1536 = 5 rows per tile.
// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32 tile-n=32 tile-k=512 act-bytes=32768 wgt-bytes=32768 acc-bytes=32768" \
// RUN:   | FileCheck %s --check-prefix=SMALL
// SMALL-LABEL: func @small_scratchpads
// SMALL: accel.gemm {{.*}} : memref<32x128xbf16, #accel.space<act>>, memref<128x32xbf16, #accel.space<wgt>>, memref<32x32xf32, #accel.space<acc>>
// SMALL: accel.softmax {{.*}} : memref<5x768xbf16, #accel.space<act>>
func.func @small_scratchpads(%x: tensor<32x768xf32>, %w: tensor<768x32xf32>) -> (tensor<32x32xf32>, tensor<32x768xf32>) {
  %y = tern.linear %x, %w precision <bf16> : tensor<32x768xf32>, tensor<768x32xf32> -> tensor<32x32xf32>
  %s = tern.softmax %x precision <bf16> : tensor<32x768xf32> -> tensor<32x768xf32>
  return %y, %s : tensor<32x32xf32>, tensor<32x768xf32>
}

// -----

// Tests masked scores: after the scaled conversion each tile adds its mask
// tile; a row-broadcast (key padding) mask is loaded with dma_broadcast.
// CHECK-LABEL: func @masked
// CHECK: accel.convert %{{.*}}, %[[S:.+]] scale
// CHECK: accel.dma_broadcast %{{.*}}, %[[M:.+]] : memref<4xbf16, strided<[1]>>, memref<4x4xbf16, #accel.space<act>>
// CHECK: accel.vector <add> %[[S]], %[[M]], %[[S]]
func.func @masked(%q: tensor<2x4x3xf32>, %k: tensor<2x4x3xf32>, %m: tensor<2x1x4xf32>) -> tensor<2x4x4xf32> {
  %s = tern.matmul %q, %k mask %m transpose_rhs scale 0.5 precision <bf16> : tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<2x1x4xf32> -> tensor<2x4x4xf32>
  return %s : tensor<2x4x4xf32>
}
