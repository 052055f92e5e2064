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

// uint32 / uint64 are held as 32-bit words: an op that computes other
// values than Max, Min, comparisons, Where, casts, data movement and uint32
// Add / Sub / Mul is refused naming the op and the type; a uint64 add would
// wrap modulo 2^32, not 2^64.
func.func @add_ui64(%a: tensor<3xui64>, %b: tensor<3xui64>) -> tensor<3xui64> {
  // expected-error @+1 {{'tosa.add' op on 'ui64' tensors is not lowered: uint32 and uint64 are held as 32-bit words, where Max, Min, comparisons, Where, casts, data movement and uint32 Add, Sub, Mul (wrapping modulo 2^32) are lowered}}
  %y = tosa.add %a, %b : (tensor<3xui64>, tensor<3xui64>) -> tensor<3xui64>
  return %y : tensor<3xui64>
}

// -----

func.func @reduce_sum_ui32(%a: tensor<2x3xui32>) -> tensor<2x1xui32> {
  // expected-error @+1 {{'tosa.reduce_sum' op on 'ui32' tensors is not lowered: uint32 and uint64 are held as 32-bit words}}
  %y = tosa.reduce_sum %a {axis = 1 : i32} : (tensor<2x3xui32>) -> tensor<2x1xui32>
  return %y : tensor<2x1xui32>
}

// -----

// A float -> uint32 cast would saturate at int32's range (cvt.b2w); a
// signed integer -> uint64 cast makes values past 32 bits.
func.func @cast_float_to_ui32(%a: tensor<3xf32>) -> tensor<3xui32> {
  // expected-error @+2 {{'tosa.cast' op cast from 'f32' to 'ui32' is not lowered (floats, booleans and the integer types held as i32, int8 ... int64, uint8 and uint16, are; uint32 and uint64, held as 32-bit words, convert to floats, narrow types and int32)}}
  // expected-error @+1 {{failed to legalize operation 'tosa.cast'}}
  %y = tosa.cast %a : (tensor<3xf32>) -> tensor<3xui32>
  return %y : tensor<3xui32>
}

// -----

func.func @cast_i32_to_ui64(%a: tensor<3xi32>) -> tensor<3xui64> {
  // expected-error @+2 {{'tosa.cast' op cast from 'i32' to 'ui64' is not lowered}}
  // expected-error @+1 {{failed to legalize operation 'tosa.cast'}}
  %y = tosa.cast %a : (tensor<3xi32>) -> tensor<3xui64>
  return %y : tensor<3xui64>
}
