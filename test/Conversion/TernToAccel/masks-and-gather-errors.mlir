// RUN: tern-opt %s -split-input-file -verify-diagnostics --convert-tern-to-accel

// A select of an element type with no buffer form (int8 here) is refused
// at the op, naming it.
func.func @select_i8(%p: tensor<2x3xi1>) -> tensor<2x3xf32> {
  %a = "tosa.const"() <{value = dense<1> : tensor<2x3xi8>}> : () -> tensor<2x3xi8>
  %b = "tosa.const"() <{value = dense<2> : tensor<2x3xi8>}> : () -> tensor<2x3xi8>
  // expected-error @+2 {{'tosa.select' op result type 'tensor<2x3xi8>' is not lowered}}
  // expected-error @+1 {{failed to legalize operation 'tosa.select'}}
  %m = tosa.select %p, %a, %b : (tensor<2x3xi1>, tensor<2x3xi8>, tensor<2x3xi8>) -> tensor<2x3xi8>
  %c = tosa.cast %m : (tensor<2x3xi8>) -> tensor<2x3xf32>
  return %c : tensor<2x3xf32>
}

// -----

func.func @float_to_int_cast(%x: tensor<2x3xf32>) -> tensor<2x3xi32> {
  // expected-error @+2 {{'tosa.cast' op cast from 'f32' to 'i32' is not lowered (only i64/i32 -> i32 ids and i1 -> float)}}
  // expected-error @+1 {{failed to legalize operation 'tosa.cast'}}
  %c = tosa.cast %x : (tensor<2x3xf32>) -> tensor<2x3xi32>
  return %c : tensor<2x3xi32>
}
