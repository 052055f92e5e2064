// RUN: tern-opt %s -split-input-file -verify-diagnostics | FileCheck %s
// accel.xbar_gemm (ReRAM crossbar tier): the valid form round-trips; one
// case per verifier message.

memref.global "private" constant @w : memref<16x8xi8> = dense<1>
// CHECK-LABEL: func @ok
// CHECK: accel.xbar_gemm %{{.*}}, %{{.*}}, %{{.*}} accumulate : memref<4x8xi8, #accel.space<act>>, memref<8x8xi8, strided<[8, 1], offset: 64>>, memref<4x8xi32, #accel.space<acc>>
func.func @ok(%a: memref<4x8xi8, #accel.space<act>>, %c: memref<4x8xi32, #accel.space<acc>>) {
  %w = memref.get_global @w : memref<16x8xi8>
  %v = memref.subview %w[8, 0] [8, 8] [1, 1] : memref<16x8xi8> to memref<8x8xi8, strided<[8, 1], offset: 64>>
  accel.xbar_gemm %a, %v, %c accumulate : memref<4x8xi8, #accel.space<act>>, memref<8x8xi8, strided<[8, 1], offset: 64>>, memref<4x8xi32, #accel.space<acc>>
  return
}

// -----

memref.global "private" constant @w : memref<2x8x8xi8> = dense<1>
func.func @rank(%a: memref<4x8xi8, #accel.space<act>>, %c: memref<4x8xi32, #accel.space<acc>>) {
  %w = memref.get_global @w : memref<2x8x8xi8>
  // expected-error @+1 {{'accel.xbar_gemm' op operands must be rank-2 tiles}}
  accel.xbar_gemm %a, %w, %c : memref<4x8xi8, #accel.space<act>>, memref<2x8x8xi8>, memref<4x8xi32, #accel.space<acc>>
  return
}

// -----

memref.global "private" constant @w : memref<7x8xi8> = dense<1>
func.func @contraction(%a: memref<4x8xi8, #accel.space<act>>, %c: memref<4x8xi32, #accel.space<acc>>) {
  %w = memref.get_global @w : memref<7x8xi8>
  // expected-error @+1 {{'accel.xbar_gemm' op weight rows (7) must equal lhs columns (8)}}
  accel.xbar_gemm %a, %w, %c : memref<4x8xi8, #accel.space<act>>, memref<7x8xi8>, memref<4x8xi32, #accel.space<acc>>
  return
}

// -----

memref.global "private" constant @w : memref<8x8xi8> = dense<1>
func.func @acc_shape(%a: memref<4x8xi8, #accel.space<act>>, %c: memref<4x4xi32, #accel.space<acc>>) {
  %w = memref.get_global @w : memref<8x8xi8>
  // expected-error @+1 {{'accel.xbar_gemm' op accumulator tile must be 4x8, got 4x4}}
  accel.xbar_gemm %a, %w, %c : memref<4x8xi8, #accel.space<act>>, memref<8x8xi8>, memref<4x4xi32, #accel.space<acc>>
  return
}

// -----

memref.global "private" constant @w : memref<8x8xbf16> = dense<1.0>
func.func @types(%a: memref<4x8xbf16, #accel.space<act>>, %c: memref<4x8xf32, #accel.space<acc>>) {
  %w = memref.get_global @w : memref<8x8xbf16>
  // expected-error @+1 {{'accel.xbar_gemm' op unsupported element types 'bf16' x 'bf16' -> 'f32'; the crossbars take i8 inputs, i8/i6/i4 weights and an i32 accumulator}}
  accel.xbar_gemm %a, %w, %c : memref<4x8xbf16, #accel.space<act>>, memref<8x8xbf16>, memref<4x8xf32, #accel.space<acc>>
  return
}

// -----

func.func @run_time_weights(%a: memref<4x8xi8, #accel.space<act>>, %w: memref<8x8xi8>, %c: memref<4x8xi32, #accel.space<acc>>) {
  // expected-error @+1 {{'accel.xbar_gemm' op weights must be a view of a constant memref.global (the crossbars hold pretrained weights)}}
  accel.xbar_gemm %a, %w, %c : memref<4x8xi8, #accel.space<act>>, memref<8x8xi8>, memref<4x8xi32, #accel.space<acc>>
  return
}

// -----

memref.global "private" @w : memref<8x8xi8> = dense<1>
func.func @mutable_global(%a: memref<4x8xi8, #accel.space<act>>, %c: memref<4x8xi32, #accel.space<acc>>) {
  %w = memref.get_global @w : memref<8x8xi8>
  // expected-error @+1 {{'accel.xbar_gemm' op weights must be a view of a constant memref.global (the crossbars hold pretrained weights)}}
  accel.xbar_gemm %a, %w, %c : memref<4x8xi8, #accel.space<act>>, memref<8x8xi8>, memref<4x8xi32, #accel.space<acc>>
  return
}
