//===- MatrixOps.cpp - tern.linear / tern.matmul to GEMM tiles ------------===//
//
// Output-stationary tiling: each [tile-m x tile-n] block of the result is
// accumulated in the accumulator scratchpad over tile-k slices of the
// contraction, converted to bf16 (applying the matmul's scale) and stored.
// Integer ops accumulate in i32, or in wrapping i16 lanes with the TATAA
// variant (whose constant bias is then narrowed to i16 modulo 2^16).
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "tern/Dialect/Accel/IR/BufferView.h"
#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Quant/IntKernels.h"
#include "tern/Quant/Requant.h"
#include "tern/Quant/ZeroPoint.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/IR/TypeUtilities.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;
using namespace tern;
using namespace tern::accel;

namespace {

mlir::quant::UniformQuantizedType quantizedElement(Value v) {
  return dyn_cast<mlir::quant::UniformQuantizedType>(
      getElementTypeOrSelf(v.getType()));
}

tern::quant::RequantVariant toQuant(accel::RequantVariant v) {
  switch (v) {
  case accel::RequantVariant::ibert:
    return tern::quant::RequantVariant::IBert;
  case accel::RequantVariant::swifttron:
    return tern::quant::RequantVariant::SwiftTron;
  case accel::RequantVariant::tataa:
    return tern::quant::RequantVariant::Tataa;
  case accel::RequantVariant::elastic:
    return tern::quant::RequantVariant::ElasticAI;
  }
  llvm_unreachable("unknown variant");
}

/// The integer datapath of a product of quantized `lhs` and `rhs` scaled by
/// `scale` into `result`: requantization to int8 when the result is
/// quantized, otherwise conversion to bf16 by the returned scale.
///
/// The matrix unit has no zero points: an asymmetric activation (`lhs`) is
/// accepted only when the caller folds its zero point into the bias
/// (`lhsZeroPointFolded`, a linear with a constant weight); an asymmetric
/// int8 result gets its zero point from the requantizer (`ibert` and
/// `elastic` add one and saturate).
FailureOr<std::pair<IntegerGemm, double>>
integerGemm(Operation *op, Value lhs, Value rhs, Value result, double scale,
            const QuantLowering &quant, ConversionPatternRewriter &rewriter,
            bool lhsZeroPointFolded = false) {
  auto l = quantizedElement(lhs);
  // Zero points of the operands (uint8 activations are int8 shifted by 128,
  // so zero point 0 is -128 here).
  if (l && int8ZeroPoint(l) != 0 && !lhsZeroPointFolded)
    return op->emitOpError("an asymmetric operand (")
           << l << ") of an integer product is not lowered: its zero point "
                   "is folded into the bias only for a linear with a "
                   "constant weight";
  if (auto r = quantizedElement(rhs); r && int8ZeroPoint(r) != 0)
    return op->emitOpError("an asymmetric weight (")
           << r << ") of an integer product is not lowered; weights must be "
                   "symmetric (zero point 0)";
  if (auto r = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(
          getElementTypeOrSelf(rhs.getType())))
    if (llvm::any_of(r.getZeroPoints(), [](int64_t z) { return z != 0; }))
      return op->emitOpError("an asymmetric per-axis weight (")
             << r << ") of an integer product is not lowered";
  IntegerGemm g;
  // Per-channel weights (a linear with a float result, verified): convert
  // by S_x, then multiply by each column's scale.
  if (auto perAxis = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(
          getElementTypeOrSelf(rhs.getType()))) {
    g.accType = quant.accType(op->getContext());
    SmallVector<float> scales;
    for (double s : perAxis.getScales())
      scales.push_back(static_cast<float>(s));
    g.columnScales = makeBf16Global(rewriter, op, {int64_t(scales.size())},
                                    scales, "__tern_column_scales");
    return std::make_pair(g, l.getScale() * scale);
  }
  auto r = quantizedElement(rhs);
  double product = l.getScale() * r.getScale() * scale;
  g.accType = quant.accType(op->getContext());
  auto out = quantizedElement(result);
  if (!out)
    return std::make_pair(g, product);
  int64_t outZeroPoint = int8ZeroPoint(out);
  if (outZeroPoint != 0 &&
      (out.getStorageTypeIntegralWidth() != 8 ||
       (quant.variant != accel::RequantVariant::ibert &&
        quant.variant != accel::RequantVariant::elastic)))
    return op->emitOpError("an asymmetric result (")
           << out << ") is lowered only to int8 with the 'ibert' or "
           << "'elastic' requantization (which add a zero point and "
              "saturate), not '"
           << accel::stringifyRequantVariant(quant.variant) << "'";
  double m = product / out.getScale();
  if (unsigned bits = out.getStorageTypeIntegralWidth(); bits < 8) {
    // 6- and 4-bit results: the variants' rq.* saturate or wrap at int8, so
    // every variant requantizes them with rq.wide at their width (I-BERT's
    // round half to even, symmetric clamp), which also reads TATAA's i16
    // accumulator.
    auto wide = tern::quant::wideMultiplier(m);
    if (!wide)
      return op->emitOpError("cannot requantize its ")
             << bits << "-bit result: " << llvm::toString(wide.takeError());
    g.wideResult = true;
    g.wideBits = bits;
    g.narrowStorage = out.getStorageType();
    g.wideMultiplier = {static_cast<int32_t>(wide->multiplier), wide->shift};
    return std::make_pair(g, 1.0);
  }
  if (out.getStorageTypeIntegralWidth() == 32) {
    // Integer-only: the i32 accumulator feeds a non-matrix op.
    if (!g.accType.isSignlessInteger(32))
      return op->emitOpError("an i32 result needs the i32 accumulator");
    g.wideResult = true;
    uint64_t hi = std::max<int64_t>(std::abs(out.getStorageTypeMin()),
                                    std::abs(out.getStorageTypeMax()));
    g.wideBits = llvm::Log2_64_Ceil(hi + 1) + 1;
    if (g.wideBits <= 8)
      return op->emitOpError("an i32 result of at most 8 bits is not "
                             "lowered (use an i8 result)");
    if (std::abs(m - 1.0) <= 1e-9 && g.wideBits == 32)
      return std::make_pair(g, 1.0);
    auto wide = tern::quant::wideMultiplier(m);
    if (!wide)
      return op->emitOpError("cannot rescale its i32 result: ")
             << llvm::toString(wide.takeError());
    g.wideMultiplier = {static_cast<int32_t>(wide->multiplier), wide->shift};
    return std::make_pair(g, 1.0);
  }
  auto multiplier = tern::quant::chooseMultiplier(m, toQuant(quant.variant));
  if (!multiplier)
    return op->emitOpError("cannot requantize its result: ")
           << llvm::toString(multiplier.takeError());
  g.variant = quant.variant;
  g.multiplier = multiplier->multiplier;
  g.shift = multiplier->shift;
  g.zeroPoint = static_cast<int32_t>(outZeroPoint);
  return std::make_pair(g, 1.0);
}

/// The bias of an int16 (TATAA) accumulator: the int32 constant bias at
/// S_x * S_w reduced modulo 2^16 (its low 16 bits, two's complement). The
/// accumulator lanes wrap, so bias + partial sums then equal the low 16 bits
/// of the exact int32 sum whether or not the bias fits in int16; saturating
/// the bias instead would break that identity.
FailureOr<Value> narrowBias(Operation *op, Value bias, Type accType,
                            ConversionPatternRewriter &rewriter) {
  auto type = cast<MemRefType>(bias.getType());
  if (type.getElementType() == accType)
    return bias;
  auto get = bias.getDefiningOp<memref::GetGlobalOp>();
  memref::GlobalOp global =
      get ? SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
                get, get.getNameAttr())
          : nullptr;
  auto init =
      global
          ? dyn_cast_or_null<DenseIntElementsAttr>(global.getInitialValueAttr())
          : nullptr;
  if (!init || !global.getConstant())
    return op->emitOpError("a bias that is not a compile-time constant is "
                           "not lowered with the ")
           << accType << " accumulator";
  unsigned width = accType.getIntOrFloatBitWidth();
  SmallVector<APInt> narrow;
  for (const APInt &v : init.getValues<APInt>())
    narrow.push_back(v.sextOrTrunc(width));
  auto narrowType = MemRefType::get(type.getShape(), accType);
  auto module = op->getParentOfType<ModuleOp>();
  memref::GlobalOp narrowGlobal;
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(module.getBody());
    std::string name;
    for (unsigned i = 0;; ++i) {
      name = ("__tern_bias" + Twine(width) + "_" + Twine(i)).str();
      if (!module.lookupSymbol(name))
        break;
    }
    narrowGlobal = rewriter.create<memref::GlobalOp>(
        op->getLoc(), name, rewriter.getStringAttr("private"), narrowType,
        DenseElementsAttr::get(RankedTensorType::get(type.getShape(), accType),
                               narrow),
        /*constant=*/true, /*alignment=*/IntegerAttr());
  }
  return rewriter
      .create<memref::GetGlobalOp>(op->getLoc(), narrowType,
                                   narrowGlobal.getSymName())
      .getResult();
}

