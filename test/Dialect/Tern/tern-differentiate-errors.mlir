// RUN: not tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-differentiate))' \
// RUN:   2>&1 | FileCheck %s
// RUN: not tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-differentiate{loss=hinge}))' \
// RUN:   2>&1 | FileCheck %s --check-prefix=LOSS

// Tests that an operator on the differentiated path without an adjoint is
// named with its ONNX node.
// CHECK: error: loc("/act/Exp"): 'tosa.exp' op (node '/act/Exp') has no adjoint in tern-differentiate
func.func @exp(%x: tensor<4x16xf32> {tern.trainable}) -> tensor<4x16xf32> {
  %y = tosa.exp %x : (tensor<4x16xf32>) -> tensor<4x16xf32> loc("/act/Exp")
  return %y : tensor<4x16xf32>
}

// -----

// Tests that an operator off the path (it does not depend on a parameter)
// is not differentiated, so it is no error; the mask on the path is.
// CHECK: error: loc("/attn/MatMul"): 'tern.matmul' op (node '/attn/MatMul') has no adjoint in tern-differentiate: its mask depends on a trainable parameter
func.func @mask(%q: tensor<1x4x8xf32> {tern.trainable}, %k: tensor<1x4x8xf32>) -> tensor<1x4x4xf32> {
  %e = tosa.exp %k : (tensor<1x4x8xf32>) -> tensor<1x4x8xf32>
  %m = tern.matmul %q, %q transpose_rhs : tensor<1x4x8xf32>, tensor<1x4x8xf32> -> tensor<1x4x4xf32>
  %s = tern.matmul %q, %e mask %m transpose_rhs : tensor<1x4x8xf32>, tensor<1x4x8xf32>, tensor<1x4x4xf32> -> tensor<1x4x4xf32> loc("/attn/MatMul")
  return %s : tensor<1x4x4xf32>
}

// -----

// Tests that a trainable weight of tern.linear is refused.
// CHECK: error: loc("/fc/Gemm"): 'tern.linear' op (node '/fc/Gemm') has no adjoint in tern-differentiate: its weight or bias is trainable
func.func @weight(%x: tensor<4x16xf32>, %w: tensor<16x8xf32> {tern.trainable}) -> tensor<4x8xf32> {
  %y = tern.linear %x, %w : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32> loc("/fc/Gemm")
  return %y : tensor<4x8xf32>
}

// -----

// Tests that a run-time operand broadcast into the result is refused.
// CHECK: error: loc("/Add"): 'tosa.add' op (node '/Add') has no adjoint in tern-differentiate: a broadcast operand depends on a trainable parameter
func.func @broadcast(%x: tensor<4x16xf32>, %b: tensor<1x16xf32> {tern.trainable}) -> tensor<4x16xf32> {
  %y = tosa.add %x, %b : (tensor<4x16xf32>, tensor<1x16xf32>) -> tensor<4x16xf32> loc("/Add")
  return %y : tensor<4x16xf32>
}

// -----

// CHECK: error: tern-differentiate: 'frozen' has no argument marked tern.trainable (run tern-insert-lora first)
func.func @frozen(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %y = tern.relu %x : tensor<4x16xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// CHECK: error: tern-differentiate: 'two' has 2 results; a train step is built from a function with exactly one result (the prediction)
func.func @two(%x: tensor<4x16xf32> {tern.trainable}) -> (tensor<4x16xf32>, tensor<4x16xf32>) {
  return %x, %x : tensor<4x16xf32>, tensor<4x16xf32>
}

// -----

// CHECK: error: tern-differentiate: the result of 'unused' does not depend on a trainable argument
func.func @unused(%x: tensor<4x16xf32>, %p: tensor<2x2xf32> {tern.trainable}) -> tensor<4x16xf32> {
  %y = tern.relu %x : tensor<4x16xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// CHECK: error: tern-differentiate: the prediction must be an f32 tensor (differentiate before quantization)
func.func @half(%x: tensor<4x16xbf16> {tern.trainable}) -> tensor<4x16xbf16> {
  %y = tern.relu %x : tensor<4x16xbf16> -> tensor<4x16xbf16>
  return %y : tensor<4x16xbf16>
}

// -----

// CHECK: error: loc("/Clip"): 'tosa.clamp' op (node '/Clip') has no adjoint in tern-differentiate: a clamp other than ReLU (min 0, no max)
func.func @clip(%x: tensor<4x16xf32> {tern.trainable}) -> tensor<4x16xf32> {
  %y = tosa.clamp %x {max_fp = 6.0 : f32, max_int = 6 : i64, min_fp = 0.000000e+00 : f32, min_int = 0 : i64} : (tensor<4x16xf32>) -> tensor<4x16xf32> loc("/Clip")
  return %y : tensor<4x16xf32>
}

// -----

// CHECK: error: loc("/Gather"): 'tosa.gather' op (node '/Gather') has no adjoint in tern-differentiate: indices that differ between batches
func.func @gather(%x: tensor<2x4x8xf32> {tern.trainable}) -> tensor<2x1x8xf32> {
  %i = "tosa.const"() {value = dense<[[0], [1]]> : tensor<2x1xi32>} : () -> tensor<2x1xi32>
  %y = tosa.gather %x, %i : (tensor<2x4x8xf32>, tensor<2x1xi32>) -> tensor<2x1x8xf32> loc("/Gather")
  return %y : tensor<2x1x8xf32>
}

// -----

// CHECK: error: loc("/Gather_1"): 'tosa.gather' op (node '/Gather_1') has no adjoint in tern-differentiate: run-time indices
func.func @gather_rt(%x: tensor<1x4x8xf32> {tern.trainable}, %i: tensor<1x1xi32>) -> tensor<1x1x8xf32> {
  %y = tosa.gather %x, %i : (tensor<1x4x8xf32>, tensor<1x1xi32>) -> tensor<1x1x8xf32> loc("/Gather_1")
  return %y : tensor<1x1x8xf32>
}

// LOSS: error: tern-differentiate: unknown loss 'hinge' (mse or ce)

// RUN: not tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-differentiate{sgd-lr=-1}))' \
// RUN:   2>&1 | FileCheck %s --check-prefix=LR
// LR: error: tern-differentiate: sgd-lr must not be negative (got -1.000000e+00)

// -----

// Tests that a function of several blocks is refused (the reverse sweep
// walks one block).
// CHECK: error: tern-differentiate: needs a function with one block
func.func @two_blocks(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %w = arith.constant dense<0.5> : tensor<16x16xf32>
  %q = tern.linear %x, %w : tensor<4x16xf32>, tensor<16x16xf32> -> tensor<4x16xf32> loc("/q/Gemm")
  return %q : tensor<4x16xf32>
^bb1:
  return %x : tensor<4x16xf32>
}
