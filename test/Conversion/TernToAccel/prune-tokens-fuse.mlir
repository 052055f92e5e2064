// RUN: tern-opt %s --convert-tern-to-accel | FileCheck %s --implicit-check-not=tern.

// tern.prune_tokens with fuse: the token unit scores the CLS rows, selects
// CLS + 4, gathers the kept rows into rows 0..4 of the result and fuses the
// pruned ones into row 5 (tok.fuse reads the same hidden block, the scores
// and the kept indices).
// CHECK-LABEL: func.func @fuse
// CHECK: accel.token_score
// CHECK: accel.token_select %[[S:[^ ]+]], %[[I:[^ ]+]] keep 5
// CHECK: accel.dma_store
// CHECK: accel.token_gather %[[X:[^ ]+]], %[[I]], %{{[^ ]+}} : memref<9x16xbf16, #accel.space<act>>, memref<5xi32, #accel.space<vec>>, memref<5x16xbf16, #accel.space<act>>
// CHECK: accel.dma_store
// CHECK: accel.token_fuse %[[X]], %[[S]], %[[I]], %{{[^ ]+}} : memref<9x16xbf16, #accel.space<act>>, memref<9xi32, #accel.space<vec>>, memref<5xi32, #accel.space<vec>>, memref<1x16xbf16, #accel.space<act>>
// CHECK: %[[ROW:.*]] = memref.reinterpret_cast %{{.*}} to offset: [80], sizes: [1, 16], strides: [16, 1]
// CHECK: accel.dma_store %{{.*}}, %[[ROW]] : memref<1x16xbf16, #accel.space<act>>
func.func @fuse(%x: tensor<1x9x16xbf16>, %p: tensor<1x2x9x9xbf16>) -> tensor<1x6x16xbf16> {
  %h, %i = tern.prune_tokens %x, %p keep 5 fuse : tensor<1x9x16xbf16>, tensor<1x2x9x9xbf16> -> tensor<1x6x16xbf16>, tensor<1x5xi32>
  return %h : tensor<1x6x16xbf16>
}

