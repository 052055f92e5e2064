// RUN: tern-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tern-raise-layer-norm))' | FileCheck %s

// Tests that the opset-13 LayerNorm chain (as imported: ReduceMean = sum *
// 1/N, Sqrt = reciprocal(rsqrt), Div = mul by reciprocal) with gamma and beta
// becomes one tern.layer_norm with 1-D parameters.
// CHECK-LABEL: func.func @ln_opset13
// CHECK-SAME: (%[[X:.*]]: tensor<2x4x8xf32>)
// CHECK-DAG: %[[G:.*]] = "tosa.const"() <{value = dense<2.000000e+00> : tensor<8xf32>}>
// CHECK-DAG: %[[B:.*]] = "tosa.const"() <{value = dense<3.000000e+00> : tensor<8xf32>}>
// CHECK: %[[LN:.*]] = tern.layer_norm %[[X]], %[[G]], %[[B]] epsilon 9.99999974E-6 : tensor<2x4x8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<2x4x8xf32>
// CHECK-NEXT: return %[[LN]]
func.func @ln_opset13(%x: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %inv_n = "tosa.const"() <{value = dense<1.250000e-01> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %two = "tosa.const"() <{value = dense<2.000000e+00> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %eps = "tosa.const"() <{value = dense<9.99999974E-6> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %gamma = "tosa.const"() <{value = dense<2.000000e+00> : tensor<1x1x8xf32>}> : () -> tensor<1x1x8xf32>
  %beta = "tosa.const"() <{value = dense<3.000000e+00> : tensor<1x1x8xf32>}> : () -> tensor<1x1x8xf32>
  %s = tosa.reduce_sum %x {axis = 2 : i32} : (tensor<2x4x8xf32>) -> tensor<2x4x1xf32>
  %mean = tosa.mul %s, %inv_n {shift = 0 : i8} : (tensor<2x4x1xf32>, tensor<1x1x1xf32>) -> tensor<2x4x1xf32>
  %d = tosa.sub %x, %mean : (tensor<2x4x8xf32>, tensor<2x4x1xf32>) -> tensor<2x4x8xf32>
  %sq = tosa.pow %d, %two : (tensor<2x4x8xf32>, tensor<1x1x1xf32>) -> tensor<2x4x8xf32>
  %s2 = tosa.reduce_sum %sq {axis = 2 : i32} : (tensor<2x4x8xf32>) -> tensor<2x4x1xf32>
  %var = tosa.mul %s2, %inv_n {shift = 0 : i8} : (tensor<2x4x1xf32>, tensor<1x1x1xf32>) -> tensor<2x4x1xf32>
  %ve = tosa.add %var, %eps : (tensor<2x4x1xf32>, tensor<1x1x1xf32>) -> tensor<2x4x1xf32>
  %rs = tosa.rsqrt %ve : (tensor<2x4x1xf32>) -> tensor<2x4x1xf32>
  %sqrt = tosa.reciprocal %rs : (tensor<2x4x1xf32>) -> tensor<2x4x1xf32>
  %inv = tosa.reciprocal %sqrt : (tensor<2x4x1xf32>) -> tensor<2x4x1xf32>
  %n = tosa.mul %d, %inv {shift = 0 : i8} : (tensor<2x4x8xf32>, tensor<2x4x1xf32>) -> tensor<2x4x8xf32>
  %y = tosa.mul %n, %gamma {shift = 0 : i8} : (tensor<2x4x8xf32>, tensor<1x1x8xf32>) -> tensor<2x4x8xf32>
  %z = tosa.add %beta, %y : (tensor<1x1x8xf32>, tensor<2x4x8xf32>) -> tensor<2x4x8xf32>
  return %z : tensor<2x4x8xf32>
}

// -----

// Tests the variant without affine parameters, with d*d and rsqrt: gamma
// and beta become ones and zeros.
// CHECK-LABEL: func.func @ln_plain
// CHECK-DAG: %[[ONE:.*]] = "tosa.const"() <{value = dense<1.000000e+00> : tensor<4xf32>}>
// CHECK-DAG: %[[ZERO:.*]] = "tosa.const"() <{value = dense<0.000000e+00> : tensor<4xf32>}>
// CHECK: tern.layer_norm %{{.*}}, %[[ONE]], %[[ZERO]] epsilon 1.000000e-03
// CHECK-NOT: tosa.rsqrt
func.func @ln_plain(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %inv_n = "tosa.const"() <{value = dense<2.500000e-01> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %eps = "tosa.const"() <{value = dense<1.000000e-03> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %mean = tosa.mul %inv_n, %s {shift = 0 : i8} : (tensor<1x1xf32>, tensor<3x1xf32>) -> tensor<3x1xf32>
  %d = tosa.sub %x, %mean : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %sq = tosa.mul %d, %d {shift = 0 : i8} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %s2 = tosa.reduce_sum %sq {axis = 1 : i32} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %var = tosa.mul %s2, %inv_n {shift = 0 : i8} : (tensor<3x1xf32>, tensor<1x1xf32>) -> tensor<3x1xf32>
  %ve = tosa.add %eps, %var : (tensor<1x1xf32>, tensor<3x1xf32>) -> tensor<3x1xf32>
  %inv = tosa.rsqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %n = tosa.mul %inv, %d {shift = 0 : i8} : (tensor<3x1xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  return %n : tensor<3x4xf32>
}

// -----

// Near miss: the mean is over axis 1, not the last axis.
// CHECK-LABEL: func.func @ln_wrong_axis
// CHECK-NOT: tern.layer_norm
// CHECK: tosa.rsqrt
func.func @ln_wrong_axis(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  %inv_n = "tosa.const"() <{value = dense<2.500000e-01> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %eps = "tosa.const"() <{value = dense<1.000000e-05> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %s = tosa.reduce_sum %x {axis = 0 : i32} : (tensor<4x4xf32>) -> tensor<1x4xf32>
  %mean = tosa.mul %s, %inv_n {shift = 0 : i8} : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  %d = tosa.sub %x, %mean : (tensor<4x4xf32>, tensor<1x4xf32>) -> tensor<4x4xf32>
  %sq = tosa.mul %d, %d {shift = 0 : i8} : (tensor<4x4xf32>, tensor<4x4xf32>) -> tensor<4x4xf32>
  %s2 = tosa.reduce_sum %sq {axis = 0 : i32} : (tensor<4x4xf32>) -> tensor<1x4xf32>
  %var = tosa.mul %s2, %inv_n {shift = 0 : i8} : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  %ve = tosa.add %var, %eps : (tensor<1x4xf32>, tensor<1x1xf32>) -> tensor<1x4xf32>
  %inv = tosa.rsqrt %ve : (tensor<1x4xf32>) -> tensor<1x4xf32>
  %n = tosa.mul %d, %inv {shift = 0 : i8} : (tensor<4x4xf32>, tensor<1x4xf32>) -> tensor<4x4xf32>
  return %n : tensor<4x4xf32>
}

// -----

// Near miss: 1/N is 1/8 but the normalized dimension has 4 elements.
// CHECK-LABEL: func.func @ln_wrong_count
// CHECK-NOT: tern.layer_norm
func.func @ln_wrong_count(%x: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %inv_n = "tosa.const"() <{value = dense<1.250000e-01> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %eps = "tosa.const"() <{value = dense<1.000000e-05> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %mean = tosa.mul %s, %inv_n {shift = 0 : i8} : (tensor<3x1xf32>, tensor<1x1xf32>) -> tensor<3x1xf32>
  %d = tosa.sub %x, %mean : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %sq = tosa.mul %d, %d {shift = 0 : i8} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %s2 = tosa.reduce_sum %sq {axis = 1 : i32} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %var = tosa.mul %s2, %inv_n {shift = 0 : i8} : (tensor<3x1xf32>, tensor<1x1xf32>) -> tensor<3x1xf32>
  %ve = tosa.add %var, %eps : (tensor<3x1xf32>, tensor<1x1xf32>) -> tensor<3x1xf32>
  %inv = tosa.rsqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %n = tosa.mul %d, %inv {shift = 0 : i8} : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  return %n : tensor<3x4xf32>
}

// -----

// Near miss: the variance is computed from another tensor than x - mean.
// CHECK-LABEL: func.func @ln_other_variance
// CHECK-NOT: tern.layer_norm
func.func @ln_other_variance(%x: tensor<3x4xf32>, %other: tensor<3x4xf32>) -> tensor<3x4xf32> {
  %inv_n = "tosa.const"() <{value = dense<2.500000e-01> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %eps = "tosa.const"() <{value = dense<1.000000e-05> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %mean = tosa.mul %s, %inv_n {shift = 0 : i8} : (tensor<3x1xf32>, tensor<1x1xf32>) -> tensor<3x1xf32>
  %d = tosa.sub %x, %mean : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %sq = tosa.mul %other, %other {shift = 0 : i8} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %s2 = tosa.reduce_sum %sq {axis = 1 : i32} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %var = tosa.mul %s2, %inv_n {shift = 0 : i8} : (tensor<3x1xf32>, tensor<1x1xf32>) -> tensor<3x1xf32>
  %ve = tosa.add %var, %eps : (tensor<3x1xf32>, tensor<1x1xf32>) -> tensor<3x1xf32>
  %inv = tosa.rsqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %n = tosa.mul %d, %inv {shift = 0 : i8} : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  return %n : tensor<3x4xf32>
}

// -----

// Near miss: x - mean is also returned, so the chain cannot collapse into
// one op.
// CHECK-LABEL: func.func @ln_centered_escapes
// CHECK-NOT: tern.layer_norm
func.func @ln_centered_escapes(%x: tensor<3x4xf32>) -> (tensor<3x4xf32>, tensor<3x4xf32>) {
  %inv_n = "tosa.const"() <{value = dense<2.500000e-01> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %eps = "tosa.const"() <{value = dense<1.000000e-05> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %s = tosa.reduce_sum %x {axis = 1 : i32} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %mean = tosa.mul %s, %inv_n {shift = 0 : i8} : (tensor<3x1xf32>, tensor<1x1xf32>) -> tensor<3x1xf32>
  %d = tosa.sub %x, %mean : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  %sq = tosa.mul %d, %d {shift = 0 : i8} : (tensor<3x4xf32>, tensor<3x4xf32>) -> tensor<3x4xf32>
  %s2 = tosa.reduce_sum %sq {axis = 1 : i32} : (tensor<3x4xf32>) -> tensor<3x1xf32>
  %var = tosa.mul %s2, %inv_n {shift = 0 : i8} : (tensor<3x1xf32>, tensor<1x1xf32>) -> tensor<3x1xf32>
  %ve = tosa.add %var, %eps : (tensor<3x1xf32>, tensor<1x1xf32>) -> tensor<3x1xf32>
  %inv = tosa.rsqrt %ve : (tensor<3x1xf32>) -> tensor<3x1xf32>
  %n = tosa.mul %d, %inv {shift = 0 : i8} : (tensor<3x4xf32>, tensor<3x1xf32>) -> tensor<3x4xf32>
  return %n, %d : tensor<3x4xf32>, tensor<3x4xf32>
}
