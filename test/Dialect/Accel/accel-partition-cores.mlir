// RUN: tern-opt %s -split-input-file --accel-allocate-buffers --accel-partition-cores=cores=2 | FileCheck %s
// RUN: tern-opt %s -split-input-file --accel-allocate-buffers --accel-partition-cores=cores=1 | FileCheck %s --check-prefix=ONE
// RUN: not tern-opt %s -split-input-file --accel-allocate-buffers --accel-partition-cores=cores=17 2>&1 | FileCheck %s --check-prefix=RANGE

// Two independent tiles (rows 0-3 and 4-7 of x, each loaded, doubled and
// stored) go to different cores; the tile that adds the two stored halves
// reads both cores' results, so a barrier comes first, and its ops, tied
// by their scratchpad tiles, share one core.
// CHECK-LABEL: module attributes {accel.cores = 2 : i64
// CHECK-LABEL: func @halves
// CHECK: accel.dma_load %{{.*}}, %[[A:.+]] {accel.core = 0 : i64}
// CHECK-NEXT: accel.vector <add> %[[A]], %[[A]], %[[A]] {accel.core = 0 : i64}
// CHECK-NEXT: accel.dma_store %[[A]], %{{.*}} {accel.core = 0 : i64}
// CHECK: accel.dma_load %{{.*}}, %[[B:.+]] {accel.core = 1 : i64}
// CHECK-NEXT: accel.vector <add> %[[B]], %[[B]], %[[B]] {accel.core = 1 : i64}
// CHECK-NEXT: accel.dma_store %[[B]], %{{.*}} {accel.core = 1 : i64}
// CHECK: accel.barrier
// CHECK-NEXT: accel.dma_load %{{.*}}, %[[C:.+]] {accel.core = [[K:[01]]] : i64}
// CHECK-NEXT: accel.dma_load %{{.*}}, %[[D:.+]] {accel.core = [[K]] : i64}
// CHECK-NEXT: accel.vector <add> %[[C]], %[[D]], %[[C]] {accel.core = [[K]] : i64}
// CHECK-NEXT: accel.dma_store %[[C]], %{{.*}} {accel.core = [[K]] : i64}
// CHECK-NOT: accel.barrier
// ONE-NOT: accel.core
// ONE-NOT: accel.barrier
// RANGE: accel-partition-cores: cores must be between 1 and 16, not 17
func.func @halves(%x: memref<8x4xi32>, %y: memref<4x4xi32>) {
  %tmp = memref.alloc() : memref<8x4xi32>
  %top = memref.subview %x[0, 0] [4, 4] [1, 1] : memref<8x4xi32> to memref<4x4xi32, strided<[4, 1]>>
  %bot = memref.subview %x[4, 0] [4, 4] [1, 1] : memref<8x4xi32> to memref<4x4xi32, strided<[4, 1], offset: 16>>
  %ttop = memref.subview %tmp[0, 0] [4, 4] [1, 1] : memref<8x4xi32> to memref<4x4xi32, strided<[4, 1]>>
  %tbot = memref.subview %tmp[4, 0] [4, 4] [1, 1] : memref<8x4xi32> to memref<4x4xi32, strided<[4, 1], offset: 16>>
  %a = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %top, %a : memref<4x4xi32, strided<[4, 1]>>, memref<4x4xi32, #accel.space<vec>>
  accel.vector <add> %a, %a, %a : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>
  accel.dma_store %a, %ttop : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, strided<[4, 1]>>
  %b = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %bot, %b : memref<4x4xi32, strided<[4, 1], offset: 16>>, memref<4x4xi32, #accel.space<vec>>
  accel.vector <add> %b, %b, %b : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>
  accel.dma_store %b, %tbot : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, strided<[4, 1], offset: 16>>
  %c = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  %d = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %ttop, %c : memref<4x4xi32, strided<[4, 1]>>, memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %tbot, %d : memref<4x4xi32, strided<[4, 1], offset: 16>>, memref<4x4xi32, #accel.space<vec>>
  accel.vector <add> %c, %d, %c : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>
  accel.dma_store %c, %y : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32>
  return
}

// -----

// A consumer that reads only one core's result stays on that core: no
// barrier (the tile of rows 4-7 is doubled again on core 1).
// CHECK-LABEL: func @affinity
// CHECK: accel.dma_store %{{.*}} {accel.core = 0 : i64}
// CHECK: accel.dma_store %{{.*}} {accel.core = 1 : i64}
// CHECK-NOT: accel.barrier
// CHECK: accel.dma_load %{{.*}} {accel.core = 1 : i64}
// CHECK-NEXT: accel.vector <add> %{{.*}} {accel.core = 1 : i64}
// CHECK-NEXT: accel.dma_store %{{.*}} {accel.core = 1 : i64}
func.func @affinity(%x: memref<8x4xi32>, %y: memref<4x4xi32>) {
  %tmp = memref.alloc() : memref<8x4xi32>
  %top = memref.subview %x[0, 0] [4, 4] [1, 1] : memref<8x4xi32> to memref<4x4xi32, strided<[4, 1]>>
  %bot = memref.subview %x[4, 0] [4, 4] [1, 1] : memref<8x4xi32> to memref<4x4xi32, strided<[4, 1], offset: 16>>
  %ttop = memref.subview %tmp[0, 0] [4, 4] [1, 1] : memref<8x4xi32> to memref<4x4xi32, strided<[4, 1]>>
  %tbot = memref.subview %tmp[4, 0] [4, 4] [1, 1] : memref<8x4xi32> to memref<4x4xi32, strided<[4, 1], offset: 16>>
  %a = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %top, %a : memref<4x4xi32, strided<[4, 1]>>, memref<4x4xi32, #accel.space<vec>>
  accel.vector <add> %a, %a, %a : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>
  accel.dma_store %a, %ttop : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, strided<[4, 1]>>
  %b = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %bot, %b : memref<4x4xi32, strided<[4, 1], offset: 16>>, memref<4x4xi32, #accel.space<vec>>
  accel.vector <add> %b, %b, %b : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>
  accel.dma_store %b, %tbot : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, strided<[4, 1], offset: 16>>
  %c = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %tbot, %c : memref<4x4xi32, strided<[4, 1], offset: 16>>, memref<4x4xi32, #accel.space<vec>>
  accel.vector <add> %c, %c, %c : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>
  accel.dma_store %c, %y : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32>
  return
}

