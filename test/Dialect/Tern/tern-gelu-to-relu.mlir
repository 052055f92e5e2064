// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-gelu-to-relu))' \
// RUN:   | FileCheck %s --implicit-check-not=tern.gelu
// RUN: tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-gelu-to-relu{warn=false}))' \
// RUN:   2>&1 | FileCheck %s --check-prefix=QUIET

// Tests that both GELU forms become ReLU with the operand, type and precision
// kept, and that the function is warned about once.
// CHECK-LABEL: func @ffn
// CHECK-SAME: (%[[X:.+]]: tensor<4x16xf32>)
// CHECK: %[[R0:.+]] = tern.relu %[[X]] precision <bf16> : tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK: %[[R1:.+]] = tern.relu %[[R0]] : tensor<4x16xf32> -> tensor<4x16xf32>
// CHECK: return %[[R1]]
// expected-warning @+1 {{replaced 2 GELU op(s) with ReLU; the model's function changed, re-measure its accuracy}}
func.func @ffn(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = tern.gelu %x precision <bf16> : tensor<4x16xf32> -> tensor<4x16xf32>
  %1 = tern.gelu %0 approximation <tanh> : tensor<4x16xf32> -> tensor<4x16xf32>
  return %1 : tensor<4x16xf32>
}

// -----

// Tests that a function without GELU is left alone and not warned about.
// CHECK-LABEL: func @no_gelu
// CHECK-NEXT: tern.softmax
// CHECK-NEXT: return
func.func @no_gelu(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = tern.softmax %x : tensor<4x16xf32> -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}

// QUIET-NOT: warning
// QUIET: tern.relu
