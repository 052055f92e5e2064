// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests tosa.reciprocal (ONNX Reciprocal): 1 / x correctly rounded, the
// SFU's division of the constant 1 by x (rsfu.div rev=1).
// CHECK-LABEL: func @reciprocal
// CHECK: accel.dma_load %{{.*}}, %[[X:[^ ]*]] :
// CHECK: accel.vector_const <rdiv> %[[X]], %[[R:[^ ]*]] 1.000000e+00
// CHECK: accel.dma_store %[[R]]
// CHECK-NOT: accel.rsqrt
func.func @reciprocal(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = tosa.reciprocal %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests the importer's sqrt(x) = reciprocal(rsqrt(x)): the SFU's correctly
// rounded square root of x (rsfu.sqrt), read from x; the rsqrt, used only
// there, computes nothing.
// CHECK-LABEL: func @sqrt
// CHECK-NOT: accel.rsqrt
// CHECK: accel.dma_load %{{.*}}, %[[X:[^ ]*]] :
// CHECK: accel.sqrt %[[X]], %[[Q:[^ ]*]] :
// CHECK: accel.dma_store %[[Q]]
// CHECK-NOT: accel.rsqrt
func.func @sqrt(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %i = tosa.rsqrt %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = tosa.reciprocal %i : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// An rsqrt with another use is computed for it; the sqrt still reads x.
// CHECK-LABEL: func @sqrt_and_rsqrt
// CHECK: accel.rsqrt
// CHECK: accel.sqrt
func.func @sqrt_and_rsqrt(%x: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %i = tosa.rsqrt %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = tosa.reciprocal %i : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y, %i : tensor<4x8xf32>, tensor<4x8xf32>
}
