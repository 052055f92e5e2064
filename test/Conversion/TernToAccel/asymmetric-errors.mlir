// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8"

// The zero point of an activation is folded into the bias only for a
// linear with a constant weight: a product of two run-time tensors with an
// asymmetric operand is refused (a uint8 activation is int8 shifted by
// 128, so zero point 0 counts).
!x = !quant.uniform<u8:f32, 0.015748031496062992>
!s = !quant.uniform<i8:f32, 0.015748031496062992>
func.func @asymmetric_matmul(%a: tensor<4x8x!x>, %b: tensor<8x4x!s>) -> tensor<4x4xf32> {
  // expected-error @+2 {{failed to legalize operation 'tern.matmul'}}
  // expected-error @+1 {{'tern.matmul' op an asymmetric operand ('!quant.uniform<u8:f32, 0.015748031496062992>') of an integer product is not lowered: its zero point is folded into the bias only for a linear with a constant weight}}
  %y = tern.matmul %a, %b precision <int> : tensor<4x8x!x>, tensor<8x4x!s> -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// -----

// Asymmetric weights are refused.
!x = !quant.uniform<i8:f32, 0.015748031496062992>
!w = !quant.uniform<i8:f32, 0.003937007874015748:2>
func.func @asymmetric_weight(%x: tensor<4x8x!x>) -> tensor<4x8xf32> {
  %wc = "tosa.const"() {value = dense<1> : tensor<8x8xi8>} : () -> tensor<8x8xi8>
  %w = "quant.scast"(%wc) : (tensor<8x8xi8>) -> tensor<8x8x!w>
  // expected-error @+2 {{failed to legalize operation 'tern.linear'}}
  // expected-error @+1 {{'tern.linear' op an asymmetric weight ('!quant.uniform<i8:f32, 0.003937007874015748:2>') of an integer product is not lowered; weights must be symmetric (zero point 0)}}
  %y = tern.linear %x, %w precision <int> : tensor<4x8x!x>, tensor<8x8x!w> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// FFN2 sparsity skips rows of zero codes, which are not zeros when the
// input has a zero point.
!x = !quant.uniform<i8:f32, 0.015748031496062992:5>
!w = !quant.uniform<i8:f32, 0.003937007874015748>
func.func @asymmetric_sparsity(%x: tensor<4x8x!x>) -> tensor<4x8xf32> {
  %wc = "tosa.const"() {value = dense<1> : tensor<8x8xi8>} : () -> tensor<8x8xi8>
  %w = "quant.scast"(%wc) : (tensor<8x8xi8>) -> tensor<8x8x!w>
  // expected-error @+2 {{failed to legalize operation 'tern.linear'}}
  // expected-error @+1 {{'tern.linear' op tern-ffn2-sparsity needs a symmetric input; its zero point is 5}}
  %y = tern.linear %x, %w precision <int> {tern.ffn2_sparsity = 0 : i64} : tensor<4x8x!x>, tensor<8x8x!w> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Asymmetric casts are lowered at 8 bits only (the conversions' zp field).
!a6 = !quant.uniform<i6<-31:31>:f32, 0.5:3>
func.func @asymmetric_narrow_cast(%x: tensor<4x8xf32>) -> tensor<4x8x!a6> {
  // expected-error @+2 {{failed to legalize operation 'quant.qcast'}}
  // expected-error @+1 {{'quant.qcast' op an asymmetric (zero point or unsigned) 6-bit cast is not lowered; only 8-bit ones are}}
  %q = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!a6>
  return %q : tensor<4x8x!a6>
}

