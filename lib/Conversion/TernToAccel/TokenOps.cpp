//===- TokenOps.cpp - tern.prune_tokens to the token unit -----------------===//
//
// tern.prune_tokens becomes, per sequence: a DMA of the attention rows that
// score the tokens (the CLS row of every head, or every row), their
// conversion to int8 (round(p * 127), the token unit's input), tok.score
// (column means), tok.select (CLS + top keep-1, ascending, count into
// length register 0), a store of the indices, and tok.gather of the hidden
// state in column blocks that fit the activation-scratchpad budget; with
// `fuse`, tok.fuse of the same blocks writes the extra last row. With a
// threshold, tok.select keeps the scores >= T (a run-time count L <= N),
// the gathers zero-fill rows [L, N), and the key mask (0 / -2^100) is built
// by the token unit and one vector add.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "tern/Dialect/Tern/IR/TernOps.h"

using namespace mlir;
using namespace tern;
using namespace tern::accel;

namespace {

/// tok.score takes at most this many rows (its 6-bit `heads` field).
constexpr int64_t kMaxScoreRows = 63;
/// Probabilities in [0, 1] become int8 0..127.
constexpr float kProbScale = 127.0f;

/// Magnitude of the key mask past a run-time token count: exact in bf16,
/// and exp(x - 2^100) is 0 for any score x the model produces.
constexpr double kMaskMagnitude = 0x1p100;

struct PruneTokensLowering : OpConversionPattern<tern::PruneTokensOp> {
  PruneTokensLowering(TypeConverter &converter, MLIRContext *ctx,
                      TileSizes tiles)
      : OpConversionPattern(converter, ctx), tiles(tiles) {}

