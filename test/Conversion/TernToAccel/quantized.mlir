// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8" | FileCheck %s
// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8 requant=swifttron" \
// RUN:   | FileCheck %s --check-prefix=SWIFT

// An int8 linear with an int8 result: weights and the int32 bias are
// quantized at compile time (0.5 / (0.5/127) = 127; 0.125 / (2/127 *
// 0.5/127) = 2016.125 -> 2016), the bias is preloaded into each i32
// accumulator tile, every K slice accumulates, and the result is
// requantized with M = (2/127)(0.5/127)/(4/127) = 1/508:
// I-BERT frexp(M) = 0.50394 * 2^-8 -> m = round(0.50394 * 2^31) =
// 1082196484, shift 31 + 8 = 39; SwiftTron: the largest shift with
// round(M * 2^s) < 2^31 is 40 -> round(2^40 / 508) = 2164392969 > 2^31 - 1,
// so s = 39 -> 1082196484.
!x = !quant.uniform<i8<-127:127>:f32, 0.015748031496062992>
!w = !quant.uniform<i8<-127:127>:f32, 0.003937007874015748>
!b = !quant.uniform<i32:f32, 6.2000124000248E-5>
!y = !quant.uniform<i8<-127:127>:f32, 0.031496062992125984>
// CHECK-DAG: memref.global "private" constant @[[W:__tern_qconstant[_0-9]*]] : memref<8x8xi8> = dense<127>
// CHECK-DAG: memref.global "private" constant @[[B:__tern_qconstant[_0-9]*]] : memref<8xi32> = dense<2016>
// CHECK-LABEL: func @linear_int8_out
// CHECK-SAME: (%[[X:.*]]: memref<4x8xi8>) -> memref<4x8xi8>
// CHECK: %[[WG:.*]] = memref.get_global @[[W]] : memref<8x8xi8>
// CHECK: %[[BG:.*]] = memref.get_global @[[B]] : memref<8xi32>
// CHECK-NEXT: %[[BGS:.*]] = memref.cast %[[BG]] : memref<8xi32> to memref<8xi32, strided<[1]>>
// CHECK: %[[ACC:.*]] = memref.alloc() : memref<4x4xi32, #accel.space<acc>>
// CHECK: %[[BROW:.*]] = memref.reinterpret_cast %[[BGS]] to offset: [0], sizes: [4], strides: [1]
// CHECK: accel.dma_broadcast %[[BROW]], %[[ACC]] : memref<4xi32, strided<[1]>>, memref<4x4xi32, #accel.space<acc>>
// CHECK: accel.dma_load %[[X]], {{.*}} : memref<4x8xi8>, memref<4x8xi8, #accel.space<act>>
// CHECK: accel.dma_load {{.*}} : memref<8x4xi8, strided<[8, 1]>>, memref<8x4xi8, #accel.space<wgt>>
// CHECK: accel.gemm %{{.*}}, %{{.*}}, %[[ACC]] accumulate : memref<4x8xi8, #accel.space<act>>, memref<8x4xi8, #accel.space<wgt>>, memref<4x4xi32, #accel.space<acc>>
// CHECK: accel.requant <ibert> %[[ACC]], %[[Q:.*]] multiplier 1082196484 shift 39 : memref<4x4xi32, #accel.space<acc>>, memref<4x4xi8, #accel.space<act>>
// CHECK: accel.dma_store %[[Q]], {{.*}} : memref<4x4xi8, #accel.space<act>>, memref<4x4xi8, strided<[8, 1]>>
// CHECK-COUNT-1: accel.requant <ibert>
// CHECK-NOT: accel.requant
// SWIFT-LABEL: func @linear_int8_out
// SWIFT-COUNT-2: accel.requant <swifttron> %{{.*}}, %{{.*}} multiplier 1082196484 shift 39
func.func @linear_int8_out(%x: tensor<4x8x!x>) -> tensor<4x8x!y> {
  %wf = "tosa.const"() {value = dense<0.5> : tensor<8x8xf32>} : () -> tensor<8x8xf32>
  %bf = "tosa.const"() {value = dense<0.125> : tensor<8xf32>} : () -> tensor<8xf32>
  %w = "quant.qcast"(%wf) : (tensor<8x8xf32>) -> tensor<8x8x!w>
  %b = "quant.qcast"(%bf) : (tensor<8xf32>) -> tensor<8x!b>
  %y = tern.linear %x, %w, %b precision <int> : tensor<4x8x!x>, tensor<8x8x!w>, tensor<8x!b> -> tensor<4x8x!y>
  return %y : tensor<4x8x!y>
}

