// RUN: tern-opt %s --convert-tern-to-accel="tile-m=4 tile-n=4" --split-input-file | FileCheck %s

// Threshold token pruning saves the rows past the run-time count L (issue
// 8): after tern.prune_tokens ... threshold, the tiles of every op whose
// rows are the kept tokens carry accel.len_rows = [point, first token, tile
// rows] (the emitter's lensel, docs/Lowering.md), the attention's key
// columns accel.len_n on Q K^T, accel.len_cols on the softmax and
// accel.len_k on P V, so that stale rows past L never enter a product.
// 9 tokens in row tiles of 4: tokens [0, 4), [4, 8), [8, 9).
// CHECK-LABEL: func.func @attention
// CHECK: accel.token_select
// CHECK: accel.layer_norm {{.*}} {accel.len_rows = array<i64: 0, 0, 4>}
// CHECK: accel.layer_norm {{.*}} {accel.len_rows = array<i64: 0, 4, 4>}
// CHECK: accel.layer_norm {{.*}} {accel.len_rows = array<i64: 0, 8, 1>}
// The linear: act loads and GEMMs per row tile; the first row tile's
// weight loads untagged (it always holds CLS).
// CHECK: accel.dma_load {{.*}} {accel.len_rows = array<i64: 0, 0, 4>} : memref<4x16xbf16, {{.*}}, memref<4x16xbf16, #accel.space<act>>
// CHECK-NEXT: memref.reinterpret_cast
// CHECK-NEXT: memref.alloc
// CHECK-NEXT: accel.dma_load {{[^{]*}} : memref<16x4xbf16, {{.*}}#accel.space<wgt>>
// CHECK: accel.gemm {{.*}} {accel.len_rows = array<i64: 0, 0, 4>}
// CHECK: accel.dma_store {{.*}} {accel.len_rows = array<i64: 0, 0, 4>}
// The weight tiles of the row tile at token 4: all rows or none (gate).
// CHECK: accel.dma_load {{.*}} {accel.len_rows = array<i64: 0, 4, 4>} : memref<4x16xbf16
// CHECK: accel.dma_load {{.*}} {accel.len_gate = array<i64: 0, 4, 0>} : memref<16x4xbf16, {{.*}}#accel.space<wgt>>
// Q K^T: result columns are tokens (len_n per column tile).
// CHECK: accel.gemm {{.*}} {accel.len_n = array<i64: 0, 0, 4>, accel.len_rows = array<i64: 0, 0, 4>}
// CHECK: accel.gemm {{.*}} {accel.len_n = array<i64: 0, 4, 4>, accel.len_rows = array<i64: 0, 0, 4>}
// CHECK: accel.gemm {{.*}} {accel.len_n = array<i64: 0, 8, 1>, accel.len_rows = array<i64: 0, 0, 4>}
// Softmax per head: 9 rows in tiles of 4, 4, 1; keys are columns.
// CHECK: accel.softmax {{.*}} {accel.len_cols = array<i64: 0, 0, 9>, accel.len_rows = array<i64: 0, 0, 4>}
// CHECK: accel.softmax {{.*}} {accel.len_cols = array<i64: 0, 0, 9>, accel.len_rows = array<i64: 0, 4, 4>}
// CHECK: accel.softmax {{.*}} {accel.len_cols = array<i64: 0, 0, 9>, accel.len_rows = array<i64: 0, 8, 1>}
// CHECK: accel.softmax {{.*}} {accel.len_cols = array<i64: 0, 0, 9>, accel.len_rows = array<i64: 0, 0, 4>}
// P V: the contraction is the keys.
// CHECK: accel.gemm {{.*}} {accel.len_k = array<i64: 0, 0, 9>, accel.len_rows = array<i64: 0, 0, 4>}
// The residual add, then CLS extraction ends the token rows.
// CHECK: accel.vector <add> {{.*}} {accel.len_rows = array<i64: 0, 0, 4>}
// CHECK: accel.vector <add> {{.*}} {accel.len_rows = array<i64: 0, 8, 1>}
// CHECK: accel.dma_store {{.*}} {accel.len_rows = array<i64: 0, 8, 1>}
// CHECK-NOT: accel.len_
// CHECK: return
func.func @attention(%x: tensor<1x9x16xbf16>, %p: tensor<1x2x9x9xbf16>, %g: tensor<16xbf16>, %b: tensor<16xbf16>, %w: tensor<16x16xbf16>, %idx: tensor<1x1xi32>) -> tensor<1x1x16xbf16> {
  %h, %i, %m = tern.prune_tokens %x, %p keep 9 threshold 4 : tensor<1x9x16xbf16>, tensor<1x2x9x9xbf16> -> tensor<1x9x16xbf16>, tensor<1x9xi32>, tensor<1x1x1x9xbf16>
  %n = tern.layer_norm %h, %g, %b epsilon 1.0E-5 precision <bf16> : tensor<1x9x16xbf16>, tensor<16xbf16>, tensor<16xbf16> -> tensor<1x9x16xbf16>
  %q = tern.linear %n, %w, %b precision <bf16> : tensor<1x9x16xbf16>, tensor<16x16xbf16>, tensor<16xbf16> -> tensor<1x9x16xbf16>
  %qh = tern.split_heads %q heads 2 : tensor<1x9x16xbf16> -> tensor<1x2x9x8xbf16>
  %s = tern.matmul %qh, %qh mask %m transpose_rhs scale 2.500000e-01 precision <bf16> : tensor<1x2x9x8xbf16>, tensor<1x2x9x8xbf16>, tensor<1x1x1x9xbf16> -> tensor<1x2x9x9xbf16>
  %pr = tern.softmax %s precision <bf16> : tensor<1x2x9x9xbf16> -> tensor<1x2x9x9xbf16>
  %o = tern.matmul %pr, %qh precision <bf16> : tensor<1x2x9x9xbf16>, tensor<1x2x9x8xbf16> -> tensor<1x2x9x8xbf16>
  %mh = tern.merge_heads %o : tensor<1x2x9x8xbf16> -> tensor<1x9x16xbf16>
  %r = tosa.add %h, %mh : (tensor<1x9x16xbf16>, tensor<1x9x16xbf16>) -> tensor<1x9x16xbf16>
  %c = tosa.gather %r, %idx : (tensor<1x9x16xbf16>, tensor<1x1xi32>) -> tensor<1x1x16xbf16>
  return %c : tensor<1x1x16xbf16>
}

