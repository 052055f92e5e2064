// RUN: tern-opt %s --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize{asymmetric-activations=true activation-bits=4}))'

// Asymmetric activations are 8-bit (narrow asymmetric casts are not
// lowered).
// expected-error @+1 {{tern-quantize: asymmetric activations are 8-bit; 4-bit activations are symmetric (asymmetric narrow casts are not lowered)}}
func.func @narrow(%x: tensor<4x8xf32> {tern.range = array<f64: -1.0, 3.0>}) -> tensor<4x8xf32> {
  %w = "tosa.const"() {value = dense<0.5> : tensor<8x8xf32>} : () -> tensor<8x8xf32>
  %y = tern.linear %x, %w precision <int> : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
