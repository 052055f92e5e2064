//===- Reductions.cpp - tosa.reduce_sum / max / min -----------------------===//
//
// A sum over one axis of [outer, K, inner] is a matrix product with a ones
// vector, so the matrix unit does it with f32 accumulation and a single
// rounding to bf16 (the vector unit's `vrsum` would round after every add,
// and it only sums along rows):
//   inner == 1 (the last axis):  out[outer, 1]   = X[outer, K] x ones[K, 1]
//   otherwise, per outer index:  out_o[1, inner] = ones[1, K] x X_o[K, inner]
// The second form is the token axis of a global average pooling
// (ONNX ReduceMean imports as reduce_sum times 1/count). A sum whose only
// use is a product with a constant splat (the 1/count of a mean) takes the
// factor into its accumulator conversion (`kSumScaleAttr`, folded before
// the conversion): f32 sum times the f32 factor, rounded once, instead of
// the sum rounded to bf16 and multiplied by a bf16 constant register (1/9
// is 0.24% low in bf16).
// tosa.reduce_max / reduce_min run on the vector unit (below).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace tern;
using namespace tern::accel;

namespace {

/// The factor a tosa.reduce_sum's result is scaled by (an F32 FloatAttr),
/// set by FoldScaleIntoReduceSum.
constexpr llvm::StringLiteral kSumScaleAttr = "tern.sum_scale";

/// mul(reduce_sum(x), splat c) -> reduce_sum(x) {tern.sum_scale = c}, when
/// the sum has no other use and the product has the sum's type.
struct FoldScaleIntoReduceSum : OpRewritePattern<tosa::MulOp> {
  using OpRewritePattern::OpRewritePattern;

  LogicalResult matchAndRewrite(tosa::MulOp mul,
                                PatternRewriter &rewriter) const override {
    if (mul.getShift() != 0 || !isa<FloatType>(getElementTypeOrSelf(mul)))
      return failure();
    for (int i = 0; i < 2; ++i) {
      auto sum = mul->getOperand(i).getDefiningOp<tosa::ReduceSumOp>();
      if (!sum || !sum->hasOneUse() || sum.getType() != mul.getType())
        continue;
      FailureOr<SmallVector<float>> c = constantFloats(mul->getOperand(1 - i));
      if (failed(c) || c->empty() ||
          llvm::any_of(*c, [&](float v) { return v != c->front(); }))
        continue;
      float scale = c->front();
      if (auto prior = sum->getAttrOfType<FloatAttr>(kSumScaleAttr))
        scale *= static_cast<float>(prior.getValueAsDouble());
      rewriter.modifyOpInPlace(sum, [&] {
        sum->setAttr(kSumScaleAttr, rewriter.getF32FloatAttr(scale));
      });
      rewriter.replaceOp(mul, sum.getResult());
      return success();
    }
    return failure();
  }
};

/// The input as [outer, K, inner] around the reduced axis.
std::tuple<int64_t, int64_t, int64_t> aroundAxis(Value input, int64_t axis) {
  ArrayRef<int64_t> in = cast<MemRefType>(input.getType()).getShape();
  int64_t outer = 1, inner = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= in[d];
  for (int64_t d = axis + 1, e = in.size(); d < e; ++d)
    inner *= in[d];
  return {outer, in[axis], inner};
}

struct ReduceSumLowering : OpConversionPattern<tosa::ReduceSumOp> {
  ReduceSumLowering(TypeConverter &converter, MLIRContext *ctx, TileSizes tiles)
      : OpConversionPattern(converter, ctx), tiles(tiles) {}

  LogicalResult
  matchAndRewrite(tosa::ReduceSumOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getType()));
    if (!type)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    Value input = adaptor.getInput();
    auto [outer, k, inner] = aroundAxis(input, op.getAxis());
    double scale = 1.0;
    if (auto attr = op->getAttrOfType<FloatAttr>(kSumScaleAttr))
      scale = attr.getValueAsDouble();

    TileBuilder tb(rewriter, op.getLoc());
    Value out = tb.allocDram(type.getShape(), type.getElementType());
    auto loadWgt = [&](Value matrix) -> LoadRhsFn {
      return [&tb, matrix](int64_t k0, int64_t kr, int64_t n0, int64_t nr) {
        return tb.load(tb.block(matrix, k0, n0, kr, nr), MemorySpace::wgt);
      };
    };
    if (inner == 1) {
      Value ones = makeBf16Global(rewriter, op, {k, 1},
                                  SmallVector<float>(k, 1.0f), "__tern_ones");
      emitGemmBlocks(tb, tb.rawView(input, 0, {outer, k}, {k, 1}), 0,
                     tb.rawView(out, 0, {outer, 1}, {1, 1}), 0, outer, k, 1,
                     scale, /*bias=*/nullptr, tiles, loadWgt(ones));
    } else {
      Value ones = makeBf16Global(rewriter, op, {1, k},
                                  SmallVector<float>(k, 1.0f), "__tern_ones");
      for (int64_t o = 0; o < outer; ++o) {
        Value x = tb.rawView(input, o * k * inner, {k, inner}, {inner, 1});
        emitGemmBlocks(tb, ones, 0,
                       tb.rawView(out, o * inner, {1, inner}, {inner, 1}), 0, 1,
                       k, inner, scale, /*bias=*/nullptr, tiles, loadWgt(x));
      }
    }
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
};