  LogicalResult
  matchAndRewrite(tern::PruneTokensOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getResult().getType()));
    auto idxType = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getIndices().getType()));
    if (!resultType || !idxType)
      return rewriter.notifyMatchFailure(op, "result types not convertible");
    auto hiddenType = cast<MemRefType>(adaptor.getHidden().getType());
    auto probsType = cast<MemRefType>(adaptor.getProbs().getType());
    int64_t batch = hiddenType.getDimSize(0), n = hiddenType.getDimSize(1),
            d = hiddenType.getDimSize(2), heads = probsType.getDimSize(1),
            keep = op.getKeep();
    if (batch != 1)
      return op.emitError("tern.prune_tokens: the token unit selects one "
                          "sequence; batch ")
             << batch << " is not lowered";
    if (n > 4095)
      return op.emitError("tern.prune_tokens: ")
             << n << " tokens exceed the token unit's 4095";
    if (op.getFuse() && !hiddenType.getElementType().isBF16())
      return op.emitError("tern.prune_tokens fuse: the token unit fuses bf16 "
                          "rows; the hidden state here is ")
             << hiddenType.getElementType()
             << " (a policy that keeps the residual stream in bf16, e.g. "
                "tataa or bf16, is needed)";
    unsigned eb = hiddenType.getElementTypeBitWidth() / 8;
    int64_t budget = tiles.actBytes / TileSizes::kTilesPerScratchpad;
    if (n * eb > budget || n * 4 * 2 > budget)
      return op.emitError("tern.prune_tokens: one column of ")
             << n << " tokens does not fit the activation scratchpad budget ("
             << budget << " bytes)";

    TileBuilder tb(rewriter, op.getLoc());
    MLIRContext *ctx = rewriter.getContext();
    Type i8 = IntegerType::get(ctx, 8), i32 = IntegerType::get(ctx, 32);
    Value probs = adaptor.getProbs();
    Type pe = probsType.getElementType();

    // Importance scores: rows [row0, row0 + rows) of the score matrix (CLS
    // rows: row h is probs[0, h, 0, :]; all rows: row h*n + i is
    // probs[0, h, i, :]), in chunks the token unit takes.
    int64_t scoreRows = op.getAllRows() ? heads * n : heads;
    int64_t rowStride = op.getAllRows() ? n : n * n;
    int64_t chunk = std::min<int64_t>(
        {kMaxScoreRows, scoreRows, std::max<int64_t>(1, budget / (n * 2))});
    Value scores;
    for (int64_t r0 = 0; r0 < scoreRows; r0 += chunk) {
      int64_t rows = std::min(chunk, scoreRows - r0);
      Value view = tb.rawView(probs, r0 * rowStride, {rows, n}, {rowStride, 1});
      Value p = tb.load(view, MemorySpace::act);
      Value q = p;
      if (!pe.isSignlessInteger(8)) {
        q = tb.allocTile({rows, n}, i8, MemorySpace::act);
        rewriter.create<ConvertOp>(op.getLoc(), p, q,
                                   rewriter.getF32FloatAttr(kProbScale));
      }
      Value s = tb.allocTile({n}, i32, MemorySpace::vec);
      rewriter.create<TokenScoreOp>(op.getLoc(), q, s);
      if (!scores) {
        scores = s;
        continue;
      }
      // Sum of the chunks' means: the ranking of the mean (up to rounding).
      auto rowsOf = [&](Value v) { return tb.asRows(v); };
      Value sum = tb.allocTile({1, n}, i32, MemorySpace::vec);
      rewriter.create<VectorOp>(op.getLoc(), VectorKind::add, rowsOf(scores),
                                rowsOf(s), sum);
      scores = rewriter.create<memref::CollapseShapeOp>(
          op.getLoc(), sum, SmallVector<ReassociationIndices>{{0, 1}});
    }

    std::optional<int64_t> threshold = op.getThreshold();
    Value idx = tb.allocTile({keep}, i32, MemorySpace::vec);
    rewriter.create<TokenSelectOp>(
        op.getLoc(), scores, idx, rewriter.getI64IntegerAttr(keep),
        threshold ? rewriter.getI64IntegerAttr(*threshold) : IntegerAttr());
    Value idxOut = tb.allocDram(idxType.getShape(), i32);
    Value maskOut;
    if (!threshold) {
      tb.store(idx, tb.rawView(idxOut, 0, {keep}, {1}));
    } else {
      // A run-time count L: the indices past it and the key mask come from
      // zero-filling gathers of constant columns (token j's index j; 2^100,
      // then minus 2^100: 0 for kept rows, -2^100 past L).
      auto maskType = dyn_cast_or_null<MemRefType>(
          getTypeConverter()->convertType(op.getKeyMask().getType()));
      if (!maskType)
        return rewriter.notifyMatchFailure(op, "key mask not convertible");
      Type mbf = maskType.getElementType();
      SmallVector<APInt> iota;
      for (int64_t j = 0; j < n; ++j)
        iota.push_back(APInt(32, j));
      Value ids = makeConstantGlobal(
          rewriter, op, "__tern_tok_iota", MemRefType::get({n, 1}, i32),
          DenseElementsAttr::get(RankedTensorType::get({n, 1}, i32),
                                 ArrayRef<APInt>(iota)));
      Value big = makeConstantGlobal(
          rewriter, op, "__tern_tok_big", MemRefType::get({n, 1}, mbf),
          DenseElementsAttr::get(
              RankedTensorType::get({n, 1}, mbf),
              ArrayRef<Attribute>(rewriter.getFloatAttr(mbf, kMaskMagnitude))));
      Value idSrc = tb.load(ids, MemorySpace::act);
      Value idDst = tb.allocTile({n, 1}, i32, MemorySpace::act);
      rewriter.create<TokenGatherOp>(op.getLoc(), idSrc, idx, idDst,
                                     rewriter.getUnitAttr());
      tb.store(idDst, tb.rawView(idxOut, 0, {n, 1}, {1, 1}));
      Value bigSrc = tb.load(big, MemorySpace::act);
      Value bigDst = tb.allocTile({n, 1}, mbf, MemorySpace::act);
      rewriter.create<TokenGatherOp>(op.getLoc(), bigSrc, idx, bigDst,
                                     rewriter.getUnitAttr());
      Value mask = tb.allocTile({n, 1}, mbf, MemorySpace::act);
      rewriter.create<VectorConstOp>(
          op.getLoc(), VectorKind::add, bigDst, mask,
          APFloat(static_cast<float>(-kMaskMagnitude)));
      maskOut = tb.allocDram(maskType.getShape(), mbf);
      tb.store(mask, tb.rawView(maskOut, 0, {n, 1}, {1, 1}));
    }

    // Gather the kept rows, a block of columns at a time.
    Value hidden = adaptor.getHidden();
    Type he = hiddenType.getElementType();
    Value out = tb.allocDram(resultType.getShape(), he);
    int64_t cb = std::min<int64_t>(d, budget / (n * eb));
    for (int64_t c0 = 0; c0 < d; c0 += cb) {
      int64_t cols = std::min(cb, d - c0);
      Value src =
          tb.load(tb.rawView(hidden, c0, {n, cols}, {d, 1}), MemorySpace::act);
      Value dst = tb.allocTile({keep, cols}, he, MemorySpace::act);
      rewriter.create<TokenGatherOp>(op.getLoc(), src, idx, dst,
                                     threshold ? rewriter.getUnitAttr()
                                               : UnitAttr());
      tb.store(dst, tb.rawView(out, c0, {keep, cols}, {d, 1}));
      if (op.getFuse()) {
        Value fused = tb.allocTile({1, cols}, he, MemorySpace::act);
        rewriter.create<TokenFuseOp>(op.getLoc(), src, scores, idx, fused);
        tb.store(fused, tb.rawView(out, keep * d + c0, {1, cols}, {d, 1}));
      }
    }
    if (maskOut)
      rewriter.replaceOp(op, {out, idxOut, maskOut});
    else
      rewriter.replaceOp(op, {out, idxOut});
    return success();
  }

  TileSizes tiles;
};

} // namespace

void tern::populateTokenLoweringPatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns,
                                         const TileSizes &tiles) {
  patterns.add<PruneTokensLowering>(converter, patterns.getContext(), tiles);
}
