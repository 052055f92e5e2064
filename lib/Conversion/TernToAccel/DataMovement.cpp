//===- DataMovement.cpp - TOSA data movement on DRAM buffers --------------===//
//
// Every buffer the conversion creates is contiguous, so a reshape is a
// reinterpretation of the same bytes, and transpose, slice, concat and gather
// are strided block copies (TileBuilder::copy) through the activation
// scratchpad, described by source strides per output dimension.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace tern;

namespace {

/// Base for patterns that produce a new contiguous DRAM buffer.
template <typename Op>
struct DramPattern : OpConversionPattern<Op> {
  DramPattern(TypeConverter &converter, MLIRContext *ctx, TileSizes tiles)
      : OpConversionPattern<Op>(converter, ctx), tiles(tiles) {}

  MemRefType resultType(Op op) const {
    return dyn_cast_or_null<MemRefType>(
        this->getTypeConverter()->convertType(op.getType()));
  }

  TileSizes tiles;
};

/// Integer values of a constant operand (permutations, gather indices).
FailureOr<SmallVector<int64_t>> constantInts(Value v) {
  DenseIntElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return failure();
  SmallVector<int64_t> out;
  for (const APInt &x : attr.getValues<APInt>())
    out.push_back(x.getSExtValue());
  return out;
}

struct ReshapeLowering : DramPattern<tosa::ReshapeOp> {
  using DramPattern::DramPattern;
  LogicalResult
  matchAndRewrite(tosa::ReshapeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MemRefType type = resultType(op);
    if (!type || !type.hasStaticShape())
      return rewriter.notifyMatchFailure(op, "result is not a static tensor");
    Value view = rewriter.create<memref::ReinterpretCastOp>(
        op.getLoc(), type, adaptor.getInput1(), 0, type.getShape(),
        contiguousStrides(type.getShape()));
    rewriter.replaceOp(op, view);
    return success();
  }
};

struct TransposeLowering : DramPattern<tosa::TransposeOp> {
  using DramPattern::DramPattern;
  LogicalResult
  matchAndRewrite(tosa::TransposeOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MemRefType type = resultType(op);
    FailureOr<SmallVector<int64_t>> perm = constantInts(op.getPerms());
    if (!type || failed(perm))
      return rewriter.notifyMatchFailure(op, "needs a constant permutation");
    auto inShape = cast<MemRefType>(adaptor.getInput1().getType()).getShape();
    SmallVector<int64_t> inStrides = contiguousStrides(inShape);
    // Output dimension d walks input dimension perm[d].
    SmallVector<int64_t> srcStrides;
    for (int64_t p : *perm)
      srcStrides.push_back(inStrides[p]);
    TileBuilder tb(rewriter, op.getLoc());
    Value out = tb.allocDram(type.getShape(), type.getElementType());
    tb.copy(adaptor.getInput1(), 0, srcStrides, out, 0,
            contiguousStrides(type.getShape()), type.getShape(), tiles);
    rewriter.replaceOp(op, out);
    return success();
  }
};

struct SliceLowering : DramPattern<tosa::SliceOp> {
  using DramPattern::DramPattern;
  LogicalResult
  matchAndRewrite(tosa::SliceOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MemRefType type = resultType(op);
    if (!type)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    auto inShape = cast<MemRefType>(adaptor.getInput().getType()).getShape();
    SmallVector<int64_t> inStrides = contiguousStrides(inShape);
    int64_t offset = 0;
    for (auto [start, stride] : llvm::zip_equal(op.getStart(), inStrides))
      offset += start * stride;
    TileBuilder tb(rewriter, op.getLoc());
    Value out = tb.allocDram(type.getShape(), type.getElementType());
    tb.copy(adaptor.getInput(), offset, inStrides, out, 0,
            contiguousStrides(type.getShape()), type.getShape(), tiles);
    rewriter.replaceOp(op, out);
    return success();
  }
};

struct ConcatLowering : DramPattern<tosa::ConcatOp> {
  using DramPattern::DramPattern;
  LogicalResult
  matchAndRewrite(tosa::ConcatOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MemRefType type = resultType(op);
    if (!type)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    SmallVector<int64_t> outStrides = contiguousStrides(type.getShape());
    int64_t axis = op.getAxis();
    TileBuilder tb(rewriter, op.getLoc());
    Value out = tb.allocDram(type.getShape(), type.getElementType());
    int64_t at = 0;
    for (Value input : adaptor.getInput1()) {
      auto shape = cast<MemRefType>(input.getType()).getShape();
      tb.copy(input, 0, contiguousStrides(shape), out, at * outStrides[axis],
              outStrides, shape, tiles);
      at += shape[axis];
    }
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// values [N, K, C], indices [N, W] -> out[n, w, :] =
/// values[n, indices[n, w], :]. Constant indices are copies chosen at
/// compile time; run-time indices (token ids) are loaded into the vec
/// scratchpad and gathered by `accel.dma_gather` (`load.gather`), which
/// reads a negative index as index + K (ONNX Gather) and checks every index
/// against [-K, K) when it runs.
struct GatherLowering : DramPattern<tosa::GatherOp> {
  using DramPattern::DramPattern;
  LogicalResult
  matchAndRewrite(tosa::GatherOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MemRefType type = resultType(op);
    if (!type)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    auto in = cast<MemRefType>(adaptor.getValues().getType()).getShape();
    int64_t n = in[0], k = in[1], c = in[2], w = type.getDimSize(1);
    TileBuilder tb(rewriter, op.getLoc());
    FailureOr<SmallVector<int64_t>> indices = constantInts(op.getIndices());
    if (failed(indices))
      return gatherAtRunTime(op, adaptor, rewriter, type, n, k, c, w);
    Value out = tb.allocDram(type.getShape(), type.getElementType());
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < w; ++j) {
        int64_t idx = (*indices)[i * w + j];
        if (idx < 0 || idx >= k)
          return op.emitOpError("gather index ")
                 << idx << " is outside [0, " << k << ")";
        tb.copy(adaptor.getValues(), (i * k + idx) * c, {1}, out,
                (i * w + j) * c, {1}, {c}, tiles);
      }
    rewriter.replaceOp(op, out);
    return success();
  }

  LogicalResult gatherAtRunTime(tosa::GatherOp op, OpAdaptor adaptor,
                                ConversionPatternRewriter &rewriter,
                                MemRefType type, int64_t n, int64_t k,
                                int64_t c, int64_t w) const {
    auto idxType = dyn_cast<MemRefType>(adaptor.getIndices().getType());
    if (!idxType || !idxType.getElementType().isSignlessInteger(32))
      return op.emitOpError("run-time gather indices must be i32 tensors");
    unsigned eb = type.getElementTypeBitWidth() / 8;
    // load.gather field widths: n (table rows) 16 bits, cols (row bytes)
    // 16 bits, rows 6 bits (at most 63 rows per instruction).
    constexpr int64_t kMaxTableRows = 65535, kMaxRowBytes = 65535,
                      kMaxRows = 63;
    if (k > kMaxTableRows)
      return op.emitOpError("a run-time gather reads a table of at most ")
             << kMaxTableRows << " rows (load.gather), got " << k;
    if (c * eb > kMaxRowBytes ||
        c * eb > tiles.actBytes / TileSizes::kTilesPerScratchpad)
      return op.emitOpError("table rows of ")
             << c * eb << " bytes do not fit a load.gather tile";
    TileBuilder tb(rewriter, op.getLoc());
    Value out = tb.allocDram(type.getShape(), type.getElementType());
    int64_t tm = std::min(kMaxRows, tiles.rowsPerTile(c * eb));
    for (int64_t i = 0; i < n; ++i) {
      Value table = tb.rawView(adaptor.getValues(), i * k * c, {k, c}, {c, 1});
      for (int64_t w0 = 0; w0 < w; w0 += tm) {
        int64_t rr = std::min(tm, w - w0);
        Value ids = tb.load(
            tb.rawView(adaptor.getIndices(), i * w + w0, {rr}, {1}),
            accel::MemorySpace::vec);
        Value tile =
            tb.allocTile({rr, c}, type.getElementType(), accel::MemorySpace::act);
        rewriter.create<accel::DmaGatherOp>(op.getLoc(), table, ids, tile);
        tb.store(tile, tb.rawView(out, (i * w + w0) * c, {rr, c}, {c, 1}));
      }
    }
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// [B, S, H*Dh] -> [B, H, S, Dh]: output (b, h, s, d) reads input
/// element (b, s, h*Dh + d).
struct SplitHeadsLowering : DramPattern<SplitHeadsOp> {
  using DramPattern::DramPattern;
  LogicalResult
  matchAndRewrite(SplitHeadsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MemRefType type = resultType(op);
    if (!type)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    auto shape = type.getShape(); // B, H, S, Dh
    int64_t h = shape[1], s = shape[2], d = shape[3];
    TileBuilder tb(rewriter, op.getLoc());
    Value out = tb.allocDram(shape, type.getElementType());
    tb.copy(adaptor.getInput(), 0, {s * h * d, d, h * d, 1}, out, 0,
            contiguousStrides(shape), shape, tiles);
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// [B, H, S, Dh] -> [B, S, H*Dh], walked as the output's [B, S, H, Dh] view.
struct MergeHeadsLowering : DramPattern<MergeHeadsOp> {
  using DramPattern::DramPattern;
  LogicalResult
  matchAndRewrite(MergeHeadsOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    MemRefType type = resultType(op);
    if (!type)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    auto in = cast<MemRefType>(adaptor.getInput().getType()).getShape();
    int64_t b = in[0], h = in[1], s = in[2], d = in[3];
    TileBuilder tb(rewriter, op.getLoc());
    Value out = tb.allocDram(type.getShape(), type.getElementType());
    tb.copy(adaptor.getInput(), 0, {h * s * d, d, s * d, 1}, out, 0,
            {s * h * d, h * d, d, 1}, {b, s, h, d}, tiles);
    rewriter.replaceOp(op, out);
    return success();
  }
};

/// tosa.reshape(constant) -> constant of the new shape (same data).
struct FoldConstantReshape : OpRewritePattern<tosa::ReshapeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::ReshapeOp op,
                                PatternRewriter &rewriter) const override {
    ElementsAttr input;
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !type.hasStaticShape() ||
        !matchPattern(op.getInput1(), m_Constant(&input)))
      return failure();
    Attribute value;
    if (auto dense = dyn_cast<DenseElementsAttr>(input))
      value = dense.reshape(type);
    else if (auto res = dyn_cast<DenseResourceElementsAttr>(input))
      value = DenseResourceElementsAttr::get(type, res.getRawHandle());
    else
      return failure();
    rewriter.replaceOpWithNewOp<tosa::ConstOp>(op, type,
                                               cast<ElementsAttr>(value));
    return success();
  }
};

/// tosa.transpose(constant) -> constant.
struct FoldConstantTranspose : OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    ElementsAttr input;
    FailureOr<SmallVector<int64_t>> perm = constantInts(op.getPerms());
    if (!matchPattern(op.getInput1(), m_Constant(&input)) || failed(perm))
      return failure();
    auto inType = cast<RankedTensorType>(input.getType());
    auto outType = cast<RankedTensorType>(op.getType());
    if (!inType.hasStaticShape() || !inType.getElementType().isF32())
      return failure();
    std::optional<ArrayRef<float>> data;
    SmallVector<float> dense;
    if (auto d = dyn_cast<DenseElementsAttr>(input)) {
      auto values = d.getValues<float>();
      dense.assign(values.begin(), values.end());
    } else if (auto r = dyn_cast<DenseF32ResourceElementsAttr>(input)) {
      data = r.tryGetAsArrayRef();
      if (!data)
        return failure();
      dense.assign(data->begin(), data->end());
    } else {
      return failure();
    }
    if (dense.size() == 1) // splat: same values in any order
      dense.assign(inType.getNumElements(), dense.front());
    SmallVector<int64_t> inStrides = contiguousStrides(inType.getShape());
    ArrayRef<int64_t> outShape = outType.getShape();
    SmallVector<float> result(dense.size());
    SmallVector<int64_t> index(outShape.size(), 0);
    for (size_t flat = 0; flat < result.size(); ++flat) {
      int64_t src = 0;
      for (size_t d = 0; d < index.size(); ++d)
        src += index[d] * inStrides[(*perm)[d]];
      result[flat] = dense[src];
      for (int64_t d = static_cast<int64_t>(index.size()) - 1; d >= 0; --d) {
        if (++index[d] < outShape[d])
          break;
        index[d] = 0;
      }
    }
    // A resource blob, not a DenseElementsAttr: the context keeps a dense
    // attribute's data until it is destroyed, while `tern compile` frees a
    // blob once its constant is lowered (release-constant-data), as it frees
    // the ONNX initializer transposed here (ViT-B/16: 14 MB a layer).
    rewriter.replaceOpWithNewOp<tosa::ConstOp>(
        op, outType,
        cast<ElementsAttr>(DenseF32ResourceElementsAttr::get(
            outType, "__tern_transposed",
            HeapAsmResourceBlob::allocateAndCopyInferAlign(
                ArrayRef<float>(result)))));
    return success();
  }
};

/// The permutation of a tosa.transpose with constant perms, if it has one.
FailureOr<SmallVector<int64_t>> transposePerm(Value v) {
  auto t = v.getDefiningOp<tosa::TransposeOp>();
  if (!t)
    return failure();
  return constantInts(t.getPerms());
}

Value createTranspose(PatternRewriter &rewriter, Location loc, Value v,
                      ArrayRef<int64_t> perm) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape;
  SmallVector<int32_t> perm32;
  for (int64_t p : perm) {
    shape.push_back(type.getDimSize(p));
    perm32.push_back(static_cast<int32_t>(p));
  }
  auto permType = RankedTensorType::get({static_cast<int64_t>(perm.size())},
                                        rewriter.getI32Type());
  Value perms = rewriter.create<tosa::ConstOp>(
      loc, permType, DenseIntElementsAttr::get(permType, perm32));
  return rewriter.create<tosa::TransposeOp>(loc, type.clone(shape), v, perms);
}

