// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8" | FileCheck %s
// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8 requant=elastic" \
// RUN:   | FileCheck %s --check-prefix=ELASTIC

// A linear with an asymmetric uint8 input (zero point 3, held as int8 with
// zero point 3 - 128 = -125) and a symmetric int8 weight: -Zx * colsum(W)
// is folded into the int32 bias at compile time. W = [[1, 4], [2, 5],
// [3, 6]] has column sums 6, 15; bias [100, -7]:
//   100 + 125 * 6 = 850, -7 + 125 * 15 = 1868.
// The uint8 result (zero point 7 -> -121) gets its zero point from the
// requantizer: M = 0.05 * 0.25 / 0.1 = 0.125 = 0.5 * 2^-2 -> I-BERT
// multiplier 2^30, shift 33, zero_point -121, and `relu` clamps at it.
// CHECK-DAG: memref.global "private" constant @[[ZB:__tern_zp_bias_0]] : memref<2xi32> = dense<[850, 1868]>
// CHECK-LABEL: func @asymmetric_input
// CHECK: %[[BG:.*]] = memref.get_global @[[ZB]] : memref<2xi32>
// CHECK: accel.dma_broadcast {{.*}}, %[[ACC:.*]] :
// CHECK: accel.gemm
// CHECK: accel.requant <ibert> %[[ACC]], %{{.*}} multiplier 1073741824 shift 33 zero_point -121 relu
// ELASTIC: accel.requant <elastic> {{.*}} zero_point -121 relu
!x = !quant.uniform<u8:f32, 0.05:3>
!w = !quant.uniform<i8:f32, 0.25>
!b = !quant.uniform<i32:f32, 0.0125>
!y = !quant.uniform<u8:f32, 0.1:7>
func.func @asymmetric_input(%x: tensor<4x3x!x>) -> tensor<4x2x!y> {
  %wc = "tosa.const"() <{value = dense<[[1, 4], [2, 5], [3, 6]]> : tensor<3x2xi8>}> : () -> tensor<3x2xi8>
  %w = "quant.scast"(%wc) : (tensor<3x2xi8>) -> tensor<3x2x!w>
  %bc = "tosa.const"() <{value = dense<[100, -7]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %b = "quant.scast"(%bc) : (tensor<2xi32>) -> tensor<2x!b>
  %y = tern.linear %x, %w, %b precision <int> relu : tensor<4x3x!x>, tensor<3x2x!w>, tensor<2x!b> -> tensor<4x2x!y>
  return %y : tensor<4x2x!y>
}

// -----

// Without a bias the fold is the bias: zero point -128 (uint8 zero point
// 0) on a weight quantized at compile time (0.5 / (0.5 / 127) = 127): the
// column sums are 8 * 127 = 1016, 128 * 1016 = 130048. The float result is
// the accumulator converted by the product scale.
// CHECK-DAG: memref.global "private" constant @[[ZB:__tern_zp_bias_0]] : memref<8xi32> = dense<130048>
// CHECK-LABEL: func @no_bias
// CHECK: memref.get_global @[[ZB]]
// CHECK: accel.dma_broadcast
// CHECK: accel.convert
!x = !quant.uniform<u8:f32, 0.015748031496062992>
!w = !quant.uniform<i8<-127:127>:f32, 0.003937007874015748>
func.func @no_bias(%x: tensor<4x8x!x>) -> tensor<4x8xf32> {
  %wf = "tosa.const"() {value = dense<0.5> : tensor<8x8xf32>} : () -> tensor<8x8xf32>
  %w = "quant.qcast"(%wf) : (tensor<8x8xf32>) -> tensor<8x8x!w>
  %y = tern.linear %x, %w precision <int> : tensor<4x8x!x>, tensor<8x8x!w> -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
