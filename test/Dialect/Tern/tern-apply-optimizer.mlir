// RUN: tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-apply-optimizer{optimizer=adam lr=0.01 beta1=0.8 beta2=0.99 eps=0.001}))' \
// RUN:   | FileCheck %s
// RUN: tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-apply-optimizer{lr=0.5}))' \
// RUN:   | FileCheck %s --check-prefix=SGD
// RUN: tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-apply-optimizer{lr=0.5 accumulate=true}))' \
// RUN:   | FileCheck %s --check-prefix=ACC

// A gradient train step as tern-differentiate writes it (loss, then one
// gradient per trainable argument). Adam appends the state m, v of every
// parameter and the bias corrections c1, c2 as arguments, and returns the
// updated parameters, then m', then v':
//   m' = m + (1 - b1)(g - m), v' = v + (1 - b2)(g g - v),
//   p' = p - lr (c1 m') rsqrt(c2 v' + eps^2)
// with the products by c1, c2 on [numel, 1] views.
// CHECK-LABEL: func @step
// CHECK-SAME: (%[[X:[^:]+]]: tensor<4x8xf32>, %[[A:[^:]+]]: tensor<8x2xf32> {onnx.name = "w_a", tern.trainable}, %[[B:[^:]+]]: tensor<2x8xf32> {onnx.name = "w_b", tern.trainable}, %{{[^:]+}}: tensor<4x8xf32> {onnx.name = "label", tern.label},
// CHECK-SAME: %[[MA:[^:]+]]: tensor<8x2xf32> {onnx.name = "adam_m_w_a", tern.optimizer_state}, %[[MB:[^:]+]]: tensor<2x8xf32> {onnx.name = "adam_m_w_b", tern.optimizer_state},
// CHECK-SAME: %[[VA:[^:]+]]: tensor<8x2xf32> {onnx.name = "adam_v_w_a", tern.optimizer_state}, %[[VB:[^:]+]]: tensor<2x8xf32> {onnx.name = "adam_v_w_b", tern.optimizer_state},
// CHECK-SAME: %[[C1:[^:]+]]: tensor<1x1xf32> {onnx.name = "adam_c1", tern.bias_correction}, %[[C2:[^:]+]]: tensor<1x1xf32> {onnx.name = "adam_c2", tern.bias_correction})
// CHECK-SAME: -> (tensor<1x1xf32> {onnx.name = "loss"}, tensor<8x2xf32> {onnx.name = "w_a"}, tensor<2x8xf32> {onnx.name = "w_b"}, tensor<8x2xf32> {onnx.name = "adam_m_w_a"}, tensor<2x8xf32> {onnx.name = "adam_m_w_b"}, tensor<8x2xf32> {onnx.name = "adam_v_w_a"}, tensor<2x8xf32> {onnx.name = "adam_v_w_b"})
// CHECK-SAME: tern.loss = "mse", tern.optimizer = "adam lr=0.01 beta1=0.8 beta2=0.99 eps=0.001"
// CHECK: %[[GA:.+]] = tosa.mul %[[A]], %[[A]]
// CHECK: %[[GB:.+]] = tosa.mul %[[B]], %[[B]]
// First moment: m + 0.2 (g - m).
// CHECK: %[[DM:.+]] = tosa.sub %[[GA]], %[[MA]]
// CHECK: %[[K1:.+]] = "tosa.const"() <{value = dense<2.000000e-01> : tensor<1x1xf32>}>
// CHECK: %[[SM:.+]] = tosa.mul %[[DM]], %[[K1]]
// CHECK: %[[M2:.+]] = tosa.add %[[MA]], %[[SM]]
// Second moment: v + 0.01 (g g - v).
// CHECK: %[[G2:.+]] = tosa.mul %[[GA]], %[[GA]]
// CHECK: %[[DV:.+]] = tosa.sub %[[G2]], %[[VA]]
// CHECK: %[[K2:.+]] = "tosa.const"() <{value = dense<0.00999999977> : tensor<1x1xf32>}>
// CHECK: %[[SV:.+]] = tosa.mul %[[DV]], %[[K2]]
// CHECK: %[[V2:.+]] = tosa.add %[[VA]], %[[SV]]
// Bias corrections on [16, 1] views, eps^2 = 1e-6, rsqrt, lr.
// CHECK: %[[MF:.+]] = tosa.reshape %[[M2]] {new_shape = array<i64: 16, 1>}
// CHECK: %[[MH:.+]] = tosa.mul %[[MF]], %[[C1]] {{.*}} : (tensor<16x1xf32>, tensor<1x1xf32>) -> tensor<16x1xf32>
// CHECK: %[[VF:.+]] = tosa.reshape %[[V2]] {new_shape = array<i64: 16, 1>}
// CHECK: %[[VH:.+]] = tosa.mul %[[VF]], %[[C2]]
// CHECK: %[[E2:.+]] = "tosa.const"() <{value = dense<9.99999997E-7> : tensor<1x1xf32>}>
// CHECK: %[[DEN:.+]] = tosa.add %[[VH]], %[[E2]]
// CHECK: %[[INV:.+]] = tosa.rsqrt %[[DEN]] : (tensor<16x1xf32>) -> tensor<16x1xf32>
// CHECK: %[[U:.+]] = tosa.mul %[[MH]], %[[INV]]
// CHECK: %[[LR:.+]] = "tosa.const"() <{value = dense<0.00999999977> : tensor<1x1xf32>}>
// CHECK: %[[STEP:.+]] = tosa.mul %[[U]], %[[LR]]
// CHECK: %[[STEP2:.+]] = tosa.reshape %[[STEP]] {new_shape = array<i64: 8, 2>}
// CHECK: %[[PA:.+]] = tosa.sub %[[A]], %[[STEP2]]
// CHECK: %[[PB:.+]] = tosa.sub %[[B]], %{{.+}} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
// CHECK: return %{{.+}}, %[[PA]], %[[PB]], %[[M2]], %{{.+}}, %[[V2]], %{{.+}} :