/// The integer values of the constant memref.global `v` is (a get_global
/// of it, not a view), or none.
std::optional<SmallVector<int64_t>> constantGlobalValues(Value v) {
  auto get = v.getDefiningOp<memref::GetGlobalOp>();
  if (!get)
    return std::nullopt;
  auto global =
      SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(get,
                                                             get.getNameAttr());
  auto init =
      global
          ? dyn_cast_or_null<DenseIntElementsAttr>(global.getInitialValueAttr())
          : nullptr;
  if (!init || !global.getConstant())
    return std::nullopt;
  SmallVector<int64_t> out;
  for (const APInt &x : init.getValues<APInt>())
    out.push_back(x.getSExtValue());
  return out;
}

/// The int32 bias of a linear whose input has zero point `zx` (int8
/// storage): `bias - zx * colsum(W)` as a new constant global (lib/Quant),
/// so the GEMM multiplies the stored codes and stays zero-point free. The
/// weight [k, n] and the bias (if any) must be compile-time constants.
FailureOr<Value> foldZeroPointIntoBias(Operation *op, Value weight,
                                       Value bias, int64_t k, int64_t n,
                                       int64_t zx,
                                       ConversionPatternRewriter &rewriter) {
  std::optional<SmallVector<int64_t>> w = constantGlobalValues(weight);
  if (!w)
    return op->emitOpError("an asymmetric input (zero point ")
           << zx << " in int8) needs a compile-time constant weight to fold "
                    "-zp * colsum(W) into the bias";
  SmallVector<int64_t> b;
  if (bias) {
    std::optional<SmallVector<int64_t>> values = constantGlobalValues(bias);
    if (!values)
      return op->emitOpError("an asymmetric input needs a compile-time "
                             "constant bias to fold its zero point into");
    b = std::move(*values);
  }
  auto folded = tern::quant::foldInputZeroPoint(*w, k, n, zx, b);
  if (!folded)
    return op->emitOpError("cannot fold the input's zero point into the "
                           "bias: ")
           << llvm::toString(folded.takeError());
  Type i32 = rewriter.getI32Type();
  auto type = MemRefType::get({n}, i32);
  auto init = DenseElementsAttr::get(RankedTensorType::get({n}, i32),
                                     ArrayRef<int32_t>(*folded));
  return makeConstantGlobal(rewriter, op, "__tern_zp_bias", type, init);
}

