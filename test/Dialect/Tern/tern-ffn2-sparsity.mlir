// RUN: tern-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize,tern-ffn2-sparsity))' \
// RUN:   | FileCheck %s
// RUN: tern-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize,tern-ffn2-sparsity{threshold=3}))' \
// RUN:   | FileCheck %s --check-prefix=THR
// RUN: not tern-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-ffn2-sparsity{threshold=128}))' \
// RUN:   2>&1 | FileCheck %s --check-prefix=BAD

// An FFN after tern-select-precision{policy=tataa}: FC1 (int, float result
// because the ReLU is not a matrix op), the exported ReLU (tosa.clamp from
// 0), FC2. Only FC2 reads quantized ReLU output and is marked.
// CHECK-LABEL: func @ffn_clamp
// CHECK: %[[H:.*]] = tern.linear %{{.*}} precision <int> {tern.range = {{.*}}} : {{.*}} -> tensor<4x16xf32>
// CHECK: %[[R:.*]] = tosa.clamp %[[H]]
// CHECK: %[[RQ:.*]] = "quant.qcast"(%[[R]])
// CHECK: tern.linear %[[RQ]], %{{.*}} precision <int> {tern.ffn2_sparsity = 0 : i32} : tensor<4x16x!quant.uniform<i8<-127:127>:f32, {{.*}}>>
// THR-LABEL: func @ffn_clamp
// THR: tern.linear {{.*}} {tern.ffn2_sparsity = 3 : i32}
// BAD: error: tern-ffn2-sparsity: threshold 128 is not an int8 magnitude (0..127)
func.func @ffn_clamp(%x: tensor<4x8xf32> {tern.range = array<f64: -2.0, 2.0>}) -> tensor<4x8xf32> {
  %w1 = "tosa.const"() {value = dense<0.25> : tensor<8x16xf32>} : () -> tensor<8x16xf32>
  %w2 = "tosa.const"() {value = dense<-0.5> : tensor<16x8xf32>} : () -> tensor<16x8xf32>
  %h = tern.linear %x, %w1 precision <int> {tern.range = array<f64: -4.0, 4.0>} : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  %r = tosa.clamp %h {min_fp = 0.0 : f32, max_fp = 3.40282347E+38 : f32, min_int = 0 : i64, max_int = 9223372036854775807 : i64, tern.range = array<f64: 0.0, 4.0>} : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %y = tern.linear %r, %w2 precision <int> : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// tern.relu (e.g. after tern-gelu-to-relu) counts as a ReLU too.
// CHECK-LABEL: func @ffn_relu
// CHECK: tern.relu
// CHECK: tern.linear {{.*}} {tern.ffn2_sparsity = 0 : i32}
func.func @ffn_relu(%x: tensor<4x16xf32>) -> tensor<4x8xf32> {
  %w2 = "tosa.const"() {value = dense<-0.5> : tensor<16x8xf32>} : () -> tensor<16x8xf32>
  %r = tern.relu %x precision <bf16> {tern.range = array<f64: 0.0, 4.0>} : tensor<4x16xf32> -> tensor<4x16xf32>
  %y = tern.linear %r, %w2 precision <int> : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Near misses, none marked: a bf16 linear after a ReLU; a clamp whose lower
// bound is not 0 (no exact zeros); a ReLU behind another op (the add).
// CHECK-LABEL: func @near_misses
// CHECK-NOT: tern.ffn2_sparsity
// CHECK: return
func.func @near_misses(%x: tensor<4x16xf32>) -> tensor<4x8xf32> {
  %w2 = "tosa.const"() {value = dense<-0.5> : tensor<16x8xf32>} : () -> tensor<16x8xf32>
  %r = tern.relu %x precision <bf16> {tern.range = array<f64: 0.0, 4.0>} : tensor<4x16xf32> -> tensor<4x16xf32>
  %y0 = tern.linear %r, %w2 precision <bf16> : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
  %c = tosa.clamp %x {min_fp = -1.0 : f32, max_fp = 3.40282347E+38 : f32, min_int = -1 : i64, max_int = 9223372036854775807 : i64, tern.range = array<f64: -1.0, 4.0>} : (tensor<4x16xf32>) -> tensor<4x16xf32>
  %y1 = tern.linear %c, %w2 precision <int> : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
  %a = tern.add %r, %x precision <bf16> {tern.range = array<f64: -4.0, 8.0>} : tensor<4x16xf32>, tensor<4x16xf32> -> tensor<4x16xf32>
  %y2 = tern.linear %a, %w2 precision <int> : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
  %s0 = tern.add %y0, %y1 precision <bf16> : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  %s1 = tern.add %s0, %y2 precision <bf16> : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %s1 : tensor<4x8xf32>
}