// -----

// A float result: the accumulator (no bias: not preloaded, the first K
// slice clears it) is converted to bf16 scaled by S_x * S_w * scale =
// (2/127)(0.5/127)(0.25) = 1.55e-5; the mask is added after conversion.
// The right operand is read transposed: K's [4 x 8] block of int8
// elements, transposed by one DMA into the [8 x 4] weight tile.
!x = !quant.uniform<i8<-127:127>:f32, 0.015748031496062992>
!w = !quant.uniform<i8<-127:127>:f32, 0.003937007874015748>
// CHECK-LABEL: func @scores_float_out
// CHECK: %[[ACC:.*]] = memref.alloc() : memref<4x4xi32, #accel.space<acc>>
// CHECK-NOT: accel.dma_broadcast
// CHECK: accel.dma_load_transposed {{.*}} : memref<4x8xi8{{.*}}>, memref<8x4xi8, #accel.space<wgt>>
// CHECK: accel.gemm {{.*}}, %[[ACC]] : memref<4x8xi8, #accel.space<act>>, memref<8x4xi8, #accel.space<wgt>>, memref<4x4xi32, #accel.space<acc>>
// CHECK: accel.convert %[[ACC]], %[[OUT:.*]] scale 1.55000{{[0-9]*}}E-5 : memref<4x4xi32, #accel.space<acc>>, memref<4x4xbf16, #accel.space<act>>
// CHECK: accel.vector <add> %[[OUT]], %{{.*}}, %[[OUT]] : memref<4x4xbf16
func.func @scores_float_out(%q: tensor<1x4x8x!x>, %k: tensor<1x4x8x!w>, %m: tensor<1x1x4xf32>) -> tensor<1x4x4xf32> {
  %s = tern.matmul %q, %k mask %m transpose_rhs scale 2.500000e-01 precision <int> : tensor<1x4x8x!x>, tensor<1x4x8x!w>, tensor<1x1x4xf32> -> tensor<1x4x4xf32>
  return %s : tensor<1x4x4xf32>
}

// -----

// Run-time casts: bf16 -> i8 by 1 / S = 63.5, i8 -> bf16 by S.
!x = !quant.uniform<i8<-127:127>:f32, 0.015748031496062992>
// CHECK-LABEL: func @casts
// CHECK: accel.convert %{{.*}}, %{{.*}} scale 6.350000e+01 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
// CHECK: accel.dma_store {{.*}} : memref<4x8xi8, #accel.space<act>>
// CHECK: accel.convert %{{.*}}, %{{.*}} scale 0.0157480314 : memref<4x8xi8, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
func.func @casts(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %q = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %d = "quant.dcast"(%q) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  return %d : tensor<4x8xf32>
}

// -----

// A result scale the multiplier cannot encode (M = 2^40) is refused.
!x = !quant.uniform<i8<-127:127>:f32, 1.0>
!y = !quant.uniform<i8<-127:127>:f32, 9.094947017729282E-13>
func.func @unencodable(%a: tensor<4x8x!x>, %b: tensor<8x4x!x>) -> tensor<4x4x!y> {
  // expected-error @+2 {{'tern.matmul' op cannot requantize its result: requantization multiplier}}
  // expected-error @+1 {{failed to legalize operation 'tern.matmul'}}
  %y = tern.matmul %a, %b precision <int> : tensor<4x8x!x>, tensor<8x4x!x> -> tensor<4x4x!y>
  return %y : tensor<4x4x!y>
}

// -----

