// RUN: tern-opt %s -pass-pipeline='builtin.module(func.func(tern-prune-tokens{layers=0 threshold=4 expose-indices=true}))' | FileCheck %s
// RUN: tern-opt %s -pass-pipeline='builtin.module(func.func(tern-prune-tokens{layers=0,1 threshold=127}))' | FileCheck %s --check-prefix=TWO
// RUN: tern-opt %s -pass-pipeline='builtin.module(func.func(tern-prune-tokens{layers=0 threshold=-3}))' | FileCheck %s --check-prefix=NOOP
// RUN: not tern-opt %s -pass-pipeline='builtin.module(func.func(tern-prune-tokens{layers=0 threshold=4 keep-rate=0.5}))' 2>&1 | FileCheck %s --check-prefix=BOTH
// RUN: not tern-opt %s -pass-pipeline='builtin.module(func.func(tern-prune-tokens{layers=0 threshold=4 fuse=true}))' 2>&1 | FileCheck %s --check-prefix=FUSE

// Threshold selection (a run-time count): the token count stays 9 (the
// capacity) everywhere, and the key mask of the pruning point after layer 0
// becomes the mask of layer 1's Q K^T product (layer 0's is left alone).
// CHECK-LABEL: func.func @vit2
// CHECK-SAME: -> (tensor<1x1x16xf32>, tensor<1x9xi32> {onnx.name = "kept_tokens_0"})
// CHECK: %[[S0:.*]] = tern.matmul %{{[^ ]+}}, %{{[^ ]+}} transpose_rhs scale
// CHECK-SAME: -> tensor<1x2x9x9xf32>
// CHECK: %[[P0:.*]] = tern.softmax %[[S0]]
// CHECK: %[[H:.*]] = tosa.add %arg0
// CHECK: %[[T:.*]], %[[IDX:.*]], %[[MASK:.*]] = tern.prune_tokens %[[H]], %[[P0]] keep 9 threshold 4 : tensor<1x9x16xf32>, tensor<1x2x9x9xf32> -> tensor<1x9x16xf32>, tensor<1x9xi32>, tensor<1x1x1x9xf32>
// CHECK: tern.layer_norm %[[T]], {{.*}} -> tensor<1x9x16xf32>
// CHECK: tern.matmul %{{[^ ]+}}, %{{[^ ]+}} mask %[[MASK]] transpose_rhs scale {{.*}} : tensor<1x2x9x8xf32>, tensor<1x2x9x8xf32>, tensor<1x1x1x9xf32> -> tensor<1x2x9x9xf32>
// CHECK: tosa.gather {{.*}} : (tensor<1x9x16xf32>, tensor<1x1xi32>) -> tensor<1x1x16xf32>
// CHECK: return %{{.*}}, %[[IDX]] : tensor<1x1x16xf32>, tensor<1x9xi32>

// Two threshold points (T = 127: only CLS survives any token with less than
// all of the attention): layer 1's product takes the first mask, nothing
// after the second needs one; layer 1's pruning scores the masked softmax.
// TWO: %[[T0:.*]], %{{.*}}, %[[M0:.*]] = tern.prune_tokens {{.*}} keep 9 threshold 127
// TWO: %[[S1:.*]] = tern.matmul %{{[^ ]+}}, %{{[^ ]+}} mask %[[M0]] transpose_rhs
// TWO: %[[P1:.*]] = tern.softmax %[[S1]]
// TWO: tern.prune_tokens %{{[^ ]+}}, %[[P1]] keep 9 threshold 127
// TWO-NOT: mask

// T <= 0 keeps every token (scores are >= 0): nothing changes.
// NOOP-LABEL: func.func @vit2
// NOOP-NOT: tern.prune_tokens
// NOOP-NOT: mask

// BOTH: error: tern-prune-tokens: threshold and keep-rate are mutually exclusive (give one)
// FUSE: error: tern-prune-tokens: fuse is not supported with a threshold (the token unit fuses a static count)
func.func @vit2(%arg0: tensor<1x9x16xf32>, %wq: tensor<16x16xf32>, %w1: tensor<16x32xf32>, %w2: tensor<32x16xf32>, %g: tensor<16xf32>) -> tensor<1x1x16xf32> {
  %q = tern.linear %arg0, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %qh = tern.split_heads %q heads 2 : tensor<1x9x16xf32> -> tensor<1x2x9x8xf32>
  %s = tern.matmul %qh, %qh transpose_rhs scale 0.35 : tensor<1x2x9x8xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x9xf32>
  %p = tern.softmax %s : tensor<1x2x9x9xf32> -> tensor<1x2x9x9xf32>
  %c = tern.matmul %p, %qh : tensor<1x2x9x9xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x8xf32>
  %m = tern.merge_heads %c : tensor<1x2x9x8xf32> -> tensor<1x9x16xf32>
  %o = tern.linear %m, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %h = tosa.add %arg0, %o : (tensor<1x9x16xf32>, tensor<1x9x16xf32>) -> tensor<1x9x16xf32>
  %n = tern.layer_norm %h, %g, %g epsilon 1.0e-5 : tensor<1x9x16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<1x9x16xf32>
  %q1 = tern.linear %n, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %qh1 = tern.split_heads %q1 heads 2 : tensor<1x9x16xf32> -> tensor<1x2x9x8xf32>
  %s1 = tern.matmul %qh1, %qh1 transpose_rhs scale 0.35 : tensor<1x2x9x8xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x9xf32>
  %p1 = tern.softmax %s1 : tensor<1x2x9x9xf32> -> tensor<1x2x9x9xf32>
  %c1 = tern.matmul %p1, %qh1 : tensor<1x2x9x9xf32>, tensor<1x2x9x8xf32> -> tensor<1x2x9x8xf32>
  %m1 = tern.merge_heads %c1 : tensor<1x2x9x8xf32> -> tensor<1x9x16xf32>
  %o1 = tern.linear %m1, %wq : tensor<1x9x16xf32>, tensor<16x16xf32> -> tensor<1x9x16xf32>
  %h1 = tosa.add %n, %o1 : (tensor<1x9x16xf32>, tensor<1x9x16xf32>) -> tensor<1x9x16xf32>
  %i = "tosa.const"() <{value = dense<0> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
  %cls = tosa.gather %h1, %i : (tensor<1x9x16xf32>, tensor<1x1xi32>) -> tensor<1x1x16xf32>
  return %cls : tensor<1x1x16xf32>
}
