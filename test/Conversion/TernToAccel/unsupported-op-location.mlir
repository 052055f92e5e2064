// RUN: not tern-opt %s --convert-tern-to-accel 2>&1 | FileCheck %s
// Imported ops carry the ONNX node name and op type as their location; the
// error for an op without a lowering shows them.

// CHECK: error: loc(fused["/blocks.0/attn/Floor", "Floor"]): no lowering to accel for 'tosa.floor'
func.func @named(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = tosa.floor %x : (tensor<4x8xf32>) -> tensor<4x8xf32> loc(fused["/blocks.0/attn/Floor", "Floor"])
  return %0 : tensor<4x8xf32>
}
