// RUN: tern-opt %s -pass-pipeline='builtin.module(func.func(tern-prune-tokens{layers=0 keep-rate=0.5}))' | FileCheck %s

// No token-0 read (a feature extractor): `auto` importance is all-rows and
// the function's result shrinks to the kept tokens.
// CHECK: func.func @features({{.*}}) -> tensor<1x5x16xf32>
// CHECK: tern.prune_tokens {{.*}} keep 5 all_rows
// CHECK: return {{.*}} : tensor<1x5x16xf32>
func.func @features(%arg0: tensor<1x9x16xf32>, %wq: tensor<16x16xf32>) -> tensor<1x9x16xf32> {
  %q = tern.linear %arg0, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %qh = tern.split_heads %q heads 2 : tensor<1x9x16xf32> -> tensor<1x2x9x8xf32>
  %s = tern.matmul %qh, %qh transpose_rhs scale 0.35 : tensor<1x2x9x8xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x9xf32>
  %p = tern.softmax %s : tensor<1x2x9x9xf32> -> tensor<1x2x9x9xf32>
  %c = tern.matmul %p, %qh : tensor<1x2x9x9xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x8xf32>
  %m = tern.merge_heads %c : tensor<1x2x9x8xf32> -> tensor<1x9x16xf32>
  %h = tosa.add %arg0, %m : (tensor<1x9x16xf32>, tensor<1x9x16xf32>) -> tensor<1x9x16xf32>
  return %h : tensor<1x9x16xf32>
}