/// Whether a quantized linear runs on the ReRAM crossbar tier: int8
/// activations, an i32 accumulator, no K-row bitmap (the crossbars read
/// every row), and constant (pretrained) weights, i.e. a view of a constant
/// memref.global. Anything else stays on the matrix unit.
bool onCrossbars(const IntegerGemm &g, Value x, Value w) {
  if (g.nonzeroThreshold || !g.accType.isSignlessInteger(32) ||
      !cast<MemRefType>(x.getType()).getElementType().isSignlessInteger(8))
    return false;
  Type we = cast<MemRefType>(w.getType()).getElementType();
  if (!we.isSignlessInteger(8) && !we.isSignlessInteger(6) &&
      !we.isSignlessInteger(4))
    return false;
  return static_cast<bool>(accel::constantGlobalBehindViews(w));
}

/// The constant memref.global a weight operand views, if any.
memref::GlobalOp constantWeightGlobal(Value w) {
  return accel::constantGlobalBehindViews(w);
}

struct LinearLowering : OpConversionPattern<LinearOp> {
  LinearLowering(TypeConverter &converter, MLIRContext *ctx, TileSizes tiles,
                 QuantLowering quant)
      : OpConversionPattern(converter, ctx), tiles(tiles), quant(quant) {}

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
    // Frozen base weights (the program's weight table, the target of
    // --weight-noise): a constant weight of a linear the model has, not one
    // tern-differentiate built (reductions, selections, transposes).
    if (!op->hasAttr(kDerivedWeightAttr))
      if (memref::GlobalOp global = constantWeightGlobal(w))
        rewriter.modifyOpInPlace(global, [&] {
          global->setAttr(kFrozenWeightAttr, rewriter.getUnitAttr());
        });
    Value out =
        tb.allocDram(resultType.getShape(), resultType.getElementType());
    Value outMatrix = tb.asMatrix(out);
    auto xType = cast<MemRefType>(x.getType());
    int64_t m = xType.getDimSize(0), k = xType.getDimSize(1),
            n = resultType.getShape().back();
    double scale = 1.0;
    Value bias = adaptor.getBias();
    std::optional<IntegerGemm> integer;
    if (auto in = quantizedElement(op.getInput())) {
      int64_t zx = int8ZeroPoint(in);
      auto g = integerGemm(op, op.getInput(), op.getWeight(), op.getResult(),
                           1.0, quant, rewriter, /*lhsZeroPointFolded=*/true);
      if (failed(g))
        return failure();
      integer = g->first;
      scale = g->second;
      if (op.getRelu()) {
        if (!integer->variant ||
            (*integer->variant != accel::RequantVariant::ibert &&
             *integer->variant != accel::RequantVariant::elastic))
          return op.emitOpError("a fused ReLU ('relu') is lowered only with "
                                "the 'ibert' or 'elastic' requantization, "
                                "which clamp at the zero point");
        integer->relu = true;
      }
      if (zx != 0) {
        // Before the bias is narrowed (TATAA): the fold is exact in int32.
        auto folded =
            foldZeroPointIntoBias(op, w, bias, k, n, zx, rewriter);
        if (failed(folded))
          return failure();
        bias = *folded;
      }
      // Marked by tern-ffn2-sparsity.
      if (auto thr = op->getAttrOfType<IntegerAttr>("tern.ffn2_sparsity")) {
        // Skipping rows of zero codes is exact only when code 0 is real 0.
        if (zx != 0)
          return op->emitOpError("tern-ffn2-sparsity needs a symmetric "
                                 "input; its zero point is ")
                 << zx;
        integer->nonzeroThreshold = static_cast<int32_t>(thr.getInt());
      }
      if (quant.reram && onCrossbars(*integer, x, w)) {
        integer->crossbarWeights = [&tb, w](int64_t k0, int64_t kr, int64_t n0,
                                            int64_t nr) {
          return tb.block(w, k0, n0, kr, nr);
        };
        integer->crossbarTileN = quant.reramTileN;
      }
      if (bias) {
        auto narrowed = narrowBias(op, bias, integer->accType, rewriter);
        if (failed(narrowed))
          return failure();
        bias = *narrowed;
      }
    }
    // Run-time kept token rows (threshold pruning; one sequence: rows are
    // the tokens).
    GemmTokens tokens;
    if (resultType.getRank() >= 2 &&
        m == resultType.getShape()[resultType.getRank() - 2])
      tokens.rows = tokenPoint(op, kTokenRows);
    emitGemmBlocks(
        tb, x, 0, outMatrix, 0, m, k, n, scale, bias, tiles,
        [&](int64_t k0, int64_t kr, int64_t n0, int64_t nr) {
          return tb.load(tb.block(w, k0, n0, kr, nr), MemorySpace::wgt);
        },
        nullptr, integer, tokens);
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
  QuantLowering quant;
};

