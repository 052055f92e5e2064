// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=int-only}))' \
// RUN:   | FileCheck %s --check-prefix=INTONLY
// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=int8-max}))' \
// RUN:   | FileCheck %s --check-prefix=INT8MAX
// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=int-only},tern-quantize))' \
// RUN:   | FileCheck %s --check-prefix=QINTONLY
// RUN: tern-opt %s --pass-pipeline='builtin.module(func.func(tern-select-precision{policy=int8-max},tern-quantize))' \
// RUN:   | FileCheck %s --check-prefix=QINT8MAX

// A pre-norm transformer block (one head) with calibrated ranges.
//
// int-only: the residual tosa.add becomes tern.add and every operator is
// int; the constant (position-embedding) add stays TOSA.
// INTONLY-LABEL: func @block
// INTONLY: %[[E:.*]] = tosa.add %arg0, %{{.*}} {tern.range
// INTONLY: tern.layer_norm %[[E]], {{.*}} precision <int>
// INTONLY: tern.linear {{.*}} precision <int>
// INTONLY: tern.linear {{.*}} precision <int>
// INTONLY: tern.linear {{.*}} precision <int>
// INTONLY: tern.matmul {{.*}} precision <int>
// INTONLY: tern.softmax {{.*}} precision <int>
// INTONLY: tern.matmul {{.*}} precision <int>
// INTONLY: %[[O:.*]] = tern.linear {{.*}} precision <int>
// INTONLY: %[[R:.*]] = tern.add %[[E]], %[[O]] precision <int> {tern.range
// INTONLY: tern.layer_norm %[[R]], {{.*}} precision <int>
// INTONLY: tern.linear {{.*}} precision <int>
// INTONLY: tern.gelu {{.*}} precision <int>
// INTONLY: %[[F:.*]] = tern.linear {{.*}} precision <int>
// INTONLY: tern.add %[[R]], %[[F]] precision <int>
// INTONLY-NOT: tosa.add
// INTONLY: return
//
// int8-max: int wherever a kernel exists; the residual adds stay TOSA.
// INT8MAX-LABEL: func @block
// INT8MAX: tern.layer_norm {{.*}} precision <int>
// INT8MAX: tern.linear {{.*}} precision <int>
// INT8MAX: tern.softmax {{.*}} precision <int>
// INT8MAX-NOT: tern.add
// INT8MAX: tosa.add
// INT8MAX-NOT: tern.add
// INT8MAX: tern.layer_norm {{.*}} precision <int>
// INT8MAX: tern.gelu {{.*}} precision <int>
// INT8MAX-NOT: tern.add
// INT8MAX: tosa.add
// INT8MAX: return
//
// int-only quantized: one conversion in (the embedding sum, int8 at
// 3/127), one out (the block output); everything between is integer.
// Scales: residual sums at 22 bits (4/(2^21-1), 5/(2^21-1)); softmax out
// at 2^-8, requantized to the scores.V operand at 1/127; the GELU input
// requantized to the widest width whose result fits 32 bits.
// QINTONLY-LABEL: func @block
// QINTONLY-SAME: tern.conversions = 2
// QINTONLY: %[[E8:.*]] = "quant.qcast"(%[[E:.*]]) : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8<-127:127>:f32, 0.023622047244094488>>
// QINTONLY: %[[E32:.*]] = tern.requantize %[[E8]] : {{.*}} -> tensor<4x8x!quant.uniform<i32<-127:127>:f32, 0.023622047244094488>>
// QINTONLY: %[[ER:.*]] = tern.requantize %[[E32]] : {{.*}} -> tensor<4x8x!quant.uniform<i32<-2097151:2097151>:f32, 1.9073495{{[0-9]*}}E-6>>
// QINTONLY: %[[LN:.*]] = tern.layer_norm %[[E32]], {{.*}} -> tensor<4x8x!quant.uniform<i32<-2147483647:2147483647>:f32,
// QINTONLY: tern.requantize %[[LN]] : {{.*}} -> tensor<4x8x!quant.uniform<i8<-127:127>:f32, 0.015748031496062992>>
// QINTONLY: %[[S:.*]] = tern.matmul {{.*}} -> tensor<1x1x4x4x!quant.uniform<i32<-2147483647:2147483647>:f32,
// QINTONLY: %[[P:.*]] = tern.softmax %[[S]] precision <int> {{.*}} -> tensor<1x1x4x4x!quant.uniform<i32<-256:256>:f32, 3.906250e-03>>
// QINTONLY: %[[P8:.*]] = tern.requantize %[[P]] : {{.*}} -> tensor<1x1x4x4x!quant.uniform<i8<-127:127>:f32, 0.0078740157480314959>>
// QINTONLY: tern.matmul %[[P8]]
// QINTONLY: %[[O:.*]] = tern.linear {{.*}} -> tensor<4x8x!quant.uniform<i32<-2147483647:2147483647>:f32,
// QINTONLY: %[[OR:.*]] = tern.requantize %[[O]] : {{.*}} -> tensor<4x8x!quant.uniform<i32<-2097151:2097151>:f32, 1.9073495{{[0-9]*}}E-6>>
// QINTONLY: %[[R:.*]] = tern.add %[[ER]], %[[OR]] {{.*}} -> tensor<4x8x!quant.uniform<i32<-4194302:4194302>:f32, 1.9073495{{[0-9]*}}E-6>>
// QINTONLY: %[[H:.*]] = tern.linear {{.*}} -> tensor<4x16x!quant.uniform<i32<-2147483647:2147483647>:f32,
// QINTONLY: %[[HN:.*]] = tern.requantize %[[H]] : {{.*}} -> tensor<4x16x!quant.uniform<i32<-{{[0-9]+}}:{{[0-9]+}}>:f32,
// QINTONLY: %[[G:.*]] = tern.gelu %[[HN]] precision <int> {{.*}} -> tensor<4x16x!quant.uniform<i32<-2147483647:2147483647>:f32,
// QINTONLY: tern.requantize %[[G]] : {{.*}} -> tensor<4x16x!quant.uniform<i8<-127:127>:f32, 0.023622047244094488>>
// QINTONLY: %[[OUT:.*]] = tern.add {{.*}} -> tensor<4x8x!quant.uniform<i32<-4194302:4194302>:f32, 2.3841869{{[0-9]*}}E-6>>
// QINTONLY: %[[D:.*]] = "quant.dcast"(%[[OUT]]) : (tensor<4x8x!quant.uniform<i32<-4194302:4194302>:f32, {{.*}}>>) -> tensor<4x8xf32>
// QINTONLY: return %[[D]]
//
// int8-max quantized: the bf16 residual stream is quantized into each
// LayerNorm (2) and both residual branches (attention output, FFN output)
// are dequantized (2): 4 conversions; softmax and GELU stay integer.
// QINT8MAX-LABEL: func @block
// QINT8MAX-SAME: tern.conversions = 4
// QINT8MAX: tern.softmax {{.*}} -> tensor<1x1x4x4x!quant.uniform<i32<-256:256>:f32, 3.906250e-03>>
// QINT8MAX: "quant.dcast"
// QINT8MAX: tosa.add {{.*}} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
func.func @block(%x: tensor<4x8xf32>, %g: tensor<8xf32>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %pos = "tosa.const"() <{value = dense<0.5> : tensor<4x8xf32>}> : () -> tensor<4x8xf32>
  %gamma = "tosa.const"() <{value = dense<[1.0, 0.5, 2.0, 1.0, 1.0, 1.5, 1.0, 0.25]> : tensor<8xf32>}> : () -> tensor<8xf32>
  %beta = "tosa.const"() <{value = dense<0.1> : tensor<8xf32>}> : () -> tensor<8xf32>
  %w = "tosa.const"() <{value = dense<0.25> : tensor<8x8xf32>}> : () -> tensor<8x8xf32>
  %w1 = "tosa.const"() <{value = dense<0.125> : tensor<8x16xf32>}> : () -> tensor<8x16xf32>
  %w2 = "tosa.const"() <{value = dense<0.0625> : tensor<16x8xf32>}> : () -> tensor<16x8xf32>
  %e = tosa.add %x, %pos {tern.range = array<f64: -3.0, 2.0>} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %n1 = tern.layer_norm %e, %gamma, %beta epsilon 1.0e-5 {tern.range = array<f64: -2.0, 1.0>} : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  %q = tern.linear %n1, %w {tern.range = array<f64: -2.0, 2.0>} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  %k = tern.linear %n1, %w {tern.range = array<f64: -2.0, 2.0>} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  %v = tern.linear %n1, %w {tern.range = array<f64: -2.0, 2.0>} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  %q3 = tosa.reshape %q {new_shape = array<i64: 1, 4, 8>} : (tensor<4x8xf32>) -> tensor<1x4x8xf32>
  %k3 = tosa.reshape %k {new_shape = array<i64: 1, 4, 8>} : (tensor<4x8xf32>) -> tensor<1x4x8xf32>
  %v3 = tosa.reshape %v {new_shape = array<i64: 1, 4, 8>} : (tensor<4x8xf32>) -> tensor<1x4x8xf32>
  %qh = tern.split_heads %q3 heads 1 : tensor<1x4x8xf32> -> tensor<1x1x4x8xf32>
  %kh = tern.split_heads %k3 heads 1 : tensor<1x4x8xf32> -> tensor<1x1x4x8xf32>
  %vh = tern.split_heads %v3 heads 1 : tensor<1x4x8xf32> -> tensor<1x1x4x8xf32>
  %s = tern.matmul %qh, %kh transpose_rhs scale 0.35355339 {tern.range = array<f64: -6.0, 6.0>} : tensor<1x1x4x8xf32>, tensor<1x1x4x8xf32> -> tensor<1x1x4x4xf32>
  %p = tern.softmax %s {tern.range = array<f64: 0.0, 1.0>} : tensor<1x1x4x4xf32> -> tensor<1x1x4x4xf32>
  %c = tern.matmul %p, %vh {tern.range = array<f64: -2.0, 2.0>} : tensor<1x1x4x4xf32>, tensor<1x1x4x8xf32> -> tensor<1x1x4x8xf32>
  %cm = tern.merge_heads %c : tensor<1x1x4x8xf32> -> tensor<1x4x8xf32>
  %c2 = tosa.reshape %cm {new_shape = array<i64: 4, 8>} : (tensor<1x4x8xf32>) -> tensor<4x8xf32>
  %o = tern.linear %c2, %w {tern.range = array<f64: -1.0, 1.0>} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  %r = tosa.add %e, %o {tern.range = array<f64: -4.0, 3.0>} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %n2 = tern.layer_norm %r, %gamma, %beta epsilon 1.0e-5 {tern.range = array<f64: -2.0, 2.0>} : tensor<4x8xf32>, tensor<8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  %h = tern.linear %n2, %w1 {tern.range = array<f64: -4.0, 4.0>} : tensor<4x8xf32>, tensor<8x16xf32> -> tensor<4x16xf32>
  %a = tern.gelu %h {tern.range = array<f64: -0.2, 3.0>} : tensor<4x16xf32> -> tensor<4x16xf32>
  %f = tern.linear %a, %w2 {tern.range = array<f64: -1.0, 1.0>} : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
  %out = tosa.add %r, %f {tern.range = array<f64: -5.0, 4.0>} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %out : tensor<4x8xf32>
}
