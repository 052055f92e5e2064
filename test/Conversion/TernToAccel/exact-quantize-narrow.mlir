// RUN: tern-opt %s --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8 exact-quantize=true" \
// RUN:   | FileCheck %s
// RUN: not tern-opt %s --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8" 2>&1 \
// RUN:   | FileCheck %s --check-prefix=DEFAULT

// A Clip's narrower storage range (QuantizeLinear -> Clip(-8, 7) ->
// DequantizeLinear, i8<-8:7>) is the exact quantizer's saturation range.
// CHECK-LABEL: func @narrow
// CHECK: accel.quantize %{{.*}}, %{{.*}} scale 2.500000e-01 qmin -8 qmax 7 : memref<2x8xf32, #accel.space<act>>, memref<2x8xi8, #accel.space<act>>
// cvt.b2i cannot saturate there: refused rather than saturated at int8.
// DEFAULT: error: 'quant.qcast' op quantizes to the range [-8, 7] of '!quant.uniform<i8<-8:7>:f32, 2.500000e-01>', which only the exact quantizer (cvt.f2i, --precision qdq) saturates to
!n = !quant.uniform<i8<-8:7>:f32, 0.25>
func.func @narrow(%x: tensor<2x8xf32>) -> tensor<2x8x!n> {
  %q = "quant.qcast"(%x) : (tensor<2x8xf32>) -> tensor<2x8x!n>
  return %q : tensor<2x8x!n>
}
