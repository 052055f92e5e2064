// RUN: tern-opt %s -split-input-file -verify-diagnostics --convert-tern-to-accel

// A select of int8 (held as int32, where Add, Sub, Mul, casts, Clip, Max,
// Min and data movement are lowered) is refused at the op, naming it.
func.func @select_i8(%p: tensor<2x3xi1>) -> tensor<2x3xf32> {
  %a = "tosa.const"() <{value = dense<1> : tensor<2x3xi8>}> : () -> tensor<2x3xi8>
  %b = "tosa.const"() <{value = dense<2> : tensor<2x3xi8>}> : () -> tensor<2x3xi8>
  // expected-error @+1 {{'tosa.select' op on 'i8' tensors is not lowered: they are held as int32}}
  %m = tosa.select %p, %a, %b : (tensor<2x3xi1>, tensor<2x3xi8>, tensor<2x3xi8>) -> tensor<2x3xi8>
  %c = tosa.cast %m : (tensor<2x3xi8>) -> tensor<2x3xf32>
  return %c : tensor<2x3xf32>
}

// -----

// A cast to a type no tensor is held in (i4) is refused naming both types.
func.func @float_to_i4_cast(%x: tensor<2x3xf32>) -> tensor<2x3xi4> {
  // expected-error @+2 {{'tosa.cast' op cast from 'f32' to 'i4' is not lowered (floats, booleans and the integer types held as i32, int8 ... int64, uint8 and uint16, are; uint32 and uint64, held as 32-bit words, convert to floats, narrow types and int32)}}
  // expected-error @+1 {{failed to legalize operation 'tosa.cast'}}
  %c = tosa.cast %x : (tensor<2x3xf32>) -> tensor<2x3xi4>
  return %c : tensor<2x3xi4>
}

// -----

// An integer output constant outside the int32 range the program holds
// integers in is refused at the constant.
func.func @integer_output_range() -> tensor<2xi64> {
  // expected-error @+2 {{'tosa.const' op integer constant value 4294967296 does not fit the int32 the program holds integer tensors in}}
  // expected-error @+1 {{failed to legalize operation 'tosa.const'}}
  %s = "tosa.const"() <{value = dense<[1, 4294967296]> : tensor<2xi64>}> : () -> tensor<2xi64>
  return %s : tensor<2xi64>
}
