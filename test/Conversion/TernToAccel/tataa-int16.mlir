// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8 requant=tataa" | FileCheck %s

// TATAA's int16 partial sums: the same int8 linear as quantized.mlir's
// @linear_int8_out, with requant=tataa. The int32 bias at S_x S_w =
// 6.2000124e-5 (0.125 -> 2016, +-2.48 -> +-40000) is narrowed to an int16
// global modulo 2^16 (+-40000 -> -+25536: the lanes wrap, so bias + partial
// sums equal the exact int32 sum's low 16 bits), preloaded into i16
// accumulator tiles, and the result is requantized by rq.tataa with M =
// 1/508 as a 16-bit mantissa and 5-bit exponent: the largest e <= 31 with
// round(2^e / 508) < 2^16 is 24 (2^25 / 508 = 66052 does not fit), mantissa
// round(2^24 / 508) = 33026.
!x = !quant.uniform<i8<-127:127>:f32, 0.015748031496062992>
!w = !quant.uniform<i8<-127:127>:f32, 0.003937007874015748>
!b = !quant.uniform<i32:f32, 6.2000124000248E-5>
!y = !quant.uniform<i8<-127:127>:f32, 0.031496062992125984>
// CHECK-DAG: memref.global "private" constant @[[B16:__tern_bias16_[0-9]+]] : memref<8xi16> = dense<[2016, -25536, 25536, 2016, 2016, 2016, 2016, 2016]>
// CHECK-LABEL: func @linear_int8_out
// CHECK: %[[BG:.*]] = memref.get_global @[[B16]] : memref<8xi16>
// CHECK-NEXT: %[[BGS:.*]] = memref.cast %[[BG]] : memref<8xi16> to memref<8xi16, strided<[1]>>
// CHECK: %[[ACC:.*]] = memref.alloc() : memref<4x4xi16, #accel.space<acc>>
// CHECK: %[[BROW:.*]] = memref.reinterpret_cast %[[BGS]] to offset: [0], sizes: [4], strides: [1]
// CHECK: accel.dma_broadcast %[[BROW]], %[[ACC]] : memref<4xi16, strided<[1]>>, memref<4x4xi16, #accel.space<acc>>
// CHECK: accel.gemm %{{.*}}, %{{.*}}, %[[ACC]] accumulate : memref<4x8xi8, #accel.space<act>>, memref<8x4xi8, #accel.space<wgt>>, memref<4x4xi16, #accel.space<acc>>
// CHECK: accel.requant <tataa> %[[ACC]], %[[Q:.*]] multiplier 33026 shift 24 : memref<4x4xi16, #accel.space<acc>>, memref<4x4xi8, #accel.space<act>>
// CHECK: accel.dma_store %[[Q]]
// CHECK: accel.requant <tataa> {{.*}} multiplier 33026 shift 24
// CHECK-NOT: accel.requant
// CHECK-NOT: xi32, #accel.space<acc>
func.func @linear_int8_out(%x: tensor<4x8x!x>) -> tensor<4x8x!y> {
  %wf = "tosa.const"() {value = dense<0.5> : tensor<8x8xf32>} : () -> tensor<8x8xf32>
  %bf = "tosa.const"() {value = dense<[0.125, 2.48, -2.48, 0.125, 0.125, 0.125, 0.125, 0.125]> : tensor<8xf32>} : () -> tensor<8xf32>
  %w = "quant.qcast"(%wf) : (tensor<8x8xf32>) -> tensor<8x8x!w>
  %b = "quant.qcast"(%bf) : (tensor<8xf32>) -> tensor<8x!b>
  %y = tern.linear %x, %w, %b precision <int> : tensor<4x8x!x>, tensor<8x8x!w>, tensor<8x!b> -> tensor<4x8x!y>
  return %y : tensor<4x8x!y>
}

// -----

// A float result: the i16 accumulator is converted to bf16 by S_x S_w *
// scale = 1.55e-5 (the int16 -> bf16 conversion).
!x = !quant.uniform<i8<-127:127>:f32, 0.015748031496062992>
!w = !quant.uniform<i8<-127:127>:f32, 0.003937007874015748>
// CHECK-LABEL: func @scores_float_out
// CHECK: %[[ACC:.*]] = memref.alloc() : memref<4x4xi16, #accel.space<acc>>
// CHECK: accel.gemm {{.*}}, %[[ACC]] : memref<4x8xi8, #accel.space<act>>, memref<8x4xi8, #accel.space<wgt>>, memref<4x4xi16, #accel.space<acc>>
// CHECK: accel.convert %[[ACC]], %{{.*}} scale 1.55000{{[0-9]*}}E-5 : memref<4x4xi16, #accel.space<acc>>, memref<4x4xbf16, #accel.space<act>>
func.func @scores_float_out(%q: tensor<1x4x8x!x>, %k: tensor<1x4x8x!w>) -> tensor<1x4x4xf32> {
  %s = tern.matmul %q, %k transpose_rhs scale 2.500000e-01 precision <int> : tensor<1x4x8x!x>, tensor<1x4x8x!w> -> tensor<1x4x4xf32>
  return %s : tensor<1x4x4xf32>
}

// -----

// The int16 bias is narrowed at compile time: a run-time bias is refused.
!x = !quant.uniform<i8<-127:127>:f32, 0.015748031496062992>
!w = !quant.uniform<i8<-127:127>:f32, 0.003937007874015748>
!b = !quant.uniform<i32:f32, 6.2000124000248E-5>
func.func @runtime_bias(%x: tensor<4x8x!x>, %w: tensor<8x8x!w>, %b: tensor<8x!b>) -> tensor<4x8xf32> {
  // expected-error @+2 {{'tern.linear' op a bias that is not a compile-time constant is not lowered with the 'i16' accumulator}}
  // expected-error @+1 {{failed to legalize operation 'tern.linear'}}
  %y = tern.linear %x, %w, %b precision <int> : tensor<4x8x!x>, tensor<8x8x!w>, tensor<8x!b> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
