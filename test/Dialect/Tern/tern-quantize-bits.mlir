// RUN: tern-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize{weight-bits=4 per-channel=true}))' \
// RUN:   | FileCheck %s --check-prefix=W4PC
// The last case fails per tensor too (with another message); `not` keeps
// the output of the others.
// RUN: not tern-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize{weight-bits=6}))' 2>/dev/null \
// RUN:   | FileCheck %s --check-prefix=W6
// RUN: not tern-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize{weight-bits=5}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=W5

// Weight widths and per-channel scales. Column 0 of the weight spans
// +-0.7 -> 4-bit scale 0.7/7 = 0.1, column 1 +-0.2 -> 0.2/7 = 0.0285714;
// the bias is per column at S_x * S_w[n] = (1/127)(0.1), (1/127)(0.0285714).
// A per-channel linear returns float even though its consumer is an int op.
// W4PC-LABEL: func @widths
// W4PC: "quant.qcast"(%{{.*}}) : (tensor<3x2xf32>) -> tensor<3x2x!quant.uniform<i4<-7:7>:f32:1, {0.0999999{{[0-9]*}},0.02857142{{[0-9]*}}}>>
// W4PC: "quant.qcast"(%{{.*}}) : (tensor<2xf32>) -> tensor<2x!quant.uniform<i32:f32:0, {7.874015{{[0-9]*}}E-4,2.249718{{[0-9]*}}E-4}>>
// W4PC: %[[Y:.*]] = tern.linear {{.*}} -> tensor<4x2xf32>
// W4PC: "quant.qcast"(%[[Y]])
// Per tensor at 6 bits: max |w| = 0.7 -> 0.7/31; the first linear's result
// feeds only the second and stays int8.
// W6-LABEL: func @widths
// W6: "quant.qcast"(%{{.*}}) : (tensor<3x2xf32>) -> tensor<3x2x!quant.uniform<i6<-31:31>:f32, 0.0225806{{[0-9]*}}>>
// W6: tern.linear {{.*}} -> tensor<4x2x!quant.uniform<i8<-127:127>:f32, 0.023622047244094488>>
// W5: tern-quantize: 5-bit weights: the matrix unit takes 8, 6 or 4 bits
func.func @widths(%x: tensor<4x3xf32> {tern.range = array<f64: -1.0, 1.0>}) -> tensor<4x2xf32> {
  %w = "tosa.const"() {value = dense<[[0.7, -0.2], [0.35, 0.1], [-0.7, 0.05]]> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %b = "tosa.const"() {value = dense<[0.5, -0.25]> : tensor<2xf32>} : () -> tensor<2xf32>
  %w2 = "tosa.const"() {value = dense<0.5> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %y = tern.linear %x, %w, %b precision <int> {tern.range = array<f64: -3.0, 3.0>} : tensor<4x3xf32>, tensor<3x2xf32>, tensor<2xf32> -> tensor<4x2xf32>
  %z = tern.linear %y, %w2 precision <int> : tensor<4x2xf32>, tensor<2x2xf32> -> tensor<4x2xf32>
  return %z : tensor<4x2xf32>
}

// -----

// Per-channel scales read the weight through a 2-D transpose (Gemm's transB).
// W4PC-LABEL: func @transposed
// W4PC: tensor<3x2x!quant.uniform<i4<-7:7>:f32:1, {0.0999999{{[0-9]*}},0.02857142{{[0-9]*}}}>>
func.func @transposed(%x: tensor<4x3xf32> {tern.range = array<f64: -1.0, 1.0>}) -> tensor<4x2xf32> {
  %wt = "tosa.const"() {value = dense<[[0.7, 0.35, -0.7], [-0.2, 0.1, 0.05]]> : tensor<2x3xf32>} : () -> tensor<2x3xf32>
  %p = "tosa.const"() {value = dense<[1, 0]> : tensor<2xi32>} : () -> tensor<2xi32>
  %w = tosa.transpose %wt, %p : (tensor<2x3xf32>, tensor<2xi32>) -> tensor<3x2xf32>
  %y = tern.linear %x, %w precision <int> : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

func.func @runtime_weight(%x: tensor<4x3xf32> {tern.range = array<f64: -1.0, 1.0>}, %w: tensor<3x2xf32>) -> tensor<4x2xf32> {
  // expected-error @+1 {{'tern.linear' op has a weight that is not a readable f32 constant matrix; per-channel quantization needs its values}}
  %y = tern.linear %x, %w precision <int> : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
