//===- MatrixOps.cpp - tern.linear / tern.matmul to GEMM tiles ------------===//
//
// Output-stationary tiling: each [tile-m x tile-n] block of the result is
// accumulated in the accumulator scratchpad over tile-k slices of the
// contraction, converted to bf16 (applying the matmul's scale) and stored.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "tern/Dialect/Tern/IR/TernOps.h"

using namespace mlir;
using namespace tern;
using namespace tern::accel;

namespace {

/// Emits C[row0.., col0..] = scale * A[aRow0.., :K] x B for one output block
/// per (m, n) tile. `loadRhs` loads the [kr x nr] slice of B at (k0, n0).
template <typename LoadRhs>
void emitGemmBlocks(TileBuilder &tb, Value lhs, int64_t lhsRow0, Value out,
                    int64_t outRow0, int64_t m, int64_t k, int64_t n,
                    double scale, Value bias, const TileSizes &tiles,
                    LoadRhs loadRhs) {
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
      tb.store(result, tb.block(out, outRow0 + m0, n0, mr, nr));
    }
  }
}

struct LinearLowering : OpConversionPattern<LinearOp> {
  LinearLowering(TypeConverter &converter, MLIRContext *ctx, TileSizes tiles)
      : OpConversionPattern(converter, ctx), tiles(tiles) {}

  LogicalResult
  matchAndRewrite(LinearOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getType()));
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    TileBuilder tb(rewriter, op.getLoc());
    Value x = tb.asMatrix(adaptor.getInput());
    Value w = adaptor.getWeight();
    Value out = tb.allocDram(resultType.getShape(),
                             resultType.getElementType());
    Value outMatrix = tb.asMatrix(out);
    auto xType = cast<MemRefType>(x.getType());
    int64_t m = xType.getDimSize(0), k = xType.getDimSize(1),
            n = resultType.getShape().back();
    emitGemmBlocks(tb, x, 0, outMatrix, 0, m, k, n, /*scale=*/1.0,
                   adaptor.getBias(), tiles,
                   [&](int64_t k0, int64_t kr, int64_t n0, int64_t nr) {
                     return tb.load(tb.block(w, k0, n0, kr, nr),
                                    MemorySpace::wgt);
                   });
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
};

struct MatMulLowering : OpConversionPattern<MatMulOp> {
  MatMulLowering(TypeConverter &converter, MLIRContext *ctx, TileSizes tiles)
      : OpConversionPattern(converter, ctx), tiles(tiles) {}

  LogicalResult
  matchAndRewrite(MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // The additive attention mask (from tern-raise-attention) has no
    // lowering yet: fail legalization rather than drop it.
    if (op.getMask())
      return rewriter.notifyMatchFailure(op, "masked scores not lowered yet");
    auto resultType = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getType()));
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    TileBuilder tb(rewriter, op.getLoc());
    auto lhsShape = op.getLhs().getType().getShape();
    auto rhsShape = op.getRhs().getType().getShape();
    size_t rank = lhsShape.size();
    int64_t batch = 1;
    for (size_t d = 0; d + 2 < rank; ++d)
      batch *= lhsShape[d];
    int64_t m = lhsShape[rank - 2], k = lhsShape[rank - 1];
    bool transposed = op.getTransposeRhs();
    int64_t n = transposed ? rhsShape[rank - 2] : rhsShape[rank - 1];
    // Row-major [batch..., rows, cols] buffers viewed as [batch*rows, cols].
    Value lhs = tb.asMatrix(adaptor.getLhs());
    Value rhs = tb.asMatrix(adaptor.getRhs());
    Value out = tb.allocDram(resultType.getShape(),
                             resultType.getElementType());
    Value outMatrix = tb.asMatrix(out);
    Type bf16 = rewriter.getBF16Type();
    for (int64_t bi = 0; bi < batch; ++bi) {
      emitGemmBlocks(
          tb, lhs, bi * m, outMatrix, bi * m, m, k, n,
          op.getScale().convertToDouble(), Value(), tiles,
          [&](int64_t k0, int64_t kr, int64_t n0, int64_t nr) -> Value {
            if (!transposed)
              return tb.load(tb.block(rhs, bi * k + k0, n0, kr, nr),
                             MemorySpace::wgt);
            // B = R^T with R [n, k] row-major: row kk of the [kr x nr]
            // weight tile is column k0 + kk of R's rows n0..n0+nr.
            Value tile = tb.allocTile({kr, nr}, bf16, MemorySpace::wgt);
            for (int64_t kk = 0; kk < kr; ++kk) {
              Value row = rewriter.create<memref::SubViewOp>(
                  op.getLoc(),
                  cast<MemRefType>(memref::SubViewOp::inferRankReducedResultType(
                      {nr}, cast<MemRefType>(tile.getType()),
                      ArrayRef<int64_t>{kk, 0}, ArrayRef<int64_t>{1, nr},
                      ArrayRef<int64_t>{1, 1})),
                  tile, ArrayRef<int64_t>{kk, 0}, ArrayRef<int64_t>{1, nr},
                  ArrayRef<int64_t>{1, 1});
              rewriter.create<DmaLoadOp>(
                  op.getLoc(), tb.column(rhs, bi * n + n0, k0 + kk, nr), row);
            }
            return tile;
          });
    }
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
};

} // namespace

void tern::populateMatrixOpLoweringPatterns(TypeConverter &converter,
                                            RewritePatternSet &patterns,
                                            const TileSizes &tiles) {
  patterns.add<LinearLowering, MatMulLowering>(converter,
                                               patterns.getContext(), tiles);
}
