// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=bf16}))' \
// RUN:   | FileCheck %s --check-prefix=BF16
// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=bf16 override=true}))' \
// RUN:   | FileCheck %s --check-prefix=OVERRIDE
// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=tataa override=true}))' \
// RUN:   | FileCheck %s --check-prefix=TATAA
// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=qdq}))' \
// RUN:   | FileCheck %s --check-prefix=QDQ
// RUN: not tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=int4-max}))' \
// RUN:   2>&1 | FileCheck %s --check-prefix=UNKNOWN

// Tests that undecided (f32) ops become bf16 and that a decision already
// made is kept unless overridden.
// BF16-LABEL: func @block
// BF16: tern.linear {{.*}} precision <bf16>
// BF16: tern.softmax {{.*}} precision <int>
// BF16: tern.gelu {{.*}} precision <bf16>
// OVERRIDE: tern.softmax {{.*}} precision <bf16>
// UNKNOWN: Cannot find option named 'int4-max'!
// TATAA maps matrix ops to int and everything else to bf16; layout ops
// carry no precision.
// TATAA-LABEL: func @block
// TATAA: tern.linear {{.*}} precision <int>
// TATAA: tern.softmax {{.*}} precision <bf16>
// TATAA: tern.gelu {{.*}} precision <bf16>
// TATAA-LABEL: func @attention
// TATAA: tern.split_heads
// TATAA-NOT: precision
// TATAA-SAME: heads 2 :
// TATAA: tern.matmul {{.*}} precision <int>
// TATAA: tern.merge_heads
// TATAA-NOT: precision
// TATAA-SAME: -> tensor<1x4x8xf32>
// BF16-LABEL: func @attention
// BF16: tern.split_heads
// BF16-NOT: precision
// BF16-SAME: heads 2 :
func.func @block(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %0 = tern.linear %x, %w : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  %1 = tern.softmax %0 precision <int> : tensor<4x8xf32> -> tensor<4x8xf32>
  %2 = tern.gelu %1 : tensor<4x8xf32> -> tensor<4x8xf32>
  return %2 : tensor<4x8xf32>
}

func.func @attention(%x: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %h = tern.split_heads %x heads 2 : tensor<1x4x8xf32> -> tensor<1x2x4x4xf32>
  %s = tern.matmul %h, %h transpose_rhs : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %m = tern.merge_heads %s : tensor<1x2x4x4xf32> -> tensor<1x4x8xf32>
  return %m : tensor<1x4x8xf32>
}

// The qdq policy: int exactly where the model dequantizes both operands.
// QDQ-LABEL: func @qdq
// QDQ: tern.linear %[[XD:.*]], %[[WD:.*]] precision <int>
// QDQ: tern.linear %[[XD]], %arg1 precision <bf16>
// QDQ: tern.softmax {{.*}} precision <bf16>
!q = !quant.uniform<i8:f32, 0.5>
func.func @qdq(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>, %wq: tensor<8x8xi8>) -> tensor<4x8xf32> {
  %xq = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!q>
  %xd = "quant.dcast"(%xq) : (tensor<4x8x!q>) -> tensor<4x8xf32>
  %ws = "quant.scast"(%wq) : (tensor<8x8xi8>) -> tensor<8x8x!q>
  %wd = "quant.dcast"(%ws) : (tensor<8x8x!q>) -> tensor<8x8xf32>
  %0 = tern.linear %xd, %wd : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  %1 = tern.linear %xd, %w : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  %2 = tern.softmax %1 : tensor<4x8xf32> -> tensor<4x8xf32>
  %3 = tern.add %0, %2 : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %3 : tensor<4x8xf32>
}
