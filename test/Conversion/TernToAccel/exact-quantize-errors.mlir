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