// -----

// Both tiles of node "spread" read what core 0 wrote, so by affinity alone
// both would follow it onto core 0. The node's tiles are tried both ways
// and a barrier first lets them run on both cores (each tile's work,
// thousands of units, outweighs the barrier's 256).
// CHECK-LABEL: func @spread
// CHECK: accel.dma_store %{{.*}} {accel.core = 0 : i64}
// CHECK: accel.barrier
// CHECK-NEXT: accel.dma_load %{{.*}} {accel.core = 0 : i64}
// CHECK-NEXT: accel.vector <add> %{{.*}} {accel.core = 0 : i64}
// CHECK-NEXT: accel.dma_store %{{.*}} {accel.core = 0 : i64}
// CHECK: accel.dma_load %{{.*}} {accel.core = 1 : i64}
// CHECK-NEXT: accel.vector <add> %{{.*}} {accel.core = 1 : i64}
// CHECK-NEXT: accel.dma_store %{{.*}} {accel.core = 1 : i64}
// CHECK-NOT: accel.barrier
// With a barrier that costs more than a tile, they stay on core 0.
// RUN: tern-opt %s -split-input-file --accel-allocate-buffers --accel-partition-cores="cores=2 barrier-cost=100000" | FileCheck %s --check-prefix=COSTLY
// COSTLY-LABEL: func @spread
// COSTLY-NOT: accel.barrier
// COSTLY-NOT: accel.core = 1
// COSTLY: return
func.func @spread(%x: memref<512x32xi32>, %y: memref<512x32xi32>) {
  %tmp = memref.alloc() : memref<512x32xi32>
  %a = memref.alloc() : memref<512x32xi32, #accel.space<vec>>
  accel.dma_load %x, %a : memref<512x32xi32>, memref<512x32xi32, #accel.space<vec>> loc("first")
  accel.vector <add> %a, %a, %a : memref<512x32xi32, #accel.space<vec>>, memref<512x32xi32, #accel.space<vec>>, memref<512x32xi32, #accel.space<vec>> loc("first")
  accel.dma_store %a, %tmp : memref<512x32xi32, #accel.space<vec>>, memref<512x32xi32> loc("first")
  %t0 = memref.subview %tmp[0, 0] [256, 32] [1, 1] : memref<512x32xi32> to memref<256x32xi32, strided<[32, 1]>>
  %t1 = memref.subview %tmp[256, 0] [256, 32] [1, 1] : memref<512x32xi32> to memref<256x32xi32, strided<[32, 1], offset: 8192>>
  %y0 = memref.subview %y[0, 0] [256, 32] [1, 1] : memref<512x32xi32> to memref<256x32xi32, strided<[32, 1]>>
  %y1 = memref.subview %y[256, 0] [256, 32] [1, 1] : memref<512x32xi32> to memref<256x32xi32, strided<[32, 1], offset: 8192>>
  %b = memref.alloc() : memref<256x32xi32, #accel.space<vec>>
  accel.dma_load %t0, %b : memref<256x32xi32, strided<[32, 1]>>, memref<256x32xi32, #accel.space<vec>> loc("spread")
  accel.vector <add> %b, %b, %b : memref<256x32xi32, #accel.space<vec>>, memref<256x32xi32, #accel.space<vec>>, memref<256x32xi32, #accel.space<vec>> loc("spread")
  accel.dma_store %b, %y0 : memref<256x32xi32, #accel.space<vec>>, memref<256x32xi32, strided<[32, 1]>> loc("spread")
  %c = memref.alloc() : memref<256x32xi32, #accel.space<vec>>
  accel.dma_load %t1, %c : memref<256x32xi32, strided<[32, 1], offset: 8192>>, memref<256x32xi32, #accel.space<vec>> loc("spread")
  accel.vector <add> %c, %c, %c : memref<256x32xi32, #accel.space<vec>>, memref<256x32xi32, #accel.space<vec>>, memref<256x32xi32, #accel.space<vec>> loc("spread")
  accel.dma_store %c, %y1 : memref<256x32xi32, #accel.space<vec>>, memref<256x32xi32, strided<[32, 1], offset: 8192>> loc("spread")
  return
}
