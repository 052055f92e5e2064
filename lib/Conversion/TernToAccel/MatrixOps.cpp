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
    auto resultType = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getType()));
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    // The additive mask (tern-raise-attention) broadcasts over batch and
    // head dimensions and possibly over rows (key padding); its last
    // dimension must be the keys'.
    Value mask = adaptor.getMask();
    SmallVector<int64_t> maskShape;
    if (mask) {
      auto shape = cast<MemRefType>(mask.getType()).getShape();
      maskShape.assign(shape.begin(), shape.end());
      if (maskShape.back() != resultType.getShape().back())
        return op.emitOpError("a mask that broadcasts over the key "
                              "dimension is not lowered");
    }
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
    ArrayRef<int64_t> outShape = resultType.getShape();
    for (int64_t bi = 0; bi < batch; ++bi) {
      LoadAddendFn loadMask;
      if (mask) {
        // Element offset of this batch's mask matrix: unflatten bi over the
        // result's batch dimensions; a mask dimension of 1 broadcasts.
        SmallVector<int64_t> maskStrides = contiguousStrides(maskShape);
        int64_t offset = 0, rest = bi;
        for (int64_t d = static_cast<int64_t>(rank) - 3; d >= 0; --d) {
          int64_t idx = rest % outShape[d];
          rest /= outShape[d];
          if (maskShape[d] != 1)
            offset += idx * maskStrides[d];
        }
        bool rowBroadcast = maskShape[rank - 2] == 1;
        loadMask = [&, offset, rowBroadcast](int64_t m0, int64_t mr,
                                             int64_t n0, int64_t nr) {
          if (rowBroadcast)
            return tb.loadBroadcast(tb.rawView(mask, offset, {n}, {1}), n0, mr,
                                    nr, MemorySpace::act);
          return tb.load(tb.rawView(mask, offset + m0 * n + n0, {mr, nr},
                                    {n, 1}),
                         MemorySpace::act);
        };
      }
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
          },
          loadMask);
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
