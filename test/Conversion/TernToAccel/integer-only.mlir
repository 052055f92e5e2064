// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8" | FileCheck %s

// Integer-only (I-BERT) kernels: the constants are SEEDS.md's closed forms
// at the input scale, carried as params (loaded into P registers by the
// emitter). Softmax at S = 2^-10: x0 = floor(-0.6931 * 2^10) = -710,
// b_i = floor((0.96963238 / 0.35815147) * 2^10) = 2772,
// c_i = floor(2^20 / 0.35815147) = 2927744, and the 16-bit shift
// bits(c_i * 2^30) - 16 = 52 - 16 = 36.
!s = !quant.uniform<i32:f32, 9.765625E-4>
!p = !quant.uniform<i32<-256:256>:f32, 3.906250e-03>
// CHECK-LABEL: func @softmax_int
// CHECK: accel.dma_load {{.*}} : memref<4x8xi32{{.*}}>, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.isoftmax %{{.*}}, %[[P:.*]] params [-710, 2772, 2927744, 36] : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.dma_store %[[P]]
// CHECK-NOT: accel.softmax
func.func @softmax_int(%x: tensor<4x8x!s>) -> tensor<4x8x!p> {
  %y = tern.softmax %x precision <int> : tensor<4x8x!s> -> tensor<4x8x!p>
  return %y : tensor<4x8x!p>
}

// -----

// GELU at S = 2^-8 (S' = S / sqrt(2)): b_i = floor(-1.769 / S') = -641,
// c_i = floor((1 / -0.2888) / S'^2) = -453851, S_erf = S'^2 * -0.2888 *
// 2^14 < 0, one_i = floor(1 / S_erf) = -28. The kernel's scale S * S_erf /
// 2 = -7.05078125e-05 is negative; the result type has the positive scale,
// so rq.wide multiplies by -1 (-2^30 / 2^30).
!g = !quant.uniform<i32<-32767:32767>:f32, 3.906250e-03>
!h = !quant.uniform<i32:f32, 7.05078125E-5>
// CHECK-LABEL: func @gelu_int
// CHECK: accel.igelu %{{.*}}, %[[G:.*]] params [-641, -453851, -28] : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.requant_wide %[[G]], %[[R:.*]] multiplier -1073741824 shift 30 bits 32 : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.dma_store %[[R]]
// CHECK-NOT: accel.gelu
func.func @gelu_int(%x: tensor<4x8x!g>) -> tensor<4x8x!h> {
  %y = tern.gelu %x precision <int> : tensor<4x8x!g> -> tensor<4x8x!h>
  return %y : tensor<4x8x!h>
}

// -----

// tern.requantize: M = S_in / S_out = 2^-10 / 2^-6 = 2^-4 (frexp: 0.5 *
// 2^-3 -> 2^30, shift 34), saturating at the result's 8 bits; an i32
// result of 8 bits goes through an i8 tile and is widened (M = 1).
!a = !quant.uniform<i32:f32, 9.765625E-4>
!b8 = !quant.uniform<i8<-127:127>:f32, 1.5625E-2>
!b32 = !quant.uniform<i32<-127:127>:f32, 1.5625E-2>
// CHECK-LABEL: func @requantize
// CHECK: accel.requant_wide %{{.*}}, %{{.*}} multiplier 1073741824 shift 34 bits 8 : memref<4x8xi32, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
// CHECK: accel.requant_wide %{{.*}}, %[[N:.*]] multiplier 1073741824 shift 34 bits 8 : memref<4x8xi32, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
// CHECK: accel.requant_wide %[[N]], %{{.*}} multiplier 1073741824 shift 30 bits 32 : memref<4x8xi8, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
func.func @requantize(%x: tensor<4x8x!a>) -> (tensor<4x8x!b8>, tensor<4x8x!b32>) {
  %y = tern.requantize %x : tensor<4x8x!a> -> tensor<4x8x!b8>
  %z = tern.requantize %x : tensor<4x8x!a> -> tensor<4x8x!b32>
  return %y, %z : tensor<4x8x!b8>, tensor<4x8x!b32>
}

// -----

