// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests casts between float types (ONNX Cast / CastLike): every float tensor
// is held as bf16, so the cast keeps the buffer and emits nothing.
// CHECK-LABEL: func @cast_float_to_float
// CHECK-SAME: (%[[X:[^:]*]]: memref<3x4xbf16>)
// CHECK-NOT: accel.
// CHECK: return %[[X]] : memref<3x4xbf16>
func.func @cast_float_to_float(%x: tensor<3x4xf32>) -> tensor<3x4xf16> {
  %y = tosa.cast %x : (tensor<3x4xf32>) -> tensor<3x4xf16>
  return %y : tensor<3x4xf16>
}

// -----

// Tests an integer to float cast: the i32 tile converted by the
// requantization unit (cvt.i2b, scale 1).
// CHECK-LABEL: func @cast_int_to_float
// CHECK: accel.dma_load %{{.*}}, %[[I:[^ ]*]] : memref<3x4xi32{{.*}}>, memref<3x4xi32, #accel.space<act>>
// CHECK: accel.convert %[[I]], %[[F:[^ ]*]] : memref<3x4xi32, #accel.space<act>>, memref<3x4xbf16, #accel.space<act>>
// CHECK: accel.dma_store %[[F]]
func.func @cast_int_to_float(%x: tensor<3x4xi64>) -> tensor<3x4xf32> {
  %y = tosa.cast %x : (tensor<3x4xi64>) -> tensor<3x4xf32>
  return %y : tensor<3x4xf32>
}

// -----

// Tests a float to integer cast: cvt.b2w's truncation toward zero into an
// i32 tile (int64 tensors are held as int32).
// CHECK-LABEL: func @cast_float_to_int
// CHECK: accel.dma_load %{{.*}}, %[[F:[^ ]*]] : memref<3x4xbf16{{.*}}>, memref<3x4xbf16, #accel.space<act>>
// CHECK: accel.convert %[[F]], %[[I:[^ ]*]] : memref<3x4xbf16, #accel.space<act>>, memref<3x4xi32, #accel.space<act>>
// CHECK: accel.dma_store %[[I]]
func.func @cast_float_to_int(%x: tensor<3x4xf32>) -> tensor<3x4xi64> {
  %y = tosa.cast %x : (tensor<3x4xf32>) -> tensor<3x4xi64>
  return %y : tensor<3x4xi64>
}

// -----

// Tests integer and boolean constants that are program outputs (ONNX Shape,
// Size, ConstantOfShape, Range, Dropout's mask, folded at import): an i32
// global, and bf16 0 / 1 for booleans.
// CHECK-DAG: memref.global "private" constant @[[S:[^ ]*]] : memref<3xi32> = dense<[3, 4, 5]>
// CHECK-DAG: memref.global "private" constant @[[M:[^ ]*]] : memref<2xbf16> = dense<[1.000000e+00, 0.000000e+00]>
// CHECK-LABEL: func @integer_outputs
// CHECK-DAG: %[[SG:.*]] = memref.get_global @[[S]] : memref<3xi32>
// CHECK-DAG: %[[MG:.*]] = memref.get_global @[[M]] : memref<2xbf16>
// CHECK: return %[[SG]], %[[MG]]
func.func @integer_outputs() -> (tensor<3xi64>, tensor<2xi1>) {
  %s = "tosa.const"() <{value = dense<[3, 4, 5]> : tensor<3xi64>}> : () -> tensor<3xi64>
  %m = "tosa.const"() <{value = dense<[true, false]> : tensor<2xi1>}> : () -> tensor<2xi1>
  return %s, %m : tensor<3xi64>, tensor<2xi1>
}

// -----

// Tests x * reciprocal(d), the importer's x / d: one correctly rounded
// division on the SFU (rsfu.div), reading d itself; no reciprocal is
// computed.
// CHECK-LABEL: func @divide
// CHECK-NOT: <rdiv>
// CHECK: accel.dma_load %{{.*}}, %[[X:[^ ]*]] :
// CHECK: accel.dma_load %{{.*}}, %[[D:[^ ]*]] :
// CHECK: accel.vector <div> %[[X]], %[[D]], %[[Q:[^ ]*]] :
// CHECK: accel.dma_store %[[Q]]
// CHECK-NOT: <rdiv>
func.func @divide(%x: tensor<4x8xf32>, %d: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = tosa.reciprocal %d : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = tosa.mul %r, %x {shift = 0 : i8} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests a divisor with one value per row (a LayerNorm's standard deviation):
// the division reads it as a column (bmode=col).
// CHECK-LABEL: func @divide_by_column
// CHECK-NOT: <rdiv>
// CHECK: accel.vector_column <div> %{{.*}}, %{{.*}}, %{{.*}} : memref<4x8xbf16, #accel.space<act>>, memref<4x1xbf16, #accel.space<act>>
func.func @divide_by_column(%x: tensor<4x8xf32>, %d: tensor<4x1xf32>) -> tensor<4x8xf32> {
  %r = tosa.reciprocal %d : (tensor<4x1xf32>) -> tensor<4x1xf32>
  %y = tosa.mul %x, %r {shift = 0 : i8} : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// A reciprocal that is also used elsewhere (here an output, as in the
// expanded LayerNormalization's InvStdDev after CSE) is computed for that
// use (1 / d), and the product still divides, reading d.
// CHECK-LABEL: func @reciprocal_kept
// CHECK: accel.vector_const <rdiv>
// CHECK: accel.dma_load %{{.*}}, %[[X:[^ ]*]] :
// CHECK: accel.dma_load %{{.*}}, %[[D:[^ ]*]] :
// CHECK: accel.vector <div> %[[X]], %[[D]], %{{.*}} :
func.func @reciprocal_kept(%x: tensor<4x8xf32>, %d: tensor<4x8xf32>) -> (tensor<4x8xf32>, tensor<4x8xf32>) {
  %r = tosa.reciprocal %d : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = tosa.mul %x, %r {shift = 0 : i8} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y, %r : tensor<4x8xf32>, tensor<4x8xf32>
}

// -----

// A product of two reciprocals stays a product (neither is the dividend).
// CHECK-LABEL: func @two_reciprocals
// CHECK-NOT: <div>
// CHECK: accel.vector <mul>
// CHECK-NOT: <div>
func.func @two_reciprocals(%x: tensor<4x8xf32>, %d: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %r = tosa.reciprocal %d : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %s = tosa.reciprocal %x : (tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = tosa.mul %s, %r {shift = 0 : i8} : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}
