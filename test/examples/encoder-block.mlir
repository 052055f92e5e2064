// The bundled example of the README's first command: one post-norm encoder
// block (attention + ReLU FFN after GELU->ReLU) in the tern dialect.
//
// RUN: tern-opt %s -pass-pipeline='builtin.module(func.func(tern-gelu-to-relu,canonicalize,cse))' \
// RUN:   2>&1 | FileCheck %s --implicit-check-not=tern.gelu
// RUN: tern-opt %s -mlir-print-ir-after-all \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-gelu-to-relu,cse))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=AFTER

// CHECK: warning: replaced 1 GELU op(s) with ReLU
// CHECK-LABEL: func.func @encoder_block
// CHECK: tern.softmax
// CHECK: %[[H:.+]] = tern.linear {{.*}} : tensor<16x32xf32>, tensor<32x128xf32>, tensor<128xf32> -> tensor<16x128xf32>
// CHECK: %[[R:.+]] = tern.relu %[[H]]
// CHECK: tern.linear %[[R]]
// The duplicated layer_norm is removed by cse.
// CHECK-COUNT-1: tern.layer_norm
// CHECK: return

// AFTER: IR Dump After TernGeluToRelu (tern-gelu-to-relu)
// AFTER: tern.relu
// AFTER: IR Dump After CSE (cse)

func.func @encoder_block(%x: tensor<16x32xf32>,
    %wq: tensor<32x32xf32>, %wk: tensor<32x32xf32>, %wv: tensor<32x32xf32>,
    %wo: tensor<32x32xf32>, %w1: tensor<32x128xf32>, %b1: tensor<128xf32>,
    %w2: tensor<128x32xf32>, %b2: tensor<32xf32>,
    %g: tensor<32xf32>, %b: tensor<32xf32>) -> tensor<16x32xf32> {
  %q = tern.linear %x, %wq : tensor<16x32xf32>, tensor<32x32xf32> -> tensor<16x32xf32>
  %k = tern.linear %x, %wk : tensor<16x32xf32>, tensor<32x32xf32> -> tensor<16x32xf32>
  %v = tern.linear %x, %wv : tensor<16x32xf32>, tensor<32x32xf32> -> tensor<16x32xf32>
  %s = tern.matmul %q, %k transpose_rhs scale 0.17677669 : tensor<16x32xf32>, tensor<16x32xf32> -> tensor<16x16xf32>
  %p = tern.softmax %s : tensor<16x16xf32> -> tensor<16x16xf32>
  %c = tern.matmul %p, %v : tensor<16x16xf32>, tensor<16x32xf32> -> tensor<16x32xf32>
  %o = tern.linear %c, %wo : tensor<16x32xf32>, tensor<32x32xf32> -> tensor<16x32xf32>
  %r1 = tern.add %o, %x : tensor<16x32xf32>, tensor<16x32xf32> -> tensor<16x32xf32>
  %n1 = tern.layer_norm %r1, %g, %b epsilon 1.0e-5 : tensor<16x32xf32>, tensor<32xf32>, tensor<32xf32> -> tensor<16x32xf32>
  %n1dup = tern.layer_norm %r1, %g, %b epsilon 1.0e-5 : tensor<16x32xf32>, tensor<32xf32>, tensor<32xf32> -> tensor<16x32xf32>
  %h = tern.linear %n1, %w1, %b1 : tensor<16x32xf32>, tensor<32x128xf32>, tensor<128xf32> -> tensor<16x128xf32>
  %a = tern.gelu %h : tensor<16x128xf32> -> tensor<16x128xf32>
  %f = tern.linear %a, %w2, %b2 : tensor<16x128xf32>, tensor<128x32xf32>, tensor<32xf32> -> tensor<16x32xf32>
  %r2 = tern.add %f, %n1dup : tensor<16x32xf32>, tensor<16x32xf32> -> tensor<16x32xf32>
  return %r2 : tensor<16x32xf32>
}
