// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests one run-time value per row (a LayerNorm mean, [2, 3, 1] against
// [2, 3, 8]): the six values are loaded as a 6x1 column tile and the vector
// unit broadcasts them (accel.vector_column, bmode=col).
// CHECK-LABEL: func.func @sub_column
// CHECK: %[[X:.+]] = memref.alloc() : memref<6x8xbf16, #accel.space<act>>
// CHECK: %[[D:.+]] = memref.alloc() : memref<6x8xbf16, #accel.space<act>>
// CHECK: %[[C:.+]] = memref.alloc() : memref<6x1xbf16, #accel.space<act>>
// CHECK: %[[MV:.+]] = memref.reinterpret_cast %arg1 to offset: [0], sizes: [6, 1], strides: [1, 1]
// CHECK: accel.dma_load %[[MV]], %[[C]]
// CHECK: accel.vector_column <sub> %[[X]], %[[C]], %[[D]] : memref<6x8xbf16, #accel.space<act>>, memref<6x1xbf16, #accel.space<act>>, memref<6x8xbf16, #accel.space<act>>
// CHECK-NOT: accel.vector_const
func.func @sub_column(%x: tensor<2x3x8xf32>, %m: tensor<2x3x1xf32>) -> tensor<2x3x8xf32> {
  %y = tosa.sub %x, %m : (tensor<2x3x8xf32>, tensor<2x3x1xf32>) -> tensor<2x3x8xf32>
  return %y : tensor<2x3x8xf32>
}

// -----