struct MatMulLowering : OpConversionPattern<MatMulOp> {
  MatMulLowering(TypeConverter &converter, MLIRContext *ctx, TileSizes tiles,
                 QuantLowering quant)
      : OpConversionPattern(converter, ctx), tiles(tiles), quant(quant) {}

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
    Value out =
        tb.allocDram(resultType.getShape(), resultType.getElementType());
    Value outMatrix = tb.asMatrix(out);
    Type rhsElement = cast<MemRefType>(rhs.getType()).getElementType();
    ArrayRef<int64_t> outShape = resultType.getShape();
    double scale = op.getScale().convertToDouble();
    std::optional<IntegerGemm> integer;
    if (quantizedElement(op.getLhs())) {
      auto g = integerGemm(op, op.getLhs(), op.getRhs(), op.getResult(), scale,
                           quant, rewriter);
      if (failed(g))
        return failure();
      integer = g->first;
      scale = g->second;
    }
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
        loadMask = [&, offset, rowBroadcast](int64_t m0, int64_t mr, int64_t n0,
                                             int64_t nr) {
          if (rowBroadcast)
            return tb.loadBroadcast(tb.rawView(mask, offset, {n}, {1}), n0, mr,
                                    nr, MemorySpace::act);
          return tb.load(
              tb.rawView(mask, offset + m0 * n + n0, {mr, nr}, {n, 1}),
              MemorySpace::act);
        };
      }
      emitGemmBlocks(
          tb, lhs, bi * m, outMatrix, bi * m, m, k, n, scale, Value(), tiles,
          [&](int64_t k0, int64_t kr, int64_t n0, int64_t nr) -> Value {
            if (!transposed)
              return tb.load(tb.block(rhs, bi * k + k0, n0, kr, nr),
                             MemorySpace::wgt);
            // B = R^T with R [n, k] row-major: the [kr x nr] weight tile
            // is R's block [nr x kr] at (n0, k0), transposed by the DMA.
            Value tile = tb.allocTile({kr, nr}, rhsElement, MemorySpace::wgt);
            rewriter.create<DmaLoadTransposedOp>(
                op.getLoc(), tb.block(rhs, bi * n + n0, k0, nr, kr), tile);
            return tile;
          },
          loadMask, integer,
          GemmTokens{tokenPoint(op, kTokenRows), tokenPoint(op, kTokenCols),
                     tokenPoint(op, kTokenK)});
    }
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
  QuantLowering quant;
};

