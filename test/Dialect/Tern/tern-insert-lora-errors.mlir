// RUN: not tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-insert-lora{rank=4 targets=q,v}))' \
// RUN:   2>&1 | FileCheck %s
// RUN: not tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-insert-lora{rank=0 targets=q}))' \
// RUN:   2>&1 | FileCheck %s --check-prefix=RANK0
// RUN: not tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-insert-lora{rank=2 targets=q,,v}))' \
// RUN:   2>&1 | FileCheck %s --check-prefix=EMPTY

// Tests that a rank above min(d_in, d_out) names the layer and its sizes,
// and that nothing is changed.
// CHECK: error: loc("/v/Gemm"): 'tern.linear' op (layer '/v/Gemm'): LoRA rank 4 is larger than min(d_in, d_out) = min(16, 2)
// CHECK-NOT: tern.matmul
func.func @too_narrow(%x: tensor<4x16xf32>) -> tensor<4x2xf32> {
  %w = arith.constant dense<0.5> : tensor<16x16xf32>
  %w2 = arith.constant dense<0.5> : tensor<16x2xf32>
  %q = tern.linear %x, %w : tensor<4x16xf32>, tensor<16x16xf32> -> tensor<4x16xf32> loc("/q/Gemm")
  %v = tern.linear %q, %w2 : tensor<4x16xf32>, tensor<16x2xf32> -> tensor<4x2xf32> loc("/v/Gemm")
  return %v : tensor<4x2xf32>
}

// -----

// Tests that a target matching no linear is named (a matmul of that name
// does not count).
// CHECK: error: tern-insert-lora: target 'v' names no tern.linear of 'no_v'
func.func @no_v(%x: tensor<4x16xf32>) -> tensor<4x4xf32> {
  %w = arith.constant dense<0.5> : tensor<16x16xf32>
  %q = tern.linear %x, %w : tensor<4x16xf32>, tensor<16x16xf32> -> tensor<4x16xf32> loc("/q/Gemm")
  %s = tern.matmul %q, %x transpose_rhs : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x4xf32> loc("/v/MatMul")
  return %s : tensor<4x4xf32>
}

// -----

// Tests that a quantized linear is refused.
// CHECK: error: loc("/q/v"): 'tern.linear' op (layer '/q/v') is quantized; insert LoRA adapters before tern-quantize
!q8 = !quant.uniform<i8<-127:127>:f32, 0.05>
func.func @quantized(%x: tensor<4x16x!q8>) -> tensor<4x16xf32> {
  %w = arith.constant dense<0.5> : tensor<16x16xf32>
  %wq = "quant.qcast"(%w) : (tensor<16x16xf32>) -> tensor<16x16x!q8>
  %y = tern.linear %x, %wq precision <int> : tensor<4x16x!q8>, tensor<16x16x!q8> -> tensor<4x16xf32> loc("/q/v")
  return %y : tensor<4x16xf32>
}

// RANK0: error: tern-insert-lora: rank must be at least 1
// EMPTY: error: tern-insert-lora: empty target in 'targets'
