// RUN: tern-opt %s | tern-opt | FileCheck %s
// Round-trip of every accel op.

// CHECK-LABEL: func @int8_tile
func.func @int8_tile(%a: memref<32x64xi8>, %wd: memref<64x32xi8, #accel.space<dram>>, %o: memref<32x32xi32>) {
  %abuf = memref.alloc() : memref<32x64xi8, #accel.space<act>>
  %wbuf = memref.alloc() : memref<64x32xi8, #accel.space<wgt>>
  %cbuf = memref.alloc() : memref<32x32xi32, #accel.space<acc>>
  // CHECK: accel.dma_load %{{.*}}, %{{.*}} : memref<32x64xi8>, memref<32x64xi8, #accel.space<act>>
  accel.dma_load %a, %abuf : memref<32x64xi8>, memref<32x64xi8, #accel.space<act>>
  // DRAM may also be named explicitly.
  // CHECK: accel.dma_load %{{.*}}, %{{.*}} : memref<64x32xi8, #accel.space<dram>>, memref<64x32xi8, #accel.space<wgt>>
  accel.dma_load %wd, %wbuf : memref<64x32xi8, #accel.space<dram>>, memref<64x32xi8, #accel.space<wgt>>
  // CHECK: accel.gemm %{{.*}}, %{{.*}}, %{{.*}} : memref<32x64xi8, #accel.space<act>>, memref<64x32xi8, #accel.space<wgt>>, memref<32x32xi32, #accel.space<acc>>
  accel.gemm %abuf, %wbuf, %cbuf : memref<32x64xi8, #accel.space<act>>, memref<64x32xi8, #accel.space<wgt>>, memref<32x32xi32, #accel.space<acc>>
  // CHECK: accel.gemm %{{.*}}, %{{.*}}, %{{.*}} accumulate :
  accel.gemm %abuf, %wbuf, %cbuf accumulate : memref<32x64xi8, #accel.space<act>>, memref<64x32xi8, #accel.space<wgt>>, memref<32x32xi32, #accel.space<acc>>
  // CHECK: accel.dma_store %{{.*}}, %{{.*}} : memref<32x32xi32, #accel.space<acc>>, memref<32x32xi32>
  accel.dma_store %cbuf, %o : memref<32x32xi32, #accel.space<acc>>, memref<32x32xi32>
  return
}

// CHECK-LABEL: func @narrow_and_bf16_tiles
func.func @narrow_and_bf16_tiles(%a4: memref<8x16xi4, #accel.space<act>>,
                                 %w4: memref<16x8xi4, #accel.space<wgt>>,
                                 %c16: memref<8x8xi16, #accel.space<acc>>,
                                 %ab: memref<8x16xbf16, #accel.space<act>>,
                                 %wb: memref<16x8xbf16, #accel.space<wgt>>,
                                 %cf: memref<8x8xf32, #accel.space<acc>>) {
  // CHECK: accel.gemm {{.*}} : memref<8x16xi4, #accel.space<act>>, memref<16x8xi4, #accel.space<wgt>>, memref<8x8xi16, #accel.space<acc>>
  accel.gemm %a4, %w4, %c16 : memref<8x16xi4, #accel.space<act>>, memref<16x8xi4, #accel.space<wgt>>, memref<8x8xi16, #accel.space<acc>>
  // CHECK: accel.gemm {{.*}} : memref<8x16xbf16, #accel.space<act>>, memref<16x8xbf16, #accel.space<wgt>>, memref<8x8xf32, #accel.space<acc>>
  accel.gemm %ab, %wb, %cf : memref<8x16xbf16, #accel.space<act>>, memref<16x8xbf16, #accel.space<wgt>>, memref<8x8xf32, #accel.space<acc>>
  return
}

