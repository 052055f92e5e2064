// 6- and 4-bit activations (`activation-bits`): symmetric types of that
// storage width, scale max|range| / (2^(b-1) - 1), range -(2^(b-1)-1)..
// 2^(b-1)-1. The checks fail if the option is ignored (8 bits: i8<-127:127>
// at max/127).
// RUN: tern-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize{activation-bits=4}))' \
// RUN:   | FileCheck %s --check-prefix=A4
// RUN: tern-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize{activation-bits=6 weight-bits=4}))' \
// RUN:   | FileCheck %s --check-prefix=W4A6
// RUN: not tern-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize{activation-bits=5}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=A5
// RUN: not tern-opt %s --split-input-file \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize{activation-bits=4}))' 2>&1 \
// RUN:   | FileCheck %s --check-prefix=INTONLY

// The input spans +-1 -> 4-bit scale 1/7; the first linear's result (range
// +-3) feeds only the second, so it is requantized to 4 bits at 3/7; the
// weights stay 8-bit (0.7/127) unless weight-bits says otherwise.
// A4-LABEL: func @mlp
// A4: "quant.qcast"(%arg0) : (tensor<4x3xf32>) -> tensor<4x3x!quant.uniform<i4<-7:7>:f32, 0.14285714{{[0-9]*}}>>
// A4: "quant.qcast"(%{{.*}}) : (tensor<3x2xf32>) -> tensor<3x2x!quant.uniform<i8<-127:127>:f32, 0.0055118{{[0-9]*}}>>
// A4: %[[Y:.*]] = tern.linear {{.*}} -> tensor<4x2x!quant.uniform<i4<-7:7>:f32, 0.42857142{{[0-9]*}}>>
// A4: tern.linear %[[Y]], {{.*}} -> tensor<4x2xf32>
// W4A6-LABEL: func @mlp
// W4A6: "quant.qcast"(%arg0) : (tensor<4x3xf32>) -> tensor<4x3x!quant.uniform<i6<-31:31>:f32, 0.0322580{{[0-9]*}}>>
// W4A6: "quant.qcast"(%{{.*}}) : (tensor<3x2xf32>) -> tensor<3x2x!quant.uniform<i4<-7:7>:f32, 0.09999999{{[0-9]*}}>>
// W4A6: tern.linear {{.*}} -> tensor<4x2x!quant.uniform<i6<-31:31>:f32, 0.0967741{{[0-9]*}}>>
// INTONLY: error: 'tern.add' op runs an integer-only kernel, which takes int8 activations; 4-bit activations are not lowered with integer-only policies (use a8)
// A5: tern-quantize: 5-bit activations: the matrix unit takes 8, 6 or 4 bits
func.func @mlp(%x: tensor<4x3xf32> {tern.range = array<f64: -1.0, 1.0>}) -> tensor<4x2xf32> {
  %w = "tosa.const"() {value = dense<[[0.7, -0.2], [0.35, 0.1], [-0.7, 0.05]]> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %w2 = "tosa.const"() {value = dense<0.5> : tensor<2x2xf32>} : () -> tensor<2x2xf32>
  %y = tern.linear %x, %w precision <int> {tern.range = array<f64: -3.0, 3.0>} : tensor<4x3xf32>, tensor<3x2xf32> -> tensor<4x2xf32>
  %z = tern.linear %y, %w2 precision <int> : tensor<4x2xf32>, tensor<2x2xf32> -> tensor<4x2xf32>
  return %z : tensor<4x2xf32>
}

// -----

// Integer-only kernels take int8: narrow activations are refused, naming
// the kernel (8-bit activations quantize this function).
func.func @int_only(%x: tensor<4x8xf32> {tern.range = array<f64: -2.0, 2.0>},
                    %r: tensor<4x8xf32> {tern.range = array<f64: -2.0, 2.0>}) -> tensor<4x8xf32> {
  %w = "tosa.const"() {value = dense<0.25> : tensor<8x8xf32>} : () -> tensor<8x8xf32>
  %o = tern.linear %x, %w precision <int> {tern.range = array<f64: -4.0, 4.0>} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  // expected-error @+1 {{'tern.add' op runs an integer-only kernel, which takes int8 activations;}}
  %s = tern.add %o, %r precision <int> {tern.range = array<f64: -6.0, 6.0>} : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %s : tensor<4x8xf32>
}
