// RUN: tern-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize))' | FileCheck %s

// torch's QNNPACK export (test/models/qdq_mlp_op13.onnx) in miniature: a
// uint8 input with a zero point, a Gemm transB weight dequantized behind a
// transpose, an int32 bias through DequantizeLinear at S_x * S_w, a
// QuantizeLinear of the result, then DequantizeLinear -> Relu ->
// QuantizeLinear to the same type.
// - The transposed weight becomes a transposed int8 constant (the [N, K]
//   initializer [[1, 2, 3], [4, 5, 6]] as [K, N] [[1, 4], [2, 5], [3, 6]]).
// - The bias keeps the model's integers (its scale 0.0125 is 0.05 * 0.25).
// - The linear's result takes the QuantizeLinear's type (uint8, zero point
//   7), and the Relu round trip becomes the linear's `relu`.
// - The input keeps its zero point (folded into the bias by the lowering).
// CHECK-LABEL: func @qnnpack
// CHECK-SAME: tern.conversions = 2
// CHECK-DAG: %[[XQ:.*]] = "quant.qcast"(%arg0) : (tensor<4x3xf32>) -> tensor<4x3x!quant.uniform<u8:f32, 5.000000e-02:3>>
// CHECK-DAG: %[[WT:.*]] = "tosa.const"() <{value = dense<{{\[\[}}1, 4], [2, 5], [3, 6]]> : tensor<3x2xi8>}>
// CHECK-DAG: %[[W:.*]] = "quant.scast"(%[[WT]]) : (tensor<3x2xi8>) -> tensor<3x2x!quant.uniform<i8:f32, 2.500000e-01>>
// CHECK-DAG: %[[B:.*]] = "quant.scast"(%[[BC:.*]]) : (tensor<2xi32>) -> tensor<2x!quant.uniform<i32:f32, 1.250000e-02>>
// CHECK-DAG: %[[BC]] = "tosa.const"() <{value = dense<[100, -7]> : tensor<2xi32>}>
// CHECK: %[[Y:.*]] = tern.linear %[[XQ]], %[[W]], %[[B]] precision <int> relu : {{.*}} -> tensor<4x2x!quant.uniform<u8:f32, 1.000000e-01:7>>
// CHECK-NOT: tosa.clamp
// CHECK-NOT: tosa.transpose
// CHECK: "quant.dcast"(%[[Y]])
!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32, 0.25>
!b = !quant.uniform<i32:f32, 0.0125>
!y = !quant.uniform<u8:f32, 0.1:7>
func.func @qnnpack(%x: tensor<4x3xf32>) -> tensor<4x2xf32> {
  %wc = "tosa.const"() <{value = dense<[[1, 2, 3], [4, 5, 6]]> : tensor<2x3xi8>}> : () -> tensor<2x3xi8>
  %bc = "tosa.const"() <{value = dense<[100, -7]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %perm = "tosa.const"() <{value = dense<[1, 0]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %xq = "quant.qcast"(%x) : (tensor<4x3xf32>) -> tensor<4x3x!x>
  %xd = "quant.dcast"(%xq) : (tensor<4x3x!x>) -> tensor<4x3xf32>
  %ws = "quant.scast"(%wc) : (tensor<2x3xi8>) -> tensor<2x3x!w>
  %wd = "quant.dcast"(%ws) : (tensor<2x3x!w>) -> tensor<2x3xf32>
  %wt = tosa.transpose %wd, %perm : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<3x2xf32>
  %bs = "quant.scast"(%bc) : (tensor<2xi32>) -> tensor<2x!b>
  %bd = "quant.dcast"(%bs) : (tensor<2x!b>) -> tensor<2xf32>
  %y = tern.linear %xd, %wt, %bd precision <int> : tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32> -> tensor<4x2xf32>
  %yq = "quant.qcast"(%y) : (tensor<4x2xf32>) -> tensor<4x2x!y>
  %yd = "quant.dcast"(%yq) : (tensor<4x2x!y>) -> tensor<4x2xf32>
  %r = tosa.clamp %yd {min_int = 0 : i64, max_int = 9223372036854775807 : i64, min_fp = 0.0 : f32, max_fp = 3.40282347E+38 : f32} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %rq = "quant.qcast"(%r) : (tensor<4x2xf32>) -> tensor<4x2x!y>
  %rd = "quant.dcast"(%rq) : (tensor<4x2x!y>) -> tensor<4x2xf32>
  return %rd : tensor<4x2xf32>
}

// -----

// A clamp with an upper bound inside the result's range is not a ReLU: the
// result still takes the QuantizeLinear's type, the clamp stays (bf16).
// CHECK-LABEL: func @relu6
// CHECK: %[[Y:.*]] = tern.linear {{.*}} precision <int> : {{.*}} -> tensor<4x2x!quant.uniform<u8:f32, 1.000000e-01:7>>
// CHECK-NOT: relu
// CHECK: tosa.clamp
!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32, 0.25>
!y = !quant.uniform<u8:f32, 0.1:7>
func.func @relu6(%x: tensor<4x3xf32>, %wq: tensor<3x2xi8>) -> tensor<4x2xf32> {
  %xq = "quant.qcast"(%x) : (tensor<4x3xf32>) -> tensor<4x3x!x>
  %xd = "quant.dcast"(%xq) : (tensor<4x3x!x>) -> tensor<4x3xf32>
  %ws = "quant.scast"(%wq) : (tensor<3x2xi8>) -> tensor<3x2x!w>
  %wd = "quant.dcast"(%ws) : (tensor<3x2x!w>) -> tensor<3x2xf32>
  %y = tern.linear %xd, %wd precision <int> : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  %yq = "quant.qcast"(%y) : (tensor<4x2xf32>) -> tensor<4x2x!y>
  %yd = "quant.dcast"(%yq) : (tensor<4x2x!y>) -> tensor<4x2xf32>
  %r = tosa.clamp %yd {min_int = 0 : i64, max_int = 6 : i64, min_fp = 0.0 : f32, max_fp = 6.0 : f32} : (tensor<4x2xf32>) -> tensor<4x2xf32>
  %rq = "quant.qcast"(%r) : (tensor<4x2xf32>) -> tensor<4x2x!y>
  %rd = "quant.dcast"(%rq) : (tensor<4x2x!y>) -> tensor<4x2xf32>
  return %rd : tensor<4x2xf32>
}
