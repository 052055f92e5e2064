// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests a padded, strided convolution with a run-time weight (Convolution.cpp):
// TOSA pad [top 1, bottom 0, left 1, right 1] gives a zeroed [1, 5, 7, 2]
// buffer (a broadcast zero row stored over its 70 elements) with the
// [4, 5 * 2] input copied at row 1, column 1 (offset (7 + 1) * 2 = 16, row
// stride 7 * 2); stride 1 < kernel 3 makes neighbouring patches overlap, so
// the im2col copies are per kernel element: Wo = 5 runs of Ci = 2, Sw * Ci
// = 2 apart, into columns (r * 3 + s) * 2 of the [10, 18] patch matrix. The
// run-time OHWI weight [3, 18] is transposed to [18, 3] by one transposing
// DMA load of the whole block; the zero bias is left out.
// CHECK-LABEL: func @conv_pad
// CHECK: %[[XP:.+]] = memref.alloc() : memref<1x5x7x2xbf16>
// CHECK: %[[Z:.+]] = memref.get_global @__tern_zeros{{.*}} : memref<70xbf16>
// CHECK: accel.dma_broadcast %[[Z]], %[[ZT:.+]] : memref<70xbf16>, memref<1x70xbf16, #accel.space<act>>
// CHECK: %[[ZV:.+]] = memref.reinterpret_cast %[[XP]] to offset: [0], sizes: [1, 70], strides: [70, 1]
// CHECK: accel.dma_store %[[ZT]], %[[ZV]]
// CHECK: memref.reinterpret_cast %arg0 to offset: [0], sizes: [4, 10], strides: [10, 1]
// CHECK: memref.reinterpret_cast %[[XP]] to offset: [16], sizes: [4, 10], strides: [14, 1]
// CHECK: %[[P:.+]] = memref.alloc() : memref<10x18xbf16>
// CHECK: memref.reinterpret_cast %[[XP]] to offset: [0], sizes: [5, 2], strides: [2, 1]
// CHECK: memref.reinterpret_cast %[[P]] to offset: [0], sizes: [5, 2], strides: [18, 1]
// CHECK: memref.reinterpret_cast %[[XP]] to offset: [2], sizes: [5, 2], strides: [2, 1]
// CHECK: memref.reinterpret_cast %[[P]] to offset: [2], sizes: [5, 2], strides: [18, 1]
// Kernel row 1 of output row 0 reads padded row 1 (offset 14).
// CHECK: memref.reinterpret_cast %[[XP]] to offset: [14], sizes: [5, 2], strides: [2, 1]
// CHECK: memref.reinterpret_cast %[[P]] to offset: [6], sizes: [5, 2], strides: [18, 1]
// Output row 1 (stride 2) starts at padded row 2 (offset 28), patch row 5.
// CHECK: memref.reinterpret_cast %[[XP]] to offset: [28], sizes: [5, 2], strides: [2, 1]
// CHECK: memref.reinterpret_cast %[[P]] to offset: [90], sizes: [5, 2], strides: [18, 1]
// CHECK: %[[WT:.+]] = memref.alloc() : memref<18x3xbf16>
// CHECK: memref.reinterpret_cast %arg1 to offset: [0], sizes: [3, 18], strides: [18, 1]
// CHECK-NEXT: accel.dma_load_transposed {{.*}} : memref<3x18xbf16, strided<[18, 1]>>, memref<18x3xbf16, #accel.space<act>>
// CHECK-NEXT: memref.reinterpret_cast %[[WT]] to offset: [0], sizes: [18, 3], strides: [3, 1]
// CHECK-NOT: memref.reinterpret_cast %arg1
// CHECK: accel.gemm {{.*}} : memref<10x18xbf16, #accel.space<act>>, memref<18x3xbf16, #accel.space<wgt>>
// CHECK-NOT: accel.dma_broadcast
// CHECK: return
func.func @conv_pad(%x: tensor<1x4x5x2xf32>, %w: tensor<3x3x3x2xf32>) -> tensor<1x2x5x3xf32> {
  %b = "tosa.const"() <{value = dense<0.0> : tensor<3xf32>}> : () -> tensor<3xf32>
  %y = tosa.conv2d %x, %w, %b {dilation = array<i64: 1, 1>, pad = array<i64: 1, 0, 1, 1>, stride = array<i64: 2, 1>} : (tensor<1x4x5x2xf32>, tensor<3x3x3x2xf32>, tensor<3xf32>) -> tensor<1x2x5x3xf32>
  return %y : tensor<1x2x5x3xf32>
}

// -----

// Tests a dilated convolution without padding, constant weight, run-time
// bias: no padded copy; kernel element (r, s) of output pixel (oh, ow) reads
// input (oh + 2r, ow * 2 + 3s): Wo = 3 runs of Ci = 1, 2 apart, from offset
// 2r * 8 + 3s. The weight [2, 2*2*1] is reordered at compile time to a
// [4, 2] constant; the bias is broadcast from its run-time buffer.
// CHECK-LABEL: func @conv_dilated
// CHECK-NOT: memref.alloc() : memref<1x{{[0-9]+}}x{{[0-9]+}}x1xbf16>
// CHECK: %[[P:.+]] = memref.alloc() : memref<12x4xbf16>
// CHECK: memref.reinterpret_cast %arg0 to offset: [0], sizes: [3, 1], strides: [2, 1]
// CHECK: memref.reinterpret_cast %[[P]] to offset: [0], sizes: [3, 1], strides: [4, 1]
// CHECK: memref.reinterpret_cast %arg0 to offset: [3], sizes: [3, 1], strides: [2, 1]
// CHECK: memref.reinterpret_cast %[[P]] to offset: [1], sizes: [3, 1], strides: [4, 1]
// CHECK: memref.reinterpret_cast %arg0 to offset: [16], sizes: [3, 1], strides: [2, 1]
// CHECK: memref.reinterpret_cast %[[P]] to offset: [2], sizes: [3, 1], strides: [4, 1]
// CHECK: memref.reinterpret_cast %arg0 to offset: [19], sizes: [3, 1], strides: [2, 1]
// CHECK: memref.reinterpret_cast %[[P]] to offset: [3], sizes: [3, 1], strides: [4, 1]
// CHECK: memref.get_global @__tern_reordered_weight{{.*}} : memref<4x2xbf16>
// CHECK: accel.gemm {{.*}} : memref<12x4xbf16, #accel.space<act>>, memref<4x2xbf16, #accel.space<wgt>>
// CHECK: accel.dma_broadcast %arg1
func.func @conv_dilated(%x: tensor<1x6x8x1xf32>, %b: tensor<2xf32>) -> tensor<1x4x3x2xf32> {
  %w = "tosa.const"() <{value = dense<[[[[1.0], [2.0]], [[3.0], [4.0]]], [[[5.0], [6.0]], [[7.0], [8.0]]]]> : tensor<2x2x2x1xf32>}> : () -> tensor<2x2x2x1xf32>
  %y = tosa.conv2d %x, %w, %b {dilation = array<i64: 2, 3>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 1, 2>} : (tensor<1x6x8x1xf32>, tensor<2x2x2x1xf32>, tensor<2xf32>) -> tensor<1x4x3x2xf32>
  return %y : tensor<1x4x3x2xf32>
}
