//===- Masks.cpp - attention masks: folding and run-time masks ------------===//
//
// A causal mask is a compile-time subgraph: a slice of a constant lower
// triangle, compared with 0 (tosa.equal) and selecting -inf or 0
// (tosa.select). The folds here evaluate tosa.slice / tosa.equal /
// tosa.select on constant operands before the conversion, so the mask
// reaches the masked GEMM as one additive f32 constant (0 / -inf).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace tern;

namespace {

/// Row-major index into `shape` of the element of a broadcast to `result` at
/// flat index `flat` (TOSA broadcasting: equal ranks, dimensions 1 repeat).
int64_t broadcastIndex(int64_t flat, ArrayRef<int64_t> shape,
                       ArrayRef<int64_t> result) {
  int64_t src = 0, stride = 1;
  for (int64_t d = static_cast<int64_t>(result.size()) - 1; d >= 0; --d) {
    int64_t i = flat % result[d];
    flat /= result[d];
    if (shape[d] != 1)
      src += i * stride;
    stride *= shape[d];
  }
  return src;
}

/// The boolean values of a constant i1 tensor (a splat expanded).
FailureOr<SmallVector<bool>> constantBools(Value v) {
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) ||
      !attr.getElementType().isInteger(1))
    return failure();
  SmallVector<bool> out(attr.getValues<bool>().begin(),
                        attr.getValues<bool>().end());
  if (out.size() == 1)
    out.assign(attr.getNumElements(), out.front());
  return out;
}

bool staticRankedEqual(ArrayRef<Value> values, RankedTensorType result) {
  for (Value v : values) {
    auto t = dyn_cast<RankedTensorType>(v.getType());
    if (!t || !t.hasStaticShape() || t.getRank() != result.getRank())
      return false;
    for (auto [d, r] : llvm::zip_equal(t.getShape(), result.getShape()))
      if (d != r && d != 1)
        return false;
  }
  return result.hasStaticShape();
}

/// tosa.slice(f32 constant) -> constant.
struct FoldConstantSlice : OpRewritePattern<tosa::SliceOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::SliceOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    auto inType = dyn_cast<RankedTensorType>(op.getInput().getType());
    FailureOr<SmallVector<float>> values = constantFloats(op.getInput());
    if (!type || !type.hasStaticShape() || !inType ||
        !inType.hasStaticShape() || failed(values))
      return failure();
    ArrayRef<int64_t> start = op.getStart();
    SmallVector<int64_t> inStrides = contiguousStrides(inType.getShape());
    SmallVector<float> out;
    out.reserve(type.getNumElements());
    for (int64_t flat = 0; flat < type.getNumElements(); ++flat) {
      int64_t rest = flat, src = 0;
      for (int64_t d = type.getRank() - 1; d >= 0; --d) {
        src += (rest % type.getDimSize(d) + start[d]) * inStrides[d];
        rest /= type.getDimSize(d);
      }
      out.push_back((*values)[src]);
    }
    rewriter.replaceOpWithNewOp<tosa::ConstOp>(
        op, type, DenseElementsAttr::get(type, ArrayRef<float>(out)));
    return success();
  }
};

/// tosa.equal(f32 constant, f32 constant) -> i1 constant.
struct FoldConstantEqual : OpRewritePattern<tosa::EqualOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::EqualOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !staticRankedEqual({op.getInput1(), op.getInput2()}, type))
      return failure();
    FailureOr<SmallVector<float>> a = constantFloats(op.getInput1());
    FailureOr<SmallVector<float>> b = constantFloats(op.getInput2());
    if (failed(a) || failed(b))
      return failure();
    auto aShape = cast<RankedTensorType>(op.getInput1().getType()).getShape();
    auto bShape = cast<RankedTensorType>(op.getInput2().getType()).getShape();
    SmallVector<bool> out;
    for (int64_t i = 0; i < type.getNumElements(); ++i)
      out.push_back((*a)[broadcastIndex(i, aShape, type.getShape())] ==
                    (*b)[broadcastIndex(i, bShape, type.getShape())]);
    rewriter.replaceOpWithNewOp<tosa::ConstOp>(
        op, type, DenseElementsAttr::get(type, ArrayRef<bool>(out)));
    return success();
  }
};

