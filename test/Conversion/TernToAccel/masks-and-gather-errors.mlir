// RUN: tern-opt %s -split-input-file -verify-diagnostics --convert-tern-to-accel

// A select of int8 (held as int32, where only Max, Min and data movement
// are lowered) is refused at the op, naming it.
func.func @select_i8(%p: tensor<2x3xi1>) -> tensor<2x3xf32> {
  %a = "tosa.const"() <{value = dense<1> : tensor<2x3xi8>}> : () -> tensor<2x3xi8>
  %b = "tosa.const"() <{value = dense<2> : tensor<2x3xi8>}> : () -> tensor<2x3xi8>
  // expected-error @+1 {{'tosa.select' op on 'i8' tensors is not lowered: they are held as int32}}
  %m = tosa.select %p, %a, %b : (tensor<2x3xi1>, tensor<2x3xi8>, tensor<2x3xi8>) -> tensor<2x3xi8>
  %c = tosa.cast %m : (tensor<2x3xi8>) -> tensor<2x3xf32>
  return %c : tensor<2x3xf32>
}

// -----

func.func @float_to_bool_cast(%x: tensor<2x3xf32>) -> tensor<2x3xi1> {
  // expected-error @+2 {{'tosa.cast' op cast from 'f32' to 'i1' is not lowered (float <-> float, float <-> i32 / i64, i64 / i32 -> i32 and i1 -> float are)}}
  // expected-error @+1 {{failed to legalize operation 'tosa.cast'}}
  %c = tosa.cast %x : (tensor<2x3xf32>) -> tensor<2x3xi1>
  return %c : tensor<2x3xi1>
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
