// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=bf16}))' \
// RUN:   | FileCheck %s --check-prefix=BF16
// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=bf16 override=true}))' \
// RUN:   | FileCheck %s --check-prefix=OVERRIDE
// RUN: not tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=int8-max}))' \
// RUN:   2>&1 | FileCheck %s --check-prefix=UNKNOWN

// Tests that undecided (f32) ops become bf16 and that a decision already
// made is kept unless overridden.
// BF16-LABEL: func @block
// BF16: tern.linear {{.*}} precision <bf16>
// BF16: tern.softmax {{.*}} precision <int>
// BF16: tern.gelu {{.*}} precision <bf16>
// OVERRIDE: tern.softmax {{.*}} precision <bf16>
// UNKNOWN: Cannot find option named 'int8-max'!
func.func @block(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %0 = tern.linear %x, %w : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  %1 = tern.softmax %0 precision <int> : tensor<4x8xf32> -> tensor<4x8xf32>
  %2 = tern.gelu %1 : tensor<4x8xf32> -> tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}
