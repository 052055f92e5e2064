// RUN: tern-opt %s -split-input-file --convert-tern-to-accel \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// ONNX int8 / uint8 / int16 / uint16 tensors are held as i32 in DRAM (the
// program's inputs and outputs are i32; `tern run` widens them). Max and
// Min are exact on the widened values and lower as on int32 tensors.
// CHECK-LABEL: func @max_ui8
// CHECK-SAME: (%{{.*}}: memref<3xi32>, %{{.*}}: memref<3xi32>) -> memref<3xi32>
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] : {{.*}}, memref<1x3xi32, #accel.space<act>>
// CHECK: accel.dma_load %{{.*}}, %[[B:[^ ]*]] : {{.*}}, memref<1x3xi32, #accel.space<act>>
// CHECK: accel.vector <max> %[[A]], %[[B]], %[[R:[^ ]*]] :
// CHECK: accel.dma_store %[[R]]
func.func @max_ui8(%a: tensor<3xui8>, %b: tensor<3xui8>) -> tensor<3xui8> {
  %y = tosa.maximum %a, %b : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return %y : tensor<3xui8>
}

// -----

// min(a, b) = a + b - max(a, b) on integers (exact: |a + b| < 2^17 here).
// CHECK-LABEL: func @min_i16
// CHECK-SAME: (%{{.*}}: memref<2x4xi32>, %{{.*}}: memref<2x4xi32>) -> memref<2x4xi32>
// CHECK: accel.vector <max>
// CHECK: accel.vector <add>
// CHECK: accel.vector <sub>
// CHECK: accel.dma_store
func.func @min_i16(%a: tensor<2x4xi16>, %b: tensor<2x4xi16>) -> tensor<2x4xi16> {
  %y = tosa.minimum %a, %b : (tensor<2x4xi16>, tensor<2x4xi16>) -> tensor<2x4xi16>
  return %y : tensor<2x4xi16>
}

// -----

// Data movement keeps the values: a transpose of int8 moves i32 elements.
// CHECK-LABEL: func @transpose_i8
// CHECK-SAME: (%{{.*}}: memref<2x3xi32>) -> memref<3x2xi32>
// CHECK: accel.dma_load
// CHECK: accel.dma_store
func.func @transpose_i8(%a: tensor<2x3xi8>) -> tensor<3x2xi8> {
  %p = "tosa.const"() <{value = dense<[1, 0]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %y = tosa.transpose %a, %p : (tensor<2x3xi8>, tensor<2xi32>) -> tensor<3x2xi8>
  return %y : tensor<3x2xi8>
}
