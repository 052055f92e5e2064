// RUN: tern-opt %s -pass-pipeline='builtin.module(func.func(tern-prune-tokens{layers=0 keep-rate=0.5 fuse=true}))' | FileCheck %s
// RUN: tern-opt %s -pass-pipeline='builtin.module(func.func(tern-prune-tokens{layers=0 keep-rate=0.5}))' | FileCheck %s --check-prefix=DROP
// RUN: tern-opt %s -pass-pipeline='builtin.module(func.func(tern-prune-tokens{layers=0 keep-rate=1.0 fuse=true}))' | FileCheck %s --check-prefix=NOOP

// fuse: the pruning point keeps CLS + 4 tokens and appends the fused token,
// so everything after it runs on 6 rows.
// CHECK-LABEL: func.func @vit
// CHECK: %[[H:.*]] = tosa.add %arg0, %{{.*}} : (tensor<1x9x16xf32>, tensor<1x9x16xf32>) -> tensor<1x9x16xf32>
// CHECK: %[[P:.*]], %{{.*}} = tern.prune_tokens %[[H]], %{{.*}} keep 5 fuse : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x6x16xf32>, tensor<1x5xi32>
// CHECK: tern.layer_norm %[[P]], {{.*}} -> tensor<1x6x16xf32>
// CHECK: tern.linear {{.*}} -> tensor<1x6x32xf32>
// CHECK: tern.relu {{.*}} -> tensor<1x6x32xf32>
// CHECK: tern.linear {{.*}} -> tensor<1x6x16xf32>
// CHECK: tosa.add %[[P]], {{.*}} -> tensor<1x6x16xf32>
// CHECK: tosa.gather {{.*}} : (tensor<1x6x16xf32>, tensor<1x1xi32>) -> tensor<1x1x16xf32>

// Without fuse the same point keeps 5 rows and no fused token.
// DROP: tern.prune_tokens %{{.*}} keep 5 : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x5x16xf32>, tensor<1x5xi32>
// DROP-NOT: fuse

// Keep rate 1.0 prunes nothing, so there is nothing to fuse either.
// NOOP-LABEL: func.func @vit
// NOOP-NOT: tern.prune_tokens
// NOOP: tosa.gather {{.*}} : (tensor<1x9x16xf32>, tensor<1x1xi32>)

func.func @vit(%arg0: tensor<1x9x16xf32>, %wq: tensor<16x16xf32>, %w1: tensor<16x32xf32>, %w2: tensor<32x16xf32>, %g: tensor<16xf32>) -> tensor<1x1x16xf32> {
  %q = tern.linear %arg0, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %qh = tern.split_heads %q heads 2 : tensor<1x9x16xf32> -> tensor<1x2x9x8xf32>
  %s = tern.matmul %qh, %qh transpose_rhs scale 0.35 : tensor<1x2x9x8xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x9xf32>
  %p = tern.softmax %s : tensor<1x2x9x9xf32> -> tensor<1x2x9x9xf32>
  %c = tern.matmul %p, %qh : tensor<1x2x9x9xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x8xf32>
  %m = tern.merge_heads %c : tensor<1x2x9x8xf32> -> tensor<1x9x16xf32>
  %o = tern.linear %m, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %h = tosa.add %arg0, %o : (tensor<1x9x16xf32>, tensor<1x9x16xf32>) -> tensor<1x9x16xf32>
  %n = tern.layer_norm %h, %g, %g epsilon 1.0e-5 : tensor<1x9x16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<1x9x16xf32>
  %f1 = tern.linear %n, %w1 : tensor<1x9x16xf32>, tensor<16x32xf32> -> tensor<1x9x32xf32>
  %r = tern.relu %f1 : tensor<1x9x32xf32> -> tensor<1x9x32xf32>
  %f2 = tern.linear %r, %w2 : tensor<1x9x32xf32>, tensor<32x16xf32> -> tensor<1x9x16xf32>
  %y = tosa.add %h, %f2 : (tensor<1x9x16xf32>, tensor<1x9x16xf32>) -> tensor<1x9x16xf32>
  %i = "tosa.const"() <{value = dense<0> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
  %cls = tosa.gather %y, %i : (tensor<1x9x16xf32>, tensor<1x1xi32>) -> tensor<1x1x16xf32>
  return %cls : tensor<1x1x16xf32>
}