/// tosa.matmul left by the raising passes (both operands run-time, e.g. an
/// ONNX MatMul or Gemm of two graph inputs): [B, M, K] x [B, K, N], one
/// output-stationary GEMM per batch on the matrix unit (bf16 operands, f32
/// accumulation, one rounding to bf16).
struct TosaMatMulLowering : OpConversionPattern<tosa::MatMulOp> {
  TosaMatMulLowering(TypeConverter &converter, MLIRContext *ctx,
                     TileSizes tiles)
      : OpConversionPattern(converter, ctx), tiles(tiles) {}

  LogicalResult
  matchAndRewrite(tosa::MatMulOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<FloatType>(getElementTypeOrSelf(op.getA())) ||
        !isa<FloatType>(getElementTypeOrSelf(op.getB())))
      return op.emitOpError("only a floating tosa.matmul is lowered");
    auto resultType = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getType()));
    if (!resultType)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    auto lhsShape = cast<ShapedType>(op.getA().getType()).getShape();
    auto rhsShape = cast<ShapedType>(op.getB().getType()).getShape();
    if (lhsShape[0] != rhsShape[0])
      return op.emitOpError("operands with different batch sizes are not "
                            "lowered");
    int64_t batch = lhsShape[0], m = lhsShape[1], k = lhsShape[2],
            n = rhsShape[2];
    TileBuilder tb(rewriter, op.getLoc());
    Value lhs = tb.asMatrix(adaptor.getA());
    Value rhs = tb.asMatrix(adaptor.getB());
    Value out =
        tb.allocDram(resultType.getShape(), resultType.getElementType());
    Value outMatrix = tb.asMatrix(out);
    for (int64_t bi = 0; bi < batch; ++bi)
      emitGemmBlocks(tb, lhs, bi * m, outMatrix, bi * m, m, k, n, 1.0, Value(),
                     tiles,
                     [&](int64_t k0, int64_t kr, int64_t n0, int64_t nr) {
                       return tb.load(tb.block(rhs, bi * k + k0, n0, kr, nr),
                                      MemorySpace::wgt);
                     });
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
};

} // namespace

void tern::populateMatrixOpLoweringPatterns(TypeConverter &converter,
                                            RewritePatternSet &patterns,
                                            const TileSizes &tiles,
                                            const QuantLowering &quant) {
  patterns.add<LinearLowering, MatMulLowering>(converter, patterns.getContext(),
                                               tiles, quant);
  patterns.add<TosaMatMulLowering>(converter, patterns.getContext(), tiles);
}
