// RUN: tern-opt %s --mlir-print-debuginfo --mlir-print-local-scope --pass-pipeline='builtin.module(func.func(tern-insert-lora{rank=2 targets=q},tern-differentiate{loss=mse},tern-select-precision{policy=tataa frozen-only=true}))' \
// RUN:   | FileCheck %s
// RUN: tern-opt %s --mlir-print-debuginfo --mlir-print-local-scope --pass-pipeline='builtin.module(func.func(tern-insert-lora{rank=2 targets=q},tern-differentiate{loss=mse},tern-select-precision{policy=tataa}))' \
// RUN:   | FileCheck %s --check-prefix=ALL

// Tests that in a train step (tern compile --finetune --precision tataa)
// only the forward's frozen base linears get int: the q linear (constant
// weight) and the head (a transposed constant weight, as a Gemm with
// transB, no adapter) do; the LoRA products
// (tern.matmul on the adapters), the attention-like product of two run-time
// values, the linear whose weight is a run-time argument and every linear
// tern-differentiate built (tern.derived_weight: the backward's g W^T and
// the MSE reduction) stay bf16. Without frozen-only, tataa makes all of
// them int (ALL), so the checks below see the marking at work.
// CHECK-LABEL: func @step
// CHECK: tern.linear {{.*}} precision <int> :{{.*}}loc("q")
// CHECK: tern.matmul {{.*}} precision <bf16> : tensor<4x16xf32>, tensor<16x2xf32>
// CHECK: tern.matmul {{.*}} precision <bf16> : tensor<4x2xf32>, tensor<2x16xf32>
// CHECK: tern.matmul {{.*}} transpose_rhs {{.*}}precision <bf16> {{.*}}loc("scores")
// CHECK: tern.linear {{.*}} precision <bf16> :{{.*}}loc("dyn")
// CHECK: tern.linear {{.*}} precision <int> :{{.*}}loc("head")
// CHECK-NOT: precision <int>
// CHECK: tern.linear {{.*}} precision <bf16> {tern.derived_weight}
// CHECK-NOT: precision <int>
// CHECK: return
// ALL-LABEL: func @step
// ALL: tern.matmul {{.*}} precision <int> : tensor<4x16xf32>, tensor<16x2xf32>
// ALL: tern.linear {{.*}} precision <int> {tern.derived_weight}
func.func @step(%x: tensor<1x4x16xf32>, %w2: tensor<16x16xf32>) -> tensor<1x4x8xf32> {
  %w = "tosa.const"() {value = dense<0.125> : tensor<16x16xf32>} : () -> tensor<16x16xf32>
  %b = "tosa.const"() {value = dense<0.5> : tensor<16xf32>} : () -> tensor<16xf32>
  %q = tern.linear %x, %w, %b : tensor<1x4x16xf32>, tensor<16x16xf32>, tensor<16xf32> -> tensor<1x4x16xf32> loc("q")
  %s = tern.matmul %q, %x transpose_rhs : tensor<1x4x16xf32>, tensor<1x4x16xf32> -> tensor<1x4x4xf32> loc("scores")
  %c = tern.matmul %s, %q : tensor<1x4x4xf32>, tensor<1x4x16xf32> -> tensor<1x4x16xf32> loc("ctx")
  %d = tern.linear %c, %w2 : tensor<1x4x16xf32>, tensor<16x16xf32> -> tensor<1x4x16xf32> loc("dyn")
  %wt = "tosa.const"() {value = dense<0.25> : tensor<8x16xf32>} : () -> tensor<8x16xf32>
  %perm = "tosa.const"() {value = dense<[1, 0]> : tensor<2xi32>} : () -> tensor<2xi32>
  %wh = tosa.transpose %wt, %perm : (tensor<8x16xf32>, tensor<2xi32>) -> tensor<16x8xf32>
  %y = tern.linear %d, %wh : tensor<1x4x16xf32>, tensor<16x8xf32> -> tensor<1x4x8xf32> loc("head")
  return %y : tensor<1x4x8xf32>
}
