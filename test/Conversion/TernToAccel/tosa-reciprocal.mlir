// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests tosa.reciprocal (ONNX Reciprocal, Div by a run-time divisor):
// r = x * rsqrt(x*x)^2 on the vector unit and the SFU, then one Newton step
// r - r (x r - 1).
// CHECK-LABEL: func @reciprocal
// CHECK: accel.dma_load %{{.*}}, %[[X:[^ ]*]] :
// CHECK: accel.vector <mul> %[[X]], %[[X]], %[[T:[^ ]*]] :
// CHECK: accel.rsqrt %[[T]], %[[R:[^ ]*]] :
// CHECK: accel.vector <mul> %[[R]], %[[R]], %[[R]] :
// CHECK: accel.vector <mul> %[[R]], %[[X]], %[[R]] :
// CHECK: accel.vector <mul> %[[X]], %[[R]], %[[T]] :
// CHECK: accel.vector_const <sub> %[[T]], %[[T]] 1.000000e+00
// CHECK: accel.vector <mul> %[[R]], %[[T]], %[[T]] :
// CHECK: accel.vector <sub> %[[R]], %[[T]], %[[R]] :
// CHECK: accel.dma_store %[[R]]
func.func @reciprocal(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = tosa.reciprocal %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests the importer's sqrt(x) = reciprocal(rsqrt(x)): x * rsqrt(x), reading
// the rsqrt's result and x, with no second isqrt.
// CHECK-LABEL: func @sqrt
// CHECK: accel.rsqrt
// CHECK: accel.dma_store
// CHECK: accel.dma_load %{{.*}}, %[[I:[^ ]*]] :
// CHECK: accel.dma_load %{{.*}}, %[[X:[^ ]*]] :
// CHECK: accel.vector <mul> %[[X]], %[[I]], %[[Q:[^ ]*]] :
// CHECK: accel.dma_store %[[Q]]
// CHECK-NOT: accel.rsqrt
func.func @sqrt(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %i = tosa.rsqrt %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = tosa.reciprocal %i : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
