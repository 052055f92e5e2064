// RUN: tern-opt %s -split-input-file -verify-diagnostics
// One case per verifier message and memory-space constraint of accel.

func.func @gemm_rank(%a: memref<2x4x8xi8, #accel.space<act>>, %b: memref<8x4xi8, #accel.space<wgt>>, %c: memref<4x4xi32, #accel.space<acc>>) {
  // expected-error @+1 {{'accel.gemm' op operands must be rank-2 tiles}}
  accel.gemm %a, %b, %c : memref<2x4x8xi8, #accel.space<act>>, memref<8x4xi8, #accel.space<wgt>>, memref<4x4xi32, #accel.space<acc>>
  return
}

// -----

func.func @gemm_contraction(%a: memref<4x8xi8, #accel.space<act>>, %b: memref<7x4xi8, #accel.space<wgt>>, %c: memref<4x4xi32, #accel.space<acc>>) {
  // expected-error @+1 {{'accel.gemm' op rhs rows (7) must equal lhs columns (8)}}
  accel.gemm %a, %b, %c : memref<4x8xi8, #accel.space<act>>, memref<7x4xi8, #accel.space<wgt>>, memref<4x4xi32, #accel.space<acc>>
  return
}

// -----

func.func @gemm_acc_shape(%a: memref<4x8xi8, #accel.space<act>>, %b: memref<8x4xi8, #accel.space<wgt>>, %c: memref<4x5xi32, #accel.space<acc>>) {
  // expected-error @+1 {{'accel.gemm' op accumulator tile must be 4x4, got 4x5}}
  accel.gemm %a, %b, %c : memref<4x8xi8, #accel.space<act>>, memref<8x4xi8, #accel.space<wgt>>, memref<4x5xi32, #accel.space<acc>>
  return
}

// -----

func.func @gemm_types(%a: memref<4x8xi8, #accel.space<act>>, %b: memref<8x4xbf16, #accel.space<wgt>>, %c: memref<4x4xi32, #accel.space<acc>>) {
  // expected-error @+1 {{'accel.gemm' op unsupported element types 'i8' x 'bf16' -> 'i32'; expected i8/i6/i4 operands with an i32 or i16 accumulator, or bf16 operands with an f32 accumulator}}
  accel.gemm %a, %b, %c : memref<4x8xi8, #accel.space<act>>, memref<8x4xbf16, #accel.space<wgt>>, memref<4x4xi32, #accel.space<acc>>
  return
}

// -----

func.func @gemm_weight_space(%a: memref<4x8xi8, #accel.space<act>>, %b: memref<8x4xi8, #accel.space<act>>, %c: memref<4x4xi32, #accel.space<acc>>) {
  // expected-error @+1 {{'accel.gemm' op operand #1 must be static memref in #accel.space<wgt>, but got 'memref<8x4xi8, #accel.space<act>>'}}
  accel.gemm %a, %b, %c : memref<4x8xi8, #accel.space<act>>, memref<8x4xi8, #accel.space<act>>, memref<4x4xi32, #accel.space<acc>>
  return
}

// -----

func.func @gemm_dynamic(%a: memref<?x8xi8, #accel.space<act>>, %b: memref<8x4xi8, #accel.space<wgt>>, %c: memref<4x4xi32, #accel.space<acc>>) {
  // expected-error @+1 {{'accel.gemm' op operand #0 must be static memref in #accel.space<act>, but got 'memref<?x8xi8, #accel.space<act>>'}}
  accel.gemm %a, %b, %c : memref<?x8xi8, #accel.space<act>>, memref<8x4xi8, #accel.space<wgt>>, memref<4x4xi32, #accel.space<acc>>
  return
}

// -----

func.func @dma_load_from_scratchpad(%a: memref<4x8xi8, #accel.space<act>>, %b: memref<4x8xi8, #accel.space<wgt>>) {
  // expected-error @+1 {{'accel.dma_load' op operand #0 must be static memref in #accel.space<dram>, but got 'memref<4x8xi8, #accel.space<act>>'}}
  accel.dma_load %a, %b : memref<4x8xi8, #accel.space<act>>, memref<4x8xi8, #accel.space<wgt>>
  return
}

// -----

func.func @dma_load_to_dram(%a: memref<4x8xi8>, %b: memref<4x8xi8>) {
  // expected-error @+1 {{'accel.dma_load' op operand #1 must be static memref in a scratchpad (act, wgt, acc or vec), but got 'memref<4x8xi8>'}}
  accel.dma_load %a, %b : memref<4x8xi8>, memref<4x8xi8>
  return
}

// -----

func.func @dma_load_shape(%a: memref<4x8xi8>, %b: memref<8x4xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.dma_load' op failed to verify that all of {source, target} have same shape}}
  accel.dma_load %a, %b : memref<4x8xi8>, memref<8x4xi8, #accel.space<act>>
  return
}

// -----

func.func @dma_load_element_type(%a: memref<4x8xi8>, %b: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.dma_load' op failed to verify that all of {source, target} have same element type}}
  accel.dma_load %a, %b : memref<4x8xi8>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @dma_store_to_scratchpad(%a: memref<4x8xi8, #accel.space<act>>, %b: memref<4x8xi8, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.dma_store' op operand #1 must be static memref in #accel.space<dram>, but got 'memref<4x8xi8, #accel.space<vec>>'}}
  accel.dma_store %a, %b : memref<4x8xi8, #accel.space<act>>, memref<4x8xi8, #accel.space<vec>>
  return
}

// -----

func.func @dma_store_shape(%a: memref<4x8xi8, #accel.space<act>>, %b: memref<4x4xi8>) {
  // expected-error @+1 {{'accel.dma_store' op failed to verify that all of {source, target} have same shape}}
  accel.dma_store %a, %b : memref<4x8xi8, #accel.space<act>>, memref<4x4xi8>
  return
}

// -----

func.func @foreign_memory_space(%a: memref<4x8xi8, 3>, %b: memref<4x8xi8, #accel.space<act>>) {
  // An integer memory space is not one of the accelerator's memories.
  // expected-error @+1 {{'accel.dma_load' op operand #0 must be static memref in #accel.space<dram>, but got 'memref<4x8xi8, 3>'}}
  accel.dma_load %a, %b : memref<4x8xi8, 3>, memref<4x8xi8, #accel.space<act>>
  return
}

// -----

// expected-error @+2 {{expected ::tern::accel::MemorySpace to be one of: dram, act, wgt, acc, vec}}
// expected-error @+1 {{failed to parse Accel_MemorySpaceAttr parameter 'value' which is to be a `::tern::accel::MemorySpace`}}
func.func @bad_space(%a: memref<4x8xi8, #accel.space<sram>>)
