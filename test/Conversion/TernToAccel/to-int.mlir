// RUN: tern-opt %s -split-input-file --convert-tern-to-accel="tile-m=32" \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa. --implicit-check-not=tern.

// Tests tern.to_int <div> <rne> (QuantizeLinear's round(x / scale), one
// scale per row): the SFU's division with the column operand written as an
// i32 tile (rsfu.div toint=rne), no bf16 tile of the quotient in between.
// CHECK-LABEL: func @quantize_per_row
// CHECK: accel.dma_load %{{.*}}, %[[X:[^ ]*]] : memref<6x8xbf16{{.*}}>, memref<6x8xbf16, #accel.space<act>>
// CHECK: accel.dma_load %{{.*}}, %[[S:[^ ]*]] : {{.*}}, memref<6x1xbf16, #accel.space<act>>
// CHECK: accel.vector_column <div> %[[X]], %[[S]], %[[Q:[^ ]*]] {to_int = #accel.to_int<rne>} : memref<6x8xbf16, #accel.space<act>>, memref<6x1xbf16, #accel.space<act>>, memref<6x8xi32, #accel.space<act>>
// CHECK: accel.dma_store %[[Q]]
func.func @quantize_per_row(%x: tensor<6x8xf32>, %s: tensor<6x1xf32>) -> tensor<6x8xi32> {
  %q = tern.to_int <div> <rne> %x, %s : tensor<6x8xf32>, tensor<6x1xf32> -> tensor<6x8xi32>
  return %q : tensor<6x8xi32>
}

// -----

// Tests tern.to_int <pow> <trunc> of an i32 base and a bf16 exponent: the
// base's i32 tile is read as is (rsfu.pow aint=1, toint=trunc).
// CHECK-LABEL: func @integer_base_float_exponent
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] : memref<4x8xi32{{.*}}>, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.dma_load %{{.*}}, %[[B:[^ ]*]] : memref<4x8xbf16{{.*}}>, memref<4x8xbf16, #accel.space<act>>
// CHECK: accel.vector <pow> %[[A]], %[[B]], %[[P:[^ ]*]] {to_int = #accel.to_int<trunc>} : memref<4x8xi32, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.dma_store %[[P]]
func.func @integer_base_float_exponent(%a: tensor<4x8xi32>, %b: tensor<4x8xf32>) -> tensor<4x8xi32> {
  %p = tern.to_int <pow> <trunc> %a, %b : tensor<4x8xi32>, tensor<4x8xf32> -> tensor<4x8xi32>
  return %p : tensor<4x8xi32>
}

// -----

// Tests the importer's integer Pow with a float exponent,
// cast<i32>(pow(cast<f32>(x), y)): folded into tern.to_int before the
// conversion, so the integer base is read as an i32 tile and the power is
// never rounded to bf16 (3^6 = 729 would come back as 728).
// CHECK-LABEL: func @pow_integer_float_exponent
// CHECK-SAME: (%{{[^:]*}}: memref<4x8xi32>, %{{[^:]*}}: memref<4x8xbf16>)
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] : {{.*}}, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.vector <pow> %[[A]], %{{.*}}, %{{.*}} {to_int = #accel.to_int<trunc>} : memref<4x8xi32, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
// CHECK-NOT: accel.convert
func.func @pow_integer_float_exponent(%a: tensor<4x8xi32>, %b: tensor<4x8xf32>) -> tensor<4x8xi32> {
  %fa = tosa.cast %a : (tensor<4x8xi32>) -> tensor<4x8xf32>
  %p = tosa.pow %fa, %b : (tensor<4x8xf32>, tensor<4x8xf32>) -> tensor<4x8xf32>
  %y = tosa.cast %p : (tensor<4x8xf32>) -> tensor<4x8xi32>
  return %y : tensor<4x8xi32>
}

// -----

// Tests the same through the importer's broadcast reshape of the cast base
// (ranks 1 and 2) and a constant exponent: the reshape moves to the integer
// tensor, the exponent goes to a constant register (vector_const).
// CHECK-LABEL: func @pow_reshaped_base_constant_exponent
// CHECK: accel.vector_const <pow> %{{.*}}, %{{.*}} 5.000000e-01 {to_int = #accel.to_int<trunc>} : memref<1x8xi32, #accel.space<act>>, memref<1x8xi32, #accel.space<act>>
func.func @pow_reshaped_base_constant_exponent(%a: tensor<8xi32>) -> tensor<1x8xi32> {
  %fa = tosa.cast %a : (tensor<8xi32>) -> tensor<8xf32>
  %r = tosa.reshape %fa {new_shape = array<i64: 1, 8>} : (tensor<8xf32>) -> tensor<1x8xf32>
  %half = "tosa.const"() <{value = dense<0.5> : tensor<1x1xf32>}> : () -> tensor<1x1xf32>
  %p = tosa.pow %r, %half : (tensor<1x8xf32>, tensor<1x1xf32>) -> tensor<1x8xf32>
  %y = tosa.cast %p : (tensor<1x8xf32>) -> tensor<1x8xi32>
  return %y : tensor<1x8xi32>
}
