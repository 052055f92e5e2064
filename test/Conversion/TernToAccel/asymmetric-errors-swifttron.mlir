// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8 requant=swifttron"

// SwiftTron's requantizer truncates and wraps at 8 bits: no zero point.
!x = !quant.uniform<i8:f32, 0.015748031496062992>
!w = !quant.uniform<i8:f32, 0.003937007874015748>
!y = !quant.uniform<u8:f32, 0.1:7>
func.func @asymmetric_result_swifttron(%x: tensor<4x8x!x>) -> tensor<4x8x!y> {
  %wc = "tosa.const"() {value = dense<1> : tensor<8x8xi8>} : () -> tensor<8x8xi8>
  %w = "quant.scast"(%wc) : (tensor<8x8xi8>) -> tensor<8x8x!w>
  // expected-error @+2 {{failed to legalize operation 'tern.linear'}}
  // expected-error @+1 {{'tern.linear' op an asymmetric result ('!quant.uniform<u8:f32, 1.000000e-01:7>') is lowered only to int8 with the 'ibert' or 'elastic' requantization (which add a zero point and saturate), not 'swifttron'}}
  %y = tern.linear %x, %w precision <int> : tensor<4x8x!x>, tensor<8x8x!w> -> tensor<4x8x!y>
  return %y : tensor<4x8x!y>
}

// -----

// Nor a fused ReLU (a clamp at the zero point).
!x = !quant.uniform<i8:f32, 0.015748031496062992>
!w = !quant.uniform<i8:f32, 0.003937007874015748>
!y = !quant.uniform<i8:f32, 0.1>
func.func @relu_swifttron(%x: tensor<4x8x!x>) -> tensor<4x8x!y> {
  %wc = "tosa.const"() {value = dense<1> : tensor<8x8xi8>} : () -> tensor<8x8xi8>
  %w = "quant.scast"(%wc) : (tensor<8x8xi8>) -> tensor<8x8x!w>
  // expected-error @+2 {{failed to legalize operation 'tern.linear'}}
  // expected-error @+1 {{'tern.linear' op a fused ReLU ('relu') is lowered only with the 'ibert' or 'elastic' requantization, which clamp at the zero point}}
  %y = tern.linear %x, %w precision <int> relu : tensor<4x8x!x>, tensor<8x8x!w> -> tensor<4x8x!y>
  return %y : tensor<4x8x!y>
}
