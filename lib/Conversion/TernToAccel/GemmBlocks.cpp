//===- GemmBlocks.cpp - output-stationary GEMM tiling ----------------------===//
//
// Shared by tern.linear, tern.matmul and the patch-embedding convolution:
// each [tile-m x tile-n] block of the result is accumulated in the
// accumulator scratchpad over tile-k slices of the contraction, converted to
// bf16 (applying a scale), biased and stored.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "llvm/ADT/ScopeExit.h"

using namespace mlir;
using namespace tern;
using namespace tern::accel;

/// Emits C[row0.., col0..] = scale * A[aRow0.., :K] x B for one output block
/// per (m, n) tile. `loadRhs` loads the [kr x nr] slice of B at (k0, n0).
void tern::emitGemmBlocks(TileBuilder &tb, Value lhs, int64_t lhsRow0,
                          Value out, int64_t outRow0, int64_t m, int64_t k,
                          int64_t n, double scale, Value bias,
                          const TileSizes &tiles, const LoadRhsFn &loadRhs,
                          const LoadAddendFn &loadAddend,
                          const std::optional<IntegerGemm> &integer,
                          const GemmTokens &tokens) {
  OpBuilder &b = tb.builder();
  Location loc = tb.location();
  Type bf16 = b.getBF16Type();
  Type accType = integer ? integer->accType : b.getF32Type();
  unsigned accBytes = accType.getIntOrFloatBitWidth() / 8;
  unsigned operandBytes = integer ? 1 : 2;
  // The accumulator tile [tm x tn] must fit its budget too.
  bool crossbar = integer && integer->crossbarWeights;
  int64_t tm = tiles.m, tn = crossbar && integer->crossbarTileN > 0
                                 ? integer->crossbarTileN
                                 : tiles.n;
  while (tm * tn * accBytes > tiles.accBytes / TileSizes::kTilesPerScratchpad &&
         tn > 1)
    tn = (tn + 1) / 2;
  int64_t tk = tiles.gemmK(tm, tn, k, operandBytes);
  auto isGemm = [](Operation *o) { return isa<GemmOp>(o); };
  // Weight tiles are never run-time rows (their rows are k, or tokens read
  // as columns that nsel / ksel leave out).
  auto isWeight = [](Operation *o) {
    Value target;
    if (auto load = dyn_cast<DmaLoadOp>(o))
      target = load.getTarget();
    else if (auto load = dyn_cast<DmaLoadTransposedOp>(o))
      target = load.getTarget();
    return target &&
           accel::getMemorySpace(cast<MemRefType>(target.getType())) ==
               MemorySpace::wgt;
  };
  auto notWeight = [&](Operation *o) { return !isWeight(o); };
  for (int64_t m0 = 0; m0 < m; m0 += tm) {
    int64_t mr = std::min(tm, m - m0);
    OpMark rowMark = markOps(b);
    auto tagRows = llvm::make_scope_exit([&] {
      if (!tokens.rows)
        return;
      tagOpsSince(b, rowMark, kLenRows, *tokens.rows, m0, mr, notWeight);
      // A row tile past the kept tokens needs none of its weight tiles
      // (the first one always holds CLS).
      if (m0 > 0)
        tagOpsSince(b, rowMark, kLenGate, *tokens.rows, m0, 0, isWeight);
    });
    for (int64_t n0 = 0; n0 < n; n0 += tn) {
      int64_t nr = std::min(tn, n - n0);
      OpMark colMark = markOps(b);
      auto tagCols = llvm::make_scope_exit([&] {
        if (tokens.n)
          tagOpsSince(b, colMark, kLenN, *tokens.n, n0, nr, isGemm);
      });
      Value acc = tb.allocTile({mr, nr}, accType, MemorySpace::acc);
      // Integer mode: the bias (at the product scale) is preloaded into the
      // accumulator by a broadcast DMA, so every GEMM tile accumulates.
      bool preloaded = false;
      if (integer && bias) {
        tb.broadcastInto(bias, n0, acc);
        preloaded = true;
      }
      for (int64_t k0 = 0; k0 < k; k0 += tk) {
        int64_t kr = std::min(tk, k - k0);
        OpMark kMark = markOps(b);
        auto tagK = llvm::make_scope_exit([&] {
          if (tokens.k)
            tagOpsSince(b, kMark, kLenK, *tokens.k, k0, kr, isGemm);
        });
        Value a = tb.load(tb.block(lhs, lhsRow0 + m0, k0, mr, kr),
                          MemorySpace::act);
        if (crossbar) {
          // Weights stay in the crossbars: no weight tile is loaded.
          b.create<XbarGemmOp>(loc, a, integer->crossbarWeights(k0, kr, n0, nr),
                               acc, /*accumulate=*/preloaded || k0 > 0);
          continue;
        }
        Value w = loadRhs(k0, kr, n0, nr);
        // FFN2 sparsity: the tile's non-zero columns select the W rows.
        Value bitmap;
        if (integer && integer->nonzeroThreshold) {
          bitmap = tb.allocTile({(kr + 7) / 8}, b.getI8Type(),
                                MemorySpace::vec);
          b.create<NonZeroMapOp>(loc, a, bitmap, *integer->nonzeroThreshold);
        }
        b.create<GemmOp>(loc, a, w, acc,
                         /*accumulate=*/preloaded || k0 > 0, bitmap);
      }
      auto outView = [&] { return tb.block(out, outRow0 + m0, n0, mr, nr); };
      if (integer && integer->wideResult) {
        if (!integer->wideMultiplier) {
          tb.store(acc, outView());
          continue;
        }
        Type qType =
            integer->narrowStorage ? integer->narrowStorage : b.getI32Type();
        Value q = tb.allocTile({mr, nr}, qType, MemorySpace::act);
        b.create<RequantWideOp>(loc, acc, q, integer->wideMultiplier->first,
                                integer->wideMultiplier->second,
                                integer->wideBits);
        tb.store(q, outView());
        continue;
      }
      if (integer && integer->variant) {
        Value q = tb.allocTile({mr, nr}, b.getI8Type(), MemorySpace::act);
        auto rq = b.create<RequantOp>(loc, *integer->variant, acc, q,
                                      integer->multiplier, integer->shift,
                                      integer->zeroPoint);
        if (integer->relu)
          rq.setRelu(true);
        tb.store(q, outView());
        continue;
      }
      Value result = tb.allocTile({mr, nr}, bf16, MemorySpace::act);
      b.create<ConvertOp>(loc, acc, result,
                          b.getF32FloatAttr(static_cast<float>(scale)));
      if (integer && integer->columnScales) {
        Value scales = tb.loadBroadcast(integer->columnScales, n0, mr, nr,
                                        MemorySpace::act);
        b.create<VectorOp>(loc, VectorKind::mul, result, scales, result);
      }
      if (bias && !integer) {
        Value bt = tb.loadBroadcast(bias, n0, mr, nr, MemorySpace::act);
        b.create<VectorOp>(loc, VectorKind::add, result, bt, result);
      }
      if (loadAddend) {
        Value addend = loadAddend(m0, mr, n0, nr);
        b.create<VectorOp>(loc, VectorKind::add, result, addend, result);
      }
      tb.store(result, outView());
    }
  }
}
