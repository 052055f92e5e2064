// RUN: tern-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tern-raise-linear))' | FileCheck %s

// Tests MatMul [2,5,8] x W[8,16] + bias as imported (batch folded into M)
// becoming tern.linear on the original activation with a 1-D bias.
// CHECK-LABEL: func.func @linear_bias
// CHECK-SAME: (%[[X:.*]]: tensor<2x5x8xf32>)
// CHECK-DAG: %[[W:.*]] = "tosa.const"() <{value = dense_resource<weight> : tensor<8x16xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{value = dense<5.000000e-01> : tensor<16xf32>}>
// CHECK: %[[Y:.*]] = tern.linear %[[X]], %[[W]], %[[B]] : tensor<2x5x8xf32>, tensor<8x16xf32>, tensor<16xf32> -> tensor<2x5x16xf32>
// CHECK-NEXT: return %[[Y]]
func.func @linear_bias(%x: tensor<2x5x8xf32>) -> tensor<2x5x16xf32> {
  %w = "tosa.const"() <{value = dense_resource<weight> : tensor<8x16xf32>}> : () -> tensor<8x16xf32>
  %b = "tosa.const"() <{value = dense<5.000000e-01> : tensor<1x1x16xf32>}> : () -> tensor<1x1x16xf32>
  %0 = tosa.reshape %x {new_shape = array<i64: 1, 10, 8>} : (tensor<2x5x8xf32>) -> tensor<1x10x8xf32>
  %1 = tosa.reshape %w {new_shape = array<i64: 1, 8, 16>} : (tensor<8x16xf32>) -> tensor<1x8x16xf32>
  %2 = tosa.matmul %0, %1 : (tensor<1x10x8xf32>, tensor<1x8x16xf32>) -> tensor<1x10x16xf32>
  %3 = tosa.reshape %2 {new_shape = array<i64: 2, 5, 16>} : (tensor<1x10x16xf32>) -> tensor<2x5x16xf32>
  %4 = tosa.add %b, %3 : (tensor<1x1x16xf32>, tensor<2x5x16xf32>) -> tensor<2x5x16xf32>
  return %4 : tensor<2x5x16xf32>
}
{-#
  dialect_resources: {
    builtin: {
      weight: "0x040000000000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F0000803F"
    }
  }
#-}

// -----

// Tests Gemm(transB) as imported: the weight is a transposed constant,
// which is constant-like (the greedy driver folds the splat transpose); the
// 2-D activation is used directly.
// CHECK-LABEL: func.func @linear_gemm
// CHECK-SAME: (%[[A:.*]]: tensor<3x8xf32>)
// CHECK: %[[WT:.*]] = "tosa.const"() <{value = dense<1.000000e+00> : tensor<8x4xf32>}>
// CHECK: tern.linear %[[A]], %[[WT]] : tensor<3x8xf32>, tensor<8x4xf32> -> tensor<3x4xf32>
// CHECK-NOT: tosa.matmul
func.func @linear_gemm(%a: tensor<3x8xf32>) -> tensor<3x4xf32> {
  %w = "tosa.const"() <{value = dense<1.000000e+00> : tensor<4x8xf32>}> : () -> tensor<4x8xf32>
  %p = "tosa.const"() <{value = dense<[1, 0]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %wt = tosa.transpose %w, %p : (tensor<4x8xf32>, tensor<2xi32>) -> tensor<8x4xf32>
  %0 = tosa.reshape %a {new_shape = array<i64: 1, 3, 8>} : (tensor<3x8xf32>) -> tensor<1x3x8xf32>
  %1 = tosa.reshape %wt {new_shape = array<i64: 1, 8, 4>} : (tensor<8x4xf32>) -> tensor<1x8x4xf32>
  %2 = tosa.matmul %0, %1 : (tensor<1x3x8xf32>, tensor<1x8x4xf32>) -> tensor<1x3x4xf32>
  %3 = tosa.reshape %2 {new_shape = array<i64: 3, 4>} : (tensor<1x3x4xf32>) -> tensor<3x4xf32>
  return %3 : tensor<3x4xf32>
}

// -----

// Near miss: a product of two run-time tensors (attention) stays.
// CHECK-LABEL: func.func @matmul_runtime
// CHECK-NOT: tern.linear
// CHECK: tosa.matmul
func.func @matmul_runtime(%a: tensor<1x3x8xf32>, %b: tensor<1x8x4xf32>) -> tensor<1x3x4xf32> {
  %0 = tosa.matmul %a, %b : (tensor<1x3x8xf32>, tensor<1x8x4xf32>) -> tensor<1x3x4xf32>
  return %0 : tensor<1x3x4xf32>
}

// -----

// Near miss: a batched constant (one weight per batch) is not a linear layer.
// CHECK-LABEL: func.func @matmul_batched_weight
// CHECK-NOT: tern.linear
func.func @matmul_batched_weight(%a: tensor<2x3x8xf32>) -> tensor<2x3x4xf32> {
  %w = "tosa.const"() <{value = dense<1.000000e+00> : tensor<2x8x4xf32>}> : () -> tensor<2x8x4xf32>
  %0 = tosa.matmul %a, %w : (tensor<2x3x8xf32>, tensor<2x8x4xf32>) -> tensor<2x3x4xf32>
  return %0 : tensor<2x3x4xf32>
}

// -----

// Near miss for the bias: a run-time addend is a residual, not a bias; the
// linear is formed, the addition stays.
// CHECK-LABEL: func.func @linear_residual
// CHECK: %[[Y:.*]] = tern.linear %{{.*}}, %{{.*}} : tensor<3x8xf32>, tensor<8x8xf32> -> tensor<3x8xf32>
// CHECK: tosa.add %[[Y]], %{{.*}}
func.func @linear_residual(%a: tensor<3x8xf32>) -> tensor<3x8xf32> {
  %w = "tosa.const"() <{value = dense<1.000000e+00> : tensor<1x8x8xf32>}> : () -> tensor<1x8x8xf32>
  %0 = tosa.reshape %a {new_shape = array<i64: 1, 3, 8>} : (tensor<3x8xf32>) -> tensor<1x3x8xf32>
  %2 = tosa.matmul %0, %w : (tensor<1x3x8xf32>, tensor<1x8x8xf32>) -> tensor<1x3x8xf32>
  %3 = tosa.reshape %2 {new_shape = array<i64: 3, 8>} : (tensor<1x3x8xf32>) -> tensor<3x8xf32>
  %4 = tosa.add %3, %a : (tensor<3x8xf32>, tensor<3x8xf32>) -> tensor<3x8xf32>
  return %4 : tensor<3x8xf32>
}