/// tosa.select(i1 constant, f32 constant, f32 constant) -> constant.
struct FoldConstantSelect : OpRewritePattern<tosa::SelectOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::SelectOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    Value ops[3] = {op.getPred(), op.getOnTrue(), op.getOnFalse()};
    if (!type || !type.getElementType().isF32() ||
        !staticRankedEqual(ops, type))
      return failure();
    FailureOr<SmallVector<bool>> pred = constantBools(ops[0]);
    FailureOr<SmallVector<float>> t = constantFloats(ops[1]);
    FailureOr<SmallVector<float>> f = constantFloats(ops[2]);
    if (failed(pred) || failed(t) || failed(f))
      return failure();
    auto shape = [](Value v) {
      return cast<RankedTensorType>(v.getType()).getShape();
    };
    SmallVector<float> out;
    for (int64_t i = 0; i < type.getNumElements(); ++i)
      out.push_back(
          (*pred)[broadcastIndex(i, shape(ops[0]), type.getShape())]
              ? (*t)[broadcastIndex(i, shape(ops[1]), type.getShape())]
              : (*f)[broadcastIndex(i, shape(ops[2]), type.getShape())]);
    rewriter.replaceOpWithNewOp<tosa::ConstOp>(
        op, type, DenseElementsAttr::get(type, ArrayRef<float>(out)));
    return success();
  }
};

/// Finite stand-in for an infinite additive mask value: exp(-1e30 - max)
/// is 0 in f32 and bf16, and 1e30 is far from bf16 overflow (3.4e38) when
/// scores are added to it.
constexpr float kMaskMagnitude = 1e30f;

/// tosa.tile: one strided DRAM copy of the input per repetition.
struct TileLowering : OpConversionPattern<tosa::TileOp> {
  TileLowering(TypeConverter &converter, MLIRContext *ctx, TileSizes tiles)
      : OpConversionPattern(converter, ctx), tiles(tiles) {}

  LogicalResult
  matchAndRewrite(tosa::TileOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getType()));
    if (!type)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    ArrayRef<int64_t> in =
        cast<MemRefType>(adaptor.getInput1().getType()).getShape();
    ArrayRef<int64_t> multiples = op.getMultiples();
    SmallVector<int64_t> inStrides = contiguousStrides(in);
    SmallVector<int64_t> outStrides = contiguousStrides(type.getShape());
    TileBuilder tb(rewriter, op.getLoc());
    Value out = tb.allocDram(type.getShape(), type.getElementType());
    SmallVector<int64_t> rep(multiples.size(), 0);
    while (true) {
      int64_t offset = 0;
      for (size_t d = 0; d < rep.size(); ++d)
        offset += rep[d] * in[d] * outStrides[d];
      tb.copy(adaptor.getInput1(), 0, inStrides, out, offset, outStrides, in,
              tiles);
      int64_t d = static_cast<int64_t>(rep.size()) - 1;
      while (d >= 0 && ++rep[d] == multiples[d])
        rep[d--] = 0;
      if (d < 0)
        break;
    }
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
};

/// tosa.select(run-time boolean, constant a, constant b) with splat arms:
/// mask * (a - b) + b on the vector unit (the boolean is bf16 0 / 1). Every
/// other select: vsel (lowerElementwiseSelect).
struct SelectLowering : OpConversionPattern<tosa::SelectOp> {
  SelectLowering(TypeConverter &converter, MLIRContext *ctx, TileSizes tiles)
      : OpConversionPattern(converter, ctx), tiles(tiles) {}