// With optimizer=sgd: p - lr g under the parameters' names, no new
// arguments.
// SGD-LABEL: func @step
// SGD-SAME: %{{[^:]+}}: tensor<4x8xf32> {onnx.name = "label", tern.label})
// SGD-SAME: -> (tensor<1x1xf32> {onnx.name = "loss"}, tensor<8x2xf32> {onnx.name = "w_a"}, tensor<2x8xf32> {onnx.name = "w_b"})
// SGD-SAME: tern.optimizer = "sgd lr=0.5"
// SGD: %[[GA:.+]] = tosa.mul %[[A:[^,]+]], %[[A]]
// SGD: %[[LR:.+]] = "tosa.const"() <{value = dense<5.000000e-01> : tensor<1x1xf32>}>
// SGD: %[[S:.+]] = tosa.mul %[[GA]], %[[LR]]
// SGD: %[[PA:.+]] = tosa.sub %[[A]], %[[S]]
// SGD: return %{{.+}}, %[[PA]], %{{.+}} :
// Gradient accumulation: grad_acc_<param> and grad_scale arguments; the
// optimizer gets (acc + g) * scale (on a [numel, 1] view), and the sums are
// returned last under the accumulators' names.
// ACC-LABEL: func @step
// ACC-SAME: %[[ACC:[^:]+]]: tensor<8x2xf32> {onnx.name = "grad_acc_w_a", tern.grad_accumulator}, %{{[^:]+}}: tensor<2x8xf32> {onnx.name = "grad_acc_w_b", tern.grad_accumulator}, %[[SCALE:[^:]+]]: tensor<1x1xf32> {onnx.name = "grad_scale", tern.grad_scale})
// ACC-SAME: -> (tensor<1x1xf32> {onnx.name = "loss"}, tensor<8x2xf32> {onnx.name = "w_a"}, tensor<2x8xf32> {onnx.name = "w_b"}, tensor<8x2xf32> {onnx.name = "grad_acc_w_a"}, tensor<2x8xf32> {onnx.name = "grad_acc_w_b"})
// ACC-SAME: tern.optimizer = "sgd lr=0.5 accumulate"
// ACC: %[[GA:.+]] = tosa.mul %[[A:[^,]+]], %[[A]]
// ACC: %[[SUM:.+]] = tosa.add %[[ACC]], %[[GA]]
// ACC: %[[FLAT:.+]] = tosa.reshape %[[SUM]] {new_shape = array<i64: 16, 1>}
// ACC: %[[MEAN:.+]] = tosa.mul %[[FLAT]], %[[SCALE]]
// ACC: %[[G:.+]] = tosa.reshape %[[MEAN]] {new_shape = array<i64: 8, 2>}
// ACC: %[[STEP:.+]] = tosa.mul %[[G]], %{{.+}}
// ACC: %[[PA:.+]] = tosa.sub %[[A]], %[[STEP]]
// ACC: return %{{.+}}, %[[PA]], %{{.+}}, %[[SUM]], %{{.+}} :
func.func @step(%x: tensor<4x8xf32>, %a: tensor<8x2xf32> {tern.trainable, onnx.name = "w_a"}, %b: tensor<2x8xf32> {tern.trainable, onnx.name = "w_b"}, %t: tensor<4x8xf32> {tern.label, onnx.name = "label"}) -> (tensor<1x1xf32> {onnx.name = "loss"}, tensor<8x2xf32> {onnx.name = "grad_w_a"}, tensor<2x8xf32> {onnx.name = "grad_w_b"}) attributes {tern.loss = "mse"} {
  %l = "tosa.const"() <{value = dense<1.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %ga = tosa.mul %a, %a {shift = 0 : i8} : (tensor<8x2xf32>, tensor<8x2xf32>) -> tensor<8x2xf32>
  %gb = tosa.mul %b, %b {shift = 0 : i8} : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %l, %ga, %gb : tensor<1x1xf32>, tensor<8x2xf32>, tensor<2x8xf32>
}
