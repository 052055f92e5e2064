// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=tataa overrides=/blocks.0/attn/q/Add=bf16,/blocks.0/attn/*/Softmax=bf16}))' \
// RUN:   | FileCheck %s --check-prefix=TATAA
// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=bf16 overrides=/blocks.0/attn/*/Add=int}))' \
// RUN:   | FileCheck %s --check-prefix=BF16
// RUN: not tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{overrides=/nothing/here=int}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NONE
// RUN: not tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{overrides=/blocks.0/attn/q/Add=int4}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=MALFORMED
// RUN: not tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{overrides=*Softmax=int}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=NOKERNEL

// Overrides apply after the policy, matched by glob on the ONNX node name.
// TATAA: tern.linear {{.*}} precision <bf16> :
// TATAA: tern.linear {{.*}} precision <int>
// TATAA: tern.softmax {{.*}} precision <bf16>
// BF16: tern.linear {{.*}} precision <int>
// BF16: tern.linear {{.*}} precision <int>
// BF16: tern.softmax {{.*}} precision <bf16>
// NONE: error: tern-select-precision: override '/nothing/here=int' names no operator of 'block'
// MALFORMED: error: tern-select-precision: override '/blocks.0/attn/q/Add=int4' is not NAME=MODE with a glob NAME and MODE bf16 or int
// NOKERNEL: error: loc("/blocks.0/attn/s/Softmax"): 'tern.softmax' op cannot run in precision <int> (override '*Softmax=int'): only tern.linear and tern.matmul have integer kernels
func.func @block(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %q = tern.linear %x, %w : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32> loc("/blocks.0/attn/q/Add")
  %k = tern.linear %x, %w : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32> loc("/blocks.0/attn/k/Add")
  %p = tern.softmax %k : tensor<4x8xf32> -> tensor<4x8xf32> loc("/blocks.0/attn/s/Softmax")
  %r = tern.add %q, %p : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}
