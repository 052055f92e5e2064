// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="truncating-lanes=1" -verify-diagnostics

// With TATAA's truncating lanes a spilled LayerNorm's x - mean would cancel
// to 0: refused, naming the op. (A softmax is spilled without lane
// differences and still lowers: wide-row-kernels.mlir.)
func.func @wide_layer_norm(%x: tensor<2x5000xf32>, %g: tensor<5000xf32>, %b: tensor<5000xf32>) -> tensor<2x5000xf32> {
  // expected-error @+2 {{'tern.layer_norm' op over rows of 5000 elements, wider than a tile (at most 4095 columns and a quarter of the activation scratchpad), is not lowered on a target with truncating bf16 lanes}}
  // expected-error @+1 {{failed to legalize operation 'tern.layer_norm'}}
  %y = tern.layer_norm %x, %g, %b epsilon 1.0E-5 precision <bf16> : tensor<2x5000xf32>, tensor<5000xf32>, tensor<5000xf32> -> tensor<2x5000xf32>
  return %y : tensor<2x5000xf32>
}

// -----

func.func @wide_softmax(%x: tensor<2x5000xf32>) -> tensor<2x5000xf32> {
  %y = tern.softmax %x precision <bf16> : tensor<2x5000xf32> -> tensor<2x5000xf32>
  return %y : tensor<2x5000xf32>
}

// -----

// The integer (I-BERT) softmax is not spilled: past the 12-bit column
// fields it is refused at the op (rather than by the emitter).
!s = !quant.uniform<i32:f32, 9.765625E-4>
!p = !quant.uniform<i32<-256:256>:f32, 3.906250e-03>
func.func @wide_softmax_int(%x: tensor<2x5000x!s>) -> tensor<2x5000x!p> {
  // expected-error @+2 {{'tern.softmax' op over rows of 5000 elements is not lowered: a row kernel takes at most 4095 columns, and only the bf16 softmax, log-softmax and LayerNorm are spilled in column chunks}}
  // expected-error @+1 {{failed to legalize operation 'tern.softmax'}}
  %y = tern.softmax %x precision <int> : tensor<2x5000x!s> -> tensor<2x5000x!p>
  return %y : tensor<2x5000x!p>
}