// -----

// Near miss: a kept-token value reaching an op that mixes rows (a sum over
// the tokens) marks nothing; every row is computed, as the zero-filled
// pruning point makes exact on its own.
// CHECK-LABEL: func.func @pooled
// CHECK-NOT: accel.len_
// CHECK: return
func.func @pooled(%x: tensor<1x9x16xbf16>, %p: tensor<1x2x9x9xbf16>, %g: tensor<16xbf16>, %b: tensor<16xbf16>) -> tensor<1x1x16xbf16> {
  %h, %i, %m = tern.prune_tokens %x, %p keep 9 threshold 4 : tensor<1x9x16xbf16>, tensor<1x2x9x9xbf16> -> tensor<1x9x16xbf16>, tensor<1x9xi32>, tensor<1x1x1x9xbf16>
  %n = tern.layer_norm %h, %g, %b epsilon 1.0E-5 precision <bf16> : tensor<1x9x16xbf16>, tensor<16xbf16>, tensor<16xbf16> -> tensor<1x9x16xbf16>
  %s = tosa.reduce_sum %n {axis = 1 : i32} : (tensor<1x9x16xbf16>) -> tensor<1x1x16xbf16>
  return %s : tensor<1x1x16xbf16>
}

// -----

// Near miss: top-k keeps a compile-time count (the tensors shrink to it):
// no run-time lengths.
// CHECK-LABEL: func.func @topk
// CHECK-NOT: accel.len_
// CHECK: return
func.func @topk(%x: tensor<1x9x16xbf16>, %p: tensor<1x2x9x9xbf16>, %g: tensor<16xbf16>, %b: tensor<16xbf16>) -> tensor<1x5x16xbf16> {
  %h, %i = tern.prune_tokens %x, %p keep 5 : tensor<1x9x16xbf16>, tensor<1x2x9x9xbf16> -> tensor<1x5x16xbf16>, tensor<1x5xi32>
  %n = tern.layer_norm %h, %g, %b epsilon 1.0E-5 precision <bf16> : tensor<1x5x16xbf16>, tensor<16xbf16>, tensor<16xbf16> -> tensor<1x5x16xbf16>
  return %n : tensor<1x5x16xbf16>
}
