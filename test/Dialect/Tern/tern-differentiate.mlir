// RUN: tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-differentiate))' \
// RUN:   | FileCheck %s
// RUN: tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-differentiate{loss=ce}))' \
// RUN:   | FileCheck %s --check-prefix=CE

// Tests a LoRA branch beside a frozen linear, with the MSE loss: the label is
// appended, the results are the loss and the two gradients (named after the
// parameters); the frozen linear on the (inactive) input gets no adjoint,
// the one after the sum gets g W^T (a tern.linear with the transposed
// constant); the matmuls get s g B^T and s h^T g, A gets x^T (g B^T).
// CHECK-LABEL: func @lora
// CHECK-SAME: (%[[X:[^:]+]]: tensor<4x16xf32>, %[[A:[^:]+]]: tensor<16x2xf32> {onnx.name = "q_lora_a", tern.trainable}, %[[B:[^:]+]]: tensor<2x8xf32> {onnx.name = "q_lora_b", tern.trainable}, %[[T:[^:]+]]: tensor<4x8xf32> {onnx.name = "label", tern.label})
// CHECK-SAME: -> (tensor<1x1xf32> {onnx.name = "loss"}, tensor<16x2xf32> {onnx.name = "grad_q_lora_a"}, tensor<2x8xf32> {onnx.name = "grad_q_lora_b"})
// CHECK-SAME: attributes {tern.loss = "mse"}
// CHECK: %[[H:.+]] = tern.matmul %[[X]], %[[A]]
// CHECK: %[[W2:.+]] = arith.constant dense<2.500000e-01> : tensor<8x8xf32>
// CHECK: %[[Y:.+]] = tern.linear %{{.+}}, %[[W2]] : tensor
// Loss: mean((y - t)^2) as a product with a [32, 1] constant of 1/32.
// CHECK: %[[D:.+]] = tosa.sub %[[Y]], %[[T]]
// CHECK: %[[SQ:.+]] = tosa.mul %[[D]], %[[D]]
// CHECK: %[[FLAT:.+]] = tosa.reshape %[[SQ]] {new_shape = array<i64: 1, 32>}
// CHECK: %[[MEAN:.+]] = "tosa.const"() <{value = dense<3.125000e-02> : tensor<32x1xf32>}>
// CHECK: %[[LOSS:.+]] = tern.linear %[[FLAT]], %[[MEAN]] {tern.derived_weight} : tensor<1x32xf32>, tensor<32x1xf32> -> tensor<1x1xf32>
// Seed: 2 (y - t) / 32.
// CHECK: %[[TWO:.+]] = "tosa.const"() <{value = dense<6.250000e-02> : tensor<1x1xf32>}>
// CHECK: %[[G:.+]] = tosa.mul %[[D]], %[[TWO]]
// CHECK: %[[WT:.+]] = tosa.transpose %[[W2]]
// CHECK: %[[GS:.+]] = tern.linear %[[G]], %[[WT]] {tern.derived_weight} : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
// CHECK-NOT: tern.linear
// CHECK: %[[GH:.+]] = tern.matmul %[[GS]], %[[B]] transpose_rhs scale 2.000000e+00 : tensor<4x8xf32>, tensor<2x8xf32> -> tensor<4x2xf32>
// CHECK: %[[HT:.+]] = tosa.transpose %[[H]], %{{.+}} : (tensor<4x2xf32>, tensor<2xi32>) -> tensor<2x4xf32>
// CHECK: %[[GB:.+]] = tern.matmul %[[HT]], %[[GS]] scale 2.000000e+00 : tensor<2x4xf32>, tensor<4x8xf32> -> tensor<2x8xf32>
// CHECK: %[[XT:.+]] = tosa.transpose %[[X]], %{{.+}} : (tensor<4x16xf32>, tensor<2xi32>) -> tensor<16x4xf32>
// CHECK: %[[GA:.+]] = tern.matmul %[[XT]], %[[GH]] : tensor<16x4xf32>, tensor<4x2xf32> -> tensor<16x2xf32>
// CHECK: return %[[LOSS]], %[[GA]], %[[GB]]
func.func @lora(%x: tensor<4x16xf32>, %a: tensor<16x2xf32> {tern.trainable, onnx.name = "q_lora_a"}, %b: tensor<2x8xf32> {tern.trainable, onnx.name = "q_lora_b"}) -> tensor<4x8xf32> {
  %w = arith.constant dense<0.5> : tensor<16x8xf32>
  %y = tern.linear %x, %w : tensor<4x16xf32>, tensor<16x8xf32> -> tensor<4x8xf32>
  %h = tern.matmul %x, %a : tensor<4x16xf32>, tensor<16x2xf32> -> tensor<4x2xf32>
  %d = tern.matmul %h, %b scale 2.0 : tensor<4x2xf32>, tensor<2x8xf32> -> tensor<4x8xf32>
  %s = tosa.add %y, %d : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %w2 = arith.constant dense<0.25> : tensor<8x8xf32>
  %o = tern.linear %s, %w2 : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %o : tensor<4x8xf32>
}

