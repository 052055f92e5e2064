// RUN: tern-opt %s --split-input-file --verify-diagnostics \
// RUN:   --pass-pipeline='builtin.module(func.func(tern-quantize))' | FileCheck %s

// A QDQ model's own quantization is honoured: the linear takes the
// QuantizeLinear result and the DequantizeLinear weight's int8 value
// directly (no calibrated range is needed), the float bias is quantized at
// the product scale 0.05 * 0.25 = 0.0125, and the dequantize casts that
// lose their users are erased.
// CHECK-LABEL: func @qdq
// CHECK: %[[XQ:.*]] = "quant.qcast"(%arg0) : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02>>
// CHECK: %[[WS:.*]] = "quant.scast"(%arg1) : (tensor<8x8xi8>) -> tensor<8x8x!quant.uniform<i8:f32, 2.500000e-01>>
// CHECK-NOT: quant.dcast
// CHECK: %[[B:.*]] = "quant.qcast"(%arg2) : (tensor<8xf32>) -> tensor<8x!quant.uniform<i32:f32, 1.250000e-02>>
// CHECK: tern.linear %[[XQ]], %[[WS]], %[[B]] precision <int> : {{.*}} -> tensor<4x8xf32>
// CHECK-NOT: quant.dcast
!x = !quant.uniform<i8:f32, 0.05>
!w = !quant.uniform<i8:f32, 0.25>
func.func @qdq(%x: tensor<4x8xf32>, %wq: tensor<8x8xi8>, %b: tensor<8xf32>) -> tensor<4x8xf32> {
  %xq = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %xd = "quant.dcast"(%xq) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  %ws = "quant.scast"(%wq) : (tensor<8x8xi8>) -> tensor<8x8x!w>
  %wd = "quant.dcast"(%ws) : (tensor<8x8x!w>) -> tensor<8x8xf32>
  %y = tern.linear %xd, %wd, %b precision <int> : tensor<4x8xf32>, tensor<8x8xf32>, tensor<8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// An asymmetric weight is refused (a linear's input may be asymmetric:
// tern-quantize-qdq-asymmetric.mlir).
!x = !quant.uniform<i8:f32, 0.05:3>
!w = !quant.uniform<i8:f32, 0.25:1>
func.func @asymmetric_weight(%x: tensor<4x8xf32>, %wq: tensor<8x8xi8>) -> tensor<4x8xf32> {
  %xq = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %xd = "quant.dcast"(%xq) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  %ws = "quant.scast"(%wq) : (tensor<8x8xi8>) -> tensor<8x8x!w>
  %wd = "quant.dcast"(%ws) : (tensor<8x8x!w>) -> tensor<8x8xf32>
  // expected-error @+1 {{'tern.linear' op takes a QDQ-quantized weight of type '!quant.uniform<i8:f32, 2.500000e-01:1>'; the lowering executes symmetric (zero point 0) per-tensor int8 weights (a linear's input may be asymmetric 8-bit)}}
  %y = tern.linear %xd, %wd precision <int> : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Operands of a product of two run-time tensors stay symmetric.
!x = !quant.uniform<u8:f32, 0.05:3>
func.func @asymmetric_matmul(%a: tensor<4x8xf32>, %b: tensor<8x4xf32>) -> tensor<4x4xf32> {
  %aq = "quant.qcast"(%a) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %ad = "quant.dcast"(%aq) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  %bq = "quant.qcast"(%b) : (tensor<8x4xf32>) -> tensor<8x4x!x>
  %bd = "quant.dcast"(%bq) : (tensor<8x4x!x>) -> tensor<8x4xf32>
  // expected-error @+1 {{'tern.matmul' op takes a QDQ-quantized lhs of type '!quant.uniform<u8:f32, 5.000000e-02:3>'; the lowering executes symmetric (zero point 0) per-tensor int8 operands of a product of two run-time tensors}}
  %y = tern.matmul %ad, %bd precision <int> : tensor<4x8xf32>, tensor<8x4xf32> -> tensor<4x4xf32>
  return %y : tensor<4x4xf32>
}

// -----

// QuantizeLinear -> Clip(-8, 7) -> DequantizeLinear (a 4-bit QAT
// activation): the Clip becomes the storage range of the same scale,
// i8<-8:7> (the exact quantizer saturates to it); the Clip chain goes.
// CHECK-LABEL: func @clipped
// CHECK: %[[N:.*]] = "quant.qcast"(%arg0) : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8<-8:7>:f32, 5.000000e-02>>
// CHECK-NOT: tosa.clamp
// CHECK: tern.linear %[[N]], {{.*}} precision <int>
// CHECK-NOT: tosa.clamp
!x = !quant.uniform<i8:f32, 0.05>
!w = !quant.uniform<i8:f32, 0.25>
func.func @clipped(%x: tensor<4x8xf32>, %wq: tensor<8x8xi8>) -> tensor<4x8xf32> {
  %xq = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %xi = "quant.scast"(%xq) : (tensor<4x8x!x>) -> tensor<4x8xi8>
  %xc = tosa.clamp %xi {min_int = -8 : i64, max_int = 7 : i64, min_fp = -8.0 : f32, max_fp = 7.0 : f32} : (tensor<4x8xi8>) -> tensor<4x8xi8>
  %xs = "quant.scast"(%xc) : (tensor<4x8xi8>) -> tensor<4x8x!x>
  %xd = "quant.dcast"(%xs) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  %ws = "quant.scast"(%wq) : (tensor<8x8xi8>) -> tensor<8x8x!w>
  %wd = "quant.dcast"(%ws) : (tensor<8x8x!w>) -> tensor<8x8xf32>
  %y = tern.linear %xd, %wd precision <int> : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// A symmetric Clip(-7, 7) is i8<-7:7>; a Clip wider than int8 changes
// nothing.
// CHECK-LABEL: func @clipped_symmetric
// CHECK: "quant.qcast"(%arg0) : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8<-7:7>:f32, 5.000000e-02>>
// CHECK: "quant.qcast"(%arg2) : (tensor<4x8xf32>) -> tensor<4x8x!quant.uniform<i8:f32, 5.000000e-02>>
// CHECK-NOT: tosa.clamp
!x = !quant.uniform<i8:f32, 0.05>
!w = !quant.uniform<i8:f32, 0.25>
func.func @clipped_symmetric(%x: tensor<4x8xf32>, %wq: tensor<8x8xi8>, %x2: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %xq = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %xi = "quant.scast"(%xq) : (tensor<4x8x!x>) -> tensor<4x8xi8>
  %xc = tosa.clamp %xi {min_int = -7 : i64, max_int = 7 : i64, min_fp = -7.0 : f32, max_fp = 7.0 : f32} : (tensor<4x8xi8>) -> tensor<4x8xi8>
  %xs = "quant.scast"(%xc) : (tensor<4x8xi8>) -> tensor<4x8x!x>
  %xd = "quant.dcast"(%xs) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  %ws = "quant.scast"(%wq) : (tensor<8x8xi8>) -> tensor<8x8x!w>
  %wd = "quant.dcast"(%ws) : (tensor<8x8x!w>) -> tensor<8x8xf32>
  %y = tern.linear %xd, %wd precision <int> : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  %x2q = "quant.qcast"(%x2) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %x2i = "quant.scast"(%x2q) : (tensor<4x8x!x>) -> tensor<4x8xi8>
  %x2c = tosa.clamp %x2i {min_int = -300 : i64, max_int = 300 : i64, min_fp = -300.0 : f32, max_fp = 300.0 : f32} : (tensor<4x8xi8>) -> tensor<4x8xi8>
  %x2s = "quant.scast"(%x2c) : (tensor<4x8xi8>) -> tensor<4x8x!x>
  %x2d = "quant.dcast"(%x2s) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  %y2 = tern.linear %x2d, %wd precision <int> : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %y, %y2 : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// Forms that do not execute exactly are refused, naming the form: a range
// the exact quantizer has no saturation for ...
!x = !quant.uniform<i8:f32, 0.05>
!w = !quant.uniform<i8:f32, 0.25>
func.func @clipped_odd_range(%x: tensor<4x8xf32>, %wq: tensor<8x8xi8>) -> tensor<4x8xf32> {
  %xq = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %xi = "quant.scast"(%xq) : (tensor<4x8x!x>) -> tensor<4x8xi8>
  %xc = tosa.clamp %xi {min_int = -5 : i64, max_int = 9 : i64, min_fp = -5.0 : f32, max_fp = 9.0 : f32} : (tensor<4x8xi8>) -> tensor<4x8xi8>
  %xs = "quant.scast"(%xc) : (tensor<4x8xi8>) -> tensor<4x8x!x>
  %xd = "quant.dcast"(%xs) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  %ws = "quant.scast"(%wq) : (tensor<8x8xi8>) -> tensor<8x8x!w>
  %wd = "quant.dcast"(%ws) : (tensor<8x8x!w>) -> tensor<8x8xf32>
  // expected-error @+1 {{'tern.linear' op takes a QDQ input clipped by QuantizeLinear -> Clip -> DequantizeLinear (Clip [-5, 9] of '!quant.uniform<i8:f32, 5.000000e-02>'): the range is neither [-2^(b-1), 2^(b-1)-1] nor +-(2^(b-1)-1) for b = 2..8, the ranges the exact quantizer (cvt.f2i) saturates to}}
  %y = tern.linear %xd, %wd precision <int> : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// ... a narrow range with a zero point ...
!x = !quant.uniform<i8:f32, 0.05:2>
!w = !quant.uniform<i8:f32, 0.25>
func.func @clipped_zero_point(%x: tensor<4x8xf32>, %wq: tensor<8x8xi8>) -> tensor<4x8xf32> {
  %xq = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %xi = "quant.scast"(%xq) : (tensor<4x8x!x>) -> tensor<4x8xi8>
  %xc = tosa.clamp %xi {min_int = -8 : i64, max_int = 7 : i64, min_fp = -8.0 : f32, max_fp = 7.0 : f32} : (tensor<4x8xi8>) -> tensor<4x8xi8>
  %xs = "quant.scast"(%xc) : (tensor<4x8xi8>) -> tensor<4x8x!x>
  %xd = "quant.dcast"(%xs) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  %ws = "quant.scast"(%wq) : (tensor<8x8xi8>) -> tensor<8x8x!w>
  %wd = "quant.dcast"(%ws) : (tensor<8x8x!w>) -> tensor<8x8xf32>
  // expected-error @+1 {{'tern.linear' op takes a QDQ input clipped by QuantizeLinear -> Clip -> DequantizeLinear (Clip [-8, 7] of '!quant.uniform<i8:f32, 5.000000e-02:2>'): a narrow range with a zero point (or uint8 codes) is not executed; only symmetric int8 codes (zero point 0) take a narrower Clip}}
  %y = tern.linear %xd, %wd precision <int> : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// ... and a Clip between a QuantizeLinear and a DequantizeLinear of
// another scale.
!x = !quant.uniform<i8:f32, 0.05>
!y = !quant.uniform<i8:f32, 0.1>
!w = !quant.uniform<i8:f32, 0.25>
func.func @clipped_other_scale(%x: tensor<4x8xf32>, %wq: tensor<8x8xi8>) -> tensor<4x8xf32> {
  %xq = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %xi = "quant.scast"(%xq) : (tensor<4x8x!x>) -> tensor<4x8xi8>
  %xc = tosa.clamp %xi {min_int = -8 : i64, max_int = 7 : i64, min_fp = -8.0 : f32, max_fp = 7.0 : f32} : (tensor<4x8xi8>) -> tensor<4x8xi8>
  %xs = "quant.scast"(%xc) : (tensor<4x8xi8>) -> tensor<4x8x!y>
  %xd = "quant.dcast"(%xs) : (tensor<4x8x!y>) -> tensor<4x8xf32>
  %ws = "quant.scast"(%wq) : (tensor<8x8xi8>) -> tensor<8x8x!w>
  %wd = "quant.dcast"(%ws) : (tensor<8x8x!w>) -> tensor<8x8xf32>
  // expected-error @+1 {{'tern.linear' op takes a QDQ input clipped by QuantizeLinear -> Clip -> DequantizeLinear (Clip [-8, 7] of '!quant.uniform<i8:f32, 1.000000e-01>'): the Clip's input is not a QuantizeLinear with the DequantizeLinear's scale and zero point}}
  %y = tern.linear %xd, %wd precision <int> : tensor<4x8xf32>, tensor<8x8xf32> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// A dequantize -> requantize round trip to the same type folds away: the
// linear takes the first quantized value; one conversion is left.
// CHECK-LABEL: func @round_trip
// CHECK-SAME: attributes {tern.conversions = 1 : i64}
// CHECK: %[[XQ:.*]] = "quant.qcast"(%arg0)
// CHECK-NOT: quant.dcast
// CHECK: tern.linear %[[XQ]], %{{.*}} precision <int>
!x = !quant.uniform<i8:f32, 0.05>
!w = !quant.uniform<i8:f32, 0.25>
func.func @round_trip(%x: tensor<4x8xf32>, %wq: tensor<8x8xi8>) -> tensor<4x8xf32> {
  %xq = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %xd = "quant.dcast"(%xq) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  %xq2 = "quant.qcast"(%xd) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %ws = "quant.scast"(%wq) : (tensor<8x8xi8>) -> tensor<8x8x!w>
  %y = tern.linear %xq2, %ws precision <int> : tensor<4x8x!x>, tensor<8x8x!w> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// A per-axis weight (one scale per output column, zero points 0) is taken
// as given; the float bias is quantized per column at S_x * S_w[c]:
// 0.05 * {0.25, 0.5} = {0.0125, 0.025}.
// CHECK-LABEL: func @per_axis
// CHECK: %[[WS:.*]] = "quant.scast"(%arg1) : (tensor<8x2xi8>) -> tensor<8x2x!quant.uniform<i8:f32:1, {2.500000e-01,5.000000e-01}>>
// CHECK: %[[B:.*]] = "quant.qcast"(%arg2) : (tensor<2xf32>) -> tensor<2x!quant.uniform<i32:f32:0, {1.250000e-02,2.500000e-02}>>
// CHECK: tern.linear %{{.*}}, %[[WS]], %[[B]] precision <int>
!x = !quant.uniform<i8:f32, 0.05>
!w = !quant.uniform<i8:f32:1, {0.25, 0.5}>
func.func @per_axis(%x: tensor<4x8xf32>, %wq: tensor<8x2xi8>, %b: tensor<2xf32>) -> tensor<4x2xf32> {
  %xq = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %xd = "quant.dcast"(%xq) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  %ws = "quant.scast"(%wq) : (tensor<8x2xi8>) -> tensor<8x2x!w>
  %wd = "quant.dcast"(%ws) : (tensor<8x2x!w>) -> tensor<8x2xf32>
  %y = tern.linear %xd, %wd, %b precision <int> : tensor<4x8xf32>, tensor<8x2xf32>, tensor<2xf32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// Per-axis with a non-zero zero point is refused.
!x = !quant.uniform<i8:f32, 0.05>
!w = !quant.uniform<i8:f32:1, {0.25, 0.5:1}>
func.func @per_axis_asymmetric(%x: tensor<4x8xf32>, %wq: tensor<8x2xi8>) -> tensor<4x2xf32> {
  %xq = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %xd = "quant.dcast"(%xq) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  %ws = "quant.scast"(%wq) : (tensor<8x2xi8>) -> tensor<8x2x!w>
  %wd = "quant.dcast"(%ws) : (tensor<8x2x!w>) -> tensor<8x2xf32>
  // expected-error @+1 {{per-axis types are lowered only for a linear's weight: symmetric int8 (zero points 0), one scale per output column (axis 1 of the [K, N] weight)}}
  %y = tern.linear %xd, %wd precision <int> : tensor<4x8xf32>, tensor<8x2xf32> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}
