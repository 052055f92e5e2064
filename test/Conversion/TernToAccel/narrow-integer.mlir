// RUN: tern-opt %s -split-input-file --convert-tern-to-accel \
// RUN:   | tern-opt | FileCheck %s --implicit-check-not=tosa.

// ONNX int8 / uint8 / int16 / uint16 tensors are held as i32 in DRAM (the
// program's inputs and outputs are i32; `tern run` widens the inputs, and
// writes the outputs in the type each result records as
// accel.declared_type). Max and
// Min are exact on the widened values and lower as on int32 tensors.
// CHECK-LABEL: func @max_ui8
// CHECK-SAME: (%{{.*}}: memref<3xi32>, %{{.*}}: memref<3xi32>) -> (memref<3xi32> {accel.declared_type = ui8})
// CHECK: accel.dma_load %{{.*}}, %[[A:[^ ]*]] : {{.*}}, memref<1x3xi32, #accel.space<act>>
// CHECK: accel.dma_load %{{.*}}, %[[B:[^ ]*]] : {{.*}}, memref<1x3xi32, #accel.space<act>>
// CHECK: accel.vector <max> %[[A]], %[[B]], %[[R:[^ ]*]] :
// CHECK: accel.dma_store %[[R]]
func.func @max_ui8(%a: tensor<3xui8>, %b: tensor<3xui8>) -> tensor<3xui8> {
  %y = tosa.maximum %a, %b : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return %y : tensor<3xui8>
}

// -----

// min(a, b) = a + b - max(a, b) on integers (exact: |a + b| < 2^17 here).
// CHECK-LABEL: func @min_i16
// CHECK-SAME: (%{{.*}}: memref<2x4xi32>, %{{.*}}: memref<2x4xi32>) -> (memref<2x4xi32> {accel.declared_type = i16})
// CHECK: accel.vector <max>
// CHECK: accel.vector <add>
// CHECK: accel.vector <sub>
// CHECK: accel.dma_store
func.func @min_i16(%a: tensor<2x4xi16>, %b: tensor<2x4xi16>) -> tensor<2x4xi16> {
  %y = tosa.minimum %a, %b : (tensor<2x4xi16>, tensor<2x4xi16>) -> tensor<2x4xi16>
  return %y : tensor<2x4xi16>
}

// -----

// Data movement keeps the values: a transpose of int8 moves i32 elements.
// CHECK-LABEL: func @transpose_i8
// CHECK-SAME: (%{{.*}}: memref<2x3xi32>) -> (memref<3x2xi32> {accel.declared_type = i8})
// CHECK: accel.dma_load
// CHECK: accel.dma_store
func.func @transpose_i8(%a: tensor<2x3xi8>) -> tensor<3x2xi8> {
  %p = "tosa.const"() <{value = dense<[1, 0]> : tensor<2xi32>}> : () -> tensor<2xi32>
  %y = tosa.transpose %a, %p : (tensor<2x3xi8>, tensor<2xi32>) -> tensor<3x2xi8>
  return %y : tensor<3x2xi8>
}

// -----

// Add, Sub and Mul wrap modulo 2^bits as ONNX does: the i32 operation
// (wrapping modulo 2^32) and then the low bits, zero-extended for uint8 /
// uint16, sign-extended for int8 / int16 (vwrap), before the store.
// CHECK-LABEL: func @add_ui8
// CHECK: accel.vector <add> %{{.*}}, %{{.*}}, %[[R:[^ ]*]] :
// CHECK-NEXT: accel.wrap %[[R]], %[[R]] bits 8 : memref<1x3xi32, #accel.space<act>>
// CHECK: accel.dma_store %[[R]]
func.func @add_ui8(%a: tensor<3xui8>, %b: tensor<3xui8>) -> tensor<3xui8> {
  %y = tosa.add %a, %b : (tensor<3xui8>, tensor<3xui8>) -> tensor<3xui8>
  return %y : tensor<3xui8>
}

// -----

