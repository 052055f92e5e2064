// RUN: tern-opt %s --convert-tern-to-accel | FileCheck %s --implicit-check-not=tern.

// tern.prune_tokens with a threshold: tok.select in threshold mode (scores
// >= 4, a run-time count L <= 9), then zero-filling gathers into 9-row
// tiles: of token j's index j (the indices, 0 past L), of a 2^100 column
// (minus 2^100 by the vector unit: the key mask, 0 for kept rows, -2^100
// past L) and of the hidden state (zeros past L).
// CHECK-DAG: memref.global "private" constant @[[BIG:__tern_tok_big_[0-9]+]] : memref<9x1xbf16> = dense<1.267650e+30>
// CHECK-DAG: memref.global "private" constant @[[IOTA:__tern_tok_iota_[0-9]+]] : memref<9x1xi32> = dense<{{\[}}[0], [1], [2], [3], [4], [5], [6], [7], [8]]>
// CHECK-LABEL: func.func @thresh
// CHECK: accel.token_score
// CHECK: accel.token_select %{{[^ ]+}}, %[[I:[^ ]+]] keep 9 threshold 4 : memref<9xi32, #accel.space<vec>>, memref<9xi32, #accel.space<vec>>
// CHECK: memref.get_global @[[IOTA]]
// CHECK: memref.get_global @[[BIG]]
// CHECK: accel.token_gather %{{[^ ]+}}, %[[I]], %[[IDS:[^ ]+]] zero_fill : memref<9x1xi32, #accel.space<act>>, memref<9xi32, #accel.space<vec>>, memref<9x1xi32, #accel.space<act>>
// CHECK: accel.dma_store %[[IDS]]
// CHECK: accel.token_gather %{{[^ ]+}}, %[[I]], %[[G:[^ ]+]] zero_fill : memref<9x1xbf16, #accel.space<act>>
// CHECK: accel.vector_const <add> %[[G]], %[[MASK:[^ ]+]] -1.2676506E+30
// CHECK: accel.dma_store %[[MASK]]
// CHECK: accel.token_gather %{{[^ ]+}}, %[[I]], %{{[^ ]+}} zero_fill : memref<9x16xbf16, #accel.space<act>>, memref<9xi32, #accel.space<vec>>, memref<9x16xbf16, #accel.space<act>>
// CHECK: return
func.func @thresh(%x: tensor<1x9x16xbf16>, %p: tensor<1x2x9x9xbf16>) -> (tensor<1x9x16xbf16>, tensor<1x9xi32>, tensor<1x1x1x9xbf16>) {
  %h, %i, %m = tern.prune_tokens %x, %p keep 9 threshold 4 : tensor<1x9x16xbf16>, tensor<1x2x9x9xbf16> -> tensor<1x9x16xbf16>, tensor<1x9xi32>, tensor<1x1x1x9xbf16>
  return %h, %i, %m : tensor<1x9x16xbf16>, tensor<1x9xi32>, tensor<1x1x1x9xbf16>
}
