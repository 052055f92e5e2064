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

func.func @vector_types(%a: memref<4x8xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector' op operands must be bf16 or i32 tiles, got 'i8'}}
  accel.vector <add> %a, %a, %a : memref<4x8xi8, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  return
}

// -----

func.func @vector_shapes(%a: memref<4x8xbf16, #accel.space<act>>, %b: memref<4x4xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector' op failed to verify that all of {lhs, rhs, result} have same shape}}
  accel.vector <add> %a, %b, %a : memref<4x8xbf16, #accel.space<act>>, memref<4x4xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @vector_const_types(%a: memref<4x8xi32, #accel.space<acc>>) {
  // expected-error @+1 {{'accel.vector_const' op a constant operand needs bf16 tiles, got 'i32'}}
  accel.vector_const <mul> %a, %a 2.0 : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>
  return
}

// -----

func.func @reduce_rank(%a: memref<8xbf16, #accel.space<act>>, %r: memref<8x1xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.reduce' op operands must be rank-2 tiles}}
  accel.reduce <sum> %a, %r : memref<8xbf16, #accel.space<act>>, memref<8x1xbf16, #accel.space<act>>
  return
}

// -----

func.func @reduce_shape(%a: memref<4x8xbf16, #accel.space<act>>, %r: memref<4x2xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.reduce' op result must be 4x1, got 4x2}}
  accel.reduce <sum> %a, %r : memref<4x8xbf16, #accel.space<act>>, memref<4x2xbf16, #accel.space<act>>
  return
}

// -----

func.func @reduce_types(%a: memref<4x8xbf16, #accel.space<act>>, %r: memref<4x1xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.reduce' op operands must be bf16 or i32 tiles of one type}}
  accel.reduce <sum> %a, %r : memref<4x8xbf16, #accel.space<act>>, memref<4x1xi32, #accel.space<act>>
  return
}

// -----

func.func @convert_shape(%a: memref<4x8xf32, #accel.space<acc>>, %b: memref<8x4xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.convert' op input and result shapes must match}}
  accel.convert %a, %b : memref<4x8xf32, #accel.space<acc>>, memref<8x4xbf16, #accel.space<act>>
  return
}

// -----

func.func @convert_types(%a: memref<4x8xf32, #accel.space<acc>>, %b: memref<4x8xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.convert' op unsupported conversion 'f32' -> 'i8'; expected f32/i4/i6/i8/i16/i32 -> bf16 or bf16 -> i8/i6/i4/i32}}
  accel.convert %a, %b : memref<4x8xf32, #accel.space<acc>>, memref<4x8xi8, #accel.space<act>>
  return
}

// -----