// CHECK-LABEL: func @sub_i16
// CHECK: accel.vector <sub> %{{.*}}, %{{.*}}, %[[R:[^ ]*]] :
// CHECK-NEXT: accel.wrap %[[R]], %[[R]] bits 16 sign_extend :
// CHECK: accel.dma_store %[[R]]
func.func @sub_i16(%a: tensor<2x4xi16>, %b: tensor<2x4xi16>) -> tensor<2x4xi16> {
  %y = tosa.sub %a, %b : (tensor<2x4xi16>, tensor<2x4xi16>) -> tensor<2x4xi16>
  return %y : tensor<2x4xi16>
}

// -----

// A constant operand is expanded to i32 values; the product still wraps.
// CHECK: memref.global "private" constant @{{.*}} : memref<4xi32> = dense<[3, -2, 100, 1]>
// CHECK-LABEL: func @mul_i8_const
// CHECK: accel.vector <mul> %{{.*}}, %{{.*}}, %[[R:[^ ]*]] :
// CHECK-NEXT: accel.wrap %[[R]], %[[R]] bits 8 sign_extend :
func.func @mul_i8_const(%a: tensor<4xi8>) -> tensor<4xi8> {
  %c = "tosa.const"() <{value = dense<[3, -2, 100, 1]> : tensor<4xi8>}> : () -> tensor<4xi8>
  %y = tosa.mul %a, %c {shift = 0 : i8} : (tensor<4xi8>, tensor<4xi8>) -> tensor<4xi8>
  return %y : tensor<4xi8>
}

// -----

// Max does not wrap (its result is one of its operands).
// CHECK-LABEL: func @max_ui16
// CHECK: accel.vector <max>
// CHECK-NOT: accel.wrap
// CHECK: return
func.func @max_ui16(%a: tensor<3xui16>, %b: tensor<3xui16>) -> tensor<3xui16> {
  %y = tosa.maximum %a, %b : (tensor<3xui16>, tensor<3xui16>) -> tensor<3xui16>
  return %y : tensor<3xui16>
}

// -----

// ONNX Div of uint8: the importer's i32 quotient (tosa.int_div) is the
// SFU's integer division, rsfu.div with ty=i32; the casts around it are
// the identity (uint8 -> int32) and a wrap (int32 -> uint8).
// CHECK-LABEL: func @div_ui8
// CHECK: accel.vector <div> %{{.*}}, %{{.*}}, %[[Q:[^ ]*]] : memref<1x3xi32, #accel.space<act>>, memref<1x3xi32, #accel.space<act>>, memref<1x3xi32, #accel.space<act>>
// CHECK: accel.dma_store %[[Q]]
// CHECK: accel.dma_load
// CHECK: accel.wrap %{{.*}}, %{{.*}} bits 8 : memref<1x3xi32, #accel.space<act>>
func.func @div_ui8(%a: tensor<3xui8>, %b: tensor<3xui8>) -> tensor<3xui8> {
  %x = tosa.cast %a : (tensor<3xui8>) -> tensor<3xi32>
  %y = tosa.cast %b : (tensor<3xui8>) -> tensor<3xi32>
  %q = tosa.int_div %x, %y : (tensor<3xi32>, tensor<3xi32>) -> tensor<3xi32>
  %r = tosa.cast %q : (tensor<3xi32>) -> tensor<3xui8>
  return %r : tensor<3xui8>
}

// -----

// Casts: float -> int8 truncates (cvt.b2w) and wraps; int16 -> float
// rounds (cvt.i2b); uint8 -> int16 keeps the buffer; int16 -> bool is
// x != 0 on the bf16 conversion.
// CHECK-LABEL: func @casts
// CHECK: accel.convert %{{.*}}, %[[T:[^ ]*]] : memref<1x4xbf16, #accel.space<act>>, memref<1x4xi32, #accel.space<act>>
// CHECK-NEXT: accel.wrap %[[T]], %[[T]] bits 8 sign_extend
// CHECK: accel.convert %{{.*}}, %{{.*}} : memref<1x4xi32, #accel.space<act>>, memref<1x4xbf16, #accel.space<act>>
// CHECK-NOT: accel.wrap
// CHECK: accel.convert %{{.*}}, %[[F:[^ ]*]] : memref<1x4xi32, #accel.space<act>>, memref<1x4xbf16, #accel.space<act>>
// CHECK: accel.vector_const <ne> %[[F]], %{{.*}} 0.000000e+00
func.func @casts(%x: tensor<4xf32>, %h: tensor<4xi16>, %u: tensor<4xui8>) -> (tensor<4xi8>, tensor<4xf32>, tensor<4xi16>, tensor<4xi1>) {
  %a = tosa.cast %x : (tensor<4xf32>) -> tensor<4xi8>
  %b = tosa.cast %h : (tensor<4xi16>) -> tensor<4xf32>
  %c = tosa.cast %u : (tensor<4xui8>) -> tensor<4xi16>
  %d = tosa.cast %h : (tensor<4xi16>) -> tensor<4xi1>
  return %a, %b, %c, %d : tensor<4xi8>, tensor<4xf32>, tensor<4xi16>, tensor<4xi1>
}

