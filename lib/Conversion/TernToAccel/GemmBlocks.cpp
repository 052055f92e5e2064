//===- GemmBlocks.cpp - output-stationary GEMM tiling ----------------------===//
//
// Shared by tern.linear, tern.matmul and the patch-embedding convolution:
// each [tile-m x tile-n] block of the result is accumulated in the
// accumulator scratchpad over tile-k slices of the contraction, converted to
// bf16 (applying a scale), biased and stored.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

using namespace mlir;
using namespace tern;
using namespace tern::accel;

/// Emits C[row0.., col0..] = scale * A[aRow0.., :K] x B for one output block
/// per (m, n) tile. `loadRhs` loads the [kr x nr] slice of B at (k0, n0).
void tern::emitGemmBlocks(TileBuilder &tb, Value lhs, int64_t lhsRow0,
                          Value out, int64_t outRow0, int64_t m, int64_t k,
                          int64_t n, double scale, Value bias,
                          const TileSizes &tiles, const LoadRhsFn &loadRhs,
                          const LoadAddendFn &loadAddend) {
  OpBuilder &b = tb.builder();
  Type f32 = b.getF32Type(), bf16 = b.getBF16Type();
  // The accumulator tile [tm x tn] f32 must fit its budget too.
  int64_t tm = tiles.m, tn = tiles.n;
  while (tm * tn * 4 > tiles.accBytes / TileSizes::kTilesPerScratchpad &&
         tn > 1)
    tn = (tn + 1) / 2;
  int64_t tk = tiles.gemmK(tm, tn, k, /*elementBytes=*/2);
  for (int64_t m0 = 0; m0 < m; m0 += tm) {
    int64_t mr = std::min(tm, m - m0);
    for (int64_t n0 = 0; n0 < n; n0 += tn) {
      int64_t nr = std::min(tn, n - n0);
      Value acc = tb.allocTile({mr, nr}, f32, MemorySpace::acc);
      for (int64_t k0 = 0; k0 < k; k0 += tk) {
        int64_t kr = std::min(tk, k - k0);
        Value a = tb.load(tb.block(lhs, lhsRow0 + m0, k0, mr, kr),
                          MemorySpace::act);
        Value w = loadRhs(k0, kr, n0, nr);
        b.create<GemmOp>(tb.location(), a, w, acc,
                         /*accumulate=*/k0 > 0);
      }
      Value result = tb.allocTile({mr, nr}, bf16, MemorySpace::act);
      b.create<ConvertOp>(tb.location(), acc, result,
                          b.getF32FloatAttr(static_cast<float>(scale)));
      if (bias) {
        Value bt = tb.loadBroadcast(bias, n0, mr, nr, MemorySpace::act);
        b.create<VectorOp>(tb.location(), VectorKind::add, result, bt,
                           result);
      }
      if (loadAddend) {
        Value addend = loadAddend(m0, mr, n0, nr);
        b.create<VectorOp>(tb.location(), VectorKind::add, result, addend,
                           result);
      }
      tb.store(result, tb.block(out, outRow0 + m0, n0, mr, nr));
    }
  }
}