// A residual add of two 22-bit branches at the sum's scale: an i32 vector
// add (the 23-bit sum cannot wrap).
!r = !quant.uniform<i32<-2097151:2097151>:f32, 1.0E-6>
!r2 = !quant.uniform<i32<-4194302:4194302>:f32, 1.0E-6>
// CHECK-LABEL: func @residual_add
// CHECK: accel.vector <add> {{.*}} : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
func.func @residual_add(%x: tensor<4x8x!r>, %y: tensor<4x8x!r>) -> tensor<4x8x!r2> {
  %s = tern.add %x, %y precision <int> : tensor<4x8x!r>, tensor<4x8x!r> -> tensor<4x8x!r2>
  return %s : tensor<4x8x!r2>
}

// -----

// Integer LayerNorm: the kernel with shift k (|x| <= 4194302 over 8
// columns: (2 * 4194302 >> 9)^2 * 8 < 2^31), requantized by 2^-15 to 16
// bits, times gamma as 16-bit integers (2.0 / (2.0 / 32767) = 32767) plus
// beta at the affine's output scale, then rescaled to the result type's
// scale (here within 1e-5 of it: a multiplier of about 2^30, shift 30).
!l = !quant.uniform<i32<-4194302:4194302>:f32, 1.0E-6>
!n = !quant.uniform<i32:f32, 5.2684870590786975E-9>
// CHECK-DAG: memref.global "private" constant @[[GAMMA:ln_gamma_i32_[0-9]+]] : memref<8xi32> = dense<32767>
// CHECK-DAG: memref.global "private" constant @[[BETA:ln_beta_i32_[0-9]+]] : memref<8xi32> = dense<{{[0-9]+}}>
// CHECK-LABEL: func @layer_norm_int
// CHECK: accel.ilayernorm %{{.*}}, %[[N:.*]] params [9] : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.requant_wide %[[N]], %[[Y:.*]] multiplier 1073741824 shift 45 bits 16
// CHECK: memref.get_global @[[GAMMA]]
// CHECK: accel.vector <mul> %[[Y]], %{{.*}}, %[[Y]] : memref<4x8xi32
// CHECK: memref.get_global @[[BETA]]
// CHECK: accel.vector <add> %[[Y]], %{{.*}}, %[[Y]] : memref<4x8xi32
// CHECK: accel.requant_wide %[[Y]], %{{.*}} multiplier 10737{{[0-9][0-9][0-9][0-9][0-9]}} shift 30 bits 32
// CHECK-NOT: accel.layer_norm
func.func @layer_norm_int(%x: tensor<4x8x!l>) -> tensor<4x8x!n> {
  %g = "tosa.const"() {value = dense<2.0> : tensor<8xf32>} : () -> tensor<8xf32>
  %b = "tosa.const"() {value = dense<0.5> : tensor<8xf32>} : () -> tensor<8xf32>
  %y = tern.layer_norm %x, %g, %b epsilon 1.0E-5 precision <int> : tensor<4x8x!l>, tensor<8xf32>, tensor<8xf32> -> tensor<4x8x!n>
  return %y : tensor<4x8x!n>
}

// -----

// A scale whose i-exp constant c_i = floor(c / S^2) does not fit 32 bits
// is refused, naming the constant.
!f = !quant.uniform<i32:f32, 1.0E-6>
!o = !quant.uniform<i32<-256:256>:f32, 3.906250e-03>
func.func @softmax_scale_too_fine(%x: tensor<4x8x!f>) -> tensor<4x8x!o> {
  // expected-error @+2 {{no integer softmax constants: i-softmax: c_i = floor(c/S^2)}}
  // expected-error @+1 {{failed to legalize operation 'tern.softmax'}}
  %y = tern.softmax %x precision <int> : tensor<4x8x!f> -> tensor<4x8x!o>
  return %y : tensor<4x8x!o>
}

// -----

// A QDQ model's QuantizeLinear after an integer kernel: quant.qcast of an
// already quantized tensor is a requantization (M = 2^-10 / 2^-6 = 2^-4),
// saturating at the full-range i8's 8 bits.
!c = !quant.uniform<i32:f32, 9.765625E-4>
!d = !quant.uniform<i8:f32, 1.5625E-2>
// CHECK-LABEL: func @qcast_of_integer
// CHECK: accel.requant_wide %{{.*}}, %{{.*}} multiplier 1073741824 shift 34 bits 8 : memref<4x8xi32, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
// CHECK-NOT: accel.convert
func.func @qcast_of_integer(%x: tensor<4x8x!c>) -> tensor<4x8x!d> {
  %y = "quant.qcast"(%x) : (tensor<4x8x!c>) -> tensor<4x8x!d>
  return %y : tensor<4x8x!d>
}
