//===- QuantOps.cpp - quant.qcast / quant.dcast to accel ------------------===//
//
// A quantize cast of a constant (weights, biases) is done at compile time:
// the values are quantized with the type's scale (round half to even,
// clamped to the storage range, lib/Quant) into an integer global. A cast of
// a run-time tensor becomes row tiles through the requantization unit's
// format conversions (bf16 -> int8 scaled by 1/S, int8 -> bf16 scaled by S).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "llvm/ADT/ScopeExit.h"

#include "tern/Dialect/Tern/IR/Quantization.h"
#include "tern/Quant/QuantParams.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace tern;
using namespace tern::accel;

namespace mq = mlir::quant;

Type tern::storageType(Type elementType) {
  if (auto q = dyn_cast<mq::QuantizedType>(elementType))
    return q.getStorageType();
  return elementType;
}

int64_t tern::int8ZeroPoint(mq::UniformQuantizedType type) {
  // uint8 q with zero point Z is stored as the int8 q - 128: zero point
  // Z - 128 (Tern's tensors hold signed bytes; the GEMM unit is int8).
  return type.getZeroPoint() - (type.isSigned() ? 0 : 128);
}

Type QuantLowering::accType(MLIRContext *ctx) const {
  return IntegerType::get(ctx, variant == RequantVariant::tataa ? 16 : 32);
}

namespace {

/// The values of an integer constant (a QDQ model's int8 initializer).
std::optional<SmallVector<int64_t>> intConstantValues(Value v) {
  Operation *def = v.getDefiningOp();
  Attribute attr;
  if (auto c = dyn_cast_or_null<tosa::ConstOp>(def))
    attr = c.getValue();
  else if (auto c = dyn_cast_or_null<arith::ConstantOp>(def))
    attr = c.getValue();
  SmallVector<int64_t> out;
  if (auto dense = dyn_cast_or_null<DenseIntElementsAttr>(attr)) {
    for (const APInt &x : dense.getValues<APInt>())
      out.push_back(x.getSExtValue());
    return out;
  }
  // Large initializers are imported as dense_resource blobs.
  if (auto blob = dyn_cast_or_null<DenseI8ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<int8_t>> data = blob.tryGetAsArrayRef();
    if (!data)
      return std::nullopt;
    out.assign(data->begin(), data->end());
    return out;
  }
  return std::nullopt;
}

/// Row tiles of a run-time cast: load a block of rows, convert, store.
template <typename CastOp>
struct RuntimeCastLowering : OpConversionPattern<CastOp> {
  RuntimeCastLowering(TypeConverter &converter, MLIRContext *ctx,
                      TileSizes tiles, bool exact)
      : OpConversionPattern<CastOp>(converter, ctx), tiles(tiles),
        exact(exact) {}

