// RUN: tern-opt %s -split-input-file -verify-diagnostics --convert-tern-to-accel

// A run-time condition with one value per row (last dimension 1) would
// need a column broadcast that vsel does not have: refused, naming the op.
func.func @select_column_condition(%p: tensor<2x1xi1>, %x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %zeros = "tosa.const"() <{value = dense<0.0> : tensor<2x3xf32>}> : () -> tensor<2x3xf32>
  // expected-error @+2 {{'tosa.select' op a run-time condition 'memref<2x1xbf16>' broadcast along the last dimension is not lowered}}
  // expected-error @+1 {{failed to legalize operation 'tosa.select'}}
  %m = tosa.select %p, %x, %zeros : (tensor<2x1xi1>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %m : tensor<2x3xf32>
}

// -----

func.func @float_to_int_cast(%x: tensor<2x3xf32>) -> tensor<2x3xi32> {
  // expected-error @+2 {{'tosa.cast' op cast from 'f32' to 'i32' is not lowered (only i64/i32 -> i32 ids and i1 -> float)}}
  // expected-error @+1 {{failed to legalize operation 'tosa.cast'}}
  %c = tosa.cast %x : (tensor<2x3xf32>) -> tensor<2x3xi32>
  return %c : tensor<2x3xi32>
}
