// RUN: not tern-opt %s -pass-pipeline='builtin.module(func.func(tern-prune-tokens{layers=0 keep-rate=0.5}))' 2>&1 | FileCheck %s

// A model without a CLS head (mean pooling over tokens): `auto` importance
// is all-rows, and the reduction over the pruned tokens is refused.
// CHECK: error: tern-prune-tokens: cannot shrink the token dimension through 'tosa.reduce_sum': a reduction over the pruned token axis (e.g. mean pooling) is not supported
func.func @pooled(%arg0: tensor<1x9x16xf32>, %wq: tensor<16x16xf32>) -> tensor<1x1x16xf32> {
  %q = tern.linear %arg0, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %qh = tern.split_heads %q heads 2 : tensor<1x9x16xf32> -> tensor<1x2x9x8xf32>
  %s = tern.matmul %qh, %qh transpose_rhs scale 0.35 : tensor<1x2x9x8xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x9xf32>
  %p = tern.softmax %s : tensor<1x2x9x9xf32> -> tensor<1x2x9x9xf32>
  %c = tern.matmul %p, %qh : tensor<1x2x9x9xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x8xf32>
  %m = tern.merge_heads %c : tensor<1x2x9x8xf32> -> tensor<1x9x16xf32>
  %h = tosa.add %arg0, %m : (tensor<1x9x16xf32>, tensor<1x9x16xf32>) -> tensor<1x9x16xf32>
  %sum = tosa.reduce_sum %h {axis = 1 : i32} : (tensor<1x9x16xf32>) -> tensor<1x1x16xf32>
  return %sum : tensor<1x1x16xf32>
}