/// E(transpose(x, p), c) -> transpose(E(x, transpose(c, p^-1)), p) for an
/// element-wise op E and a constant c: the transpose moves past the op (and
/// folds into c at compile time). Exported BatchNorm1d is
/// `Transpose -> mul -> add -> Transpose` around per-channel constants; with
/// both transposes sunk they cancel, the constants become rows, and neither
/// the two element-gathering copies nor expanded constants remain.
template <typename Op>
struct SinkTransposeThroughConstant : OpRewritePattern<Op> {
  using OpRewritePattern<Op>::OpRewritePattern;
  LogicalResult matchAndRewrite(Op op,
                                PatternRewriter &rewriter) const override {
    auto type = dyn_cast<RankedTensorType>(op.getType());
    if (!type || !type.hasStaticShape())
      return failure();
    Value operands[2] = {op->getOperand(0), op->getOperand(1)};
    for (int t = 0; t < 2; ++t) {
      Value transposed = operands[t], other = operands[1 - t];
      FailureOr<SmallVector<int64_t>> perm = transposePerm(transposed);
      if (failed(perm) || !transposed.hasOneUse() ||
          !matchPattern(other, m_Constant()))
        continue;
      auto otherType = cast<RankedTensorType>(other.getType());
      // Only f32 constants fold through a transpose (FoldConstantTranspose).
      if (otherType.getRank() != type.getRank() ||
          !otherType.hasStaticShape() || !otherType.getElementType().isF32())
        continue;
      SmallVector<int64_t> inverse(perm->size());
      for (size_t i = 0; i < perm->size(); ++i)
        inverse[(*perm)[i]] = i;
      Value x = transposed.getDefiningOp<tosa::TransposeOp>().getInput1();
      Value c = createTranspose(rewriter, op.getLoc(), other, inverse);
      SmallVector<Value> newOperands(2);
      newOperands[t] = x;
      newOperands[1 - t] = c;
      auto xType = cast<RankedTensorType>(x.getType());
      Operation *inner = rewriter.clone(*op);
      inner->setOperands(newOperands);
      inner->getResult(0).setType(xType.clone(type.getElementType()));
      rewriter.replaceOp(op, createTranspose(rewriter, op.getLoc(),
                                             inner->getResult(0), *perm));
      return success();
    }
    return failure();
  }
};