  LogicalResult
  matchAndRewrite(CastOp op, typename CastOp::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (constantRange(op.getArg()))
      return failure(); // folded at compile time (ConstantCastLowering)
    if (std::is_same_v<CastOp, mq::QuantizeCastOp> &&
        isa<mq::QuantizedType>(getElementTypeOrSelf(op.getArg())))
      return failure(); // integer to integer: a requantization (RowOps.cpp)
    if constexpr (std::is_same_v<CastOp, mq::DequantizeCastOp>)
      if (auto scast = op.getArg().template getDefiningOp<mq::StorageCastOp>())
        if (intConstantValues(scast.getArg()))
          return failure(); // ConstantDequantLowering
    auto resultType = dyn_cast_or_null<MemRefType>(
        this->getTypeConverter()->convertType(op.getType()));
    if (!resultType || resultType.getRank() < 1)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    auto qtype = dyn_cast<mq::UniformQuantizedType>(getElementTypeOrSelf(
        std::is_same_v<CastOp, mq::QuantizeCastOp> ? op.getType()
                                                  : op.getArg().getType()));
    bool quantize = std::is_same_v<CastOp, mq::QuantizeCastOp>;
    // cvt.b2i writes int8, or 6 / 4 bits saturated at that width (one byte
    // per element); cvt.i2b reads int8 (and narrower), int16 or int32 (the
    // integer-only policies leave the int32 logits).
    unsigned width = qtype ? qtype.getStorageTypeIntegralWidth() : 0;
    bool byteWide = width == 8 || width == 6 || width == 4;
    if (!qtype || !(byteWide || (!quantize && (width == 16 || width == 32))))
      return op.emitOpError("only int8/6/4 casts (and int16 / int32 "
                            "dequantization) of run-time tensors are "
                            "lowered");
    // Asymmetric (zero point, or uint8 held as int8 shifted by 128): only
    // 8-bit, through the conversions' zp field.
    int64_t zp = int8ZeroPoint(qtype);
    if (zp != 0 && width != 8)
      return op.emitOpError("an asymmetric (zero point or unsigned) ")
             << width << "-bit cast is not lowered; only 8-bit ones are";
    // Exact QuantizeLinear (exact-quantize): the f32 scale itself, divided
    // by cvt.f2i, and the storage range as the saturation bounds; otherwise
    // the conversion's bf16 1/S. A storage range cvt.b2i does not saturate
    // to (a QDQ Clip's, e.g. i8<-8:7>) takes cvt.f2i under any policy.
    int64_t qmin = qtype.getStorageTypeMin(), qmax = qtype.getStorageTypeMax();
    if (!qtype.isSigned()) {
      qmin -= 128;
      qmax -= 128;
    }
    bool b2iRange = (qmin == -128 || qmin == -127) && qmax == 127;
    bool exactCast = quantize && width == 8 && (exact || !b2iRange);
    if (exactCast && !tern::quant::saturationBits(qmin, qmax))
      return op.emitOpError("quantizes to the range [")
             << qtype.getStorageTypeMin() << ", " << qtype.getStorageTypeMax()
             << "] of " << qtype
             << "; the exact quantizer (cvt.f2i) saturates to int8, "
                "[-2^(b-1), 2^(b-1)-1] or +-(2^(b-1)-1) (b = 2..8) only";
    float scale = static_cast<float>(
        quantize && !exactCast ? 1.0 / qtype.getScale() : qtype.getScale());
    TileBuilder tb(rewriter, op.getLoc());
    Value out = tb.allocDram(resultType.getShape(),
                             resultType.getElementType());
    Value in = adaptor.getArg();
    Type inElement = cast<MemRefType>(in.getType()).getElementType();
    if (inElement.isF32() && !exactCast)
      return op.emitOpError("an f32 input is quantized by the exact "
                            "quantizer only");
    Value inMatrix = tb.asElementwiseRows(tb.asRows(in)),
          outMatrix = tb.asElementwiseRows(tb.asRows(out));
    auto shape = cast<MemRefType>(outMatrix.getType()).getShape();
    int64_t rows = shape[0], cols = shape[1];
    int64_t tm = tiles.rowsPerTile(
        cols * std::max({2u, width / 8, inElement.isF32() ? 4u : 0u}));
    // Run-time kept token rows (threshold pruning): tiles per group of N.
    TokenRowGroups groups =
        tokenRowGroups(op, resultType.getShape(), rows, cols);
    std::optional<int64_t> point = groups.point;
    int64_t group = groups.group;
    for (int64_t r0 = 0, rr = 0; r0 < rows; r0 += rr) {
      int64_t t0 = r0 % group;
      rr = std::min({tm, rows - r0, group - t0});
      OpMark mark = markOps(tb.builder());
      auto tag = llvm::make_scope_exit([&] {
        if (point)
          tagOpsSince(tb.builder(), mark, kLenRows, *point, t0, rr);
      });
      Value src = tb.load(tb.block(inMatrix, r0, 0, rr, cols),
                          MemorySpace::act);
      Value dst = tb.allocTile({rr, cols}, resultType.getElementType(),
                               MemorySpace::act);
      if (exactCast)
        rewriter.create<QuantizeOp>(
            op.getLoc(), src, dst, rewriter.getF32FloatAttr(scale),
            rewriter.getI32IntegerAttr(zp), rewriter.getI32IntegerAttr(qmin),
            rewriter.getI32IntegerAttr(qmax));
      else
        rewriter.create<ConvertOp>(op.getLoc(), src, dst,
                                   rewriter.getF32FloatAttr(scale),
                                   rewriter.getI32IntegerAttr(zp));
      tb.store(dst, tb.block(outMatrix, r0, 0, rr, cols));
    }
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
  bool exact;
};

/// quant.qcast of a constant: an integer global of the quantized values.
struct ConstantCastLowering : OpConversionPattern<mq::QuantizeCastOp> {
  ConstantCastLowering(TypeConverter &converter, MLIRContext *ctx,
                       SymbolTable &symbols)
      : OpConversionPattern(converter, ctx), symbols(symbols) {}

