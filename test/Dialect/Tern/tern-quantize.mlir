// RUN: tern-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize))' | FileCheck %s
// RUN: tern-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize{int8-outputs=false}))' \
// RUN:   | FileCheck %s --check-prefix=FLOATOUT

// TATAA's attention block after tern-select-precision{policy=tataa}, with
// calibrated ranges. Scales: input 2/127, Q 4/127, K 3/127, softmax 1/127,
// context 2.5/127; weights 0.5/127 and 0.25/127; bias at input x weight.
// Q / K / context feed only int matrix ops (through reshapes and head
// splits, which are retyped) and become int8; the scores (masked), the
// output projection (feeds a bf16 add) stay float. The softmax output is
// quantized by a qcast after it.

// Two run-time conversions remain (the input, the softmax output); with
// float results Q, K (after the head split) and the context (after the
// merge) are quantized again: five.
// CHECK-LABEL: func @block
// CHECK-SAME: attributes {tern.conversions = 2 : i64}
// CHECK-DAG: %[[X:.*]] = "quant.qcast"(%arg0) : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8<-127:127>:f32, 0.015748031496062992>>
// CHECK-DAG: %[[WQ:.*]] = "quant.qcast"(%{{.*}}) : (tensor<8x8xf32>) -> tensor<8x8x!quant.uniform<i8<-127:127>:f32, 0.003937007874015748>>
// CHECK-DAG: %[[B:.*]] = "quant.qcast"(%{{.*}}) : (tensor<8xf32>) -> tensor<8x!quant.uniform<i32:f32, 6.20001{{[0-9]*}}E-5>>
// CHECK: %[[Q:.*]] = tern.linear %[[X]], %[[WQ]], %[[B]] precision <int> {{.*}} -> tensor<4x8x!quant.uniform<i8<-127:127>:f32, 0.031496062992125984>>
// CHECK: %[[WK:.*]] = "quant.qcast"(%{{.*}}) : (tensor<8x8xf32>) -> tensor<8x8x!quant.uniform<i8<-127:127>:f32, 0.001968503937007874>>
// CHECK: %[[K:.*]] = tern.linear %[[X]], %[[WK]] precision <int> {{.*}} -> tensor<4x8x!quant.uniform<i8<-127:127>:f32, 0.023622047244094488>>
// CHECK: tosa.reshape %[[Q]] {{.*}} -> tensor<1x4x8x!quant.uniform<i8<-127:127>:f32, 0.031496062992125984>>
// CHECK: %[[QH:.*]] = tern.split_heads {{.*}} -> tensor<1x2x4x4x!quant.uniform<i8<-127:127>:f32, 0.031496062992125984>>
// CHECK: %[[KH:.*]] = tern.split_heads {{.*}} -> tensor<1x2x4x4x!quant.uniform<i8<-127:127>:f32, 0.023622047244094488>>
// CHECK: %[[S:.*]] = tern.matmul %[[QH]], %[[KH]] mask %{{.*}} transpose_rhs {{.*}} -> tensor<1x2x4x4xf32>
// CHECK: %[[P:.*]] = tern.softmax %[[S]]
// CHECK-NEXT: %[[PQ:.*]] = "quant.qcast"(%[[P]]) : (tensor<1x2x4x4xf32>) -> tensor<1x2x4x4x!quant.uniform<i8<-127:127>:f32, 0.0078740157480314959>>
// CHECK: %[[C:.*]] = tern.matmul %[[PQ]], %[[KH]] precision <int> {{.*}} -> tensor<1x2x4x4x!quant.uniform<i8<-127:127>:f32, 0.01968503937007874>>
// CHECK: tern.merge_heads %[[C]] {{.*}} -> tensor<1x4x8x!quant.uniform<i8<-127:127>:f32, 0.01968503937007874>>
// CHECK: %[[O:.*]] = tern.linear {{.*}} -> tensor<4x8xf32>
// CHECK: tern.add %[[O]], %arg0
// FLOATOUT-LABEL: func @block
// FLOATOUT-SAME: attributes {tern.conversions = 5 : i64}
// FLOATOUT-COUNT-2: tern.linear {{.*}} -> tensor<4x8xf32>
// FLOATOUT: "quant.qcast"{{.*}} -> tensor<1x2x4x4x!quant.uniform<i8<-127:127>:f32, 0.031496062992125984>>
func.func @block(%x: tensor<4x8xf32> {tern.range = array<f64: -2.0, 2.0>},
                 %mask: tensor<1x1x1x4xf32>) -> tensor<4x8xf32> {
  %wq = "tosa.const"() {value = dense<[[0.5, -0.25, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5], [0.5, -0.25, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5], [0.5, -0.25, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5], [0.5, -0.25, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5], [0.5, -0.25, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5], [0.5, -0.25, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5], [0.5, -0.25, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5], [0.5, -0.25, 0.0, 0.1, 0.2, 0.3, 0.4, 0.5]]> : tensor<8x8xf32>} : () -> tensor<8x8xf32>
  %wk = "tosa.const"() {value = dense<-0.25> : tensor<8x8xf32>} : () -> tensor<8x8xf32>
  %b = "tosa.const"() {value = dense<0.125> : tensor<8xf32>} : () -> tensor<8xf32>
  %q = tern.linear %x, %wq, %b precision <int> {tern.range = array<f64: -4.0, 4.0>} : tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  %k = tern.linear %x, %wk precision <int> {tern.range = array<f64: -1.0, 3.0>} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  %q3 = tosa.reshape %q {new_shape = array<i64: 1, 4, 8>} : (tensor<4x8xf32>) -> tensor<1x4x8xf32>
  %k3 = tosa.reshape %k {new_shape = array<i64: 1, 4, 8>} : (tensor<4x8xf32>) -> tensor<1x4x8xf32>
  %qh = tern.split_heads %q3 heads 2 : tensor<1x4x8xf32> -> tensor<1x2x4x4xf32>
  %kh = tern.split_heads %k3 heads 2 : tensor<1x4x8xf32> -> tensor<1x2x4x4xf32>
  %s = tern.matmul %qh, %kh mask %mask transpose_rhs scale 5.000000e-01 precision <int> {tern.range = array<f64: -9.0, 9.0>} : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32>, tensor<1x1x1x4xf32> -> tensor<1x2x4x4xf32>
  %p = tern.softmax %s precision <bf16> {tern.range = array<f64: 0.0, 1.0>} : tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %c = tern.matmul %p, %kh precision <int> {tern.range = array<f64: -2.0, 2.5>} : tensor<1x2x4x4xf32>, tensor<1x2x4x4xf32> -> tensor<1x2x4x4xf32>
  %m = tern.merge_heads %c : tensor<1x2x4x4xf32> -> tensor<1x4x8xf32>
  %m2 = tosa.reshape %m {new_shape = array<i64: 4, 8>} : (tensor<1x4x8xf32>) -> tensor<4x8xf32>
  %o = tern.linear %m2, %wq precision <int> : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  %r = tern.add %o, %x precision <bf16> : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %r : tensor<4x8xf32>
}

// -----

// Ops in other precisions are left alone.
// CHECK-LABEL: func @bf16_untouched
// CHECK-NOT: quant.qcast
// CHECK: tern.linear %arg0, %arg1 precision <bf16> : tensor<4x8xf32>
func.func @bf16_untouched(%x: tensor<4x8xf32>, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  %y = tern.linear %x, %w precision <bf16> : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

func.func @no_range(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %w = "tosa.const"() {value = dense<0.5> : tensor<8x8xf32>} : () -> tensor<8x8xf32>
  // expected-error @+1 {{'tern.linear' op has no calibrated range for its input (a 'tern.range' attribute on the producer; calibrate with `tern compile --calib DIR`)}}
  %y = tern.linear %x, %w precision <int> : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

func.func @runtime_weight(%x: tensor<4x8xf32> {tern.range = array<f64: -1.0, 1.0>}, %w: tensor<8x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'tern.linear' op has a weight that is not a readable f32 constant; int precision needs static weights}}
  %y = tern.linear %x, %w precision <int> : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
