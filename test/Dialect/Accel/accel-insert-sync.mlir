// RUN: tern-opt %s -split-input-file --accel-allocate-buffers --accel-insert-sync | FileCheck %s

// Tests the four kinds of cross-queue dependency on one tile program:
// load -> compute (RAW on a scratchpad), compute -> store (RAW), store ->
// load (RAW through DRAM), and compute -> load (WAR: a reloaded block).
// CHECK-LABEL: func @chain
// CHECK: accel.dma_load %{{.*}}, %[[A:.+]] :
// CHECK-NEXT: accel.dma_load %{{.*}}, %[[W:.+]] :
// CHECK-NEXT: accel.push <load> to <compute>
// CHECK-NEXT: accel.pop <load> to <compute>
// CHECK-NEXT: accel.gemm %[[A]], %[[W]], %[[C:.+]] :
// CHECK-NEXT: accel.push <compute> to <store>
// CHECK-NEXT: accel.pop <compute> to <store>
// CHECK-NEXT: accel.dma_store %[[C]], %[[TMP:.+]] :
// CHECK: accel.push <store> to <load>
// CHECK-NEXT: accel.pop <store> to <load>
// CHECK-NEXT: accel.dma_load %[[TMP]], %[[V:.+]] :
// The store of %v waits for its load (load -> store).
// CHECK-NEXT: accel.push <load> to <store>
// CHECK-NEXT: accel.pop <load> to <store>
// CHECK-NEXT: accel.dma_store %[[V]]
func.func @chain(%x: memref<4x8xi8>, %w: memref<8x4xi8>, %y: memref<4x4xi32>) {
  %tmp = memref.alloc() : memref<4x4xi32>
  %a = memref.alloc() : memref<4x8xi8, #accel.space<act>>
  %wt = memref.alloc() : memref<8x4xi8, #accel.space<wgt>>
  %c = memref.alloc() : memref<4x4xi32, #accel.space<acc>>
  accel.dma_load %x, %a : memref<4x8xi8>, memref<4x8xi8, #accel.space<act>>
  accel.dma_load %w, %wt : memref<8x4xi8>, memref<8x4xi8, #accel.space<wgt>>
  accel.gemm %a, %wt, %c : memref<4x8xi8, #accel.space<act>>, memref<8x4xi8, #accel.space<wgt>>, memref<4x4xi32, #accel.space<acc>>
  accel.dma_store %c, %tmp : memref<4x4xi32, #accel.space<acc>>, memref<4x4xi32>
  %v = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %tmp, %v : memref<4x4xi32>, memref<4x4xi32, #accel.space<vec>>
  accel.dma_store %v, %y : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32>
  return
}

// -----

// Tests write-after-read: reloading a scratchpad block that compute still
// reads needs compute -> load; a second load of an unrelated block does not
// add another token, and a queue already synchronized needs none.
// CHECK-LABEL: func @war
// CHECK: accel.vector <add>
// CHECK-NEXT: accel.push <compute> to <load>
// CHECK-NEXT: accel.pop <compute> to <load>
// CHECK-NEXT: accel.dma_load
// CHECK-NOT: accel.push
// CHECK: return
func.func @war(%x: memref<4x4xi32>) {
  %t = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  %u = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %x, %t : memref<4x4xi32>, memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %x, %u : memref<4x4xi32>, memref<4x4xi32, #accel.space<vec>>
  accel.vector <add> %t, %t, %u : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %x, %t : memref<4x4xi32>, memref<4x4xi32, #accel.space<vec>>
  return
}

// -----

// Tests that independent work on different blocks needs no token.
// CHECK-LABEL: func @independent
// CHECK-NOT: accel.push
// CHECK: return
func.func @independent(%x: memref<4x4xi32>, %y: memref<4x4xi32>) {
  %t = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  %u = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %x, %t : memref<4x4xi32>, memref<4x4xi32, #accel.space<vec>>
  accel.dma_store %u, %y : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32>
  return
}

// -----

// A partitioned program: each core's queues are ordered on their own (the
// push/pop pairs carry the op's core; core 1's load -> compute dependency
// is not satisfied by core 0's tokens), and after a barrier nothing before
// it needs a token (the reload on core 0 would otherwise wait for core 0's
// compute).
// CHECK-LABEL: func @cores
// CHECK: accel.dma_load %{{.*}} {accel.core = 0 : i64}
// CHECK-NEXT: accel.push <load> to <compute> {accel.core = 0 : i64}
// CHECK-NEXT: accel.pop <load> to <compute> {accel.core = 0 : i64}
// CHECK-NEXT: accel.vector <add> {{.*}} {accel.core = 0 : i64}
// CHECK-NEXT: accel.dma_load %{{.*}} {accel.core = 1 : i64}
// CHECK-NEXT: accel.push <load> to <compute> {accel.core = 1 : i64}
// CHECK-NEXT: accel.pop <load> to <compute> {accel.core = 1 : i64}
// CHECK-NEXT: accel.vector <add> {{.*}} {accel.core = 1 : i64}
// CHECK-NEXT: accel.barrier
// CHECK-NEXT: accel.dma_load %{{.*}} {accel.core = 0 : i64}
// CHECK-NEXT: return
func.func @cores(%x: memref<4x4xi32>) {
  %t = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  %u = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %x, %t {accel.core = 0 : i64} : memref<4x4xi32>, memref<4x4xi32, #accel.space<vec>>
  accel.vector <add> %t, %t, %t {accel.core = 0 : i64} : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %x, %u {accel.core = 1 : i64} : memref<4x4xi32>, memref<4x4xi32, #accel.space<vec>>
  accel.vector <add> %u, %u, %u {accel.core = 1 : i64} : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>
  accel.barrier
  accel.dma_load %x, %t {accel.core = 0 : i64} : memref<4x4xi32>, memref<4x4xi32, #accel.space<vec>>
  return
}
