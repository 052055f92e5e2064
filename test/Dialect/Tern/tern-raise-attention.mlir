// RUN: tern-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tern-raise-attention))' | FileCheck %s

// Tests GPT-style causal attention as imported from a 4-D export: head split
// (reshape + transpose, K as transpose(0, 2, 3, 1)), batched product through
// rank-3 reshapes, scale 1/4, a boolean causal mask selected to -inf, softmax,
// context product and head merge.
// CHECK-LABEL: func.func @causal_4d
// CHECK-SAME: (%[[Q:.*]]: tensor<2x16x64xf32>, %[[K:.*]]: tensor<2x16x64xf32>, %[[V:.*]]: tensor<2x16x64xf32>, %[[C:.*]]: tensor<1x1x16x16xi1>)
// CHECK-DAG: %[[QH:.*]] = tern.split_heads %[[Q]] heads 4 : tensor<2x16x64xf32> -> tensor<2x4x16x16xf32>
// CHECK-DAG: %[[KH:.*]] = tern.split_heads %[[K]] heads 4 : tensor<2x16x64xf32> -> tensor<2x4x16x16xf32>
// CHECK-DAG: %[[VH:.*]] = tern.split_heads %[[V]] heads 4 : tensor<2x16x64xf32> -> tensor<2x4x16x16xf32>
// CHECK-DAG: %[[NINF:.*]] = "tosa.const"() <{value = dense<0xFF800000> : tensor<1x1x16x16xf32>}>
// CHECK-DAG: %[[ZERO:.*]] = "tosa.const"() <{value = dense<0.000000e+00> : tensor<1x1x16x16xf32>}>
// CHECK: %[[MASK:.*]] = tosa.select %[[C]], %[[NINF]], %[[ZERO]] : (tensor<1x1x16x16xi1>, tensor<1x1x16x16xf32>, tensor<1x1x16x16xf32>) -> tensor<1x1x16x16xf32>
// CHECK: %[[S:.*]] = tern.matmul %[[QH]], %[[KH]] mask %[[MASK]] transpose_rhs scale 2.500000e-01 : tensor<2x4x16x16xf32>, tensor<2x4x16x16xf32>, tensor<1x1x16x16xf32> -> tensor<2x4x16x16xf32>
// CHECK: %[[P:.*]] = tern.softmax %[[S]]
// CHECK: %[[O:.*]] = tern.matmul %[[P]], %[[VH]] : tensor<2x4x16x16xf32>, tensor<2x4x16x16xf32> -> tensor<2x4x16x16xf32>
// CHECK: %[[M:.*]] = tern.merge_heads %[[O]] : tensor<2x4x16x16xf32> -> tensor<2x16x64xf32>
// CHECK: return %[[M]]
func.func @causal_4d(%q: tensor<2x16x64xf32>, %k: tensor<2x16x64xf32>, %v: tensor<2x16x64xf32>, %c: tensor<1x1x16x16xi1>) -> tensor<2x16x64xf32> {
  %p0213 = "tosa.const"() <{value = dense<[0, 2, 1, 3]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %p0231 = "tosa.const"() <{value = dense<[0, 2, 3, 1]> : tensor<4xi32>}> : () -> tensor<4xi32>
  %q4 = tosa.reshape %q {new_shape = array<i64: 2, 16, 4, 16>} : (tensor<2x16x64xf32>) -> tensor<2x16x4x16xf32>
  %qt = tosa.transpose %q4, %p0213 : (tensor<2x16x4x16xf32>, tensor<4xi32>) -> tensor<2x4x16x16xf32>
  %k4 = tosa.reshape %k {new_shape = array<i64: 2, 16, 4, 16>} : (tensor<2x16x64xf32>) -> tensor<2x16x4x16xf32>
  %kt = tosa.transpose %k4, %p0231 : (tensor<2x16x4x16xf32>, tensor<4xi32>) -> tensor<2x4x16x16xf32>
  %v4 = tosa.reshape %v {new_shape = array<i64: 2, 16, 4, 16>} : (tensor<2x16x64xf32>) -> tensor<2x16x4x16xf32>
  %vt = tosa.transpose %v4, %p0213 : (tensor<2x16x4x16xf32>, tensor<4xi32>) -> tensor<2x4x16x16xf32>
  %q3 = tosa.reshape %qt {new_shape = array<i64: 8, 16, 16>} : (tensor<2x4x16x16xf32>) -> tensor<8x16x16xf32>
  %k3 = tosa.reshape %kt {new_shape = array<i64: 8, 16, 16>} : (tensor<2x4x16x16xf32>) -> tensor<8x16x16xf32>
  %s3 = tosa.matmul %q3, %k3 : (tensor<8x16x16xf32>, tensor<8x16x16xf32>) -> tensor<8x16x16xf32>
  %s4 = tosa.reshape %s3 {new_shape = array<i64: 2, 4, 16, 16>} : (tensor<8x16x16xf32>) -> tensor<2x4x16x16xf32>
  %scale = "tosa.const"() <{value = dense<2.500000e-01> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %ss = tosa.mul %s4, %scale {shift = 0 : i8} : (tensor<2x4x16x16xf32>, tensor<1x1x1x1xf32>) -> tensor<2x4x16x16xf32>
  %ninf = "tosa.const"() <{value = dense<0xFF800000> : tensor<1x1x1x1xf32>}> : () -> tensor<1x1x1x1xf32>
  %sm = tosa.select %c, %ninf, %ss : (tensor<1x1x16x16xi1>, tensor<1x1x1x1xf32>, tensor<2x4x16x16xf32>) -> tensor<2x4x16x16xf32>
  %p = tern.softmax %sm : tensor<2x4x16x16xf32> -> tensor<2x4x16x16xf32>
  %p3 = tosa.reshape %p {new_shape = array<i64: 8, 16, 16>} : (tensor<2x4x16x16xf32>) -> tensor<8x16x16xf32>
  %v3 = tosa.reshape %vt {new_shape = array<i64: 8, 16, 16>} : (tensor<2x4x16x16xf32>) -> tensor<8x16x16xf32>
  %o3 = tosa.matmul %p3, %v3 : (tensor<8x16x16xf32>, tensor<8x16x16xf32>) -> tensor<8x16x16xf32>
  %o4 = tosa.reshape %o3 {new_shape = array<i64: 2, 4, 16, 16>} : (tensor<8x16x16xf32>) -> tensor<2x4x16x16xf32>
  %ot = tosa.transpose %o4, %p0213 : (tensor<2x4x16x16xf32>, tensor<4xi32>) -> tensor<2x16x4x16xf32>
  %o = tosa.reshape %ot {new_shape = array<i64: 2, 16, 64>} : (tensor<2x16x4x16xf32>) -> tensor<2x16x64xf32>
  return %o : tensor<2x16x64xf32>
}

// -----

// Tests nn.MultiheadAttention's 3-D form: the query is scaled before the
// product, K^T is a transpose of [S, B*H, Dh], and the key-padding mask is
// added (through baddbmm's multiplications by 1).
// CHECK-LABEL: func.func @mha_3d
// CHECK-SAME: (%[[Q:.*]]: tensor<8x16x16xf32>, %[[K:.*]]: tensor<16x8x16xf32>, %[[V:.*]]: tensor<8x16x16xf32>, %[[M:.*]]: tensor<8x1x16xf32>)
// CHECK: %[[KT:.*]] = tosa.transpose %[[K]], %{{.*}} : (tensor<16x8x16xf32>, tensor<3xi32>) -> tensor<8x16x16xf32>
// CHECK: %[[S:.*]] = tern.matmul %[[Q]], %[[KT]] mask %[[M]] transpose_rhs scale 2.500000e-01 : tensor<8x16x16xf32>, tensor<8x16x16xf32>, tensor<8x1x16xf32> -> tensor<8x16x16xf32>
// CHECK: %[[P:.*]] = tern.softmax %[[S]]
// CHECK: tern.matmul %[[P]], %[[V]] : tensor<8x16x16xf32>, tensor<8x16x16xf32> -> tensor<8x16x16xf32>
// CHECK-NOT: tosa.matmul
func.func @mha_3d(%q: tensor<8x16x16xf32>, %k: tensor<16x8x16xf32>, %v: tensor<8x16x16xf32>, %m: tensor<8x1x16xf32>) -> tensor<8x16x16xf32> {
  %scale = "tosa.const"() <{value = dense<2.500000e-01> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %one = "tosa.const"() <{value = dense<1.000000e+00> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %p120 = "tosa.const"() <{value = dense<[1, 2, 0]> : tensor<3xi32>}> : () -> tensor<3xi32>
  %qs = tosa.mul %q, %scale {shift = 0 : i8} : (tensor<8x16x16xf32>, tensor<1x1x1xf32>) -> tensor<8x16x16xf32>
  %kt = tosa.transpose %k, %p120 : (tensor<16x8x16xf32>, tensor<3xi32>) -> tensor<8x16x16xf32>
  %s = tosa.matmul %qs, %kt : (tensor<8x16x16xf32>, tensor<8x16x16xf32>) -> tensor<8x16x16xf32>
  %s1 = tosa.mul %s, %one {shift = 0 : i8} : (tensor<8x16x16xf32>, tensor<1x1x1xf32>) -> tensor<8x16x16xf32>
  %m1 = tosa.mul %m, %one {shift = 0 : i8} : (tensor<8x1x16xf32>, tensor<1x1x1xf32>) -> tensor<8x1x16xf32>
  %sm = tosa.add %s1, %m1 : (tensor<8x16x16xf32>, tensor<8x1x16xf32>) -> tensor<8x16x16xf32>
  %p = tern.softmax %sm : tensor<8x16x16xf32> -> tensor<8x16x16xf32>
  %o = tosa.matmul %p, %v : (tensor<8x16x16xf32>, tensor<8x16x16xf32>) -> tensor<8x16x16xf32>
  return %o : tensor<8x16x16xf32>
}

// -----

// Near miss: a mask with a finite fill value (-1e4) is not exactly additive,
// so nothing is raised.
// CHECK-LABEL: func.func @finite_fill
// CHECK-NOT: mask
// CHECK: tosa.select
func.func @finite_fill(%q: tensor<4x8x8xf32>, %k: tensor<4x8x8xf32>, %c: tensor<1x8x8xi1>) -> tensor<4x8x8xf32> {
  %fill = "tosa.const"() <{value = dense<-1.000000e+04> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %s = tosa.matmul %q, %k : (tensor<4x8x8xf32>, tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %sm = tosa.select %c, %fill, %s : (tensor<1x8x8xi1>, tensor<1x1x1xf32>, tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %p = tern.softmax %sm : tensor<4x8x8xf32> -> tensor<4x8x8xf32>
  return %p : tensor<4x8x8xf32>
}

// -----

// Near miss: softmax of something that is not a matrix product.
// CHECK-LABEL: func.func @not_attention
// CHECK-NOT: tern.matmul
func.func @not_attention(%x: tensor<4x8x8xf32>) -> tensor<4x8x8xf32> {
  %p = tern.softmax %x : tensor<4x8x8xf32> -> tensor<4x8x8xf32>
  return %p : tensor<4x8x8xf32>
}

// -----

// Near miss: a negative scale cannot be folded into tern.matmul (whose scale
// must be positive).
// CHECK-LABEL: func.func @negative_scale
// CHECK-NOT: tern.matmul
// CHECK: tosa.matmul
func.func @negative_scale(%q: tensor<4x8x8xf32>, %k: tensor<4x8x8xf32>) -> tensor<4x8x8xf32> {
  %scale = "tosa.const"() <{value = dense<-2.500000e-01> : tensor<1x1x1xf32>}> : () -> tensor<1x1x1xf32>
  %s = tosa.matmul %q, %k : (tensor<4x8x8xf32>, tensor<4x8x8xf32>) -> tensor<4x8x8xf32>
  %ss = tosa.mul %s, %scale {shift = 0 : i8} : (tensor<4x8x8xf32>, tensor<1x1x1xf32>) -> tensor<4x8x8xf32>
  %p = tern.softmax %ss : tensor<4x8x8xf32> -> tensor<4x8x8xf32>
  return %p : tensor<4x8x8xf32>
}
