// RUN: tern-opt %s --accel-allocate-buffers --accel-insert-sync --accel-partition-cores=cores=2 -verify-diagnostics

// Partitioning runs before synchronization: the push/pop pairs of a
// one-core schedule would order the wrong queues once the ops move.
func.func @synced(%x: memref<4x4xi32>) {
  %t = memref.alloc() : memref<4x4xi32, #accel.space<vec>>
  accel.dma_load %x, %t : memref<4x4xi32>, memref<4x4xi32, #accel.space<vec>>
  // expected-error @+1 {{'accel.push' op accel-partition-cores runs before accel-insert-sync, on a program without sync ops}}
  accel.vector <add> %t, %t, %t : memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>, memref<4x4xi32, #accel.space<vec>>
  return
}
