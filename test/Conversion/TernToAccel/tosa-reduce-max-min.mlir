// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests tosa.reduce_max over the last axis: vrmax along each row.
// CHECK-LABEL: func @max_last
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] : {{.*}}, memref<6x5xbf16, #accel.space<act>>
// CHECK-NOT: accel.vector_const
// CHECK: accel.reduce <max> %[[A]], %[[M:[^ ]*]] : memref<6x5xbf16, #accel.space<act>>, memref<6x1xbf16, #accel.space<act>>
// CHECK: accel.dma_store %[[M]]
func.func @max_last(%x: tensor<2x3x5xf32>) -> tensor<2x3x1xf32> {
  %y = tosa.reduce_max %x {axis = 2 : i32} : (tensor<2x3x5xf32>) -> tensor<2x3x1xf32>
  return %y : tensor<2x3x1xf32>
}

// -----

// Tests tosa.reduce_min over the last axis: -max(-x).
// CHECK-LABEL: func @min_last
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] :
// CHECK: accel.vector_const <mul> %[[A]], %[[A]] -1.000000e+00
// CHECK: accel.reduce <max> %[[A]], %[[M:[^ ]*]] :
// CHECK: accel.vector_const <mul> %[[M]], %[[M]] -1.000000e+00
// CHECK: accel.dma_store %[[M]]
func.func @min_last(%x: tensor<2x3x5xf32>) -> tensor<2x3x1xf32> {
  %y = tosa.reduce_min %x {axis = 2 : i32} : (tensor<2x3x5xf32>) -> tensor<2x3x1xf32>
  return %y : tensor<2x3x1xf32>
}

// -----

// Tests a reduction over a middle axis: for each of the 2 outer indices,
// the 3 rows of 5 folded by vmax into the first.
// CHECK-LABEL: func @max_middle
// CHECK: accel.dma_load %{{.*}}, %[[R0:[^ ]*]] : {{.*}}, memref<1x5xbf16, #accel.space<act>>
// CHECK: accel.dma_load %{{.*}}, %[[R1:[^ ]*]] :
// CHECK: accel.vector <max> %[[R0]], %[[R1]], %[[R0]] :
// CHECK: accel.dma_load %{{.*}}, %[[R2:[^ ]*]] :
// CHECK: accel.vector <max> %[[R0]], %[[R2]], %[[R0]] :
// CHECK: accel.dma_store %[[R0]]
// CHECK-COUNT-2: accel.vector <max>
// CHECK: accel.dma_store {{.*}} offset: 5
// CHECK-NOT: accel.vector
func.func @max_middle(%x: tensor<2x3x5xf32>) -> tensor<2x1x5xf32> {
  %y = tosa.reduce_max %x {axis = 1 : i32} : (tensor<2x3x5xf32>) -> tensor<2x1x5xf32>
  return %y : tensor<2x1x5xf32>
}

// -----

// Tests an i32 maximum (no negation needed).
// CHECK-LABEL: func @max_i32
// CHECK: accel.reduce <max> {{.*}} : memref<4x8xi32, #accel.space<act>>, memref<4x1xi32, #accel.space<act>>
func.func @max_i32(%x: tensor<4x8xi32>) -> tensor<4x1xi32> {
  %y = tosa.reduce_max %x {axis = 1 : i32} : (tensor<4x8xi32>) -> tensor<4x1xi32>
  return %y : tensor<4x1xi32>
}

// -----

// A row wider than the 12-bit column fields (5000) is reduced in chunks of
// 4095 and 905 columns, their maxima folded by vmax.
// CHECK-LABEL: func @reduce_max_wide
// CHECK: accel.reduce <max> %{{.*}}, %[[M:.+]] : memref<2x4095xbf16, #accel.space<act>>, memref<2x1xbf16
// CHECK: accel.reduce <max> %{{.*}}, %[[M2:.+]] : memref<2x905xbf16, #accel.space<act>>, memref<2x1xbf16
// CHECK: accel.vector <max> %[[M]], %[[M2]], %[[M]]
// CHECK: accel.dma_store %[[M]]
func.func @reduce_max_wide(%x: tensor<2x5000xf32>) -> tensor<2x1xf32> {
  %y = tosa.reduce_max %x {axis = 1 : i32} : (tensor<2x5000xf32>) -> tensor<2x1xf32>
  return %y : tensor<2x1xf32>
}

// -----

// A minimum over the middle axis with a 5000-wide inner dimension: each
// chunk of the inner dimension is folded on its own (negated: -max(-x)).
// CHECK-LABEL: func @reduce_min_wide_inner
// CHECK-COUNT-2: accel.vector <max> {{.*}} : memref<1x4095xbf16
// CHECK: accel.dma_store {{.*}} : memref<1x4095xbf16, #accel.space<act>>, memref<1x4095xbf16, strided<[5000, 1]>>
// CHECK-COUNT-2: accel.vector <max> {{.*}} : memref<1x905xbf16
// CHECK: accel.dma_store {{.*}} : memref<1x905xbf16, #accel.space<act>>, memref<1x905xbf16, strided<[5000, 1], offset: 4095>>
func.func @reduce_min_wide_inner(%x: tensor<1x3x5000xf32>) -> tensor<1x1x5000xf32> {
  %y = tosa.reduce_min %x {axis = 1 : i32} : (tensor<1x3x5000xf32>) -> tensor<1x1x5000xf32>
  return %y : tensor<1x1x5000xf32>
}
