// Option errors: one clear message each, the function unchanged.
// RUN: not tern-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(tern-apply-optimizer{optimizer=adam beta1=1.0}))' 2>&1 | FileCheck %s --check-prefix=BETA1
// BETA1: error: tern-apply-optimizer: beta1 must be in [0, 1) (got 1)
// RUN: not tern-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(tern-apply-optimizer{optimizer=adam beta2=-0.5}))' 2>&1 | FileCheck %s --check-prefix=BETA2
// BETA2: error: tern-apply-optimizer: beta2 must be in [0, 1) (got -0.5)
// RUN: not tern-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(tern-apply-optimizer{optimizer=adam eps=0}))' 2>&1 | FileCheck %s --check-prefix=EPS
// EPS: error: tern-apply-optimizer: eps must be a positive number (got 0)
// RUN: not tern-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(tern-apply-optimizer{optimizer=adam eps=1e-30}))' 2>&1 | FileCheck %s --check-prefix=EPSMIN
// EPSMIN: error: tern-apply-optimizer: eps must be at least 1.1e-19 (eps^2 is added as a normal bf16 number; got 1e-30)
// RUN: not tern-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(tern-apply-optimizer{optimizer=lamb}))' 2>&1 | FileCheck %s --check-prefix=OPT
// OPT: error: tern-apply-optimizer: unknown optimizer 'lamb' (sgd or adam)
// RUN: not tern-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(tern-apply-optimizer{lr=0}))' 2>&1 | FileCheck %s --check-prefix=LR
// LR: error: tern-apply-optimizer: lr must be a positive number (got 0)
// RUN: not tern-opt %s -split-input-file -pass-pipeline='builtin.module(func.func(tern-apply-optimizer{optimizer=adam}))' 2>&1 | FileCheck %s

// CHECK: error: tern-apply-optimizer: 'forward' is not a gradient train step: no tern.loss (run tern-differentiate first)
func.func @forward(%a: tensor<8x2xf32> {tern.trainable}) -> tensor<8x2xf32> {
  return %a : tensor<8x2xf32>
}

// -----

// CHECK: error: tern-apply-optimizer: 'updated' is not a gradient train step: it already applies an optimizer
func.func @updated(%a: tensor<8x2xf32> {tern.trainable}) -> (tensor<1x1xf32>, tensor<8x2xf32>) attributes {tern.loss = "mse", tern.sgd_lr = 5.0 : f64} {
  %l = "tosa.const"() <{value = dense<1.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  return %l, %a : tensor<1x1xf32>, tensor<8x2xf32>
}

// -----

// CHECK: error: tern-apply-optimizer: 'short' is not a gradient train step: 1 results for 1 trainable arguments (expected the loss and one gradient per trainable argument)
func.func @short(%a: tensor<8x2xf32> {tern.trainable}) -> tensor<1x1xf32> attributes {tern.loss = "mse"} {
  %l = "tosa.const"() <{value = dense<1.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  return %l : tensor<1x1xf32>
}
