// RUN: tern-opt %s -split-input-file -verify-diagnostics --convert-tern-to-accel

// Tests that every op without a lowering is named, with its location (the
// ONNX node when imported), not only the first one.
func.func @tosa_left(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  %perm = arith.constant dense<[1, 0]> : tensor<2xi32>
  // expected-error @+1 {{no lowering to accel for 'tosa.transpose'}}
  %0 = tosa.transpose %x, %perm : (tensor<4x8xf32>, tensor<2xi32>) -> tensor<8x4xf32>
  // expected-error @+1 {{no lowering to accel for 'tosa.exp'}}
  %1 = tosa.exp %0 : (tensor<8x4xf32>) -> tensor<8x4xf32>
  return %1 : tensor<8x4xf32>
}

// -----

func.func @undecided_precision(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{no lowering to accel for 'tern.softmax' in precision <f32>; this lowering handles bf16 (run tern-select-precision)}}
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

// The additive mask of raised attention scores (tern-raise-attention) has no
// lowering yet: the op fails to legalize instead of losing its mask.
func.func @masked_scores(%q: tensor<2x4x3xf32>, %k: tensor<2x4x3xf32>, %m: tensor<1x1x4xf32>) -> tensor<2x4x4xf32> {
  // expected-error @+1 {{failed to legalize operation 'tern.matmul'}}
  %s = tern.matmul %q, %k mask %m transpose_rhs scale 0.5 precision <bf16> : tensor<2x4x3xf32>, tensor<2x4x3xf32>, tensor<1x1x4xf32> -> tensor<2x4x4xf32>
  return %s : tensor<2x4x4xf32>
}
