// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// Tests tosa.pow with a run-time exponent of the result's shape: one
// rsfu.pow (accel.vector <pow>) per tile. Both arguments are read only by
// the SFU's pow, so they stay f32 (f32-sfu-inputs.mlir).
// CHECK-LABEL: func @pow_full
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] : {{.*}}, memref<4x8xf32, #accel.space<act>>
// CHECK: accel.dma_load %{{.*}}, %[[B:[^ ]*]] : {{.*}}, memref<4x8xf32, #accel.space<act>>
// CHECK: accel.vector <pow> %[[A]], %[[B]], %[[R:[^ ]*]] :
// CHECK: accel.dma_store %[[R]]
func.func @pow_full(%a: tensor<4x8xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = tosa.pow %a, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests a splat constant exponent: x ^ c with c in a constant register.
// CHECK-LABEL: func @pow_splat_exponent
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] :
// CHECK: accel.vector_const <pow> %[[A]], %{{.*}} 3.000000e+00
func.func @pow_splat_exponent(%a: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %c = "tosa.const"() <{value = dense<3.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %y = tosa.pow %a, %c : (tensor<4x8xf32>, tensor<1x1xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests a splat constant base: c ^ x is no register form, so the constant
// is expanded to the result's shape and read element-wise.
// CHECK-LABEL: func @pow_splat_base
// CHECK: memref.get_global @__tern_broadcast_constant
// CHECK: accel.vector <pow>
// CHECK-NOT: accel.vector_const
func.func @pow_splat_base(%b: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %c = "tosa.const"() <{value = dense<2.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %y = tosa.pow %c, %b : (tensor<1x1xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests a run-time exponent with one value per row: the column form (the
// base, read element for element, stays f32; the broadcast exponent bf16).
// CHECK-LABEL: func @pow_column
// CHECK: accel.vector_column <pow> %{{.*}}, %{{.*}}, %{{.*}} : memref<4x8xf32, #accel.space<act>>, memref<4x1xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
func.func @pow_column(%a: tensor<4x8xf32>, %b: tensor<4x1xf32>) -> tensor<4x8xf32> {
  %y = tosa.pow %a, %b : (tensor<4x8xf32>, tensor<4x1xf32>) -> tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// -----

// Tests tosa.equal on i32 operands: vcmp writes a bf16 boolean.
// CHECK-LABEL: func @equal_i32
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] : {{.*}}, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.dma_load %{{.*}}, %[[B:[^ ]*]] : {{.*}}, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.vector <eq> %[[A]], %[[B]], %[[R:[^ ]*]] : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
// CHECK: accel.dma_store %[[R]]
func.func @equal_i32(%a: tensor<4x8xi32>, %b: tensor<4x8xi32>) -> tensor<4x8xi1> {
  %y = tosa.equal %a, %b : (tensor<4x8xi32>, tensor<4x8xi32>) -> tensor<4x8xi1>
  return %y : tensor<4x8xi1>
}

// -----

// Tests tosa.greater with a broadcast row (DMA broadcast) and
// greater_equal with a splat constant on the left: c >= x is x <= c.
// CHECK-LABEL: func @greater_row
// CHECK: accel.dma_broadcast
// CHECK: accel.vector <gt>
// CHECK-LABEL: func @greater_equal_swapped
// CHECK: accel.vector_const <le> %{{.*}}, %{{.*}} 5.000000e-01
func.func @greater_row(%a: tensor<4x8xf32>, %b: tensor<1x8xf32>) -> tensor<4x8xi1> {
  %y = tosa.greater %a, %b : (tensor<4x8xf32>, tensor<1x8xf32>) -> tensor<4x8xi1>
  return %y : tensor<4x8xi1>
}
func.func @greater_equal_swapped(%a: tensor<4x8xf32>) -> tensor<4x8xi1> {
  %c = "tosa.const"() <{value = dense<0.5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %y = tosa.greater_equal %c, %a : (tensor<1x1xf32>, tensor<4x8xf32>) -> tensor<4x8xi1>
  return %y : tensor<4x8xi1>
}

// -----

// Tests a column on the left of a comparison: b[r] > a[r][c] is
// a[r][c] < b[r].
// CHECK-LABEL: func @greater_column_left
// CHECK: accel.vector_column <lt> %{{.*}}, %{{.*}}, %{{.*}} : memref<4x8xbf16, #accel.space<act>>, memref<4x1xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
func.func @greater_column_left(%a: tensor<4x1xf32>, %b: tensor<4x8xf32>) -> tensor<4x8xi1> {
  %y = tosa.greater %a, %b : (tensor<4x1xf32>, tensor<4x8xf32>) -> tensor<4x8xi1>
  return %y : tensor<4x8xi1>
}

// -----

// Tests the logic ops on booleans (bf16 0 / 1): and = mul, or = max,
// xor = ne, not = (x == 0).
// CHECK-LABEL: func @logic
// CHECK: accel.vector <mul>
// CHECK: accel.vector <max>
// CHECK: accel.vector <ne>
// CHECK: accel.vector_const <eq> %{{.*}}, %{{.*}} 0.000000e+00
func.func @logic(%a: tensor<4x8xi1>, %b: tensor<4x8xi1>) -> tensor<4x8xi1> {
  %0 = tosa.logical_and %a, %b : (tensor<4x8xi1>, tensor<4x8xi1>) -> tensor<4x8xi1>
  %1 = tosa.logical_or %0, %b : (tensor<4x8xi1>, tensor<4x8xi1>) -> tensor<4x8xi1>
  %2 = tosa.logical_xor %1, %a : (tensor<4x8xi1>, tensor<4x8xi1>) -> tensor<4x8xi1>
  %3 = tosa.logical_not %2 : (tensor<4x8xi1>) -> tensor<4x8xi1>
  return %3 : tensor<4x8xi1>
}

// -----

// Tests a run-time select (ONNX Where) of i32 values: vsel.
// CHECK-LABEL: func @where_i32
// CHECK: accel.dma_load %{{.*}}, %[[C:[^ ]*]] : {{.*}}, memref<2x3xbf16, #accel.space<act>>
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] : {{.*}}, memref<2x3xi32, #accel.space<act>>
// CHECK: accel.dma_load %{{.*}}, %[[B:[^ ]*]] : {{.*}}, memref<2x3xi32, #accel.space<act>>
// CHECK: accel.select %[[C]], %[[A]], %[[B]], %[[R:[^ ]*]] :
// CHECK: accel.dma_store %[[R]]
func.func @where_i32(%p: tensor<2x3xi1>, %a: tensor<2x3xi32>, %b: tensor<2x3xi32>) -> tensor<2x3xi32> {
  %m = tosa.select %p, %a, %b : (tensor<2x3xi1>, tensor<2x3xi32>, tensor<2x3xi32>) -> tensor<2x3xi32>
  return %m : tensor<2x3xi32>
}

// -----

// Tests Trilu's form: a constant i1 mask and a splat zero, both expanded
// to bf16 constants of the result's shape, choosing from a run-time tensor.
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<2x3xbf16> = dense<0.000000e+00>
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<2x3xbf16> = dense<{{.}}[1.000000e+00, 1.000000e+00, 1.000000e+00], [0.000000e+00, 1.000000e+00, 1.000000e+00{{.}}]>
// CHECK-LABEL: func @trilu
// CHECK: accel.select
func.func @trilu(%x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %m = "tosa.const"() <{value = dense<[[true, true, true], [false, true, true]]> : tensor<2x3xi1>}> : () -> tensor<2x3xi1>
  %z = "tosa.const"() <{value = dense<0.0> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %y = tosa.select %m, %x, %z : (tensor<2x3xi1>, tensor<2x3xf32>, tensor<1x1xf32>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// Tests a condition broadcast along a leading dimension (one DMA
// broadcast) and an infinite arm outside an attention mask (copied by
// vsel, not multiplied).
// CHECK-LABEL: func @select_broadcast_inf
// CHECK: accel.dma_broadcast
// CHECK: accel.select
func.func @select_broadcast_inf(%p: tensor<1x3xi1>, %x: tensor<2x3xf32>) -> tensor<2x3xf32> {
  %ninf = "tosa.const"() <{value = dense<0xFF800000> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %m = tosa.select %p, %ninf, %x : (tensor<1x3xi1>, tensor<1x1xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
  return %m : tensor<2x3xf32>
}

// -----

// Tests an integer constant operand (Equal(ids, 3): i64 ids arrive as i32)
// and a boolean one: expanded to i32 / bf16 0 / 1 globals of the result's
// shape (integer constants have no DRAM form of their own).
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<2x4xi32> = dense<3>
// CHECK-DAG: memref.global "private" constant @{{.*}} : memref<2x4xbf16> = dense<{{.}}[1.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00], [1.000000e+00, 0.000000e+00, 1.000000e+00, 0.000000e+00{{.}}]>
// CHECK-LABEL: func @integer_constants
// CHECK: accel.vector <eq> %{{.*}}, %{{.*}}, %{{.*}} : memref<2x4xi32, #accel.space<act>>, memref<2x4xi32, #accel.space<act>>, memref<2x4xbf16, #accel.space<act>>
// CHECK: accel.vector <mul>
func.func @integer_constants(%a: tensor<2x4xi32>) -> tensor<2x4xi1> {
  %c = "tosa.const"() <{value = dense<3> : tensor<1x1xi32>}> : () -> tensor<1x1xi32>
  %e = tosa.equal %a, %c : (tensor<2x4xi32>, tensor<1x1xi32>) -> tensor<2x4xi1>
  %m = "tosa.const"() <{value = dense<[[true, false, true, false]]> : tensor<1x4xi1>}> : () -> tensor<1x4xi1>
  %y = tosa.logical_and %e, %m : (tensor<2x4xi1>, tensor<1x4xi1>) -> tensor<2x4xi1>
  return %y : tensor<2x4xi1>
}

// -----

// Tests select operands with one value per row (a [2, 1] condition and
// false value against [2, 3]): each spread over its row as 1 * b[r]
// (vector_column <mul> with a ones constant of its type), then vsel.
// CHECK-DAG: memref.global "private" constant @[[ONESI:__tern_ones_[0-9]+]] : memref<2x3xi32> = dense<1>
// CHECK-DAG: memref.global "private" constant @[[ONESB:__tern_ones_[0-9]+]] : memref<2x3xbf16> = dense<1.000000e+00>
// CHECK-LABEL: func @select_column
// CHECK: accel.vector_column <mul> %{{.*}}, %{{.*}}, %[[C:[^ ]*]] : memref<2x3xbf16, #accel.space<act>>, memref<2x1xbf16, #accel.space<act>>
// CHECK: accel.vector_column <mul> %{{.*}}, %{{.*}}, %[[B:[^ ]*]] : memref<2x3xi32, #accel.space<act>>, memref<2x1xi32, #accel.space<act>>
// CHECK: accel.select %[[C]], %{{.*}}, %[[B]], %{{.*}} :
func.func @select_column(%p: tensor<2x1xi1>, %x: tensor<2x3xi32>, %y: tensor<2x1xi32>) -> tensor<2x3xi32> {
  %m = tosa.select %p, %x, %y : (tensor<2x1xi1>, tensor<2x3xi32>, tensor<2x1xi32>) -> tensor<2x3xi32>
  return %m : tensor<2x3xi32>
}