func.func @convert_b2w_scale(%a: memref<4x8xbf16, #accel.space<act>>, %b: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.convert' op a bf16 -> i32 conversion (cvt.b2w) takes no scale, got 2}}
  accel.convert %a, %b scale 2.0 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @convert_scale(%a: memref<4x8xf32, #accel.space<acc>>, %b: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.convert' op scale must be positive}}
  accel.convert %a, %b scale 0.0 : memref<4x8xf32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @quantize_shape(%a: memref<4x8xf32, #accel.space<act>>, %b: memref<8x4xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.quantize' op input and result shapes must match}}
  accel.quantize %a, %b scale 0.5 : memref<4x8xf32, #accel.space<act>>, memref<8x4xi8, #accel.space<act>>
  return
}

// -----

func.func @quantize_types(%a: memref<4x8xi32, #accel.space<act>>, %b: memref<4x8xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.quantize' op quantizes a bf16 or f32 tile to i8, got 'i32' -> 'i8'}}
  accel.quantize %a, %b scale 0.5 : memref<4x8xi32, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  return
}

// -----

func.func @quantize_scale(%a: memref<4x8xf32, #accel.space<act>>, %b: memref<4x8xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.quantize' op scale must be a positive finite f32}}
  accel.quantize %a, %b scale -0.5 : memref<4x8xf32, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  return
}

// -----

func.func @quantize_zero_point(%a: memref<4x8xbf16, #accel.space<act>>, %b: memref<4x8xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.quantize' op zero point 200 outside the int8 range}}
  accel.quantize %a, %b scale 0.5 zp 200 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  return
}

// -----

func.func @quantize_range(%a: memref<4x8xbf16, #accel.space<act>>, %b: memref<4x8xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.quantize' op range [-100, 100] is neither int8's, a two's complement narrow range [-2^(b-1), 2^(b-1)-1] nor a symmetric one +-(2^(b-1)-1), b = 2..8}}
  accel.quantize %a, %b scale 0.5 qmin -100 qmax 100 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  return
}

// -----

func.func @softmax_types(%a: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.softmax' op operands must be bf16 tiles, got 'i32' -> 'i32'}}
  accel.softmax %a, %a : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @softmax_f32_result(%a: memref<4x8xf32, #accel.space<act>>) {
  // An f32 input writes bf16, not f32.
  // expected-error @+1 {{'accel.softmax' op operands must be bf16 tiles, got 'f32' -> 'f32'}}
  accel.softmax %a, %a log : memref<4x8xf32, #accel.space<act>>, memref<4x8xf32, #accel.space<act>>
  return
}

// -----

func.func @pow_f32_result(%a: memref<4x8xf32, #accel.space<act>>, %b: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector' op a pow of f32 operands reads f32 or bf16 and writes bf16, got 'f32', 'bf16' -> 'f32'}}
  accel.vector <pow> %a, %b, %a : memref<4x8xf32, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>, memref<4x8xf32, #accel.space<act>>
  return
}

// -----

func.func @add_f32(%a: memref<4x8xf32, #accel.space<act>>) {
  // Only a pow reads f32.
  // expected-error @+1 {{'accel.vector' op operands must be bf16 or i32 tiles, got 'f32'}}
  accel.vector <add> %a, %a, %a : memref<4x8xf32, #accel.space<act>>, memref<4x8xf32, #accel.space<act>>, memref<4x8xf32, #accel.space<act>>
  return
}

// -----

func.func @gelu_rank(%a: memref<8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.gelu' op operands must be rank-2 tiles}}
  accel.gelu %a, %a : memref<8xbf16, #accel.space<act>>, memref<8xbf16, #accel.space<act>>
  return
}

// -----

func.func @rsqrt_type(%a: memref<4x8xi32, #accel.space<act>>, %d: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.rsqrt' op operands must be bf16 tiles, got 'i32' -> 'bf16'}}
  accel.rsqrt %a, %d : memref<4x8xi32, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @layer_norm_epsilon(%a: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.layer_norm' op epsilon must be non-negative}}
  accel.layer_norm %a, %a epsilon -1.0 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @layer_norm_shape(%a: memref<4x8xbf16, #accel.space<act>>, %b: memref<4x4xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.layer_norm' op failed to verify that all of {input, result} have same shape}}
  accel.layer_norm %a, %b epsilon 1.0 : memref<4x8xbf16, #accel.space<act>>, memref<4x4xbf16, #accel.space<act>>
  return
}

// -----

func.func @push_self() {
  // expected-error @+1 {{'accel.push' op a queue cannot synchronize with itself}}
  accel.push <load> to <load>
  return
}

// -----

func.func @pop_self() {
  // expected-error @+1 {{'accel.pop' op a queue cannot synchronize with itself}}
  accel.pop <store> to <store>
  return
}

// -----

func.func @dma_rank(%a: memref<2x4x8xi8>, %b: memref<2x4x8xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.dma_load' op DMA tiles must have rank 1 or 2}}
  accel.dma_load %a, %b : memref<2x4x8xi8>, memref<2x4x8xi8, #accel.space<act>>
  return
}

// -----

func.func @dma_scratchpad_strided(%a: memref<4x4xi8>, %t: memref<8x8xi8, #accel.space<act>>) {
  %v = memref.subview %t[0, 0] [4, 4] [1, 1] : memref<8x8xi8, #accel.space<act>> to memref<4x4xi8, strided<[8, 1]>, #accel.space<act>>
  // expected-error @+1 {{'accel.dma_load' op the scratchpad tile must be contiguous, got 'memref<4x4xi8, strided<[8, 1]>, #accel.space<act>>'}}
  accel.dma_load %a, %v : memref<4x4xi8>, memref<4x4xi8, strided<[8, 1]>, #accel.space<act>>
  return
}

// -----

func.func @dma_inner_stride(%a: memref<4x4xi8, strided<[8, 2]>>, %t: memref<4x4xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.dma_load' op the DRAM view's innermost stride must be 1, got 2}}
  accel.dma_load %a, %t : memref<4x4xi8, strided<[8, 2]>>, memref<4x4xi8, #accel.space<act>>
  return
}

// -----

func.func @transposed_rank(%k: memref<8xbf16>, %t: memref<8xbf16, #accel.space<wgt>>) {
  // expected-error @+1 {{'accel.dma_load_transposed' op transposes a rank-2 DRAM view into a rank-2 tile}}
  accel.dma_load_transposed %k, %t : memref<8xbf16>, memref<8xbf16, #accel.space<wgt>>
  return
}

// -----

func.func @transposed_shape(%k: memref<8x4xbf16>, %t: memref<8x4xbf16, #accel.space<wgt>>) {
  // expected-error @+1 {{'accel.dma_load_transposed' op the tile must be 4x8 (the source transposed), got 8x4}}
  accel.dma_load_transposed %k, %t : memref<8x4xbf16>, memref<8x4xbf16, #accel.space<wgt>>
  return
}

// -----

func.func @transposed_width(%k: memref<8x4xi4>, %t: memref<4x8xi4, #accel.space<wgt>>) {
  // expected-error @+1 {{'accel.dma_load_transposed' op elements must be 8, 16 or 32 bits wide, got 'i4'}}
  accel.dma_load_transposed %k, %t : memref<8x4xi4>, memref<4x8xi4, #accel.space<wgt>>
  return
}

// -----

func.func @transposed_inner_stride(%k: memref<8x4xbf16, strided<[8, 2]>>, %t: memref<4x8xbf16, #accel.space<wgt>>) {
  // expected-error @+1 {{'accel.dma_load_transposed' op the DRAM view's innermost stride must be 1, got 2}}
  accel.dma_load_transposed %k, %t : memref<8x4xbf16, strided<[8, 2]>>, memref<4x8xbf16, #accel.space<wgt>>
  return
}

// -----

func.func @broadcast_rank(%b: memref<8xbf16>, %t: memref<8xbf16, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.dma_broadcast' op broadcasts a rank-1 row into a rank-2 tile}}
  accel.dma_broadcast %b, %t : memref<8xbf16>, memref<8xbf16, #accel.space<vec>>
  return
}

// -----

func.func @broadcast_width(%b: memref<8xbf16>, %t: memref<4x6xbf16, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.dma_broadcast' op tile rows have 6 elements, the source row 8}}
  accel.dma_broadcast %b, %t : memref<8xbf16>, memref<4x6xbf16, #accel.space<vec>>
  return
}

// -----

func.func @broadcast_strided(%b: memref<8xbf16, strided<[2]>>, %t: memref<4x8xbf16, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.dma_broadcast' op the source row must be contiguous, got stride 2}}
  accel.dma_broadcast %b, %t : memref<8xbf16, strided<[2]>>, memref<4x8xbf16, #accel.space<vec>>
  return
}

// -----

func.func @dma_store_dynamic_offset(%t: memref<4x4xi8, #accel.space<act>>, %a: memref<4x4xi8, strided<[4, 1], offset: ?>>) {
  // expected-error @+1 {{'accel.dma_store' op the DRAM view must have static strides and offset, got 'memref<4x4xi8, strided<[4, 1], offset: ?>>'}}
  accel.dma_store %t, %a : memref<4x4xi8, #accel.space<act>>, memref<4x4xi8, strided<[4, 1], offset: ?>>
  return
}

// -----

// expected-error @+2 {{expected ::tern::accel::MemorySpace to be one of: dram, act, wgt, acc, vec}}
// expected-error @+1 {{failed to parse Accel_MemorySpaceAttr parameter 'value' which is to be a `::tern::accel::MemorySpace`}}
func.func @bad_space(%a: memref<4x8xi8, #accel.space<sram>>)

// -----

func.func @requant_types(%a: memref<4x4xi32, #accel.space<acc>>, %q: memref<4x4xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.requant' op expects i16 -> i8 for <tataa>, got 'i32' -> 'i8'}}
  accel.requant <tataa> %a, %q multiplier 3 shift 1 : memref<4x4xi32, #accel.space<acc>>, memref<4x4xi8, #accel.space<act>>
  return
}

// -----

func.func @requant_fields(%a: memref<4x4xi16, #accel.space<acc>>, %q: memref<4x4xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.requant' op multiplier 65536 / shift 1 exceed <tataa>'s fields (at most 65535 / 31)}}
  accel.requant <tataa> %a, %q multiplier 65536 shift 1 : memref<4x4xi16, #accel.space<acc>>, memref<4x4xi8, #accel.space<act>>
  return
}

// -----

func.func @requant_elastic_shift(%a: memref<4x4xi32, #accel.space<acc>>, %q: memref<4x4xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.requant' op <elastic> needs a shift of at least 1}}
  accel.requant <elastic> %a, %q multiplier 3 shift 0 : memref<4x4xi32, #accel.space<acc>>, memref<4x4xi8, #accel.space<act>>
  return
}

// -----

func.func @requant_zero_point(%a: memref<4x4xi32, #accel.space<acc>>, %q: memref<4x4xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.requant' op only <ibert> and <elastic> take a zero point}}
  accel.requant <swifttron> %a, %q multiplier 3 shift 1 zero_point 2 : memref<4x4xi32, #accel.space<acc>>, memref<4x4xi8, #accel.space<act>>
  return
}

// -----

func.func @requant_relu(%a: memref<4x4xi16, #accel.space<acc>>, %q: memref<4x4xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.requant' op only <ibert> and <elastic> clamp at the zero point (relu)}}
  accel.requant <tataa> %a, %q multiplier 3 shift 1 relu : memref<4x4xi16, #accel.space<acc>>, memref<4x4xi8, #accel.space<act>>
  return
}

// -----

func.func @requant_zero_point_range(%a: memref<4x4xi32, #accel.space<acc>>, %q: memref<4x4xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.requant' op zero point 300 is not an int8 value}}
  accel.requant <elastic> %a, %q multiplier 3 shift 1 zero_point 300 : memref<4x4xi32, #accel.space<acc>>, memref<4x4xi8, #accel.space<act>>
  return
}

// -----

func.func @gemm_bitmap_bf16(%a: memref<4x8xbf16, #accel.space<act>>, %b: memref<8x4xbf16, #accel.space<wgt>>, %c: memref<4x4xf32, #accel.space<acc>>, %m: memref<1xi8, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.gemm' op a K-row bitmap needs integer operands}}
  accel.gemm %a, %b, %c bitmap %m : memref<1xi8, #accel.space<vec>> : memref<4x8xbf16, #accel.space<act>>, memref<8x4xbf16, #accel.space<wgt>>, memref<4x4xf32, #accel.space<acc>>
  return
}

// -----

func.func @gemm_bitmap_size(%a: memref<4x20xi8, #accel.space<act>>, %b: memref<20x4xi8, #accel.space<wgt>>, %c: memref<4x4xi32, #accel.space<acc>>, %m: memref<2xi8, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.gemm' op bitmap must be memref<3xi8> (one bit per lhs column), got 'memref<2xi8, #accel.space<vec>>'}}
  accel.gemm %a, %b, %c bitmap %m : memref<2xi8, #accel.space<vec>> : memref<4x20xi8, #accel.space<act>>, memref<20x4xi8, #accel.space<wgt>>, memref<4x4xi32, #accel.space<acc>>
  return
}

// -----

func.func @gemm_bitmap_space(%a: memref<4x8xi8, #accel.space<act>>, %b: memref<8x4xi8, #accel.space<wgt>>, %c: memref<4x4xi32, #accel.space<acc>>, %m: memref<1xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.gemm' op operand #3 must be static memref in #accel.space<vec>, but got 'memref<1xi8, #accel.space<act>>'}}
  accel.gemm %a, %b, %c bitmap %m : memref<1xi8, #accel.space<act>> : memref<4x8xi8, #accel.space<act>>, memref<8x4xi8, #accel.space<wgt>>, memref<4x4xi32, #accel.space<acc>>
  return
}

// -----

func.func @nonzero_map_type(%a: memref<4x8xbf16, #accel.space<act>>, %m: memref<1xi8, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.nonzero_map' op input must be a rank-2 i8 tile, got 'memref<4x8xbf16, #accel.space<act>>'}}
  accel.nonzero_map %a, %m threshold 0 : memref<4x8xbf16, #accel.space<act>>, memref<1xi8, #accel.space<vec>>
  return
}

// -----

func.func @nonzero_map_size(%a: memref<4x9xi8, #accel.space<act>>, %m: memref<1xi8, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.nonzero_map' op map must be memref<2xi8> (one bit per input column), got 'memref<1xi8, #accel.space<vec>>'}}
  accel.nonzero_map %a, %m threshold 0 : memref<4x9xi8, #accel.space<act>>, memref<1xi8, #accel.space<vec>>
  return
}

// -----

func.func @nonzero_map_threshold(%a: memref<4x8xi8, #accel.space<act>>, %m: memref<1xi8, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.nonzero_map' op attribute 'threshold' failed to satisfy constraint: 32-bit signless integer attribute whose value is non-negative whose maximum value is 127}}
  accel.nonzero_map %a, %m threshold 128 : memref<4x8xi8, #accel.space<act>>, memref<1xi8, #accel.space<vec>>
  return
}

// -----

func.func @nonzero_map_space(%a: memref<4x8xi8, #accel.space<act>>, %m: memref<1xi8, #accel.space<acc>>) {
  // expected-error @+1 {{'accel.nonzero_map' op operand #1 must be static memref in #accel.space<vec>, but got 'memref<1xi8, #accel.space<acc>>'}}
  accel.nonzero_map %a, %m threshold 0 : memref<4x8xi8, #accel.space<act>>, memref<1xi8, #accel.space<acc>>
  return
}

// -----

func.func @token_score_input(%p: memref<4x17xbf16, #accel.space<act>>, %s: memref<17xi32, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.token_score' op probs must be a rank-2 i8 or i32 tile, got 'memref<4x17xbf16, #accel.space<act>>'}}
  accel.token_score %p, %s : memref<4x17xbf16, #accel.space<act>>, memref<17xi32, #accel.space<vec>>
  return
}

// -----

func.func @isoftmax_bf16(%a: memref<4x8xbf16, #accel.space<act>>, %d: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.isoftmax' op expects i32 -> i32, got 'bf16' -> 'bf16'}}
  accel.isoftmax %a, %d params [-710, 2772, 2927744, 36] : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @token_score_rows(%p: memref<64x17xi8, #accel.space<act>>, %s: memref<17xi32, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.token_score' op scores at most 63 rows at once, got 64}}
  accel.token_score %p, %s : memref<64x17xi8, #accel.space<act>>, memref<17xi32, #accel.space<vec>>
  return
}

// -----

func.func @isoftmax_params(%a: memref<4x8xi32, #accel.space<act>>, %d: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.isoftmax' op expects 4 params, got 3}}
  accel.isoftmax %a, %d params [-710, 2772, 2927744] : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @token_score_output(%p: memref<4x17xi8, #accel.space<act>>, %s: memref<16xi32, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.token_score' op scores must be memref<17xi32> (one per column), got 'memref<16xi32, #accel.space<vec>>'}}
  accel.token_score %p, %s : memref<4x17xi8, #accel.space<act>>, memref<16xi32, #accel.space<vec>>
  return
}

// -----

func.func @isoftmax_x0(%a: memref<4x8xi32, #accel.space<act>>, %d: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.isoftmax' op x0 (params[0]) must be negative}}
  accel.isoftmax %a, %d params [710, 2772, 2927744, 36] : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @token_select_scores(%s: memref<17xi8, #accel.space<vec>>, %i: memref<5xi32, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.token_select' op scores must be a rank-1 i32 vector, got 'memref<17xi8, #accel.space<vec>>'}}
  accel.token_select %s, %i keep 5 : memref<17xi8, #accel.space<vec>>, memref<5xi32, #accel.space<vec>>
  return
}

// -----

func.func @igelu_bi(%a: memref<4x8xi32, #accel.space<act>>, %d: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.igelu' op b_i (params[0]) must not be positive}}
  accel.igelu %a, %d params [641, -453851, -28] : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @token_select_keep(%s: memref<4xi32, #accel.space<vec>>, %i: memref<5xi32, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.token_select' op keeps 5 tokens of only 4}}
  accel.token_select %s, %i keep 5 : memref<4xi32, #accel.space<vec>>, memref<5xi32, #accel.space<vec>>
  return
}

// -----

func.func @ilayernorm_k(%a: memref<4x8xi32, #accel.space<act>>, %d: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.ilayernorm' op the shift k (params[0]) must be 0..31}}
  accel.ilayernorm %a, %d params [32] : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @token_select_indices(%s: memref<17xi32, #accel.space<vec>>, %i: memref<4xi32, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.token_select' op indices must be memref<5xi32>, got 'memref<4xi32, #accel.space<vec>>'}}
  accel.token_select %s, %i keep 5 : memref<17xi32, #accel.space<vec>>, memref<4xi32, #accel.space<vec>>
  return
}

// -----

func.func @token_select_threshold_keep(%s: memref<17xi32, #accel.space<vec>>, %i: memref<5xi32, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.token_select' op with a threshold keeps a run-time count of up to all 17 tokens: keep must be 17, got 5}}
  accel.token_select %s, %i keep 5 threshold 3 : memref<17xi32, #accel.space<vec>>, memref<5xi32, #accel.space<vec>>
  return
}

// -----

func.func @token_gather_zero_fill(%x: memref<17x64xbf16, #accel.space<act>>, %i: memref<5xi32, #accel.space<vec>>, %y: memref<5x64xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.token_gather' op zero_fill writes all 17 source rows: result must have them, got 'memref<5x64xbf16, #accel.space<act>>'}}
  accel.token_gather %x, %i, %y zero_fill : memref<17x64xbf16, #accel.space<act>>, memref<5xi32, #accel.space<vec>>, memref<5x64xbf16, #accel.space<act>>
  return
}

// -----

func.func @token_gather_shape(%x: memref<17x64xbf16, #accel.space<act>>, %i: memref<5xi32, #accel.space<vec>>, %y: memref<5x32xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.token_gather' op result must have the source's columns and element type and at most its rows, got 'memref<17x64xbf16, #accel.space<act>>' -> 'memref<5x32xbf16, #accel.space<act>>'}}
  accel.token_gather %x, %i, %y : memref<17x64xbf16, #accel.space<act>>, memref<5xi32, #accel.space<vec>>, memref<5x32xbf16, #accel.space<act>>
  return
}

// -----

func.func @token_gather_indices(%x: memref<17x64xbf16, #accel.space<act>>, %i: memref<4xi32, #accel.space<vec>>, %y: memref<5x64xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.token_gather' op indices must be memref<5xi32>, got 'memref<4xi32, #accel.space<vec>>'}}
  accel.token_gather %x, %i, %y : memref<17x64xbf16, #accel.space<act>>, memref<4xi32, #accel.space<vec>>, memref<5x64xbf16, #accel.space<act>>
  return
}

// -----

func.func @token_fuse_int8(%x: memref<17x64xi8, #accel.space<act>>, %s: memref<17xi32, #accel.space<vec>>, %i: memref<9xi32, #accel.space<vec>>, %y: memref<1x64xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.token_fuse' op source must be a rank-2 bf16 tile, got 'memref<17x64xi8, #accel.space<act>>'}}
  accel.token_fuse %x, %s, %i, %y : memref<17x64xi8, #accel.space<act>>, memref<17xi32, #accel.space<vec>>, memref<9xi32, #accel.space<vec>>, memref<1x64xi8, #accel.space<act>>
  return
}

// -----

func.func @token_fuse_result(%x: memref<17x64xbf16, #accel.space<act>>, %s: memref<17xi32, #accel.space<vec>>, %i: memref<9xi32, #accel.space<vec>>, %y: memref<2x64xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.token_fuse' op result must be one row of the source's 64 columns, got 'memref<2x64xbf16, #accel.space<act>>'}}
  accel.token_fuse %x, %s, %i, %y : memref<17x64xbf16, #accel.space<act>>, memref<17xi32, #accel.space<vec>>, memref<9xi32, #accel.space<vec>>, memref<2x64xbf16, #accel.space<act>>
  return
}

// -----

func.func @token_fuse_scores(%x: memref<17x64xbf16, #accel.space<act>>, %s: memref<16xi32, #accel.space<vec>>, %i: memref<9xi32, #accel.space<vec>>, %y: memref<1x64xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.token_fuse' op scores must be memref<17xi32>, got 'memref<16xi32, #accel.space<vec>>'}}
  accel.token_fuse %x, %s, %i, %y : memref<17x64xbf16, #accel.space<act>>, memref<16xi32, #accel.space<vec>>, memref<9xi32, #accel.space<vec>>, memref<1x64xbf16, #accel.space<act>>
  return
}

// -----

func.func @token_fuse_indices(%x: memref<17x64xbf16, #accel.space<act>>, %s: memref<17xi32, #accel.space<vec>>, %i: memref<18xi32, #accel.space<vec>>, %y: memref<1x64xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.token_fuse' op indices must be an i32 vector of at most 17 entries, got 'memref<18xi32, #accel.space<vec>>'}}
  accel.token_fuse %x, %s, %i, %y : memref<17x64xbf16, #accel.space<act>>, memref<17xi32, #accel.space<vec>>, memref<18xi32, #accel.space<vec>>, memref<1x64xbf16, #accel.space<act>>
  return
}

// -----

func.func @token_fuse_space(%x: memref<17x64xbf16, #accel.space<act>>, %s: memref<17xi32, #accel.space<vec>>, %i: memref<9xi32, #accel.space<vec>>, %y: memref<1x64xbf16, #accel.space<acc>>) {
  // expected-error @+1 {{'accel.token_fuse' op source and result must be in the activation scratchpad (act), got 'memref<17x64xbf16, #accel.space<act>>' -> 'memref<1x64xbf16, #accel.space<acc>>'}}
  accel.token_fuse %x, %s, %i, %y : memref<17x64xbf16, #accel.space<act>>, memref<17xi32, #accel.space<vec>>, memref<9xi32, #accel.space<vec>>, memref<1x64xbf16, #accel.space<acc>>
  return
}

// -----

func.func @requant_wide_result(%a: memref<4x8xi32, #accel.space<act>>, %d: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.requant_wide' op expects an i8 result for 8 bits, got 'i32'}}
  accel.requant_wide %a, %d multiplier 1073741824 shift 30 bits 8 : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

// A 4-bit result may be typed i4 (or i8), not another narrow width.
func.func @requant_wide_narrow_result(%a: memref<4x8xi32, #accel.space<act>>, %d: memref<4x8xi6, #accel.space<act>>) {
  // expected-error @+1 {{'accel.requant_wide' op expects an i8 result for 4 bits, got 'i6'}}
  accel.requant_wide %a, %d multiplier 1073741824 shift 30 bits 4 : memref<4x8xi32, #accel.space<act>>, memref<4x8xi6, #accel.space<act>>
  return
}

// -----

func.func @dma_gather_indices(%t: memref<100x8xbf16>, %i: memref<4xi64, #accel.space<vec>>, %y: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.dma_gather' op indices must be i32, got 'i64'}}
  accel.dma_gather %t[%i], %y : memref<100x8xbf16>, memref<4xi64, #accel.space<vec>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @sfu_fn_f32(%a: memref<4x8xf32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.sfu_fn' op operands must be bf16 tiles, got 'f32' -> 'f32'}}
  accel.sfu_fn <tanh> %a, %a : memref<4x8xf32, #accel.space<act>>, memref<4x8xf32, #accel.space<act>>
  return
}

// -----

func.func @convert_zp_wide(%a: memref<4x8xi32, #accel.space<acc>>, %b: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.convert' op a zero point needs an i8 <-> bf16 conversion, got 'i32' -> 'bf16'}}
  accel.convert %a, %b zp 3 : memref<4x8xi32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @convert_zp_range(%a: memref<4x8xbf16, #accel.space<act>>, %b: memref<4x8xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.convert' op zero point 128 outside the int8 range}}
  accel.convert %a, %b zp 128 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  return
}

// -----

func.func @pow_i8(%a: memref<4x8xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector' op operands must be bf16 or i32 tiles, got 'i8'}}
  accel.vector <pow> %a, %a, %a : memref<4x8xi8, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  return
}

// -----

// vwrap keeps 1..31 low bits of i32 values.
func.func @wrap_bits(%a: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.wrap' op bits must be 1..31 (vwrap), got 32}}
  accel.wrap %a, %a bits 32 : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @wrap_bf16(%a: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.wrap' op wraps i32 tiles, got 'bf16' -> 'bf16'}}
  accel.wrap %a, %a bits 8 sign_extend : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @compare_result_i32(%a: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector' op a comparison writes a bf16 boolean (0 / 1), got a result of 'i32'}}
  accel.vector <eq> %a, %a, %a : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @add_result_type(%a: memref<4x8xi32, #accel.space<act>>, %d: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector' op result element type 'bf16' differs from the operands' 'i32'}}
  accel.vector <add> %a, %a, %d : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @const_compare_result(%a: memref<4x8xbf16, #accel.space<act>>, %d: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector_const' op a comparison writes a bf16 boolean (0 / 1), got a result of 'i32'}}
  accel.vector_const <gt> %a, %d 0.0 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @column_pow_i32_result(%a: memref<4x8xi32, #accel.space<act>>, %b: memref<4x1xi32, #accel.space<act>>, %d: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector_column' op result element type 'bf16' differs from the operands' 'i32'}}
  accel.vector_column <pow> %a, %b, %d : memref<4x8xi32, #accel.space<act>>, memref<4x1xi32, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @to_int_add(%a: memref<4x8xbf16, #accel.space<act>>, %d: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector' op to_int takes a pow or a division (the SFU's f32 result), got add}}
  accel.vector <add> %a, %a, %d {to_int = #accel.to_int<rne>} : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @to_int_bf16_result(%a: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector_const' op to_int writes an i32 result, got 'bf16'}}
  accel.vector_const <div> %a, %a 2.0 {to_int = #accel.to_int<rne>} : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @to_int_div_i32_dividend(%a: memref<4x8xi32, #accel.space<act>>, %b: memref<4x1xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector_column' op to_int reads bf16 operands (pow: an i32 or bf16 base), got 'i32' and 'bf16'}}
  accel.vector_column <div> %a, %b, %a {to_int = #accel.to_int<rne>} : memref<4x8xi32, #accel.space<act>>, memref<4x1xbf16, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @mixed_operands_without_to_int(%a: memref<4x8xi32, #accel.space<act>>, %b: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector' op operand element types 'i32' and 'bf16' differ (only a pow with to_int takes an i32 base and a bf16 exponent)}}
  accel.vector <pow> %a, %b, %a : memref<4x8xi32, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @const_i32_input_without_to_int(%a: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector_const' op a constant operand needs bf16 tiles, got 'i32'}}
  accel.vector_const <pow> %a, %a 2.0 : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @uint_add(%a: memref<4x8xi32, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector' op uint (uint32 order) takes max or a comparison of i32 tiles, got add of 'i32'}}
  accel.vector <add> %a, %a, %a {uint} : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  return
}

// -----

func.func @uint_bf16_column(%a: memref<4x8xbf16, #accel.space<act>>, %b: memref<4x1xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector_column' op uint (uint32 order) takes max or a comparison of i32 tiles, got max of 'bf16'}}
  accel.vector_column <max> %a, %b, %a {uint} : memref<4x8xbf16, #accel.space<act>>, memref<4x1xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @convert_uint_from_i8(%a: memref<4x8xi8, #accel.space<act>>, %d: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.convert' op uint (a uint32 input, cvt.i2b src=u32) converts i32 to bf16, got 'i8' -> 'bf16'}}
  accel.convert %a, %d uint : memref<4x8xi8, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @select_condition_i32(%c: memref<4x8xi32, #accel.space<act>>, %a: memref<4x8xbf16, #accel.space<act>>) {
  // expected-error @+1 {{'accel.select' op the condition must be a bf16 boolean tile, got 'i32'}}
  accel.select %c, %a, %a, %a : memref<4x8xi32, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  return
}

// -----

func.func @select_i8(%c: memref<4x8xbf16, #accel.space<act>>, %a: memref<4x8xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.select' op operands must be bf16 or i32 tiles, got 'i8'}}
  accel.select %c, %a, %a, %a : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  return
}

// -----

func.func @vector_column_div_i8(%a: memref<4x8xi8, #accel.space<act>>, %b: memref<4x1xi8, #accel.space<act>>) {
  // expected-error @+1 {{'accel.vector_column' op operands must be bf16 or i32 tiles, got 'i8'}}
  accel.vector_column <div> %a, %b, %a : memref<4x8xi8, #accel.space<act>>, memref<4x1xi8, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  return
}

// -----

func.func @core_out_of_range(%a: memref<4x8xi32, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.core' must be an integer core index in [0, 16)}}
  accel.vector <add> %a, %a, %a {accel.core = 16 : i64} : memref<4x8xi32, #accel.space<vec>>, memref<4x8xi32, #accel.space<vec>>, memref<4x8xi32, #accel.space<vec>>
  return
}

// -----

func.func @core_not_integer(%a: memref<4x8xi32, #accel.space<vec>>) {
  // expected-error @+1 {{'accel.core' must be an integer core index in [0, 16)}}
  accel.vector <add> %a, %a, %a {accel.core = "one"} : memref<4x8xi32, #accel.space<vec>>, memref<4x8xi32, #accel.space<vec>>, memref<4x8xi32, #accel.space<vec>>
  return
}

// -----

func.func @core_on_other_op() {
  // expected-error @+1 {{'accel.core' may only be set on accel ops}}
  %a = memref.alloc() {accel.core = 0 : i64} : memref<4xi32>
  return
}

// -----

// expected-error @+1 {{'accel.cores' must be a module's core count in [1, 16]}}
module attributes {accel.cores = 0 : i64} {
}
