// RUN: tern-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize{asymmetric-activations=true}))' \
// RUN:   | FileCheck %s
// RUN: tern-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize))' 2>/dev/null \
// RUN:   | FileCheck %s --check-prefix=SYM
// RUN: not tern-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize{asymmetric-activations=true}),convert-tern-to-accel{tile-m=4 tile-n=4 tile-k=8})' \
// RUN:   2>/dev/null | FileCheck %s --check-prefix=FOLD

// --act-scheme asym: a linear's calibrated input range [-1, 3] gets the
// asymmetric parameters S = 4/255 = 0.0156862745, Z = round(-128 + 1/S) =
// round(-64.25) = -64 (docs/Quantization.md); the weight stays symmetric
// (0.5 -> 127 at 0.5/127), the bias at S_x * S_w = 6.1762e-5. The int8
// result feeding the second linear stays symmetric (range [-4, 4]: 4/127),
// and the second linear's input is that int8 value.
// CHECK-LABEL: func @asymmetric_input
// CHECK: %[[X:.*]] = "quant.qcast"(%arg0) : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8:f32, 0.015686274{{[0-9]*}}:-64>>
// CHECK: %[[Y:.*]] = tern.linear %[[X]], {{.*}} -> tensor<4x8x!quant.uniform<i8<-127:127>:f32, 0.031496062992125984>>
// CHECK: tern.linear %[[Y]], {{.*}} -> tensor<4x8xf32>
// SYM-LABEL: func @asymmetric_input
// SYM: "quant.qcast"(%arg0) : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8<-127:127>:f32, 0.023622047244094488>>
// The lowering folds -Z * colsum(W) into the int32 bias: bias
// round(0.125 / 6.1762e-5) = 2024, column sums 8 * 127 = 1016:
// 2024 + 64 * 1016 = 67048.
// FOLD: memref.global "private" constant @__tern_zp_bias_0 : memref<8xi32> = dense<67048>
func.func @asymmetric_input(%x: tensor<4x8xf32> {tern.range = array<f64: -1.0, 3.0>}) -> tensor<4x8xf32> {
  %w = "tosa.const"() {value = dense<0.5> : tensor<8x8xf32>} : () -> tensor<8x8xf32>
  %b = "tosa.const"() {value = dense<0.125> : tensor<8xf32>} : () -> tensor<8xf32>
  %y = tern.linear %x, %w, %b precision <int> {tern.range = array<f64: -4.0, 4.0>} : tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  %z = tern.linear %y, %w precision <int> : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %z : tensor<4x8xf32>
}

// -----

// Both operands of a matmul are run-time tensors (no constant column sums
// to fold a zero point into): they stay symmetric.
// CHECK-LABEL: func @matmul_symmetric
// CHECK: "quant.qcast"(%arg0) : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8<-127:127>:f32, 0.023622047244094488>>
// CHECK: tern.matmul
func.func @matmul_symmetric(%a: tensor<4x8xf32> {tern.range = array<f64: -1.0, 3.0>},
                            %b: tensor<8x4xf32> {tern.range = array<f64: -1.0, 3.0>}) -> tensor<4x4xf32> {
  %y = tern.matmul %a, %b precision <int> : tensor<4x8xf32>, tensor<8x4xf32> -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// -----

// Integer-only kernels (I-BERT) are symmetric.
func.func @integer_only(%x: tensor<4x8xf32> {tern.range = array<f64: -1.0, 3.0>}) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tern.softmax' op runs an integer-only kernel, which is symmetric (I-BERT); asymmetric activations are not lowered with integer-only policies (use --act-scheme sym)}}
  %p = tern.softmax %x precision <int> {tern.range = array<f64: 0.0, 1.0>} : tensor<4x8xf32> -> tensor<4x8xf32>
  return %p : tensor<4x8xf32>
}