// -----

// Tests attention with the cross-entropy loss: the first result is the
// softmax of the prediction and the seed (p - t) / rows; the context
// product's adjoint is g V^T (transpose_rhs), the softmax's
// p * (g - rowsum(g * p)) with the row sum broadcast by an all-ones [4, 4]
// product, and the score product (transpose_rhs) gives s g K to Q.
// CE-LABEL: func @attention
// CE-SAME: -> (tensor<1x4x8xf32> {onnx.name = "probs"}, tensor<1x4x8xf32> {onnx.name = "grad_q"})
// CE-SAME: attributes {tern.loss = "ce"}
// CE: %[[P:.+]] = tern.softmax %{{.+}} : tensor<1x4x4xf32>
// CE: %[[PR:.+]] = tern.softmax %{{.+}} : tensor<1x4x8xf32>
// CE: %[[E:.+]] = tosa.sub %[[PR]], %arg3
// CE: %[[R:.+]] = "tosa.const"() <{value = dense<2.500000e-01> : tensor<1x1x1xf32>}>
// CE: %[[G:.+]] = tosa.mul %[[E]], %[[R]]
// CE: %[[GP:.+]] = tern.matmul %[[G]], %arg2 transpose_rhs : tensor<1x4x8xf32>, tensor<1x4x8xf32> -> tensor<1x4x4xf32>
// CE: %[[GY:.+]] = tosa.mul %[[GP]], %[[P]]
// CE: %[[ONES:.+]] = "tosa.const"() <{value = dense<1.000000e+00> : tensor<4x4xf32>}>
// CE: %[[SUM:.+]] = tern.linear %[[GY]], %[[ONES]]
// CE: %[[DIFF:.+]] = tosa.sub %[[GP]], %[[SUM]]
// CE: %[[GS:.+]] = tosa.mul %[[P]], %[[DIFF]]
// CE: %[[GQ:.+]] = tern.matmul %[[GS]], %arg1 scale 5.000000e-01 : tensor<1x4x4xf32>, tensor<1x4x8xf32> -> tensor<1x4x8xf32>
// CE: return %[[PR]], %[[GQ]]
func.func @attention(%q: tensor<1x4x8xf32> {tern.trainable, onnx.name = "q"}, %k: tensor<1x4x8xf32>, %v: tensor<1x4x8xf32>) -> tensor<1x4x8xf32> {
  %s = tern.matmul %q, %k transpose_rhs scale 0.5 : tensor<1x4x8xf32>, tensor<1x4x8xf32> -> tensor<1x4x4xf32>
  %p = tern.softmax %s : tensor<1x4x4xf32> -> tensor<1x4x4xf32>
  %c = tern.matmul %p, %v : tensor<1x4x4xf32>, tensor<1x4x8xf32> -> tensor<1x4x8xf32>
  return %c : tensor<1x4x8xf32>
}

// -----

