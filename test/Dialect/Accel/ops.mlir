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
