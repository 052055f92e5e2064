// RUN: tern-opt %s -split-input-file -verify-diagnostics -pass-pipeline='builtin.module(func.func(tern-prune-tokens{layers=0 threshold=4}))' -o /dev/null

// A later attention product that already has a mask (key padding) cannot
// take the pruning point's as well.
func.func @masked(%arg0: tensor<1x9x16xf32>, %wq: tensor<16x16xf32>, %pad: tensor<1x1x1x9xf32>) -> tensor<1x9x16xf32> {
  %q = tern.linear %arg0, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %qh = tern.split_heads %q heads 2 : tensor<1x9x16xf32> -> tensor<1x2x9x8xf32>
  %s = tern.matmul %qh, %qh transpose_rhs scale 0.35 : tensor<1x2x9x8xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x9xf32>
  %p = tern.softmax %s : tensor<1x2x9x9xf32> -> tensor<1x2x9x9xf32>
  %c = tern.matmul %p, %qh : tensor<1x2x9x9xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x8xf32>
  %m = tern.merge_heads %c : tensor<1x2x9x8xf32> -> tensor<1x9x16xf32>
  %o = tern.linear %m, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %h = tosa.add %arg0, %o : (tensor<1x9x16xf32>, tensor<1x9x16xf32>) -> tensor<1x9x16xf32>
  %q1 = tern.linear %h, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %qh1 = tern.split_heads %q1 heads 2 : tensor<1x9x16xf32> -> tensor<1x2x9x8xf32>
  // expected-error @+1 {{tern-prune-tokens: layer 1: the attention product already has a mask; a threshold would need to combine them (not supported)}}
  %s1 = tern.matmul %qh1, %qh1 mask %pad transpose_rhs scale 0.35 : tensor<1x2x9x8xf32>, tensor<1x2x9x8xf32>, tensor<1x1x1x9xf32> -> tensor<1x2x9x9xf32>
  %p1 = tern.softmax %s1 : tensor<1x2x9x9xf32> -> tensor<1x2x9x9xf32>
  %c1 = tern.matmul %p1, %qh1 : tensor<1x2x9x9xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x8xf32>
  %m1 = tern.merge_heads %c1 : tensor<1x2x9x8xf32> -> tensor<1x9x16xf32>
  %o1 = tern.linear %m1, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %h1 = tosa.add %h, %o1 : (tensor<1x9x16xf32>, tensor<1x9x16xf32>) -> tensor<1x9x16xf32>
  return %h1 : tensor<1x9x16xf32>
}

// -----

// Attention scores quantized to int8 (an integer-only policy): the mask is
// a float addend, so a threshold is refused.
!q = !quant.uniform<i8:f32, 0.05>
func.func @quantized(%arg0: tensor<1x9x16xf32>, %wq: tensor<16x16xf32>, %qk: tensor<1x2x9x8x!q>) -> tensor<1x9x16xf32> {
  %q = tern.linear %arg0, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %qh = tern.split_heads %q heads 2 : tensor<1x9x16xf32> -> tensor<1x2x9x8xf32>
  %s = tern.matmul %qh, %qh transpose_rhs scale 0.35 : tensor<1x2x9x8xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x9xf32>
  %p = tern.softmax %s : tensor<1x2x9x9xf32> -> tensor<1x2x9x9xf32>
  %c = tern.matmul %p, %qh : tensor<1x2x9x9xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x8xf32>
  %m = tern.merge_heads %c : tensor<1x2x9x8xf32> -> tensor<1x9x16xf32>
  %o = tern.linear %m, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %h = tosa.add %arg0, %o : (tensor<1x9x16xf32>, tensor<1x9x16xf32>) -> tensor<1x9x16xf32>
  // expected-error @+1 {{tern-prune-tokens: layer 1: a threshold masks the attention scores, which are quantized here (a masked product needs a float result)}}
  %s1 = tern.matmul %qk, %qk transpose_rhs scale 0.35 precision <int> : tensor<1x2x9x8x!q>, tensor<1x2x9x8x!q> -> tensor<1x2x9x9x!q>
  %p1 = "quant.dcast"(%s1) : (tensor<1x2x9x9x!q>) -> tensor<1x2x9x9xf32>
  %p2 = tern.softmax %p1 : tensor<1x2x9x9xf32> -> tensor<1x2x9x9xf32>
  %c1 = tern.matmul %p2, %qh : tensor<1x2x9x9xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x8xf32>
  %m1 = tern.merge_heads %c1 : tensor<1x2x9x8xf32> -> tensor<1x9x16xf32>
  %o1 = tern.linear %m1, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %h1 = tosa.add %h, %o1 : (tensor<1x9x16xf32>, tensor<1x9x16xf32>) -> tensor<1x9x16xf32>
  return %h1 : tensor<1x9x16xf32>
}
