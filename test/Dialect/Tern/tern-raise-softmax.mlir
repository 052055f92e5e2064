// RUN: tern-opt %s -split-input-file --pass-pipeline='builtin.module(func.func(tern-raise-softmax))' | FileCheck %s

// Tests ONNX's Softmax function body over the last axis (the importer makes
// Div a product by the reciprocal): one tern.softmax of x, the chain gone.
// CHECK-LABEL: func.func @softmax_last
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// CHECK-NEXT: %[[Y:.*]] = tern.softmax %[[X]] : tensor<2x4xf32> -> tensor<2x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @softmax_last(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = tosa.reduce_max %x {axis = 1 : i32} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %1 = tosa.sub %x, %0 : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %2 = tosa.exp %1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = tosa.reduce_sum %2 {axis = 1 : i32} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %4 = tosa.reciprocal %3 : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %5 = tosa.mul %2, %4 {shift = 0 : i8} : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %5 : tensor<2x4xf32>
}

// -----

// Tests the reciprocal first and a reduction over axis 0: the axis moves
// last (perm [1, 2, 0]) and back (perm [2, 0, 1]).
// CHECK-LABEL: func.func @softmax_axis0
// CHECK-SAME: (%[[X:.*]]: tensor<3x4x5xf32>)
// CHECK-DAG: %[[P:.*]] = "tosa.const"() <{value = dense<[1, 2, 0]> : tensor<3xi32>}>
// CHECK-DAG: %[[Q:.*]] = "tosa.const"() <{value = dense<[2, 0, 1]> : tensor<3xi32>}>
// CHECK: %[[T:.*]] = tosa.transpose %[[X]], %[[P]] : (tensor<3x4x5xf32>, tensor<3xi32>) -> tensor<4x5x3xf32>
// CHECK: %[[S:.*]] = tern.softmax %[[T]] : tensor<4x5x3xf32> -> tensor<4x5x3xf32>
// CHECK: %[[Y:.*]] = tosa.transpose %[[S]], %[[Q]] : (tensor<4x5x3xf32>, tensor<3xi32>) -> tensor<3x4x5xf32>
// CHECK-NOT: tosa.exp
// CHECK: return %[[Y]]
func.func @softmax_axis0(%x: tensor<3x4x5xf32>) -> tensor<3x4x5xf32> {
  %0 = tosa.reduce_max %x {axis = 0 : i32} : (tensor<3x4x5xf32>) -> tensor<1x4x5xf32>
  %1 = tosa.sub %x, %0 : (tensor<3x4x5xf32>, tensor<1x4x5xf32>) -> tensor<3x4x5xf32>
  %2 = tosa.exp %1 : (tensor<3x4x5xf32>) -> tensor<3x4x5xf32>
  %3 = tosa.reduce_sum %2 {axis = 0 : i32} : (tensor<3x4x5xf32>) -> tensor<1x4x5xf32>
  %4 = tosa.reciprocal %3 : (tensor<1x4x5xf32>) -> tensor<1x4x5xf32>
  %5 = tosa.mul %4, %2 {shift = 0 : i8} : (tensor<1x4x5xf32>, tensor<3x4x5xf32>) -> tensor<3x4x5xf32>
  return %5 : tensor<3x4x5xf32>
}

// -----

// Tests ONNX's LogSoftmax function body: (x - max) - log(sum exp(x - max)).
// CHECK-LABEL: func.func @log_softmax
// CHECK-SAME: (%[[X:.*]]: tensor<2x4xf32>)
// CHECK-NEXT: %[[Y:.*]] = tern.log_softmax %[[X]] : tensor<2x4xf32> -> tensor<2x4xf32>
// CHECK-NEXT: return %[[Y]]
func.func @log_softmax(%x: tensor<2x4xf32>) -> tensor<2x4xf32> {
  %0 = tosa.reduce_max %x {axis = 1 : i32} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %1 = tosa.sub %x, %0 : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %2 = tosa.exp %1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = tosa.reduce_sum %2 {axis = 1 : i32} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %4 = tosa.log %3 : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %5 = tosa.sub %1, %4 : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %5 : tensor<2x4xf32>
}

// -----

// Tests what is left alone: the exponentials also returned (a user outside
// the chain), a max over another axis than the sum, and a max of another
// value than the one it is subtracted from.
// CHECK-LABEL: func.func @not_softmax
// CHECK-NOT: tern.softmax
// CHECK-NOT: tern.log_softmax
// CHECK-COUNT-3: tosa.exp
func.func @not_softmax(%x: tensor<2x4xf32>, %z: tensor<2x4xf32>) -> (tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>) {
  %0 = tosa.reduce_max %x {axis = 1 : i32} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %1 = tosa.sub %x, %0 : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %2 = tosa.exp %1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %3 = tosa.reduce_sum %2 {axis = 1 : i32} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %4 = tosa.reciprocal %3 : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %5 = tosa.mul %2, %4 {shift = 0 : i8} : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>

  %a0 = tosa.reduce_max %x {axis = 0 : i32} : (tensor<2x4xf32>) -> tensor<1x4xf32>
  %a1 = tosa.sub %x, %a0 : (tensor<2x4xf32>, tensor<1x4xf32>) -> tensor<2x4xf32>
  %a2 = tosa.exp %a1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %a3 = tosa.reduce_sum %a2 {axis = 1 : i32} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %a4 = tosa.reciprocal %a3 : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %a5 = tosa.mul %a2, %a4 {shift = 0 : i8} : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>

  %b0 = tosa.reduce_max %z {axis = 1 : i32} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %b1 = tosa.sub %x, %b0 : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  %b2 = tosa.exp %b1 : (tensor<2x4xf32>) -> tensor<2x4xf32>
  %b3 = tosa.reduce_sum %b2 {axis = 1 : i32} : (tensor<2x4xf32>) -> tensor<2x1xf32>
  %b4 = tosa.log %b3 : (tensor<2x1xf32>) -> tensor<2x1xf32>
  %b5 = tosa.sub %b1, %b4 : (tensor<2x4xf32>, tensor<2x1xf32>) -> tensor<2x4xf32>
  return %5, %2, %a5, %b5 : tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>, tensor<2x4xf32>
}
