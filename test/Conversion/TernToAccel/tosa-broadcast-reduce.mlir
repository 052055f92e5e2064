// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests a folded BatchNorm over channels that are not the last axis (the
// importer's [1, C, 1] coefficients on [1, C, T]): each constant is expanded
// to the result's shape at compile time, so the vector unit multiplies and
// adds full tiles.
// CHECK-DAG: memref.global "private" constant @[[A:__tern_broadcast_constant_[0-9]+]] : memref<1x2x3xbf16> = dense<{{\[\[\[}}1.500000e+00, 1.500000e+00, 1.500000e+00], [2.000000e+00, 2.000000e+00, 2.000000e+00]]]>
// CHECK-DAG: memref.global "private" constant @[[C:__tern_broadcast_constant_[0-9]+]] : memref<1x2x3xbf16> = dense<{{\[\[\[}}-1.000000e+00, -1.000000e+00, -1.000000e+00], [-2.000000e+00, -2.000000e+00, -2.000000e+00]]]>
// CHECK: func.func @batchnorm_channels
// CHECK: memref.get_global @[[A]] : memref<1x2x3xbf16>
// CHECK: accel.dma_load
// CHECK: accel.dma_load
// CHECK: accel.vector <mul> {{.*}} : memref<2x3xbf16, #accel.space<act>>, memref<2x3xbf16, #accel.space<act>>, memref<2x3xbf16, #accel.space<act>>
// CHECK: memref.get_global @[[C]] : memref<1x2x3xbf16>
// CHECK: accel.vector <add>
func.func @batchnorm_channels(%x: tensor<1x2x3xf32>) -> tensor<1x2x3xf32> {
  %a = "tosa.const"() <{value = dense<[[[1.5], [2.0]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %c = "tosa.const"() <{value = dense<[[[-1.0], [-2.0]]]> : tensor<1x2x1xf32>}> : () -> tensor<1x2x1xf32>
  %m = tosa.mul %x, %a {shift = 0 : i8} : (tensor<1x2x3xf32>, tensor<1x2x1xf32>) -> tensor<1x2x3xf32>
  %y = tosa.add %m, %c : (tensor<1x2x3xf32>, tensor<1x2x1xf32>) -> tensor<1x2x3xf32>
  return %y : tensor<1x2x3xf32>
}

// -----

// Tests a splat constant of another shape (ReduceMean's 1/count): a vector
// unit constant register, no constant buffer. The constant may come first.
// CHECK: func.func @splat_scale
// CHECK-NOT: memref.global
// CHECK: accel.vector_const <mul> %{{.*}}, %{{.*}} 2.500000e-01 : memref<1x8xbf16, #accel.space<act>>, memref<1x8xbf16, #accel.space<act>>
// CHECK: accel.vector_const <add> %{{.*}}, %{{.*}} 1.000000e+00 : memref<1x8xbf16, #accel.space<act>>
func.func @splat_scale(%x: tensor<1x1x8xf32>) -> tensor<1x1x8xf32> {
  %q = "tosa.const"() <{value = dense<0.25> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %one = "tosa.const"() <{value = dense<1.0> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %m = tosa.mul %x, %q {shift = 0 : i8} : (tensor<1x1x8xf32>, tensor<1x1x1xf32>) -> tensor<1x1x8xf32>
  %y = tosa.add %one, %m : (tensor<1x1x1xf32>, tensor<1x1x8xf32>) -> tensor<1x1x8xf32>
  return %y : tensor<1x1x8xf32>
}

// -----

// Tests that c - x (a splat on the left of a subtraction) is not turned into
// x - c: the constant is expanded and subtracted as a full tile.
// CHECK: memref.global "private" constant @[[C:__tern_broadcast_constant_[0-9]+]] : memref<2x4xbf16> = dense<3.000000e+00>
// CHECK: func.func @splat_minus_x
// CHECK: %[[G:.+]] = memref.get_global @[[C]]
// CHECK: %[[GV:.+]] = memref.reinterpret_cast %[[G]]
// CHECK: accel.dma_load %[[GV]], %[[T:[^ ]+]] :
// CHECK: memref.reinterpret_cast %arg0
// CHECK: accel.dma_load
// CHECK: accel.vector <sub> %[[T]],
// CHECK-NOT: accel.vector_const
func.func @splat_minus_x(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %c = "tosa.const"() <{value = dense<3.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %y = tosa.sub %c, %x : (tensor<1x1xf32>, tensor<2x4xf32>) -> tensor<2x4xf32>
  return %y : tensor<2x4xf32>
}

// -----

// Tests a sum over the token axis (global average pooling): ones[1, 12] x
// X[12, 32] on the matrix unit, f32 accumulation, one conversion to bf16.
// CHECK: memref.global "private" constant @[[ONES:__tern_ones_[0-9]+]] : memref<1x12xbf16> = dense<1.000000e+00>
// CHECK: func.func @reduce_tokens
// CHECK: %[[OUT:.+]] = memref.alloc() : memref<1x1x32xbf16>
// CHECK: %[[O:.+]] = memref.get_global @[[ONES]]
// CHECK: %[[X:.+]] = memref.reinterpret_cast %arg0 to offset: [0], sizes: [12, 32], strides: [32, 1]
// CHECK: accel.dma_load %[[O]], %{{.*}} : memref<1x12xbf16>, memref<1x12xbf16, #accel.space<act>>
// CHECK: accel.dma_load %[[X]], %{{.*}} : memref<12x32xbf16, strided<[32, 1]>>, memref<12x32xbf16, #accel.space<wgt>>
// CHECK: accel.gemm {{.*}} : memref<1x12xbf16, #accel.space<act>>, memref<12x32xbf16, #accel.space<wgt>>, memref<1x32xf32, #accel.space<acc>>
// CHECK: accel.convert
// CHECK: accel.dma_store
// CHECK: return %[[OUT]]
func.func @reduce_tokens(%x: tensor<1x12x32xf32>) -> tensor<1x1x32xf32> {
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<1x12x32xf32>) -> tensor<1x1x32xf32>
  return %s : tensor<1x1x32xf32>
}

// -----

// Tests a mean (ONNX ReduceMean: a sum times 1/count): the constant factor
// 1/12 becomes the scale of the sum's accumulator conversion (f32, applied
// before the one rounding) instead of a bf16 constant multiply on the
// vector unit.
// CHECK-LABEL: func.func @reduce_mean
// CHECK: accel.gemm
// CHECK-NEXT: memref.alloc() : memref<1x32xbf16, #accel.space<act>>
// CHECK-NEXT: accel.convert %{{.*}}, %{{.*}} scale 0.0833333358 :
// CHECK-NOT: accel.vector_const
// CHECK: return
func.func @reduce_mean(%x: tensor<1x12x32xf32>) -> tensor<1x1x32xf32> {
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<1x12x32xf32>) -> tensor<1x1x32xf32>
  %c = "tosa.const"() <{value = dense<0.0833333358> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %m = tosa.mul %s, %c {shift = 0 : i8} : (tensor<1x1x32xf32>, tensor<1x1x1xf32>) -> tensor<1x1x32xf32>
  return %m : tensor<1x1x32xf32>
}

// -----

// Tests that a sum with another use keeps its own rounding: the factor stays
// a multiply on the vector unit.
// CHECK-LABEL: func.func @reduce_mean_shared
// CHECK: accel.convert %{{.*}}, %{{.*}} :
// CHECK: accel.vector_const <mul> {{.*}} 0.0833333358
func.func @reduce_mean_shared(%x: tensor<1x12x32xf32>) -> (tensor<1x1x32xf32>, tensor<1x1x32xf32>) {
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<1x12x32xf32>) -> tensor<1x1x32xf32>
  %c = "tosa.const"() <{value = dense<0.0833333358> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %m = tosa.mul %s, %c {shift = 0 : i8} : (tensor<1x1x32xf32>, tensor<1x1x1xf32>) -> tensor<1x1x32xf32>
  return %m, %s : tensor<1x1x32xf32>, tensor<1x1x32xf32>
}

// -----

// Tests a middle axis with outer dimensions: one product per outer index,
// reading the [3, 4] block at 12 * b.
// CHECK: func.func @reduce_middle
// CHECK: memref.reinterpret_cast %arg0 to offset: [0], sizes: [3, 4], strides: [4, 1]
// CHECK: accel.gemm
// CHECK: memref.reinterpret_cast %arg0 to offset: [12], sizes: [3, 4], strides: [4, 1]
// CHECK: accel.gemm
// CHECK-NOT: accel.gemm
func.func @reduce_middle(%x: tensor<2x3x4xf32>) -> tensor<2x1x4xf32> {
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<2x3x4xf32>) -> tensor<2x1x4xf32>
  return %s : tensor<2x1x4xf32>
}

// -----

// Tests a sum over the last axis: X[4, 8] x ones[8, 1].
// CHECK: memref.global "private" constant @[[ONES:__tern_ones_[0-9]+]] : memref<8x1xbf16> = dense<1.000000e+00>
// CHECK: func.func @reduce_last
// CHECK: accel.gemm {{.*}} : memref<4x8xbf16, #accel.space<act>>, memref<8x1xbf16, #accel.space<wgt>>, memref<4x1xf32, #accel.space<acc>>
func.func @reduce_last(%x: tensor<4x8xf32>) -> tensor<4x1xf32> {
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<4x8xf32>) -> tensor<4x1xf32>
  return %s : tensor<4x1xf32>
}
