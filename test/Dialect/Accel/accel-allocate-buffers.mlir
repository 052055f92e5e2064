// RUN: tern-opt %s -split-input-file -verify-diagnostics \
// RUN:   --accel-allocate-buffers="act-bytes=1024 alignment=64" | FileCheck %s

// Tests the DRAM layout (constants, then arguments, then outputs, then
// intermediates) and that scratchpad tiles are placed around a ring: a freed
// block is reused only after the rest of the scratchpad was used.
// The highest scratchpad byte used is recorded (act: 192 + 64).
// CHECK-LABEL: module attributes {accel.dram_size = 320 : i64, accel.scratchpad_use = {acc = 0 : i64, act = 256 : i64, vec = 0 : i64, wgt = 0 : i64}}
// CHECK: memref.global "private" constant @w : memref<4x8xi8> = dense<1> {accel.address = 0 : i64}
// CHECK: func @f({{.*}}) -> memref<4x8xi8> attributes {accel.arg_addresses = [64, 128]}
memref.global "private" constant @w : memref<4x8xi8> = dense<1>
func.func @f(%x: memref<4x8xi8>, %y: memref<4x8xi8>) -> memref<4x8xi8> {
  %w = memref.get_global @w : memref<4x8xi8>
  // CHECK: memref.alloc() {accel.address = 256 : i64} : memref<4x8xi8>
  %tmp = memref.alloc() : memref<4x8xi8>
  // CHECK: memref.alloc() {accel.address = 192 : i64} : memref<4x8xi8>
  %out = memref.alloc() : memref<4x8xi8>
  // Tile sizes 32 bytes, aligned to 64: 0, 64, ... around the 1024 bytes.
  // CHECK: memref.alloc() {accel.address = 0 : i64} : memref<4x8xi8, #accel.space<act>>
  %t0 = memref.alloc() : memref<4x8xi8, #accel.space<act>>
  accel.dma_load %x, %t0 : memref<4x8xi8>, memref<4x8xi8, #accel.space<act>>
  accel.dma_store %t0, %tmp : memref<4x8xi8, #accel.space<act>>, memref<4x8xi8>
  // %t0 is dead; the next tile still goes to the next block.
  // CHECK: memref.alloc() {accel.address = 64 : i64} : memref<4x8xi8, #accel.space<act>>
  %t1 = memref.alloc() : memref<4x8xi8, #accel.space<act>>
  accel.dma_load %tmp, %t1 : memref<4x8xi8>, memref<4x8xi8, #accel.space<act>>
  accel.dma_store %t1, %out : memref<4x8xi8, #accel.space<act>>, memref<4x8xi8>
  // A tile used through a view lives until the view's last use.
  // CHECK: memref.alloc() {accel.address = 128 : i64} : memref<8x8xi8, #accel.space<act>>
  %t2 = memref.alloc() : memref<8x8xi8, #accel.space<act>>
  %v = memref.subview %t2[4, 0] [4, 8] [1, 1] : memref<8x8xi8, #accel.space<act>> to memref<4x8xi8, strided<[8, 1], offset: 32>, #accel.space<act>>
  // CHECK: memref.alloc() {accel.address = 192 : i64} : memref<4x8xi8, #accel.space<act>>
  %t3 = memref.alloc() : memref<4x8xi8, #accel.space<act>>
  accel.dma_load %y, %t3 : memref<4x8xi8>, memref<4x8xi8, #accel.space<act>>
  accel.dma_store %v, %out : memref<4x8xi8, strided<[8, 1], offset: 32>, #accel.space<act>>, memref<4x8xi8>
  return %out : memref<4x8xi8>
}

// -----

// Tests that a tile larger than its scratchpad is refused with its size and
// the free space.
func.func @overflow(%x: memref<32x64xi8>) {
  // expected-error @+1 {{scratchpad 'act' overflow: a tile of 2048 bytes does not fit (1024 of 1024 bytes free, fragmentation aside); use smaller tiles or a target with more memory}}
  %t = memref.alloc() : memref<32x64xi8, #accel.space<act>>
  accel.dma_load %x, %t : memref<32x64xi8>, memref<32x64xi8, #accel.space<act>>
  return
}

// -----

// Tests that tiles wrap around once the end of the scratchpad is reached.
// CHECK: accel.scratchpad_use = {acc = 0 : i64, act = 1024 : i64
// CHECK-LABEL: func @wrap
// CHECK: accel.address = 0 : i64} : memref<512xi8, #accel.space<act>>
// CHECK: accel.address = 512 : i64} : memref<512xi8, #accel.space<act>>
// CHECK: accel.address = 0 : i64} : memref<512xi8, #accel.space<act>>
func.func @wrap(%x: memref<512xi8>) {
  %a = memref.alloc() : memref<512xi8, #accel.space<act>>
  accel.dma_load %x, %a : memref<512xi8>, memref<512xi8, #accel.space<act>>
  %b = memref.alloc() : memref<512xi8, #accel.space<act>>
  accel.dma_load %x, %b : memref<512xi8>, memref<512xi8, #accel.space<act>>
  %c = memref.alloc() : memref<512xi8, #accel.space<act>>
  accel.dma_load %x, %c : memref<512xi8>, memref<512xi8, #accel.space<act>>
  return
}
