// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests bf16 tosa.minimum (ONNX Min) as -max(-a, -b) on the vector unit:
// both operand tiles negated in place, max, result negated.
// CHECK-LABEL: func @minimum_bf16
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] : {{.*}}, memref<4x8xbf16, #accel.space<act>>
// CHECK: accel.dma_load %{{.*}}, %[[B:[^ ]*]] : {{.*}}, memref<4x8xbf16, #accel.space<act>>
// CHECK: accel.vector_const <mul> %[[A]], %[[A]] -1.000000e+00
// CHECK: accel.vector_const <mul> %[[B]], %[[B]] -1.000000e+00
// CHECK: accel.vector <max> %[[A]], %[[B]], %[[R:[^ ]*]] :
// CHECK: accel.vector_const <mul> %[[R]], %[[R]] -1.000000e+00
// CHECK: accel.dma_store %[[R]]
func.func @minimum_bf16(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = tosa.minimum %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests a splat constant operand: -max(-x, -c) with -c in a constant
// register.
// CHECK-LABEL: func @minimum_splat
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] :
// CHECK: accel.vector_const <mul> %[[A]], %[[A]] -1.000000e+00
// CHECK: accel.vector_const <max> %[[A]], %[[R:[^ ]*]] -2.500000e+00
// CHECK: accel.vector_const <mul> %[[R]], %[[R]] -1.000000e+00
func.func @minimum_splat(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %c = "tosa.const"() <{value = dense<2.5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %y = tosa.minimum %a, %c : (tensor<4x8xf32>, tensor<1x1xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests i32 tosa.minimum: a + b - max(a, b) in wrapping i32 (exact).
// CHECK-LABEL: func @minimum_i32
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] : {{.*}}, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.dma_load %{{.*}}, %[[B:[^ ]*]] : {{.*}}, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.vector <max> %[[A]], %[[B]], %[[R:[^ ]*]] :
// CHECK: accel.vector <add> %[[A]], %[[B]], %[[A]] :
// CHECK: accel.vector <sub> %[[A]], %[[R]], %[[R]] :
// CHECK-NOT: accel.vector_const
func.func @minimum_i32(%a: tensor<4x8xi32>, %b: tensor<4x8xi32>) -> tensor<4x8xi32> {
  %y = tosa.minimum %a, %b : (tensor<4x8xi32>, tensor<4x8xi32>) -> tensor<4x8xi32>
  return %y : tensor<4x8xi32>
}

// -----

// Tests tosa.negate (ONNX Neg): x * -1.
// CHECK-LABEL: func @negate
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] :
// CHECK: accel.vector_const <mul> %[[A]], %{{.*}} -1.000000e+00
// CHECK: accel.dma_store
func.func @negate(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = tosa.negate %a : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests a clamp with both bounds (ONNX Clip, constant bounds):
// max(x, lo), then -max(-y, -hi).
// CHECK-LABEL: func @clamp_both
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] :
// CHECK: accel.vector_const <max> %[[A]], %[[R:[^ ]*]] -1.000000e+00
// CHECK: accel.vector_const <mul> %[[R]], %[[R]] -1.000000e+00
// CHECK: accel.vector_const <max> %[[R]], %[[R]] -6.000000e+00
// CHECK: accel.vector_const <mul> %[[R]], %[[R]] -1.000000e+00
// CHECK: accel.dma_store %[[R]]
func.func @clamp_both(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = tosa.clamp %a {min_fp = -1.0 : f32, max_fp = 6.0 : f32, min_int = -1 : i64, max_int = 6 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests that a clamp without an upper bound (ReLU) stays one max.
// CHECK-LABEL: func @clamp_relu
// CHECK: accel.vector_const <max> {{.*}} 0.000000e+00
// CHECK-NOT: accel.vector_const
func.func @clamp_relu(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = tosa.clamp %a {min_fp = 0.0 : f32, max_fp = 3.40282347E+38 : f32, min_int = 0 : i64, max_int = 2147483647 : i64} : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