// Tests m - x with the column on the left: x - m on the vector unit, then
// negated (exact in bf16).
// CHECK-LABEL: func.func @column_minus
// CHECK: accel.vector_column <sub> %[[X:[^,]+]], %[[C:[^,]+]], %[[D:[^ ]+]] :
// CHECK-NEXT: accel.vector_const <mul> %[[D]], %[[D]] -1.000000e+00
func.func @column_minus(%x: tensor<4x8xf32>, %m: tensor<4x1xf32>) -> tensor<4x8xf32> {
  %y = tosa.sub %m, %x : (tensor<4x1xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests a run-time scalar (Gemm's C of shape [1], a Pow exponent): one DMA
// broadcasts the element into every row of the column tile.
// CHECK-LABEL: func.func @scalar_mul
// CHECK: %[[C:.+]] = memref.alloc() : memref<4x1xbf16, #accel.space<act>>
// CHECK: %[[SV:.+]] = memref.reinterpret_cast %arg1 to offset: [0], sizes: [1], strides: [1]
// CHECK: accel.dma_broadcast %[[SV]], %[[C]] : memref<1xbf16, strided<[1]>>, memref<4x1xbf16, #accel.space<act>>
// CHECK: accel.vector_column <mul> %{{.*}}, %[[C]], %{{.*}} :
func.func @scalar_mul(%x: tensor<4x8xf32>, %s: tensor<1x1xf32>) -> tensor<4x8xf32> {
  %y = tosa.mul %x, %s {shift = 0 : i8} : (tensor<4x8xf32>, tensor<1x1xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests a run-time [2, 1, 8] operand against [2, 3, 8]: no vector-unit
// broadcast, but each batch's row is DMA-broadcast into its three rows of
// the operand tile, and the tiles are added element-wise.
// CHECK-LABEL: func.func @outer_rows
// CHECK: accel.dma_load
// CHECK: memref.alloc() : memref<6x8xbf16, #accel.space<act>>
// CHECK: %[[T:.+]] = memref.alloc() : memref<6x8xbf16, #accel.space<act>>
// CHECK-NEXT: %[[TS:.+]] = memref.cast %[[T]] : memref<6x8xbf16, #accel.space<act>> to memref<6x8xbf16, strided<[8, 1]>, #accel.space<act>>
// CHECK: %[[T0:.+]] = memref.reinterpret_cast %[[TS]] to offset: [0], sizes: [3, 8], strides: [8, 1]
// CHECK: %[[R0:.+]] = memref.reinterpret_cast %arg1 to offset: [0], sizes: [8], strides: [1]
// CHECK: accel.dma_broadcast %[[R0]], %[[T0]]
// CHECK: %[[T1:.+]] = memref.reinterpret_cast %[[TS]] to offset: [24], sizes: [3, 8], strides: [8, 1]
// CHECK: %[[R1:.+]] = memref.reinterpret_cast %arg1 to offset: [8], sizes: [8], strides: [1]
// CHECK: accel.dma_broadcast %[[R1]], %[[T1]]
// CHECK: accel.vector <add> %{{.*}}, %[[T]], %{{.*}} : memref<6x8xbf16
func.func @outer_rows(%x: tensor<2x3x8xf32>, %b: tensor<2x1x8xf32>) -> tensor<2x3x8xf32> {
  %y = tosa.add %x, %b : (tensor<2x3x8xf32>, tensor<2x1x8xf32>) -> tensor<2x3x8xf32>
  return %y : tensor<2x3x8xf32>
}

// -----

// Tests a [2, 1, 1] operand (one value per batch) against [2, 3, 8]: each
// value is broadcast into three rows of the column tile.
// CHECK-LABEL: func.func @outer_column
// CHECK: %[[C:.+]] = memref.alloc() : memref<6x1xbf16, #accel.space<act>>
// CHECK-NEXT: %[[CS:.+]] = memref.cast %[[C]] : memref<6x1xbf16, #accel.space<act>> to memref<6x1xbf16, strided<[1, 1]>, #accel.space<act>>
// CHECK: %[[C0:.+]] = memref.reinterpret_cast %[[CS]] to offset: [0], sizes: [3, 1], strides: [1, 1]
// CHECK: accel.dma_broadcast %{{.*}}, %[[C0]] : memref<1xbf16, strided<[1]>>
// CHECK: %[[C1:.+]] = memref.reinterpret_cast %[[CS]] to offset: [3], sizes: [3, 1], strides: [1, 1]
// CHECK: accel.dma_broadcast %{{.*}}, %[[C1]] : memref<1xbf16, strided<[1], offset: 1>>
// CHECK: accel.vector_column <max> %{{.*}}, %[[C]], %{{.*}} :
func.func @outer_column(%x: tensor<2x3x8xf32>, %b: tensor<2x1x1xf32>) -> tensor<2x3x8xf32> {
  %y = tosa.maximum %x, %b : (tensor<2x3x8xf32>, tensor<2x1x1xf32>) -> tensor<2x3x8xf32>
  return %y : tensor<2x3x8xf32>
}

// -----

// Tests a column against a row ([4, 1] * [1, 8]): the row is broadcast by
// DMA into a full tile, which takes the column.
// CHECK-LABEL: func.func @col_times_row
// CHECK: accel.dma_broadcast %{{.*}}, %[[R:[^ ]+]] : memref<8xbf16, strided<[1]>>, memref<4x8xbf16, #accel.space<act>>
// CHECK: accel.vector_column <mul> %[[R]], %{{.*}}, %{{.*}} : memref<4x8xbf16, #accel.space<act>>, memref<4x1xbf16, #accel.space<act>>
func.func @col_times_row(%c: tensor<4x1xf32>, %r: tensor<1x8xf32>) -> tensor<4x8xf32> {
  %y = tosa.mul %c, %r {shift = 0 : i8} : (tensor<4x1xf32>, tensor<1x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests an int32 minimum with a column: a + b - max(a, b), the first two with
// the column broadcast.
// CHECK-LABEL: func.func @min_col_i32
// CHECK: accel.vector_column <max> %[[A:[^,]+]], %[[C:[^,]+]], %[[D:[^ ]+]] : memref<4x8xi32
// CHECK-NEXT: accel.vector_column <add> %[[A]], %[[C]], %[[A]]
// CHECK-NEXT: accel.vector <sub> %[[A]], %[[D]], %[[D]]
func.func @min_col_i32(%x: tensor<4x8xi32>, %c: tensor<4x1xi32>) -> tensor<4x8xi32> {
  %y = tosa.minimum %x, %c : (tensor<4x8xi32>, tensor<4x1xi32>) -> tensor<4x8xi32>
  return %y : tensor<4x8xi32>
}
