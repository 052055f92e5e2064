// RUN: tern-opt %s -split-input-file --convert-tern-to-accel -verify-diagnostics

// int8 / uint8 / int16 / uint16 tensors are held as int32: Add, Sub, Mul
// (wrapped modulo 2^bits), casts, Clip, Max, Min and data movement are
// lowered on them; an op that computes other values is refused, naming the
// op and the type.
func.func @negate_i8(%a: tensor<3xi8>) -> tensor<3xi8> {
  // expected-error @+1 {{'tosa.negate' op on 'i8' tensors is not lowered: they are held as int32, where Add, Sub, Mul (wrapping modulo 2^8), casts, Clip, Max, Min and data movement are lowered}}
  %y = tosa.negate %a : (tensor<3xi8>) -> tensor<3xi8>
  return %y : tensor<3xi8>
}

// -----

func.func @reduce_sum_ui16(%a: tensor<2x3xui16>) -> tensor<2x1xui16> {
  // expected-error @+1 {{'tosa.reduce_sum' op on 'ui16' tensors is not lowered: they are held as int32, where Add, Sub, Mul (wrapping modulo 2^16), casts, Clip, Max, Min and data movement are lowered}}
  %y = tosa.reduce_sum %a {axis = 1 : i32} : (tensor<2x3xui16>) -> tensor<2x1xui16>
  return %y : tensor<2x1xui16>
}

// -----

// uint32 / uint64 values need not fit int32.
func.func @max_ui32(%a: tensor<3xui32>, %b: tensor<3xui32>) -> tensor<3xui32> {
  // expected-error @+1 {{'tosa.maximum' op result element type 'ui32' is not lowered: integer tensors are held as int32, which does not hold every uint32 value}}
  %y = tosa.maximum %a, %b : (tensor<3xui32>, tensor<3xui32>) -> tensor<3xui32>
  return %y : tensor<3xui32>
}