  LogicalResult
  matchAndRewrite(mq::QuantizeCastOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Operation *def = op.getArg().getDefiningOp();
    Attribute value;
    if (auto c = dyn_cast_or_null<tosa::ConstOp>(def))
      value = c.getValue();
    else if (auto c = dyn_cast_or_null<arith::ConstantOp>(def))
      value = c.getValue();
    std::optional<SmallVector<float>> values = readF32Elements(value);
    if (!values)
      return failure(); // a run-time cast (or a layout op not folded)
    auto tensorType = cast<RankedTensorType>(op.getType());
    Type element = getElementTypeOrSelf(op.getType());
    auto storage =
        cast<IntegerType>(cast<mq::QuantizedType>(element).getStorageType());
    // One set of parameters per tensor, or per index of the quantized
    // dimension (per-channel weights and their biases).
    SmallVector<tern::quant::QuantParams> params;
    int64_t axisStride = 1, axisSize = 1;
    if (auto t = dyn_cast<mq::UniformQuantizedType>(element)) {
      params.push_back(paramsOf(t));
    } else if (auto t = dyn_cast<mq::UniformQuantizedPerAxisType>(element)) {
      int32_t axis = t.getQuantizedDimension();
      ArrayRef<int64_t> shape = tensorType.getShape();
      axisSize = shape[axis];
      for (size_t d = axis + 1; d < shape.size(); ++d)
        axisStride *= shape[d];
      for (auto [scale, zp] : llvm::zip(t.getScales(), t.getZeroPoints())) {
        tern::quant::QuantParams p;
        p.scale = scale;
        p.zeroPoint = zp;
        p.bits = t.getStorageTypeIntegralWidth();
        p.qmin = t.getStorageTypeMin();
        p.qmax = t.getStorageTypeMax();
        params.push_back(p);
      }
    } else {
      return op.emitOpError("only uniform quantized constants are lowered");
    }
    SmallVector<APInt> quantized;
    quantized.reserve(values->size());
    for (size_t i = 0; i < values->size(); ++i) {
      const auto &p =
          params.size() == 1 ? params[0] : params[(i / axisStride) % axisSize];
      quantized.push_back(APInt(storage.getWidth(), p.quantize((*values)[i]),
                                /*isSigned=*/true));
    }
    auto initType = RankedTensorType::get(tensorType.getShape(), storage);
    auto memrefType = MemRefType::get(tensorType.getShape(), storage);
    memref::GlobalOp global;
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(
          op->getParentOfType<ModuleOp>().getBody());
      global = rewriter.create<memref::GlobalOp>(
          op.getLoc(), "__tern_qconstant", rewriter.getStringAttr("private"),
          memrefType, DenseElementsAttr::get(initType, quantized),
          /*constant=*/true, /*alignment=*/IntegerAttr());
      symbols.insert(global);
    }
    rewriter.replaceOpWithNewOp<memref::GetGlobalOp>(op, memrefType,
                                                     global.getSymName());
    return success();
  }

  SymbolTable &symbols;
};

memref::GlobalOp createGlobal(ConversionPatternRewriter &rewriter,
                              Operation *op, SymbolTable &symbols,
                              StringRef name, MemRefType type,
                              DenseElementsAttr init) {
  OpBuilder::InsertionGuard guard(rewriter);
  rewriter.setInsertionPointToStart(op->getParentOfType<ModuleOp>().getBody());
  auto global = rewriter.create<memref::GlobalOp>(
      op->getLoc(), name, rewriter.getStringAttr("private"), type, init,
      /*constant=*/true, /*alignment=*/IntegerAttr());
  symbols.insert(global);
  return global;
}

/// quant.scast: an integer constant becomes an integer global; a run-time
/// value keeps its buffer (storage and quantized types share the bytes).
struct StorageCastLowering : OpConversionPattern<mq::StorageCastOp> {
  StorageCastLowering(TypeConverter &converter, MLIRContext *ctx,
                      SymbolTable &symbols)
      : OpConversionPattern(converter, ctx), symbols(symbols) {}