// Per-channel 4-bit weights: quantized per column at compile time
// (column scales 0.1 and 0.2/7: 0.35 -> 3.5 -> 4 and 0.05 -> 1.75 -> 2 round
// half to even / to nearest), the bias per column (0.5 / (0.1/127) = 635,
// -0.25 / ((0.2/7)/127) = -1111.25 -> -1111), the accumulator converted by
// S_x = 1/127 and multiplied by a bf16 row of the column scales.
!x = !quant.uniform<i8<-127:127>:f32, 0.0078740157480314959>
!w = !quant.uniform<i4<-7:7>:f32:1, {0.099999998297010145,0.028571428997176036}>
!b = !quant.uniform<i32:f32:0, {7.8740156139378071E-4,2.2497188186752784E-4}>
// CHECK-DAG: memref.global "private" constant @[[S:__tern_column_scales[_0-9]*]] : memref<2xbf16> = dense<[1.000980e-01, 2.856450e-02]>
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<2xi32> = dense<[635, -1111]>
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<3x2xi4> = dense<{{\[\[}}7, -7], [4, 4], [-7, 2]]>
// CHECK-LABEL: func @per_channel
// CHECK: %[[SG:.*]] = memref.get_global @[[S]]
// CHECK: accel.gemm {{.*}} accumulate : memref<4x3xi8, #accel.space<act>>, memref<3x2xi4, #accel.space<wgt>>, memref<4x2xi32, #accel.space<acc>>
// CHECK: accel.convert %{{.*}}, %[[OUT:.*]] scale 0.00787401571 : memref<4x2xi32, #accel.space<acc>>, memref<4x2xbf16, #accel.space<act>>
// CHECK: accel.dma_broadcast %[[SG]], %[[ST:.*]] : memref<2xbf16>, memref<4x2xbf16, #accel.space<act>>
// CHECK: accel.vector <mul> %[[OUT]], %[[ST]], %[[OUT]]
func.func @per_channel(%x: tensor<4x3x!x>) -> tensor<4x2xf32> {
  %wf = "tosa.const"() {value = dense<[[0.7, -0.2], [0.35, 0.1], [-0.7, 0.05]]> : tensor<3x2xf32>} : () -> tensor<3x2xf32>
  %bf = "tosa.const"() {value = dense<[0.5, -0.25]> : tensor<2xf32>} : () -> tensor<2xf32>
  %w = "quant.qcast"(%wf) : (tensor<3x2xf32>) -> tensor<3x2x!w>
  %b = "quant.qcast"(%bf) : (tensor<2xf32>) -> tensor<2x!b>
  %y = tern.linear %x, %w, %b precision <int> : tensor<4x3x!x>, tensor<3x2x!w>, tensor<2x!b> -> tensor<4x2xf32>
  return %y : tensor<4x2xf32>
}

// -----

// QDQ constants: an int8 initializer behind quant.scast becomes an integer
// global as is; dequantized for a bf16 op, it becomes the bf16 values
// (-8 * 0.25 = -2, 7 * 0.25 = 1.75).
!w = !quant.uniform<i8:f32, 0.25>
// CHECK-DAG: memref.global "private" constant @{{__tern_qconstant[_0-9]*}} : memref<2x2xi8> = dense<{{\[\[}}-8, 7], [1, 0]]>
// CHECK-DAG: memref.global "private" constant @{{__tern_dequantized[_0-9]*}} : memref<2x2xbf16> = dense<{{\[\[}}-2.000000e+00, 1.750000e+00], [2.500000e-01, 0.000000e+00]]>
// CHECK-LABEL: func @qdq_constants
// CHECK: return {{.*}} : memref<2x2xi8>, memref<2x2xbf16>
func.func @qdq_constants() -> (tensor<2x2x!w>, tensor<2x2xf32>) {
  %c = "tosa.const"() {value = dense<[[-8, 7], [1, 0]]> : tensor<2x2xi8>} : () -> tensor<2x2xi8>
  %s = "quant.scast"(%c) : (tensor<2x2xi8>) -> tensor<2x2x!w>
  %d = "quant.dcast"(%s) : (tensor<2x2x!w>) -> tensor<2x2xf32>
  return %s, %d : tensor<2x2x!w>, tensor<2x2xf32>
}