  LogicalResult
  matchAndRewrite(tosa::SelectOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getType()));
    if (!type)
      return op.emitOpError("result type ")
             << op.getType() << " is not lowered";
    auto predType = dyn_cast<MemRefType>(adaptor.getPred().getType());
    FailureOr<SmallVector<float>> onTrue = constantFloats(op.getOnTrue());
    FailureOr<SmallVector<float>> onFalse = constantFloats(op.getOnFalse());
    // Anything but a condition of the result's shape choosing between
    // constant splats: vsel, element by element.
    if (!predType || predType.getShape() != type.getShape() || failed(onTrue) ||
        failed(onFalse) || onTrue->empty() || onFalse->empty() ||
        !llvm::all_equal(*onTrue) || !llvm::all_equal(*onFalse))
      return lowerElementwiseSelect(op, adaptor.getPred(), adaptor.getOnTrue(),
                                    adaptor.getOnFalse(), type, rewriter,
                                    tiles);
    float a = onTrue->front(), b = onFalse->front();
    // mask * (a - b) + b would be NaN for a NaN arm, and for an infinite
    // one outside an attention mask (inf * 0): vsel copies them instead.
    if (std::isnan(a) || std::isnan(b))
      return lowerElementwiseSelect(op, adaptor.getPred(), adaptor.getOnTrue(),
                                    adaptor.getOnFalse(), type, rewriter,
                                    tiles);
    if (std::isinf(a) || std::isinf(b)) {
      bool maskOnly = llvm::all_of(op->getUses(), [](OpOperand &use) {
        auto matmul = dyn_cast<MatMulOp>(use.getOwner());
        return matmul && matmul.getMask() == use.get() &&
               use.getOperandNumber() == 2;
      });
      if (!maskOnly)
        return lowerElementwiseSelect(op, adaptor.getPred(),
                                      adaptor.getOnTrue(), adaptor.getOnFalse(),
                                      type, rewriter, tiles);
      auto finite = [](float v) {
        return std::isinf(v) ? std::copysign(kMaskMagnitude, v) : v;
      };
      a = finite(a);
      b = finite(b);
    }
    int64_t cols = type.getShape().back();
    int64_t rows = type.getNumElements() / cols;
    TileBuilder tb(rewriter, op.getLoc());
    Value out = tb.allocDram(type.getShape(), type.getElementType());
    Value pred = tb.rawView(adaptor.getPred(), 0, {rows, cols}, {cols, 1});
    Value outMatrix = tb.rawView(out, 0, {rows, cols}, {cols, 1});
    int64_t tm = tiles.rowsPerTile(cols * 2);
    for (int64_t r0 = 0; r0 < rows; r0 += tm) {
      int64_t rr = std::min(tm, rows - r0);
      Value m = tb.load(tb.block(pred, r0, 0, rr, cols),
                        accel::MemorySpace::act);
      Value scaled =
          tb.allocTile({rr, cols}, type.getElementType(), accel::MemorySpace::act);
      rewriter.create<accel::VectorConstOp>(op.getLoc(), accel::VectorKind::mul,
                                            m, scaled, APFloat(a - b));
      Value result = scaled;
      if (b != 0) {
        result = tb.allocTile({rr, cols}, type.getElementType(),
                              accel::MemorySpace::act);
        rewriter.create<accel::VectorConstOp>(
            op.getLoc(), accel::VectorKind::add, scaled, result, APFloat(b));
      }
      tb.store(result, tb.block(outMatrix, r0, 0, rr, cols));
    }
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
};

/// tosa.gather(f32 constant, constant indices) -> constant: position
/// embeddings (positions are a compile-time range), which then broadcast over
/// the batch as a constant addend.
struct FoldConstantGather : OpRewritePattern<tosa::GatherOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::GatherOp op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    auto inType = dyn_cast<RankedTensorType>(op.getValues().getType());
    DenseIntElementsAttr indices;
    FailureOr<SmallVector<float>> values = constantFloats(op.getValues());
    if (!type || !type.hasStaticShape() || !inType ||
        !inType.hasStaticShape() || failed(values) ||
        !matchPattern(op.getIndices(), m_Constant(&indices)))
      return failure();
    int64_t n = inType.getDimSize(0), k = inType.getDimSize(1),
            c = inType.getDimSize(2), w = type.getDimSize(1);
    SmallVector<int64_t> idx;
    for (const APInt &i : indices.getValues<APInt>())
      idx.push_back(i.getSExtValue());
    if (static_cast<int64_t>(idx.size()) != n * w)
      return failure();
    SmallVector<float> out;
    out.reserve(n * w * c);
    for (int64_t b = 0; b < n; ++b)
      for (int64_t j = 0; j < w; ++j) {
        int64_t row = idx[b * w + j];
        if (row < 0 || row >= k)
          return failure(); // reported by the gather's lowering
        auto first = values->begin() + (b * k + row) * c;
        out.append(first, first + c);
      }
    rewriter.replaceOpWithNewOp<tosa::ConstOp>(
        op, type, DenseElementsAttr::get(type, ArrayRef<float>(out)));
    return success();
  }
};

} // namespace

void tern::populateMaskLoweringPatterns(TypeConverter &converter,
                                        RewritePatternSet &patterns,
                                        const TileSizes &tiles) {
  patterns.add<TileLowering, SelectLowering>(converter, patterns.getContext(),
                                             tiles);
}

void tern::populateMaskFoldingPatterns(RewritePatternSet &patterns) {
  patterns.add<FoldConstantSlice, FoldConstantEqual, FoldConstantSelect,
               FoldConstantGather>(patterns.getContext());
}
