// RUN: tern-opt %s -split-input-file -verify-diagnostics --convert-tern-to-accel

// Tests that every op without a lowering is named, with its location (the
// ONNX node when imported), not only the first one.
func.func @tosa_left(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{no lowering to accel for 'tosa.floor'}}
  %0 = tosa.floor %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  // expected-error @+1 {{no lowering to accel for 'tosa.ceil'}}
  %1 = tosa.ceil %0 : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %1 : tensor<4x8xf32>
}

// -----

func.func @undecided_precision(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{no lowering to accel for 'tern.softmax' in precision <f32>; this lowering handles bf16, and int for quantized linear / matmul / softmax / gelu / layer_norm / add (run tern-select-precision and tern-quantize)}}
  %0 = tern.softmax %x : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @integer_precision(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{no lowering to accel for 'tern.relu' in precision <int>}}
  %0 = tern.relu %x precision <int> : tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

func.func @dynamic(%x: tensor<?x8xf32>) -> tensor<?x8xf32> {
  // expected-error @+1 {{no lowering to accel for 'tern.relu' with a dynamic shape}}
  %0 = tern.relu %x precision <bf16> : tensor<?x8xf32> -> tensor<?x8xf32>
  return %0 : tensor<?x8xf32>
}


// -----

// Tests the conditions of the supported TOSA ops: a convolution of integer
// tensors (quantized convolutions are not lowered).
func.func @conv_i8(%x: tensor<1x4x4x1xi8>) -> tensor<1x2x2x2xi32> {
  %w = "tosa.const"() <{value = dense<1> : tensor<2x2x2x1xi8>}> : () -> tensor<2x2x2x1xi8>
  %b = "tosa.const"() <{value = dense<0> : tensor<2xi32>}> : () -> tensor<2xi32>
  // expected-error @+2 {{'tosa.conv2d' op a convolution of 'i8' by 'i8' is not lowered (float tensors, held as bf16, only)}}
  // expected-error @+1 {{failed to legalize operation 'tosa.conv2d'}}
  %y = tosa.conv2d %x, %w, %b {dilation = array<i64: 1, 1>, pad = array<i64: 0, 0, 0, 0>, stride = array<i64: 2, 2>, quantization_info = #tosa.conv_quant<input_zp = 0, weight_zp = 0>} : (tensor<1x4x4x1xi8>, tensor<2x2x2x1xi8>, tensor<2xi32>) -> tensor<1x2x2x2xi32>
  return %y : tensor<1x2x2x2xi32>
}

// -----

// An integer subtraction from one value per row has no negation to follow
// x - c with (no i32 constant register form).
func.func @sub_from_column_i32(%x: tensor<4x8xi32>, %c: tensor<4x1xi32>) -> tensor<4x8xi32> {
  // expected-error @+2 {{'tosa.sub' op an integer subtraction from one value per row is not lowered}}
  // expected-error @+1 {{failed to legalize operation 'tosa.sub'}}
  %y = tosa.sub %c, %x : (tensor<4x1xi32>, tensor<4x8xi32>) -> tensor<4x8xi32>
  return %y : tensor<4x8xi32>
}

// -----

// Operands of another rank (TOSA broadcasts need equal ranks; the importer
// reshapes ONNX's).
func.func @add_rank_mismatch(%x: tensor<2x4x8xf32>, %c: tensor<4x1xf32>) -> tensor<2x4x8xf32> {
  // expected-error @+2 {{'tosa.add' op broadcast of 'memref<4x1xbf16>' to 'memref<2x4x8xbf16>' is not supported: an operand must broadcast to the result (equal rank, each dimension equal or 1)}}
  // expected-error @+1 {{failed to legalize operation 'tosa.add'}}
  %y = tosa.add %x, %c : (tensor<2x4x8xf32>, tensor<4x1xf32>) -> tensor<2x4x8xf32>
  return %y : tensor<2x4x8xf32>
}

// -----

func.func @mask_over_keys(%q: tensor<4x8xf32>, %k: tensor<4x8xf32>, %m: tensor<4x1xf32>) -> tensor<4x4xf32> {
  // expected-error @+2 {{'tern.matmul' op a mask that broadcasts over the key dimension is not lowered}}
  // expected-error @+1 {{failed to legalize operation 'tern.matmul'}}
  %s = tern.matmul %q, %k mask %m transpose_rhs precision <bf16> : tensor<4x8xf32>, tensor<4x8xf32>, tensor<4x1xf32> -> tensor<4x4xf32>
  return %s : tensor<4x4xf32>
}

// -----

// Tests that an integer negation (no constant register form for i32) is
// refused at the op.
func.func @negate_i32(%x: tensor<4x8xi32>) -> tensor<4x8xi32> {
  // expected-error @+2 {{only a floating negation is lowered}}
  // expected-error @+1 {{failed to legalize operation 'tosa.negate'}}
  %0 = tosa.negate %x : (tensor<4x8xi32>) -> tensor<4x8xi32>
  return %0 : tensor<4x8xi32>
}

// -----

// A clamp of a quantized tensor (the integer lowering of a quantized
// model never makes one) is refused at the op, naming the type.
func.func @clamp_quantized(%x: tensor<4x8x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x8x!quant.uniform<i8:f32, 0.5>> {
  // expected-error @+2 {{'tosa.clamp' op clamp of '!quant.uniform<i8:f32, 5.000000e-01>' is not lowered}}
  // expected-error @+1 {{failed to legalize operation 'tosa.clamp'}}
  %0 = tosa.clamp %x {min_fp = 0.0 : f32, max_fp = 6.0 : f32, min_int = 0 : i64, max_int = 6 : i64} : (tensor<4x8x!quant.uniform<i8:f32, 0.5>>) -> tensor<4x8x!quant.uniform<i8:f32, 0.5>>
  return %0 : tensor<4x8x!quant.uniform<i8:f32, 0.5>>
}

// -----

// Tests that a tosa.matmul whose batches differ (TOSA requires them equal;
// the importer never makes one) is refused at the op.
func.func @matmul_batches(%a: tensor<2x3x4xf32>, %b: tensor<1x4x5xf32>) -> tensor<2x3x5xf32> {
  // expected-error @+2 {{operands with different batch sizes are not lowered}}
  // expected-error @+1 {{failed to legalize operation 'tosa.matmul'}}
  %y = tosa.matmul %a, %b : (tensor<2x3x4xf32>, tensor<1x4x5xf32>) -> tensor<2x3x5xf32>
  return %y : tensor<2x3x5xf32>
}

// -----

// Tests that an integer tosa.matmul (not through tern-quantize) is refused.
func.func @matmul_i8(%a: tensor<1x3x4xi8>, %b: tensor<1x4x5xi8>) -> tensor<1x3x5xi32> {
  // expected-error @+2 {{only a floating tosa.matmul is lowered}}
  // expected-error @+1 {{failed to legalize operation 'tosa.matmul'}}
  %y = tosa.matmul %a, %b {a_zp = 0 : i32, b_zp = 0 : i32} : (tensor<1x3x4xi8>, tensor<1x4x5xi8>) -> tensor<1x3x5xi32>
  return %y : tensor<1x3x5xi32>
}

// -----

// Tests that an integer reciprocal is refused at the op.
func.func @reciprocal_i32(%x: tensor<4x8xi32>) -> tensor<4x8xi32> {
  // expected-error @+2 {{only a floating reciprocal is lowered}}
  // expected-error @+1 {{failed to legalize operation 'tosa.reciprocal'}}
  %0 = tosa.reciprocal %x : (tensor<4x8xi32>) -> tensor<4x8xi32>
  return %0 : tensor<4x8xi32>
}

// -----

// Tests that an i32 minimum reduction (no exact negation of i32 tiles by a
// constant) is refused at the op.
func.func @reduce_min_i32(%x: tensor<4x8xi32>) -> tensor<4x1xi32> {
  // expected-error @+2 {{only bf16 (and, for a maximum, i32) is lowered, got 'i32'}}
  // expected-error @+1 {{failed to legalize operation 'tosa.reduce_min'}}
  %y = tosa.reduce_min %x {axis = 1 : i32} : (tensor<4x8xi32>) -> tensor<4x1xi32>
  return %y : tensor<4x1xi32>
}

// -----

// Tests that an integer element-wise function is refused at the op.
func.func @exp_i32(%x: tensor<4x8xi32>) -> tensor<4x8xi32> {
  // expected-error @+2 {{only a floating exp is lowered}}
  // expected-error @+1 {{failed to legalize operation 'tosa.exp'}}
  %0 = tosa.exp %x : (tensor<4x8xi32>) -> tensor<4x8xi32>
  return %0 : tensor<4x8xi32>
}

// -----

// A pow whose base has one value per row against a full exponent has no
// form on rsfu.pow (the column operand is the exponent): refused, naming
// the op.
func.func @pow_column_base(%a: tensor<4x1xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+2 {{'tosa.pow' op a base with one value per row (last dimension 1) raised to a full exponent is not lowered}}
  // expected-error @+1 {{failed to legalize operation 'tosa.pow'}}
  %y = tosa.pow %a, %b : (tensor<4x1xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// A pow of an integer type other than i32 (the importer computes integer
// Pow through casts; foldIntegerPows makes only i32 pows) is refused.
func.func @pow_i64(%a: tensor<4x8xi64>, %b: tensor<4x8xi64>) -> tensor<4x8xi64> {
  // expected-error @+2 {{'tosa.pow' op only a floating or i32 pow is lowered}}
  // expected-error @+1 {{failed to legalize operation 'tosa.pow'}}
  %p = tosa.pow %a, %b : (tensor<4x8xi64>, tensor<4x8xi64>) -> tensor<4x8xi64>
  return %p : tensor<4x8xi64>
}
