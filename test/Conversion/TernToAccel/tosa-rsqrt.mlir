// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests that tosa.rsqrt is the SFU's inverse square root (bsfu.isqrt) on
// row tiles: 40 rows of 8 in two tiles (tile-m 32).
// CHECK-LABEL: func @rsqrt
// CHECK: accel.dma_load {{.*}}, memref<32x8xbf16, #accel.space<act>>
// CHECK: accel.rsqrt %{{.*}}, %{{.*}} : memref<32x8xbf16, #accel.space<act>>, memref<32x8xbf16, #accel.space<act>>
// CHECK: accel.dma_store
// CHECK: accel.rsqrt %{{.*}}, %{{.*}} : memref<8x8xbf16, #accel.space<act>>, memref<8x8xbf16, #accel.space<act>>
// CHECK-NOT: accel.rsqrt
func.func @rsqrt(%x: tensor<40x8xf32>) -> tensor<40x8xf32> {
  %y = tosa.rsqrt %x : (tensor<40x8xf32>) -> tensor<40x8xf32>
  return %y : tensor<40x8xf32>
}

// -----

// Tests the run-time scalar of Adam's bias correction (tern-apply-optimizer):
// a [1, 1] input times a [numel, 1] view is a one-column row broadcast by DMA.
// CHECK-LABEL: func @scalar
// CHECK: accel.dma_load {{.*}}, memref<16x1xbf16, #accel.space<act>>
// CHECK: accel.dma_broadcast {{.*}}, memref<16x1xbf16, #accel.space<act>>
// CHECK: accel.vector <mul> {{.*}} : memref<16x1xbf16, #accel.space<act>>, memref<16x1xbf16, #accel.space<act>>, memref<16x1xbf16, #accel.space<act>>
func.func @scalar(%m: tensor<16x1xf32>, %c: tensor<1x1xf32>) -> tensor<16x1xf32> {
  %y = tosa.mul %m, %c {shift = 0 : i8} : (tensor<16x1xf32>, tensor<1x1xf32>) -> tensor<16x1xf32>
  return %y : tensor<16x1xf32>
}
