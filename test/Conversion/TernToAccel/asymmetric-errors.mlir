// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8"

// Zero points of the operands of an integer product are not folded into the
// GEMM (a uint8 activation is int8 shifted by 128, so zero point 0 counts).
!x = !quant.uniform<u8:f32, 0.015748031496062992>
!w = !quant.uniform<i8<-127:127>:f32, 0.003937007874015748>
func.func @asymmetric_lhs(%x: tensor<4x8x!x>) -> tensor<4x8xf32> {
  %wf = "tosa.const"() {value = dense<0.5> : tensor<8x8xf32>} : () -> tensor<8x8xf32>
  %w = "quant.qcast"(%wf) : (tensor<8x8xf32>) -> tensor<8x8x!w>
  // expected-error @+2 {{failed to legalize operation 'tern.linear'}}
  // expected-error @+1 {{'tern.linear' op an asymmetric operand ('!quant.uniform<u8:f32, 0.015748031496062992>') of an integer product is not lowered}}
  %y = tern.linear %x, %w precision <int> : tensor<4x8x!x>, tensor<8x8x!w> -> tensor<4x8xf32>
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