  LogicalResult
  matchAndRewrite(mq::StorageCastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getType()));
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    std::optional<SmallVector<int64_t>> values =
        intConstantValues(op.getArg());
    if (!values) {
      if (adaptor.getArg().getType() != resultType)
        return rewriter.notifyMatchFailure(op, "storage types differ");
      rewriter.replaceOp(op, adaptor.getArg());
      return success();
    }
    auto storage = cast<IntegerType>(resultType.getElementType());
    SmallVector<APInt> bits;
    for (int64_t v : *values)
      bits.push_back(APInt(storage.getWidth(), v, /*isSigned=*/true));
    auto init = DenseElementsAttr::get(
        RankedTensorType::get(resultType.getShape(), storage), bits);
    auto global = createGlobal(rewriter, op, symbols, "__tern_qconstant",
                               resultType, init);
    rewriter.replaceOpWithNewOp<memref::GetGlobalOp>(op, resultType,
                                                     global.getSymName());
    return success();
  }

  SymbolTable &symbols;
};

/// quant.dcast of a quantized constant (a QDQ weight kept in float by the
/// bf16 policy): the dequantized values as a bf16 global.
struct ConstantDequantLowering : OpConversionPattern<mq::DequantizeCastOp> {
  using OpConversionPattern::OpConversionPattern;

  LogicalResult
  matchAndRewrite(mq::DequantizeCastOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto scast = op.getArg().getDefiningOp<mq::StorageCastOp>();
    Type element = getElementTypeOrSelf(op.getArg().getType());
    std::optional<SmallVector<int64_t>> values =
        scast ? intConstantValues(scast.getArg()) : std::nullopt;
    if (!values)
      return failure(); // a run-time cast (RuntimeCastLowering)
    auto shape = cast<RankedTensorType>(op.getType()).getShape();
    // One (scale, zero point) per tensor, or per index of the quantized
    // dimension (a per-axis QDQ weight).
    SmallVector<double> scales;
    SmallVector<int64_t> zeroPoints;
    int64_t axisStride = 1, axisSize = 1;
    if (auto t = dyn_cast<mq::UniformQuantizedType>(element)) {
      scales.push_back(t.getScale());
      zeroPoints.push_back(t.getZeroPoint());
    } else if (auto t = dyn_cast<mq::UniformQuantizedPerAxisType>(element)) {
      scales.assign(t.getScales().begin(), t.getScales().end());
      zeroPoints.assign(t.getZeroPoints().begin(), t.getZeroPoints().end());
      int32_t axis = t.getQuantizedDimension();
      axisSize = shape[axis];
      for (size_t d = axis + 1; d < shape.size(); ++d)
        axisStride *= shape[d];
    } else {
      return failure();
    }
    SmallVector<float> real;
    for (size_t i = 0; i < values->size(); ++i) {
      size_t c = scales.size() == 1 ? 0 : (i / axisStride) % axisSize;
      real.push_back(
          static_cast<float>(scales[c] * double((*values)[i] - zeroPoints[c])));
    }
    rewriter.replaceOp(
        op, makeBf16Global(rewriter, op, shape, real, "__tern_dequantized"));
    return success();
  }
};

} // namespace

void tern::populateQuantLoweringPatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns,
                                         const TileSizes &tiles,
                                         SymbolTable &symbols,
                                         bool exactQuantize) {
  MLIRContext *ctx = patterns.getContext();
  patterns.add<ConstantCastLowering, StorageCastLowering>(converter, ctx,
                                                         symbols);
  // Preferred over the run-time dequantization of the same op.
  patterns.add<ConstantDequantLowering>(converter, ctx, /*benefit=*/2);
  patterns.add<RuntimeCastLowering<mq::QuantizeCastOp>,
               RuntimeCastLowering<mq::DequantizeCastOp>>(converter, ctx, tiles,
                                                          exactQuantize);
}