// -----

// Clip of int8 with an upper bound 0: min(x, 0) = x + 0 - max(x, 0)
// against rows of the bound; the lower bound -128 is int8's own and is
// skipped.
// CHECK: memref.global "private" constant @clamp_bound_i32_0 : memref<5xi32> = dense<0>
// CHECK-LABEL: func @clip_i8
// CHECK: accel.dma_load %{{.*}}, %[[X:[^ ]*]] :
// CHECK-NOT: accel.vector
// CHECK: accel.dma_broadcast %{{.*}}, %[[H:[^ ]*]] :
// CHECK: accel.vector <max> %[[X]], %[[H]], %[[M:[^ ]*]] :
// CHECK: accel.vector <add> %[[X]], %[[H]], %[[S:[^ ]*]] :
// CHECK-NEXT: accel.vector <sub> %[[S]], %[[M]], %[[S]] :
// CHECK: accel.dma_store %[[S]]
func.func @clip_i8(%x: tensor<3x5xi8>) -> tensor<3x5xi8> {
  %y = tosa.clamp %x {min_fp = -128.0 : f32, max_fp = 0.0 : f32, min_int = -128 : i64, max_int = 0 : i64} : (tensor<3x5xi8>) -> tensor<3x5xi8>
  return %y : tensor<3x5xi8>
}

// -----

// ONNX Pow of an integer base and exponent, imported as a float pow between
// casts, becomes an exact i32 pow of the integers (rsfu.pow ty=i32): no
// conversion to bf16 and back. int64 operands are held as i32, so their
// casts to i32 are the identity.
// CHECK-LABEL: func @pow_i64
// CHECK-NOT: accel.convert
// CHECK: accel.vector <pow> %{{.*}}, %{{.*}}, %{{.*}} : memref<1x3xi32, #accel.space<act>>, memref<1x3xi32, #accel.space<act>>, memref<1x3xi32, #accel.space<act>>
// CHECK-NOT: accel.convert
// CHECK: return
func.func @pow_i64(%a: tensor<3xi64>, %b: tensor<3xi64>) -> tensor<3xi64> {
  %fa = tosa.cast %a : (tensor<3xi64>) -> tensor<3xf32>
  %fb = tosa.cast %b : (tensor<3xi64>) -> tensor<3xf32>
  %p = tosa.pow %fa, %fb : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %y = tosa.cast %p : (tensor<3xf32>) -> tensor<3xi64>
  return %y : tensor<3xi64>
}

// -----

// An int8 power wraps modulo 2^8 after the exact i32 power.
// CHECK-LABEL: func @pow_i8
// CHECK: accel.vector <pow> %{{.*}}, %{{.*}}, %[[P:[^ ]*]] : memref<1x3xi32
// CHECK: accel.wrap %{{.*}}, %{{.*}} bits 8 sign_extend
func.func @pow_i8(%a: tensor<3xi8>, %b: tensor<3xi32>) -> tensor<3xi8> {
  %fa = tosa.cast %a : (tensor<3xi8>) -> tensor<3xf32>
  %fb = tosa.cast %b : (tensor<3xi32>) -> tensor<3xf32>
  %p = tosa.pow %fa, %fb : (tensor<3xf32>, tensor<3xf32>) -> tensor<3xf32>
  %y = tosa.cast %p : (tensor<3xf32>) -> tensor<3xi8>
  return %y : tensor<3xi8>
}