/// tosa.reduce_max / reduce_min over one axis of [outer, K, inner] on the
/// vector unit (exact: a max picks one of its bf16 inputs):
///   inner == 1 (the last axis): `vrmax` along each row of [outer, K] tiles;
///   otherwise, per outer index: the K rows of [K, inner] folded by `vmax`
///   into the first one, one row at a time.
/// A row wider than a tile (the 12-bit column fields, the tile budget) is
/// taken in column chunks: the chunks' maxima folded by `vmax` (inner ==
/// 1), or each chunk of the inner dimension folded on its own.
/// A minimum is -max(-x) (negation is exact); bf16 only, and i32 for max.
template <typename Op, bool isMin>
struct ReduceMaxMinLowering : OpConversionPattern<Op> {
  ReduceMaxMinLowering(TypeConverter &converter, MLIRContext *ctx,
                       TileSizes tiles)
      : OpConversionPattern<Op>(converter, ctx), tiles(tiles) {}

  LogicalResult
  matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast_or_null<MemRefType>(
        this->getTypeConverter()->convertType(op.getType()));
    if (!type)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    Type element = type.getElementType();
    if (!element.isBF16() && (isMin || !element.isInteger(32)))
      return op.emitOpError("only bf16 (and, for a maximum, i32) is lowered, "
                            "got ")
             << getElementTypeOrSelf(op.getType());
    Value input = adaptor.getInput();
    auto [outer, k, inner] = aroundAxis(input, op.getAxis());
    unsigned bytes = element.getIntOrFloatBitWidth() / 8;
    // Column chunks: whole rows when they fit a tile.
    const int64_t width = inner == 1 ? k : inner;
    const int64_t chunk = std::max<int64_t>(
        1, std::min<int64_t>(
               {width, TileBuilder::kMaxTileCols,
                tiles.actBytes / TileSizes::kTilesPerScratchpad / bytes}));

    TileBuilder tb(rewriter, op.getLoc());
    OpBuilder &b = tb.builder();
    Location loc = op.getLoc();
    auto negate = [&](Value tile) {
      if (isMin)
        b.create<VectorConstOp>(loc, VectorKind::mul, tile, tile,
                                APFloat(-1.0f));
    };
    Value out = tb.allocDram(type.getShape(), element);
    if (inner == 1) {
      Value x = tb.rawView(input, 0, {outer, k}, {k, 1});
      Value y = tb.rawView(out, 0, {outer, 1}, {1, 1});
      int64_t tm = tiles.rowsPerTile(chunk * bytes);
      for (int64_t r0 = 0; r0 < outer; r0 += tm) {
        int64_t rr = std::min(tm, outer - r0);
        Value best;
        for (int64_t c0 = 0; c0 < k; c0 += chunk) {
          int64_t w = std::min(chunk, k - c0);
          Value a = tb.load(tb.block(x, r0, c0, rr, w), MemorySpace::act);
          negate(a);
          Value m = tb.allocTile({rr, 1}, element, MemorySpace::act);
          b.create<ReduceOp>(loc, ReduceKind::max, a, m);
          if (!best)
            best = m;
          else
            b.create<VectorOp>(loc, VectorKind::max, best, m, best);
        }
        negate(best);
        tb.store(best, tb.block(y, r0, 0, rr, 1));
      }
    } else {
      for (int64_t o = 0; o < outer; ++o) {
        Value x = tb.rawView(input, o * k * inner, {k, inner}, {inner, 1});
        for (int64_t c0 = 0; c0 < inner; c0 += chunk) {
          int64_t w = std::min(chunk, inner - c0);
          Value acc = tb.load(tb.block(x, 0, c0, 1, w), MemorySpace::act);
          negate(acc);
          for (int64_t j = 1; j < k; ++j) {
            Value row = tb.load(tb.block(x, j, c0, 1, w), MemorySpace::act);
            negate(row);
            b.create<VectorOp>(loc, VectorKind::max, acc, row, acc);
          }
          negate(acc);
          tb.store(acc, tb.rawView(out, o * inner + c0, {1, w}, {inner, 1}));
        }
      }
    }
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
};

} // namespace

void tern::populateReductionFoldingPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldScaleIntoReduceSum>(patterns.getContext());
}

void tern::populateReductionLoweringPatterns(TypeConverter &converter,
                                             RewritePatternSet &patterns,
                                             const TileSizes &tiles) {
  patterns.add<ReduceSumLowering,
               ReduceMaxMinLowering<tosa::ReduceMaxOp, /*isMin=*/false>,
               ReduceMaxMinLowering<tosa::ReduceMinOp, /*isMin=*/true>>(
      converter, patterns.getContext(), tiles);
}
