// RUN: tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-insert-lora{rank=2 alpha=8 targets=q,v}))' \
// RUN:   | FileCheck %s
// RUN: tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-insert-lora{rank=2 targets=*/o/*}))' \
// RUN:   | FileCheck %s --check-prefix=GLOB
// RUN: tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-insert-lora{rank=2 targets=q seed=7}))' \
// RUN:   | FileCheck %s --check-prefix=SEED

// Tests that the q and v linears (named by a component of their ONNX node)
// get A [16, 2] and B [2, N] as trainable arguments after the input, that
// the branch is (x A) B scaled by alpha / r = 4 and added to the linear's
// result, that every former use reads the sum, and that o is left alone.
// CHECK-LABEL: func @attn
// CHECK-SAME: %[[X:[^:]+]]: tensor<1x4x16xf32>
// CHECK-SAME: %[[QA:[^:]+]]: tensor<16x2xf32> {onnx.name = "attn_q_MatMul_lora_a", tern.init = dense<{{[^>]*}}> : tensor<16x2xf32>, tern.trainable}
// CHECK-SAME: %[[QB:[^:]+]]: tensor<2x16xf32> {onnx.name = "attn_q_MatMul_lora_b", tern.init = dense<0.000000e+00> : tensor<2x16xf32>, tern.trainable}
// CHECK-SAME: %[[VA:[^:]+]]: tensor<16x2xf32> {onnx.name = "attn_v_MatMul_lora_a"
// CHECK-SAME: %[[VB:[^:]+]]: tensor<2x8xf32> {onnx.name = "attn_v_MatMul_lora_b"
// CHECK: %[[Q:.+]] = tern.linear %[[X]], %{{.+}}, %{{.+}} precision <bf16>
// CHECK: %[[XR:.+]] = tosa.reshape %[[X]] {new_shape = array<i64: 4, 16>}
// CHECK: %[[H:.+]] = tern.matmul %[[XR]], %[[QA]] precision <bf16> : tensor<4x16xf32>, tensor<16x2xf32> -> tensor<4x2xf32>
// CHECK: %[[D:.+]] = tern.matmul %[[H]], %[[QB]] scale 4.000000e+00 precision <bf16> : tensor<4x2xf32>, tensor<2x16xf32> -> tensor<4x16xf32>
// CHECK: %[[DR:.+]] = tosa.reshape %[[D]] {new_shape = array<i64: 1, 4, 16>}
// CHECK: %[[QS:.+]] = tosa.add %[[Q]], %[[DR]]
// CHECK: %[[V:.+]] = tern.linear %[[QS]]
// CHECK: tern.matmul %{{.+}}, %[[VA]]
// CHECK: tern.matmul %{{.+}}, %[[VB]]
// CHECK: %[[VS:.+]] = tosa.add %[[V]]
// CHECK: %[[O:.+]] = tern.linear %[[VS]]
// CHECK-NOT: tern.matmul
// CHECK: return %[[O]], %[[QS]]
func.func @attn(%x: tensor<1x4x16xf32>) -> (tensor<1x4x8xf32>, tensor<1x4x16xf32>) {
  %wq = arith.constant dense<0.5> : tensor<16x16xf32>
  %bq = arith.constant dense<0.1> : tensor<16xf32>
  %wv = arith.constant dense<0.25> : tensor<16x8xf32>
  %wo = arith.constant dense<0.125> : tensor<8x8xf32>
  %q = tern.linear %x, %wq, %bq precision <bf16> : tensor<1x4x16xf32>, tensor<16x16xf32>, tensor<16xf32> -> tensor<1x4x16xf32> loc("/attn/q/MatMul")
  %v = tern.linear %q, %wv : tensor<1x4x16xf32>, tensor<16x8xf32> -> tensor<1x4x8xf32> loc("/attn/v/MatMul")
  %o = tern.linear %v, %wo : tensor<1x4x8xf32>, tensor<8x8xf32> -> tensor<1x4x8xf32> loc("/attn/o/MatMul")
  return %o, %q : tensor<1x4x8xf32>, tensor<1x4x16xf32>
}

// GLOB-LABEL: func @attn
// GLOB-SAME: %{{[^:]+}}: tensor<8x2xf32> {onnx.name = "attn_o_MatMul_lora_a"
// GLOB-SAME: %{{[^:]+}}: tensor<2x8xf32> {onnx.name = "attn_o_MatMul_lora_b"
// GLOB-NOT: lora
// GLOB: %[[O:.+]] = tern.linear %{{.+}}, %{{.+}} : tensor<1x4x8xf32>, tensor<8x8xf32>
// GLOB: tern.matmul
// GLOB: tern.matmul
// GLOB-NOT: scale
// GLOB: %[[S:.+]] = tosa.add %[[O]]
// GLOB: return %[[S]]

// The initialisation depends on the seed (and on nothing else).
// SEED-LABEL: func @attn
// SEED-SAME: tern.init = dense<{{\[\[}}-0.2118
// SEED-NOT: "attn_v_MatMul_lora_a"

// -----

// Tests a rank-2 input (no reshapes) and names matched whole.
// CHECK-LABEL: func @flat
// CHECK-NOT: tosa.reshape
// CHECK: %[[Y:.+]] = tern.linear
// CHECK: tern.matmul
// CHECK: tern.matmul
// CHECK: %[[S:.+]] = tosa.add %[[Y]]
// CHECK: %[[Z:.+]] = tern.linear %[[S]]
// CHECK: tern.matmul
// CHECK: tern.matmul
// CHECK: %[[T:.+]] = tosa.add %[[Z]]
// CHECK: %[[O:.+]] = tern.linear %[[T]]
// CHECK-NEXT: return %[[O]]
// GLOB-LABEL: func @flat
// GLOB-COUNT-2: tern.matmul
// GLOB-NOT: tern.matmul
func.func @flat(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<0.5> : tensor<16x16xf32>
  %y = tern.linear %x, %w : tensor<4x16xf32>, tensor<16x16xf32> -> tensor<4x16xf32> loc("q")
  %z = tern.linear %y, %w : tensor<4x16xf32>, tensor<16x16xf32> -> tensor<4x16xf32> loc("v")
  %o = tern.linear %z, %w : tensor<4x16xf32>, tensor<16x16xf32> -> tensor<4x16xf32> loc("/x/o/y")
  return %o : tensor<4x16xf32>
}
