// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests that tosa.exp is the SFU's element-wise function unit (rsfu.fn) on
// row tiles: 40 rows of 8 in two tiles (tile-m 32), each loaded, computed
// and stored.
// CHECK-LABEL: func @exp
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] : {{.*}}memref<32x8xbf16, #accel.space<act>>
// CHECK: accel.sfu_fn <exp> %[[A]], %[[B:[^ ]*]] : memref<32x8xbf16, #accel.space<act>>, memref<32x8xbf16, #accel.space<act>>
// CHECK: accel.dma_store %[[B]]
// CHECK: accel.dma_load %{{.*}}, %[[C:[^ ]*]] : {{.*}}memref<8x8xbf16, #accel.space<act>>
// CHECK: accel.sfu_fn <exp> %[[C]], %[[D:[^ ]*]] : memref<8x8xbf16, #accel.space<act>>, memref<8x8xbf16, #accel.space<act>>
// CHECK: accel.dma_store %[[D]]
// CHECK-NOT: accel.sfu_fn
func.func @exp(%x: tensor<40x8xf32>) -> tensor<40x8xf32> {
  %y = tosa.exp %x : (tensor<40x8xf32>) -> tensor<40x8xf32>
  return %y : tensor<40x8xf32>
}

// -----

// CHECK-LABEL: func @tanh
// CHECK: accel.sfu_fn <tanh> %{{.*}}, %{{.*}} : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
// CHECK-NOT: accel.sfu_fn
func.func @tanh(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = tosa.tanh %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// CHECK-LABEL: func @sigmoid
// CHECK: accel.sfu_fn <sigmoid> %{{.*}}, %{{.*}} : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
// CHECK-NOT: accel.sfu_fn
func.func @sigmoid(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = tosa.sigmoid %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests a rank-3 tensor: element-wise, so viewed as rows of the last
// dimension.
// CHECK-LABEL: func @erf
// CHECK: accel.sfu_fn <erf> %{{.*}}, %{{.*}} : memref<6x5xbf16, #accel.space<act>>, memref<6x5xbf16, #accel.space<act>>
// CHECK-NOT: accel.sfu_fn
func.func @erf(%x: tensor<2x3x5xf32>) -> tensor<2x3x5xf32> {
  %y = tosa.erf %x : (tensor<2x3x5xf32>) -> tensor<2x3x5xf32>
  return %y : tensor<2x3x5xf32>
}

// -----

// CHECK-LABEL: func @log
// CHECK: accel.sfu_fn <log> %{{.*}}, %{{.*}} : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
// CHECK-NOT: accel.sfu_fn
func.func @log(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = tosa.log %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
