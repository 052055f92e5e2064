// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests ONNX uint32 / uint64 tensors, held as 32-bit words (i32 buffers):
// Max and Min order them as uint32 (accel `uint`: vmax uns), Min through
// a + b - max(a, b) in wrapping i32 arithmetic; the result records its
// declared type for the program's output table.
// CHECK-LABEL: func @max_min_ui64
// CHECK-SAME: (%{{[^:]*}}: memref<3xi32>, %{{[^:]*}}: memref<3xi32>) -> (memref<3xi32> {accel.declared_type = ui64}, memref<3xi32> {accel.declared_type = ui64})
// CHECK: accel.vector <max> %[[A:[^,]*]], %[[B:[^,]*]], %{{[^ ]*}} {uint} : memref<1x3xi32
// CHECK: accel.vector <max> %[[A2:[^,]*]], %[[B2:[^,]*]], %[[M:[^ ]*]] {uint} : memref<1x3xi32
// CHECK: accel.vector <add> %[[A2]], %[[B2]], %[[A2]] : memref<1x3xi32
// CHECK: accel.vector <sub> %[[A2]], %[[M]], %[[M]] : memref<1x3xi32
func.func @max_min_ui64(%a: tensor<3xui64>, %b: tensor<3xui64>) -> (tensor<3xui64>, tensor<3xui64>) {
  %x = tosa.maximum %a, %b : (tensor<3xui64>, tensor<3xui64>) -> tensor<3xui64>
  %n = tosa.minimum %a, %b : (tensor<3xui64>, tensor<3xui64>) -> tensor<3xui64>
  return %x, %n : tensor<3xui64>, tensor<3xui64>
}

// -----

// Tests a comparison of uint32 words (vcmp uns) and the cast of a uint32 to
// a float (cvt.i2b src=u32: accel.convert uint); uint32 -> int32 keeps the
// word (ONNX's wrap), and so does int32 -> uint32.
// CHECK-LABEL: func @compare_and_cast_ui32
// CHECK: accel.vector <gt> %{{.*}} {uint} : memref<2x4xi32, #accel.space<act>>, memref<2x4xi32, #accel.space<act>>, memref<2x4xbf16, #accel.space<act>>
// CHECK: accel.convert %{{.*}}, %{{.*}} uint : memref<2x4xi32, #accel.space<act>>, memref<2x4xbf16, #accel.space<act>>
// CHECK: return %{{.*}}, %{{.*}}, %arg0, %arg2 :
func.func @compare_and_cast_ui32(%a: tensor<2x4xui32>, %b: tensor<2x4xui32>, %c: tensor<2x4xi32>)
    -> (tensor<2x4xi1>, tensor<2x4xf32>, tensor<2x4xi32>, tensor<2x4xui32>) {
  %g = tosa.greater %a, %b : (tensor<2x4xui32>, tensor<2x4xui32>) -> tensor<2x4xi1>
  %f = tosa.cast %a : (tensor<2x4xui32>) -> tensor<2x4xf32>
  %i = tosa.cast %a : (tensor<2x4xui32>) -> tensor<2x4xi32>
  %u = tosa.cast %c : (tensor<2x4xi32>) -> tensor<2x4xui32>
  return %g, %f, %i, %u : tensor<2x4xi1>, tensor<2x4xf32>, tensor<2x4xi32>, tensor<2x4xui32>
}
