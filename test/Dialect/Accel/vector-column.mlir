// RUN: tern-opt %s -split-input-file -verify-diagnostics | FileCheck %s

// accel.vector_column: lhs and result rows x cols, rhs rows x 1, one element
// type (bf16 or i32). The valid form round-trips.
// CHECK-LABEL: func.func @valid
// CHECK: accel.vector_column <sub> %arg0, %arg1, %arg2 : memref<4x8xbf16, #accel.space<act>>, memref<4x1xbf16, #accel.space<vec>>, memref<4x8xbf16, #accel.space<act>>
func.func @valid(%a: memref<4x8xbf16, #accel.space<act>>, %b: memref<4x1xbf16, #accel.space<vec>>, %d: memref<4x8xbf16, #accel.space<act>>) {
  accel.vector_column <sub> %a, %b, %d : memref<4x8xbf16, #accel.space<act>>, memref<4x1xbf16, #accel.space<vec>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @rhs_not_column(%a: memref<4x8xbf16, #accel.space<act>>, %b: memref<4x2xbf16, #accel.space<act>>, %d: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector_column' op rhs must be 4x1 (one value per row), got 4x2}}
  accel.vector_column <add> %a, %b, %d : memref<4x8xbf16, #accel.space<act>>, memref<4x2xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @rank_one(%a: memref<8xbf16, #accel.space<act>>, %b: memref<1xbf16, #accel.space<act>>, %d: memref<8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector_column' op operands must be rank-2 tiles}}
  accel.vector_column <add> %a, %b, %d : memref<8xbf16, #accel.space<act>>, memref<1xbf16, #accel.space<act>>, memref<8xbf16, #accel.space<act>>
  return
}

// -----

func.func @f32_tiles(%a: memref<4x8xf32, #accel.space<acc>>, %b: memref<4x1xf32, #accel.space<acc>>, %d: memref<4x8xf32, #accel.space<acc>>) {
  // expected-error @+1 {{'accel.vector_column' op operands must be bf16 or i32 tiles, got 'f32'}}
  accel.vector_column <mul> %a, %b, %d : memref<4x8xf32, #accel.space<acc>>, memref<4x1xf32, #accel.space<acc>>, memref<4x8xf32, #accel.space<acc>>
  return
}