// Tests the layer-norm adjoint: g' = g * gamma, xhat from a layer norm
// without affine parameters, the two row means as [16, 16] products,
// and 1/sigma from the centred row extended to 18 columns (c = 2^-7,
// epsilon (16 eps - 2 c^2) / 18) picked by an [18, 16] product.
// A function without onnx.name on the parameter gets grad<arg number>.
// CHECK-LABEL: func @ln
// CHECK-SAME: tensor<4x16xf32> {onnx.name = "grad0"}
// CHECK: %[[GAMMA:.+]] = arith.constant dense<2.000000e+00> : tensor<16xf32>
// CHECK: %[[G:.+]] = tosa.mul %{{.+}}, %{{.+}} : (tensor<4x16xf32>, tensor<1x1xf32>)
// CHECK: %[[GR:.+]] = tosa.reshape %[[GAMMA]] {new_shape = array<i64: 1, 16>}
// CHECK: %[[GG:.+]] = tosa.mul %[[G]], %[[GR]]
// CHECK: %[[XHAT:.+]] = tern.layer_norm %arg0, %{{.+}}, %{{.+}} epsilon 9.99999974E-6
// CHECK: %[[M1:.+]] = tern.linear %[[GG]], %{{.+}} {tern.derived_weight} : tensor<4x16xf32>, tensor<16x16xf32>
// CHECK: %[[GX:.+]] = tosa.mul %[[GG]], %[[XHAT]]
// CHECK: %[[M2:.+]] = tern.linear %[[GX]], %{{.+}} {tern.derived_weight} : tensor<4x16xf32>, tensor<16x16xf32>
// CHECK: %[[XM2:.+]] = tosa.mul %[[XHAT]], %[[M2]]
// CHECK: %[[T1:.+]] = tosa.sub %[[GG]], %[[M1]]
// CHECK: %[[T2:.+]] = tosa.sub %[[T1]], %[[XM2]]
// CHECK: %[[EXTB:.+]] = "tosa.const"() <{value = dense<[0.000000e+00, {{.*}}, 7.812500e-03, -7.812500e-03]> : tensor<18xf32>}>
// CHECK: %[[EXT:.+]] = tern.linear %arg0, %{{.+}}, %[[EXTB]] {tern.derived_weight} : tensor<4x16xf32>, tensor<16x18xf32>, tensor<18xf32> -> tensor<4x18xf32>
// CHECK: %[[LN2:.+]] = tern.layer_norm %[[EXT]], %{{.+}}, %{{.+}} epsilon 2.10720{{[0-9]+}}E-6
// CHECK: %[[INV:.+]] = tern.linear %[[LN2]], %{{.+}} {tern.derived_weight} : tensor<4x18xf32>, tensor<18x16xf32> -> tensor<4x16xf32>
// CHECK: %[[DX:.+]] = tosa.mul %[[T2]], %[[INV]]
// CHECK: return %{{.+}}, %[[DX]]
func.func @ln(%x: tensor<4x16xf32> {tern.trainable}) -> tensor<4x16xf32> {
  %g = arith.constant dense<2.0> : tensor<16xf32>
  %b = arith.constant dense<0.5> : tensor<16xf32>
  %y = tern.layer_norm %x, %g, %b epsilon 1.0e-5 : tensor<4x16xf32>, tensor<16xf32>, tensor<16xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Tests the GELU adjoint: z = 2c x + 2ca x^3, [z, 0] by a [1, 2] product,
// one softmax over pairs, s and 1 - s picked by [2, 1] products,
// z' = 6ca x^2 + 2c, and s + x z' s (1 - s).
// CHECK-LABEL: func @gelu
// CHECK: %[[X2:.+]] = tosa.mul %arg0, %arg0
// CHECK: %[[X3:.+]] = tosa.mul %[[X2]], %arg0
// CHECK: "tosa.const"() <{value = dense<0.0713548{{[0-9]*}}> : tensor<1x1xf32>}>
// CHECK: "tosa.const"() <{value = dense<1.59576{{[0-9]*}}> : tensor<1x1xf32>}>
// CHECK: %[[Z:.+]] = tosa.add
// CHECK: %[[ZC:.+]] = tosa.reshape %[[Z]] {new_shape = array<i64: 64, 1>}
// CHECK: "tosa.const"() <{value = dense<{{\[\[}}1.000000e+00, 0.000000e+00]]> : tensor<1x2xf32>}>
// CHECK: %[[PAIR:.+]] = tern.linear %[[ZC]], %{{.+}} {tern.derived_weight} : tensor<64x1xf32>, tensor<1x2xf32> -> tensor<64x2xf32>
// CHECK: %[[SM:.+]] = tern.softmax %[[PAIR]] : tensor<64x2xf32>
// CHECK: tern.linear %[[SM]], %{{.+}} {tern.derived_weight} : tensor<64x2xf32>, tensor<2x1xf32>
// CHECK: %[[S:.+]] = tosa.reshape
// CHECK: tern.linear %[[SM]], %{{.+}} {tern.derived_weight} : tensor<64x2xf32>, tensor<2x1xf32>
// CHECK: %[[SC:.+]] = tosa.reshape
// CHECK: "tosa.const"() <{value = dense<0.214064{{[0-9]*}}> : tensor<1x1xf32>}>
// CHECK: %[[SS:.+]] = tosa.mul %[[S]], %[[SC]]
// CHECK: %[[TAIL:.+]] = tosa.mul %{{.+}}, %[[SS]]
// CHECK: %[[D:.+]] = tosa.add %[[S]], %[[TAIL]]
// CHECK: %[[DX:.+]] = tosa.mul %{{.+}}, %[[D]]
// CHECK: return %{{.+}}, %[[DX]]
func.func @gelu(%x: tensor<4x16xf32> {tern.trainable}) -> tensor<4x16xf32> {
  %y = tern.gelu %x : tensor<4x16xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Tests the log-softmax adjoint: dx = g - softmax(x) * rowsum(g), the row
// sum as a product with an all-ones [16, 16] weight.
// CHECK-LABEL: func @log_softmax
// CHECK: %[[Y:.+]] = tern.log_softmax %arg0
// CHECK: %[[G:.+]] = tosa.mul %{{.+}}, %{{.+}} {shift = 0 : i8} : (tensor<4x16xf32>, tensor<1x1xf32>)
// CHECK: %[[P:.+]] = tern.softmax %arg0 : tensor<4x16xf32>
// CHECK: %[[ONES:.+]] = "tosa.const"() <{value = dense<1.000000e+00> : tensor<16x16xf32>}>
// CHECK: %[[S:.+]] = tern.linear %[[G]], %[[ONES]]
// CHECK: %[[PS:.+]] = tosa.mul %[[P]], %[[S]]
// CHECK: %[[DX:.+]] = tosa.sub %[[G]], %[[PS]]
// CHECK: return %{{.+}}, %[[DX]]
func.func @log_softmax(%x: tensor<4x16xf32> {tern.trainable}) -> tensor<4x16xf32> {
  %y = tern.log_softmax %x : tensor<4x16xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Tests the ReLU adjoints (tern.relu and ONNX's clamp from 0): g times
// 1 - relu(1 - y * 2^100) of each result.
// CHECK-LABEL: func @relu
// CHECK: %[[Y:.+]] = tern.relu %arg0
// CHECK: %[[Z:.+]] = tosa.clamp %[[Y]]
// CHECK: %[[BIG:.+]] = "tosa.const"() <{value = dense<1.26765{{[0-9]*}}E+30> : tensor<1x1xf32>}>
// CHECK: %[[ZB:.+]] = tosa.mul %[[Z]], %[[BIG]]
// CHECK: %[[C1:.+]] = tosa.sub %{{.+}}, %[[ZB]] : (tensor<1x1xf32>, tensor<4x16xf32>)
// CHECK: %[[C2:.+]] = tern.relu %[[C1]]
// CHECK: %[[STEP:.+]] = tosa.sub %{{.+}}, %[[C2]]
// CHECK: %[[G1:.+]] = tosa.mul %{{.+}}, %[[STEP]]
// CHECK: tosa.mul %[[Y]], %{{.+}}
// CHECK: tern.relu
// CHECK: %[[STEP2:.+]] = tosa.sub
// CHECK: %[[G0:.+]] = tosa.mul %[[G1]], %[[STEP2]]
// CHECK: return %{{.+}}, %[[G0]]
func.func @relu(%x: tensor<4x16xf32> {tern.trainable}) -> tensor<4x16xf32> {
  %y = tern.relu %x : tensor<4x16xf32> -> tensor<4x16xf32>
  %z = tosa.clamp %y {max_fp = 3.40282347E+38 : f32, max_int = 9223372036854775807 : i64, min_fp = 0.000000e+00 : f32, min_int = 0 : i64} : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %z : tensor<4x16xf32>
}

// -----

// Tests layout and element-wise adjoints: reshape back, the inverse
// permutation, mul (both operands, accumulated), sub and add pass g through,
// merge_heads <-> split_heads; the frozen operand %r gets nothing.
// CHECK-LABEL: func @layout
// CHECK: %[[M:.+]] = tern.merge_heads
// CHECK: %[[D:.+]] = tosa.sub %[[M]], %arg1
// CHECK: %[[G:.+]] = tosa.mul %{{.+}}, %{{.+}} : (tensor<4x16xf32>, tensor<1x1xf32>)
// CHECK: %[[GR:.+]] = tosa.reshape %[[G]] {new_shape = array<i64: 1, 16, 4>}
// CHECK: "tosa.const"() <{value = dense<[0, 2, 1]> : tensor<3xi32>}>
// CHECK: %[[GT:.+]] = tosa.transpose %[[GR]], %{{.+}} : (tensor<1x16x4xf32>, tensor<3xi32>) -> tensor<1x4x16xf32>
// CHECK: %[[A:.+]] = tosa.mul %[[GT]], %[[M]]
// CHECK: %[[B:.+]] = tosa.mul %[[GT]], %[[D]]
// CHECK: %[[GM:.+]] = tosa.add %[[B]], %[[A]]
// CHECK: %[[GH:.+]] = tern.split_heads %[[GM]] heads 2
// CHECK: %[[GX:.+]] = tern.merge_heads %[[GH]]
// CHECK: return %{{.+}}, %[[GX]]
func.func @layout(%x: tensor<1x4x16xf32> {tern.trainable}, %r: tensor<1x4x16xf32>) -> tensor<4x16xf32> {
  %h = tern.split_heads %x heads 2 : tensor<1x4x16xf32> -> tensor<1x2x4x8xf32>
  %m = tern.merge_heads %h : tensor<1x2x4x8xf32> -> tensor<1x4x16xf32>
  %d = tosa.sub %m, %r : (tensor<1x4x16xf32>, tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
  %e = tosa.mul %d, %m {shift = 0 : i8} : (tensor<1x4x16xf32>, tensor<1x4x16xf32>) -> tensor<1x4x16xf32>
  %f = tern.add %e, %r : tensor<1x4x16xf32>, tensor<1x4x16xf32> -> tensor<1x4x16xf32>
  %p = "tosa.const"() {value = dense<[0, 2, 1]> : tensor<3xi32>} : () -> tensor<3xi32>
  %t = tosa.transpose %f, %p : (tensor<1x4x16xf32>, tensor<3xi32>) -> tensor<1x16x4xf32>
  %y = tosa.reshape %t {new_shape = array<i64: 4, 16>} : (tensor<1x16x4xf32>) -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// RUN: tern-opt %s -split-input-file \
// RUN:   -pass-pipeline='builtin.module(func.func(tern-differentiate{sgd-lr=0.5}))' \
// RUN:   | FileCheck %s --check-prefix=SGD
// Tests the SGD update: p - 0.5 * g, returned under the parameter's name.
// SGD-LABEL: func @sgd
// SGD-SAME: -> (tensor<1x1xf32> {onnx.name = "loss"}, tensor<4x16xf32> {onnx.name = "w"})
// SGD-SAME: tern.sgd_lr = 5.000000e-01
// SGD: %[[LR:.+]] = "tosa.const"() <{value = dense<5.000000e-01> : tensor<1x1xf32>}>
// SGD-NEXT: %[[STEP:.+]] = tosa.mul %{{.+}}, %[[LR]]
// SGD-NEXT: %[[NEW:.+]] = tosa.sub %arg0, %[[STEP]]
// SGD-NEXT: return %{{.+}}, %[[NEW]]
func.func @sgd(%x: tensor<4x16xf32> {tern.trainable, onnx.name = "w"}) -> tensor<4x16xf32> {
  %y = tern.relu %x : tensor<4x16xf32> -> tensor<4x16xf32>
  return %y : tensor<4x16xf32>
}

// -----

// Tests the adjoint of a constant-index gather (a classifier's CLS token):
// g [1, 2, 8] transposed to [1, 8, 2], times the one-hot [2, 4] selection
// (rows: the indices 3 and 0), transposed back to the values' [1, 4, 8].
// CHECK-LABEL: func @cls
// CHECK: %[[T:.+]] = tosa.transpose %{{.+}}, %{{.+}} : (tensor<1x2x8xf32>, tensor<3xi32>) -> tensor<1x8x2xf32>
// CHECK: %[[S:.+]] = "tosa.const"() <{value = dense<{{\[\[}}0.000000e+00, 0.000000e+00, 0.000000e+00, 1.000000e+00], [1.000000e+00, 0.000000e+00, 0.000000e+00, 0.000000e+00]]> : tensor<2x4xf32>}>
// CHECK: %[[L:.+]] = tern.linear %[[T]], %[[S]] {tern.derived_weight} : tensor<1x8x2xf32>, tensor<2x4xf32> -> tensor<1x8x4xf32>
// CHECK: %[[G:.+]] = tosa.transpose %[[L]], %{{.+}} : (tensor<1x8x4xf32>, tensor<3xi32>) -> tensor<1x4x8xf32>
// CHECK: return %{{.+}}, %[[G]]
func.func @cls(%x: tensor<1x4x8xf32> {tern.trainable}) -> tensor<1x2x8xf32> {
  %i = "tosa.const"() {value = dense<[[3, 0]]> : tensor<1x2xi32>} : () -> tensor<1x2xi32>
  %y = tosa.gather %x, %i : (tensor<1x4x8xf32>, tensor<1x2xi32>) -> tensor<1x2x8xf32>
  return %y : tensor<1x2x8xf32>
}
