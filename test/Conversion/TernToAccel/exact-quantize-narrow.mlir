// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8 exact-quantize=true" \
// RUN:   | FileCheck %s
// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8" \
// RUN:   | FileCheck %s --check-prefix=DEFAULT

// A Clip's narrower storage range (QuantizeLinear -> Clip(-8, 7) ->
// DequantizeLinear, i8<-8:7>) is the exact quantizer's saturation range.
// CHECK-LABEL: func @narrow
// CHECK: accel.quantize %{{.*}}, %{{.*}} scale 2.500000e-01 qmin -8 qmax 7 : memref<2x8xf32, #accel.space<act>>, memref<2x8xi8, #accel.space<act>>
// cvt.b2i cannot saturate there: without exact-quantize (a bf16 input) the
// cast still takes cvt.f2i.
// DEFAULT-LABEL: func @narrow
// DEFAULT: accel.quantize %{{.*}}, %{{.*}} scale 2.500000e-01 qmin -8 qmax 7 : memref<2x8xbf16, #accel.space<act>>, memref<2x8xi8, #accel.space<act>>
!n = !quant.uniform<i8<-8:7>:f32, 0.25>
func.func @narrow(%x: tensor<2x8xf32>) -> tensor<2x8x!n> {
  %q = "quant.qcast"(%x) : (tensor<2x8xf32>) -> tensor<2x8x!n>
  return %q : tensor<2x8x!n>
}

// -----

// The Clip chain as the importer leaves it under `--precision bf16` (no
// tern-quantize): folded into the QuantizeLinear's narrower range; the
// DequantizeLinear reads those codes.
// CHECK-LABEL: func @clip_chain
// CHECK: accel.quantize %{{.*}}, %{{.*}} scale 5.000000e-02 qmin -8 qmax 7
// CHECK: accel.convert %{{.*}}, %{{.*}} scale 5.000000e-02 : memref<4x8xi8, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
// CHECK-NOT: tosa.clamp
// DEFAULT-LABEL: func @clip_chain
// DEFAULT: accel.quantize %{{.*}}, %{{.*}} scale 5.000000e-02 qmin -8 qmax 7 : memref<4x8xbf16
!x = !quant.uniform<i8:f32, 0.05>
func.func @clip_chain(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %xq = "quant.qcast"(%x) : (tensor<4x8xf32>) -> tensor<4x8x!x>
  %xi = "quant.scast"(%xq) : (tensor<4x8x!x>) -> tensor<4x8xi8>
  %xc = tosa.clamp %xi {min_int = -8 : i64, max_int = 7 : i64, min_fp = -8.0 : f32, max_fp = 7.0 : f32} : (tensor<4x8xi8>) -> tensor<4x8xi8>
  %xs = "quant.scast"(%xc) : (tensor<4x8xi8>) -> tensor<4x8x!x>
  %xd = "quant.dcast"(%xs) : (tensor<4x8x!x>) -> tensor<4x8xf32>
  return %xd : tensor<4x8xf32>
}
