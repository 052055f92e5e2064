// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8 exact-quantize=true" \
// RUN:   | FileCheck %s
// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   --convert-tern-to-accel="tile-m=4 tile-n=4 tile-k=8" \
// RUN:   | FileCheck %s --check-prefix=DEFAULT

// exact-quantize (--precision qdq): a run-time quant.qcast is the exact
// quantizer accel.quantize with the f32 scale itself (not a bf16 1/S), and
// a function argument used only by such casts stays f32 in DRAM (the
// program input is not rounded to bf16 before quantization).
// CHECK-LABEL: func @input
// CHECK-SAME: (%{{.*}}: memref<2x8xf32>) -> memref<2x8xi8>
// CHECK: accel.dma_load {{.*}} : memref<2x8xf32{{.*}}>, memref<2x8xf32, #accel.space<act>>
// CHECK: accel.quantize %{{.*}}, %{{.*}} scale 3.919650e-03 zp -128 : memref<2x8xf32, #accel.space<act>>, memref<2x8xi8, #accel.space<act>>
// CHECK-NOT: accel.convert
// Without it: a bf16 argument and cvt.b2i by 1/S.
// DEFAULT-LABEL: func @input
// DEFAULT-SAME: (%{{.*}}: memref<2x8xbf16>) -> memref<2x8xi8>
// DEFAULT: accel.convert %{{.*}}, %{{.*}} scale 255.124{{[0-9]*}} zp -128 : memref<2x8xbf16, #accel.space<act>>, memref<2x8xi8, #accel.space<act>>
// DEFAULT-NOT: accel.quantize
!x = !quant.uniform<u8:f32, 0.0039196498:0>
func.func @input(%x: tensor<2x8xf32>) -> tensor<2x8x!x> {
  %q = "quant.qcast"(%x) : (tensor<2x8xf32>) -> tensor<2x8x!x>
  return %q : tensor<2x8x!x>
}

// -----

// An argument with another use stays bf16; its cast still divides by S.
// CHECK-LABEL: func @shared_input
// CHECK-SAME: (%{{.*}}: memref<2x8xbf16>)
// CHECK: accel.quantize %{{.*}}, %{{.*}} scale 2.500000e-01 : memref<2x8xbf16, #accel.space<act>>, memref<2x8xi8, #accel.space<act>>
// DEFAULT-LABEL: func @shared_input
// DEFAULT: accel.convert %{{.*}}, %{{.*}} scale 4.000000e+00 : memref<2x8xbf16, #accel.space<act>>, memref<2x8xi8, #accel.space<act>>
!n = !quant.uniform<i8:f32, 0.25>
func.func @shared_input(%x: tensor<2x8xf32>) -> (tensor<2x8x!n>, tensor<2x8xf32>) {
  %q = "quant.qcast"(%x) : (tensor<2x8xf32>) -> tensor<2x8x!n>
  %y = tosa.add %x, %x : (tensor<2x8xf32>, tensor<2x8xf32>) -> tensor<2x8xf32>
  return %q, %y : tensor<2x8x!n>, tensor<2x8xf32>
}
