// RUN: tern-opt %s -split-input-file -verify-diagnostics --convert-tern-to-accel

// An infinite value selected at run time outside an attention mask would
// need inf * 0 (NaN): refused, naming the op.
func.func @inf_select_not_mask(%p: tensor<2x3xi1>) -> tensor<2x3xf32> {
  %ninf = "tosa.const"() <{value = dense<0xFF800000> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %zeros = "tosa.const"() <{value = dense<0.0> : tensor<2x3xf32>}> : () -> tensor<2x3xf32>
  // expected-error @+2 {{'tosa.select' op selecting an infinite value at run time is lowered only for attention masks (the mask operand of tern.matmul)}}
  // expected-error @+1 {{failed to legalize operation 'tosa.select'}}
  %m = tosa.select %p, %ninf, %zeros : (tensor<2x3xi1>, tensor<1x1xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %m : tensor<2x3xf32>
}

// -----

func.func @select_tensor_arms(%p: tensor<2x3xi1>, %x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %zeros = "tosa.const"() <{value = dense<0.0> : tensor<2x3xf32>}> : () -> tensor<2x3xf32>
  // expected-error @+2 {{'tosa.select' op a run-time select needs constant splat values to choose from (an additive mask)}}
  // expected-error @+1 {{failed to legalize operation 'tosa.select'}}
  %m = tosa.select %p, %x, %zeros : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %m : tensor<2x3xf32>
}

// -----

func.func @select_broadcast_condition(%p: tensor<1x3xi1>) -> tensor<2x3xf32> {
  %one = "tosa.const"() <{value = dense<1.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %zeros = "tosa.const"() <{value = dense<0.0> : tensor<2x3xf32>}> : () -> tensor<2x3xf32>
  // expected-error @+2 {{'tosa.select' op a run-time select needs a condition of the result's shape}}
  // expected-error @+1 {{failed to legalize operation 'tosa.select'}}
  %m = tosa.select %p, %one, %zeros : (tensor<1x3xi1>, tensor<1x1xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %m : tensor<2x3xf32>
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
