// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8 exact-quantize=true"

// The exact quantizer saturates to int8, [-2^(b-1), 2^(b-1)-1] or
// +-(2^(b-1)-1): another storage range is refused, naming the type.
!n = !quant.uniform<i8<-100:100>:f32, 0.25>
func.func @odd_range(%x: tensor<2x8xf32>) -> tensor<2x8x!n> {
  // expected-error @+2 {{failed to legalize operation 'quant.qcast'}}
  // expected-error @+1 {{'quant.qcast' op quantizes to the range [-100, 100] of '!quant.uniform<i8<-100:100>:f32, 2.500000e-01>'; the exact quantizer (cvt.f2i) saturates to int8, [-2^(b-1), 2^(b-1)-1] or +-(2^(b-1)-1) (b = 2..8) only}}
  %q = "quant.qcast"(%x) : (tensor<2x8xf32>) -> tensor<2x8x!n>
  return %q : tensor<2x8x!n>
}

// -----

// A QDQ Clip chain that does not execute exactly (a zero point with a
// narrower range) is refused at its DequantizeLinear, naming the form.
!x = !quant.uniform<i8:f32, 0.05:2>
func.func @clip_zero_point(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %xq = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %xi = "quant.scast"(%xq) : (tensor<4x8x!x>) -> tensor<4x8xi8>
  %xc = tosa.clamp %xi {min_int = -8 : i64, max_int = 7 : i64, min_fp = -8.0 : f32, max_fp = 7.0 : f32} : (tensor<4x8xi8>) -> tensor<4x8xi8>
  %xs = "quant.scast"(%xc) : (tensor<4x8xi8>) -> tensor<4x8x!x>
  // expected-error @+1 {{a QDQ activation clipped by QuantizeLinear -> Clip -> DequantizeLinear (Clip [-8, 7] of '!quant.uniform<i8:f32, 5.000000e-02:2>'): a narrow range with a zero point (or uint8 codes) is not executed; only symmetric int8 codes (zero point 0) take a narrower Clip}}
  %xd = "quant.dcast"(%xs) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  return %xd : tensor<4x8xf32>
}