/// transpose(transpose(x, p), q) -> transpose(x, p o q), or x when that is
/// the identity.
struct FoldTransposeOfTranspose : OpRewritePattern<tosa::TransposeOp> {
  using OpRewritePattern::OpRewritePattern;
  LogicalResult matchAndRewrite(tosa::TransposeOp op,
                                PatternRewriter &rewriter) const override {
    FailureOr<SmallVector<int64_t>> outer = constantInts(op.getPerms());
    FailureOr<SmallVector<int64_t>> inner = transposePerm(op.getInput1());
    if (failed(outer) || failed(inner))
      return failure();
    Value x = op.getInput1().getDefiningOp<tosa::TransposeOp>().getInput1();
    SmallVector<int64_t> combined;
    bool identity = true;
    for (size_t d = 0; d < outer->size(); ++d) {
      combined.push_back((*inner)[(*outer)[d]]);
      identity &= combined.back() == static_cast<int64_t>(d);
    }
    rewriter.replaceOp(
        op, identity ? x : createTranspose(rewriter, op.getLoc(), x, combined));
    return success();
  }
};

} // namespace

void tern::populateDataMovementLoweringPatterns(TypeConverter &converter,
                                                RewritePatternSet &patterns,
                                                const TileSizes &tiles) {
  patterns
      .add<ReshapeLowering, TransposeLowering, SliceLowering, ConcatLowering,
           GatherLowering, SplitHeadsLowering, MergeHeadsLowering>(
          converter, patterns.getContext(), tiles);
}

void tern::populateConstantFoldingPatterns(RewritePatternSet &patterns) {
  patterns
      .add<FoldConstantTranspose, FoldConstantReshape, FoldTransposeOfTranspose,
           SinkTransposeThroughConstant<tosa::AddOp>,
           SinkTransposeThroughConstant<tosa::SubOp>,
           SinkTransposeThroughConstant<tosa::MulOp>,
           SinkTransposeThroughConstant<tosa::MaximumOp>>(
          patterns.getContext());
  populateMaskFoldingPatterns(patterns);
  populateReductionFoldingPatterns(patterns);
}