// CHECK-LABEL: func @vector_and_sfu
func.func @vector_and_sfu(%a: memref<4x8xbf16, #accel.space<act>>,
                          %b: memref<4x8xbf16, #accel.space<vec>>,
                          %r: memref<4x1xbf16, #accel.space<vec>>,
                          %acc: memref<4x8xf32, #accel.space<acc>>,
                          %i: memref<4x8xi32, #accel.space<acc>>,
                          %q: memref<4x8xi8, #accel.space<act>>) {
  // CHECK: accel.vector <add> %{{.*}}, %{{.*}}, %{{.*}} : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<vec>>, memref<4x8xbf16, #accel.space<act>>
  accel.vector <add> %a, %b, %a : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<vec>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.vector <max> {{.*}} : memref<4x8xi32, #accel.space<acc>>
  accel.vector <max> %i, %i, %i : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>
  // CHECK: accel.vector_const <mul> %{{.*}}, %{{.*}} 1.250000e-01 :
  accel.vector_const <mul> %a, %a 0.125 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.vector <pow> {{.*}} : memref<4x8xbf16, #accel.space<act>>
  accel.vector <pow> %a, %b, %a : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<vec>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.vector <ge> {{.*}} : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  accel.vector <ge> %i, %i, %a : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.vector_const <ne> %{{.*}}, %{{.*}} 0.000000e+00 :
  accel.vector_const <ne> %a, %a 0.0 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.select %{{.*}}, %{{.*}}, %{{.*}}, %{{.*}} : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi32, #accel.space<acc>>
  accel.select %a, %i, %i, %i : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>
  // The narrow integer wrap (vwrap) and the integer division (rsfu.div).
  // CHECK: accel.wrap %{{.*}}, %{{.*}} bits 8 sign_extend : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>
  accel.wrap %i, %i bits 8 sign_extend : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>
  // CHECK: accel.wrap %{{.*}}, %{{.*}} bits 16 : memref<4x8xi32, #accel.space<acc>>
  accel.wrap %i, %i bits 16 : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>
  // CHECK: accel.vector <pow> {{.*}} : memref<4x8xi32, #accel.space<acc>>
  accel.vector <pow> %i, %i, %i : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>
  // CHECK: accel.vector <div> {{.*}} : memref<4x8xi32, #accel.space<acc>>
  accel.vector <div> %i, %i, %i : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>
  // int32 results of the SFU's f32 power and quotient (to_int).
  // CHECK: accel.vector <pow> {{.*}} {to_int = #accel.to_int<trunc>} : memref<4x8xi32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>, memref<4x8xi32, #accel.space<acc>>
  accel.vector <pow> %i, %a, %i {to_int = #accel.to_int<trunc>} : memref<4x8xi32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>, memref<4x8xi32, #accel.space<acc>>
  // CHECK: accel.vector_column <div> {{.*}} {to_int = #accel.to_int<rne>} : memref<4x8xbf16, #accel.space<act>>, memref<4x1xbf16, #accel.space<vec>>, memref<4x8xi32, #accel.space<acc>>
  accel.vector_column <div> %a, %r, %i {to_int = #accel.to_int<rne>} : memref<4x8xbf16, #accel.space<act>>, memref<4x1xbf16, #accel.space<vec>>, memref<4x8xi32, #accel.space<acc>>
  // CHECK: accel.vector_const <pow> {{.*}} 5.000000e-01 {to_int = #accel.to_int<trunc>} : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>
  accel.vector_const <pow> %i, %i 0.5 {to_int = #accel.to_int<trunc>} : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>
  // uint32 order of i32 words (vmax / vcmp uns) and their conversion.
  // CHECK: accel.vector <max> {{.*}} {uint} : memref<4x8xi32, #accel.space<acc>>
  accel.vector <max> %i, %i, %i {uint} : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>
  // CHECK: accel.vector <gt> {{.*}} {uint} : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  accel.vector <gt> %i, %i, %a {uint} : memref<4x8xi32, #accel.space<acc>>, memref<4x8xi32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.convert %{{.*}}, %{{.*}} uint : memref<4x8xi32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  accel.convert %i, %a uint : memref<4x8xi32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.reduce <max> %{{.*}}, %{{.*}} : memref<4x8xbf16, #accel.space<act>>, memref<4x1xbf16, #accel.space<vec>>
  accel.reduce <max> %a, %r : memref<4x8xbf16, #accel.space<act>>, memref<4x1xbf16, #accel.space<vec>>
  // CHECK: accel.convert %{{.*}}, %{{.*}} scale 5.000000e-01 : memref<4x8xf32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  accel.convert %acc, %a scale 0.5 : memref<4x8xf32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.convert %{{.*}}, %{{.*}} : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  accel.convert %a, %q : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  // Asymmetric int8 (cvt.b2i / cvt.i2b zp): quantize and dequantize.
  // CHECK: accel.convert %{{.*}}, %{{.*}} scale 2.000000e+00 zp -43 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  accel.convert %a, %q scale 2.0 zp -43 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  // CHECK: accel.convert %{{.*}}, %{{.*}} zp 11 : memref<4x8xi8, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  accel.convert %q, %a zp 11 : memref<4x8xi8, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  // Exact QuantizeLinear (cvt.f2i): the f32 scale itself, int8 or narrow.
  // CHECK: accel.quantize %{{.*}}, %{{.*}} scale 0.00392156839 zp -128 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  accel.quantize %a, %q scale 0.0039215686 zp -128 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  // CHECK: accel.quantize %{{.*}}, %{{.*}} scale 2.500000e-01 qmin -8 qmax 7 : memref<4x8xf32, #accel.space<acc>>, memref<4x8xi8, #accel.space<act>>
  accel.quantize %acc, %q scale 0.25 qmin -8 qmax 7 : memref<4x8xf32, #accel.space<acc>>, memref<4x8xi8, #accel.space<act>>
  // 4-bit activations: bf16 -> i4 (cvt.b2i bits=4), one byte per element.
  // CHECK: accel.convert %{{.*}}, %{{.*}} : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi4, #accel.space<act>>
  %q4 = memref.alloc() : memref<4x8xi4, #accel.space<act>>
  accel.convert %a, %q4 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xi4, #accel.space<act>>
  // CHECK: accel.softmax
  accel.softmax %a, %a : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  // Log-softmax of an f32 tile (a program input kept in f32) into bf16.
  // CHECK: accel.softmax %{{.*}}, %{{.*}} log : memref<4x8xf32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  accel.softmax %acc, %a log : memref<4x8xf32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  // A pow of f32 operands (rsfu.pow af32 / bf32) into bf16.
  // CHECK: accel.vector <pow> {{.*}} : memref<4x8xf32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<vec>>, memref<4x8xbf16, #accel.space<act>>
  accel.vector <pow> %acc, %b, %a : memref<4x8xf32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<vec>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.vector_const <pow> {{.*}} 2.000000e+00 : memref<4x8xf32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  accel.vector_const <pow> %acc, %a 2.0 : memref<4x8xf32, #accel.space<acc>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.layer_norm %{{.*}}, %{{.*}} epsilon 9.99999974E-6 :
  accel.layer_norm %a, %a epsilon 1.0e-5 : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.gelu
  accel.gelu %a, %a : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.rsqrt
  accel.rsqrt %a, %a : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.sfu_fn <exp> %{{.*}}, %{{.*}} : memref<4x8xbf16
  accel.sfu_fn <exp> %a, %a : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.sfu_fn <log>
  accel.sfu_fn <log> %a, %a : memref<4x8xbf16, #accel.space<act>>, memref<4x8xbf16, #accel.space<act>>
  // CHECK: accel.push <load> to <compute>
  accel.push <load> to <compute>
  // CHECK: accel.pop <load> to <compute>
  accel.pop <load> to <compute>
  return
}

// CHECK-LABEL: func @dma_views
func.func @dma_views(%x: memref<8x16xbf16>, %b: memref<16xbf16>, %m: memref<16x8xbf16>) {
  %t = memref.alloc() : memref<4x8xbf16, #accel.space<act>>
  // A sub-block of a larger DRAM tensor.
  // CHECK: accel.dma_load %{{.*}}, %{{.*}} : memref<4x8xbf16, strided<[16, 1], offset: 40>>, memref<4x8xbf16, #accel.space<act>>
  %sv = memref.subview %x[2, 8] [4, 8] [1, 1] : memref<8x16xbf16> to memref<4x8xbf16, strided<[16, 1], offset: 40>>
  accel.dma_load %sv, %t : memref<4x8xbf16, strided<[16, 1], offset: 40>>, memref<4x8xbf16, #accel.space<act>>
  // A bias row repeated on every row of the tile.
  // CHECK: accel.dma_broadcast %{{.*}}, %{{.*}} : memref<8xbf16, strided<[1], offset: 8>>, memref<4x8xbf16, #accel.space<act>>
  %bc = memref.subview %b[8] [8] [1] : memref<16xbf16> to memref<8xbf16, strided<[1], offset: 8>>
  accel.dma_broadcast %bc, %t : memref<8xbf16, strided<[1], offset: 8>>, memref<4x8xbf16, #accel.space<act>>
  // A column gathered into one row of the tile.
  // CHECK: accel.dma_load %{{.*}}, %{{.*}} : memref<8xbf16, strided<[8], offset: 3>>, memref<8xbf16, strided<[1], offset: 8>, #accel.space<act>>
  %col = memref.subview %m[0, 3] [8, 1] [1, 1] : memref<16x8xbf16> to memref<8xbf16, strided<[8], offset: 3>>
  %row = memref.subview %t[1, 0] [1, 8] [1, 1] : memref<4x8xbf16, #accel.space<act>> to memref<8xbf16, strided<[1], offset: 8>, #accel.space<act>>
  accel.dma_load %col, %row : memref<8xbf16, strided<[8], offset: 3>>, memref<8xbf16, strided<[1], offset: 8>, #accel.space<act>>
  // A block of K transposed on its way into the weight scratchpad (K^T).
  // CHECK: accel.dma_load_transposed %{{.*}}, %{{.*}} : memref<8x4xbf16, strided<[8, 1], offset: 4>>, memref<4x8xbf16, #accel.space<wgt>>
  %kt = memref.alloc() : memref<4x8xbf16, #accel.space<wgt>>
  %kb = memref.subview %m[0, 4] [8, 4] [1, 1] : memref<16x8xbf16> to memref<8x4xbf16, strided<[8, 1], offset: 4>>
  accel.dma_load_transposed %kb, %kt : memref<8x4xbf16, strided<[8, 1], offset: 4>>, memref<4x8xbf16, #accel.space<wgt>>
  return
}

// CHECK-LABEL: func @requant
// CHECK: accel.requant <ibert> %{{.*}}, %{{.*}} multiplier 1518500250 shift 38 : memref<16x16xi32, #accel.space<acc>>, memref<16x16xi8, #accel.space<act>>
// CHECK: accel.requant <tataa> %{{.*}}, %{{.*}} multiplier 65535 shift 31 : memref<16x16xi16, #accel.space<acc>>
// CHECK: accel.requant <elastic> %{{.*}}, %{{.*}} multiplier 3 shift 1 zero_point -5 :
func.func @requant(%a: memref<16x16xi32, #accel.space<acc>>, %h: memref<16x16xi16, #accel.space<acc>>,
                   %q: memref<16x16xi8, #accel.space<act>>) {
  accel.requant <ibert> %a, %q multiplier 1518500250 shift 38 : memref<16x16xi32, #accel.space<acc>>, memref<16x16xi8, #accel.space<act>>
  accel.requant <tataa> %h, %q multiplier 65535 shift 31 : memref<16x16xi16, #accel.space<acc>>, memref<16x16xi8, #accel.space<act>>
  accel.requant <elastic> %a, %q multiplier 3 shift 1 zero_point -5 : memref<16x16xi32, #accel.space<acc>>, memref<16x16xi8, #accel.space<act>>
  return
}

// CHECK-LABEL: func @integer_sfu
// CHECK: accel.isoftmax %{{.*}}, %{{.*}} params [-710, 2772, 2927744, 36] : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.igelu %{{.*}}, %{{.*}} params [-641, -453851, -28] :
// CHECK: accel.ilayernorm %{{.*}}, %{{.*}} params [9] :
// CHECK: accel.requant_wide %{{.*}}, %{{.*}} multiplier -1073741824 shift 30 bits 32 : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
// CHECK: accel.requant_wide %{{.*}}, %{{.*}} multiplier 1073741824 shift 34 bits 8 : memref<4x8xi32, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
func.func @integer_sfu(%a: memref<4x8xi32, #accel.space<act>>, %d: memref<4x8xi32, #accel.space<act>>,
                       %q: memref<4x8xi8, #accel.space<act>>) {
  accel.isoftmax %a, %d params [-710, 2772, 2927744, 36] : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  accel.igelu %a, %d params [-641, -453851, -28] : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  accel.ilayernorm %a, %d params [9] : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  accel.requant_wide %a, %d multiplier -1073741824 shift 30 bits 32 : memref<4x8xi32, #accel.space<act>>, memref<4x8xi32, #accel.space<act>>
  accel.requant_wide %a, %q multiplier 1073741824 shift 34 bits 8 : memref<4x8xi32, #accel.space<act>>, memref<4x8xi8, #accel.space<act>>
  return
}

// FFN2 sparsity: a non-zero column map of the activation tile feeds the
// GEMM's K-row bitmap (round trip of both forms).
// CHECK-LABEL: func @bitmap_gemm
// CHECK: accel.nonzero_map %[[A:.*]], %[[M:.*]] threshold 2 : memref<16x20xi8, #accel.space<act>>, memref<3xi8, #accel.space<vec>>
// CHECK: accel.gemm %[[A]], %{{.*}}, %{{.*}} accumulate bitmap %[[M]] : memref<3xi8, #accel.space<vec>> : memref<16x20xi8, #accel.space<act>>
func.func @bitmap_gemm(%a: memref<16x20xi8, #accel.space<act>>,
                       %w: memref<20x8xi8, #accel.space<wgt>>,
                       %c: memref<16x8xi32, #accel.space<acc>>,
                       %m: memref<3xi8, #accel.space<vec>>) {
  accel.nonzero_map %a, %m threshold 2 : memref<16x20xi8, #accel.space<act>>, memref<3xi8, #accel.space<vec>>
  accel.gemm %a, %w, %c accumulate bitmap %m : memref<3xi8, #accel.space<vec>> : memref<16x20xi8, #accel.space<act>>, memref<20x8xi8, #accel.space<wgt>>, memref<16x8xi32, #accel.space<acc>>
  return
}
