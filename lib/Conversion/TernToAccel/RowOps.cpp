//===- RowOps.cpp - row-wise tern ops to vector / SFU tiles ---------------===//
//
// Softmax and LayerNorm reduce along the last dimension, so their tiles hold
// whole rows: [tile-m x cols]. The element-wise ops (and an exported ReLU,
// tosa.clamp) use the same tiling. Under the integer-only policies the same
// ops lower to the I-BERT kernels of the SFU (sfu.isoftmax / igelu /
// ilayernorm, constants from lib/Quant/IntKernels) and rq.wide
// requantizations; see docs/Quantization.md.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Quant/IntKernels.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <algorithm>
#include <cmath>

using namespace mlir;
using namespace tern;
using namespace tern::accel;
namespace mq = mlir::quant;

namespace {

/// Whether `op` runs in an integer precision (below).
bool isIntegerOp(Operation *op);

/// Lowers a row-wise op: for each block of rows, `body(tb, inputs, rows,
/// row0)` receives the loaded input tiles and returns the result tile, which
/// is stored to the op's new DRAM buffer.
template <typename Op>
struct RowLowering : OpConversionPattern<Op> {
  using Base = OpConversionPattern<Op>;
  RowLowering(TypeConverter &converter, MLIRContext *ctx, TileSizes tiles)
      : Base(converter, ctx), tiles(tiles) {}

  /// Builds the computation for one block; `inputs` are the loaded tiles of
  /// the op's tensor operands that take part in row tiling.
  virtual Value buildBlock(Op op, typename Op::Adaptor adaptor,
                           TileBuilder &tb, ArrayRef<Value> inputs,
                           int64_t rows, int64_t cols) const = 0;

  /// Conditions the op must meet, reported on the op before anything is
  /// built.
  virtual LogicalResult check(Op) const { return success(); }

  /// Element-wise ops may tile a wide row in pieces (rows wider than the
  /// ISA's 12-bit column fields, e.g. a 4096-wide FFN activation).
  virtual bool elementwise() const { return false; }

  /// Lowers rows wider than a tile (rowWiderThanTile) from the [R x C]
  /// `operands` into `out`, by column chunks: success, or failure with an
  /// error on the op; std::nullopt where the op has no such lowering (whole
  /// rows up to 4095 columns; past that, refused naming the op).
  virtual std::optional<LogicalResult>
  lowerWideRows(Op, typename Op::Adaptor, ArrayRef<Value> operands, Value out,
                TileBuilder &tb, ConversionPatternRewriter &rewriter) const {
    return std::nullopt;
  }

  /// Whether the spilled (chunked) lowerings apply: a float op on bf16
  /// rows, not the integer (I-BERT) kernels.
  static bool spillable(Op op, ArrayRef<Value> operands) {
    return !isIntegerOp(op) &&
           cast<MemRefType>(operands[0].getType()).getElementType().isBF16();
  }

  /// The operands tiled by rows (the others are parameters).
  virtual SmallVector<Value> rowOperands(typename Op::Adaptor adaptor) const {
    return {adaptor.getOperands().front()};
  }

  /// As rowOperands, for lowerings that also read values the op's operands
  /// were computed from.
  virtual SmallVector<Value> rowOperandsOf(Op, typename Op::Adaptor adaptor,
                                           ConversionPatternRewriter &) const {
    return rowOperands(adaptor);
  }

  LogicalResult
  matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast_or_null<MemRefType>(
        this->getTypeConverter()->convertType(op.getType()));
    if (!resultType || resultType.getRank() < 1)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    if (failed(check(op)))
      return failure();
    TileBuilder tb(rewriter, op.getLoc());
    Value out = tb.allocDram(resultType.getShape(),
                             resultType.getElementType());
    Value outMatrix = tb.asRows(out);
    SmallVector<Value> operands;
    for (Value v : rowOperandsOf(op, adaptor, rewriter))
      operands.push_back(tb.asRows(v));
    if (elementwise()) {
      outMatrix = tb.asElementwiseRows(outMatrix);
      for (Value &v : operands)
        v = tb.asElementwiseRows(v);
    }
    auto shape = cast<MemRefType>(outMatrix.getType()).getShape();
    int64_t totalRows = shape[0], cols = shape[1];
    // Tiles hold whole rows of the widest element involved (bf16 or i32).
    unsigned elementBytes = 2;
    for (Value v : operands)
      elementBytes = std::max<unsigned>(
          elementBytes,
          cast<MemRefType>(v.getType()).getElementTypeBitWidth() / 8);
    elementBytes = std::max<unsigned>(
        elementBytes, resultType.getElementTypeBitWidth() / 8);
    int64_t tm = tiles.rowsPerTile(cols * elementBytes);
    // Rows that are run-time kept tokens (threshold pruning).
    auto resultShape = resultType.getShape();
    TokenRowGroups groups = tokenRowGroups(op, resultShape, totalRows, cols);
    std::optional<int64_t> point = groups.point;
    int64_t group = groups.group;
    std::optional<int64_t> colPoint = tokenPoint(op, kTokenCols);
    if (cols != resultShape.back())
      colPoint.reset();
    // Rows wider than a tile stream through in column chunks (not with
    // run-time token counts, whose tags assume whole rows).
    if (!elementwise() && !point && !colPoint &&
        rowWiderThanTile(tiles, cols, elementBytes)) {
      if (std::optional<LogicalResult> wide =
              lowerWideRows(op, adaptor, operands, outMatrix, tb, rewriter)) {
        if (failed(*wide))
          return failure();
        rewriter.replaceOp(op, out);
        return success();
      }
    }
    // Whole rows past the 12-bit column fields cannot be encoded.
    if (!elementwise() && cols > TileBuilder::kMaxTileCols)
      return op.emitOpError("over rows of ")
             << cols << " elements is not lowered: a row kernel takes at "
             << "most " << TileBuilder::kMaxTileCols
             << " columns, and only the bf16 softmax, log-softmax and "
                "LayerNorm are spilled in column chunks"
             << (point || colPoint ? " (not with run-time token counts)" : "");
    for (int64_t g0 = 0; g0 < totalRows; g0 += group) {
      for (int64_t t0 = 0; t0 < group; t0 += tm) {
        int64_t r0 = g0 + t0;
        int64_t rows = std::min(tm, group - t0);
        OpMark mark = markOps(tb.builder());
        SmallVector<Value> inputs;
        for (Value v : operands)
          inputs.push_back(
              tb.load(tb.block(v, r0, 0, rows, cols), MemorySpace::act));
        Value result = buildBlock(op, adaptor, tb, inputs, rows, cols);
        tb.store(result, tb.block(outMatrix, r0, 0, rows, cols));
        if (point)
          tagOpsSince(tb.builder(), mark, kLenRows, *point, t0, rows);
        // The softmax over the attention's keys: only the kept ones.
        if (colPoint)
          tagOpsSince(tb.builder(), mark, kLenCols, *colPoint, 0, cols,
                      [](Operation *o) { return isa<accel::SoftmaxOp>(o); });
      }
    }
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
};

Value newTileLike(TileBuilder &tb, Value tile) {
  auto type = cast<MemRefType>(tile.getType());
  return tb.allocTile(type.getShape(), type.getElementType(),
                      MemorySpace::act);
}

Value newTileOf(TileBuilder &tb, Value tile, Type elementType) {
  auto type = cast<MemRefType>(tile.getType());
  return tb.allocTile(type.getShape(), elementType, MemorySpace::act);
}

//===--- Integer-only (I-BERT) lowering helpers ---------------------------===//

mq::UniformQuantizedType uniformType(Value v) {
  return dyn_cast<mq::UniformQuantizedType>(getElementTypeOrSelf(v));
}

/// Bits of the symmetric range of a quantized type (i32<-127:127>: 8).
unsigned rangeBits(mq::UniformQuantizedType q) {
  uint64_t hi = std::max<int64_t>(std::abs(q.getStorageTypeMin()),
                                  std::abs(q.getStorageTypeMax()));
  // A full-range type (i8: -128..127) saturates symmetrically at its width.
  return std::min<unsigned>(llvm::Log2_64_Ceil(hi + 1) + 1,
                            q.getStorageTypeIntegralWidth());
}

/// An integer op the lowering handles: every tensor operand and result of
/// a per-tensor quantized type. Reports on `op` otherwise.
LogicalResult checkUniform(Operation *op) {
  SmallVector<Value> values(op->getOperands());
  llvm::append_range(values, op->getResults());
  for (Value v : values) {
    auto shaped = dyn_cast<ShapedType>(v.getType());
    if (!shaped || !isa<mq::QuantizedType>(shaped.getElementType()))
      continue;
    if (!uniformType(v))
      return op->emitOpError("integer lowering needs per-tensor quantized "
                             "types, got ")
             << v.getType();
  }
  return success();
}

/// `tile` (i8/i16/i32) as an i32 tile, widened by rq.wide when narrower.
Value asI32(Operation *op, TileBuilder &tb, Value tile) {
  auto type = cast<MemRefType>(tile.getType());
  if (type.getElementType().isSignlessInteger(32))
    return tile;
  Value wide = newTileOf(tb, tile, tb.builder().getIntegerType(32));
  tb.builder().create<RequantWideOp>(op->getLoc(), tile, wide, int32_t(1) << 30,
                                     30, 32);
  return wide;
}

/// rq.wide of `tile` by the real factor `m` to a `bits`-wide result stored
/// as `storage` (i8 or i32). A result of at most 8 bits stored in i32 goes
/// through an i8 tile (rq.wide writes i8 for those widths).
FailureOr<Value> requantWide(Operation *op, TileBuilder &tb, Value tile,
                             double m, unsigned bits, Type storage) {
  llvm::Expected<tern::quant::Multiplier> mult =
      tern::quant::wideMultiplier(m);
  if (!mult) {
    op->emitOpError("cannot requantize by ")
        << m << ": " << llvm::toString(mult.takeError());
    return failure();
  }
  OpBuilder &b = tb.builder();
  bits = std::clamp(bits, 2u, 32u);
  Type i8 = b.getIntegerType(8), i32 = b.getIntegerType(32);
  // An int8 tile at the same scale into at least 8 bits is only widened.
  if (m == 1.0 && bits >= 8 &&
      cast<MemRefType>(tile.getType()).getElementType().isSignlessInteger(8))
    return storage.isSignlessInteger(32) ? asI32(op, tb, tile) : tile;
  // 6- and 4-bit activations keep their own (one-byte) element type.
  Type narrow = storage.getIntOrFloatBitWidth() < 8 ? storage : i8;
  Value out = newTileOf(tb, tile, bits <= 8 ? narrow : i32);
  b.create<RequantWideOp>(op->getLoc(), tile, out,
                          static_cast<int32_t>(mult->multiplier),
                          static_cast<int32_t>(mult->shift), bits);
  if (bits <= 8 && storage.isSignlessInteger(32)) {
    Value wide = newTileOf(tb, tile, i32);
    b.create<RequantWideOp>(op->getLoc(), out, wide, int32_t(1) << 30, 30, 32);
    out = wide;
  }
  return out;
}

/// A private i32 DRAM constant in the module of `op` (an identical one
/// already there is reused) and its get_global.
Value makeI32Global(OpBuilder &b, Operation *op, ArrayRef<int32_t> values,
                    StringRef prefix) {
  SmallVector<int64_t> shape = {static_cast<int64_t>(values.size())};
  auto type = MemRefType::get(shape, b.getI32Type());
  auto init = DenseElementsAttr::get(
      RankedTensorType::get(shape, b.getI32Type()), values);
  auto module = op->getParentOfType<ModuleOp>();
  memref::GlobalOp global;
  for (auto g : module.getOps<memref::GlobalOp>())
    if (g.getConstant() && g.getType() == type &&
        g.getInitialValueAttr() == init) {
      global = g;
      break;
    }
  if (!global) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(module.getBody());
    std::string name;
    for (unsigned i = 0;; ++i) {
      name = (prefix + "_" + Twine(i)).str();
      if (!module.lookupSymbol(name))
        break;
    }
    global = b.create<memref::GlobalOp>(
        op->getLoc(), name, b.getStringAttr("private"), type, init,
        /*constant=*/true, /*alignment=*/IntegerAttr());
  }
  return b.create<memref::GetGlobalOp>(op->getLoc(), type,
                                       global.getSymName());
}

bool isIntegerOp(Operation *op) {
  auto precision = op->getAttrOfType<PrecisionAttr>("precision");
  return precision && precision.getValue() == Precision::integer &&
         isa<mq::QuantizedType>(getElementTypeOrSelf(op->getOperand(0)));
}

struct SoftmaxLowering : RowLowering<tern::SoftmaxOp> {
  using RowLowering::RowLowering;
  LogicalResult check(tern::SoftmaxOp op) const override {
    if (!isIntegerOp(op))
      return success();
    if (failed(checkUniform(op)))
      return failure();
    auto in = uniformType(op.getInput()), out = uniformType(op.getResult());
    llvm::Expected<tern::quant::ISoftmaxConstants> k =
        tern::quant::iSoftmaxConstants(in.getScale());
    if (!k)
      return op.emitOpError("no integer softmax constants: ")
             << llvm::toString(k.takeError());
    if (out.getScale() != tern::quant::ISoftmaxConstants::kOutputScale ||
        !out.getStorageType().isSignlessInteger(32))
      return op.emitOpError("integer softmax produces i32 at scale 2^-8, "
                            "the result type is ")
             << op.getType();
    return success();
  }
  Value buildBlock(tern::SoftmaxOp op, OpAdaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t, int64_t) const override {
    if (isIntegerOp(op)) {
      Value x = asI32(op, tb, in[0]);
      Value out = newTileLike(tb, x);
      // check() proved the constants exist.
      double scale = uniformType(op.getInput()).getScale();
      tern::quant::ISoftmaxConstants constants =
          llvm::cantFail(tern::quant::iSoftmaxConstants(scale));
      const tern::quant::IExpConstants &e = constants.exp;
      tb.builder().create<ISoftmaxOp>(
          op.getLoc(), x, out,
          ArrayRef<int32_t>{static_cast<int32_t>(e.x0),
                            static_cast<int32_t>(e.bI),
                            static_cast<int32_t>(e.cI),
                            static_cast<int32_t>(constants.shift16)});
      return out;
    }
    // An f32 program input (keepF32Arguments) is read as it is.
    Value out = newTileOf(tb, in[0], tb.builder().getBF16Type());
    tb.builder().create<accel::SoftmaxOp>(op.getLoc(), in[0], out);
    return out;
  }
  std::optional<LogicalResult>
  lowerWideRows(tern::SoftmaxOp op, OpAdaptor, ArrayRef<Value> operands,
                Value out, TileBuilder &tb,
                ConversionPatternRewriter &) const override {
    if (!spillable(op, operands))
      return std::nullopt;
    lowerWideSoftmax(op, tb, operands[0], out, tiles);
    return success();
  }
};

/// Log-softmax: the SFU's reference softmax kernel with `log` (f32
/// inside, one bf16 rounding); an f32 program input is read as it is. Rows
/// wider than a tile are spilled in column chunks (lowerWideLogSoftmax).
struct LogSoftmaxLowering : RowLowering<tern::LogSoftmaxOp> {
  using RowLowering::RowLowering;
  Value buildBlock(tern::LogSoftmaxOp op, OpAdaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t, int64_t) const override {
    Value out = newTileOf(tb, in[0], tb.builder().getBF16Type());
    tb.builder().create<accel::SoftmaxOp>(op.getLoc(), in[0], out,
                                          /*log=*/true);
    return out;
  }
  std::optional<LogicalResult>
  lowerWideRows(tern::LogSoftmaxOp op, OpAdaptor, ArrayRef<Value> operands,
                Value out, TileBuilder &tb,
                ConversionPatternRewriter &) const override {
    if (!spillable(op, operands))
      return std::nullopt;
    lowerWideLogSoftmax(op, tb, operands[0], out, tiles);
    return success();
  }
};

struct GeluLowering : RowLowering<tern::GeluOp> {
  using RowLowering::RowLowering;
  bool elementwise() const override { return true; }
  static llvm::Expected<tern::quant::IGeluConstants>
  constantsOf(tern::GeluOp op) {
    auto in = uniformType(op.getInput());
    int64_t maxAbs = std::max<int64_t>(std::abs(in.getStorageTypeMin()),
                                       std::abs(in.getStorageTypeMax()));
    return tern::quant::iGeluConstants(in.getScale(), maxAbs);
  }
  LogicalResult check(tern::GeluOp op) const override {
    if (!isIntegerOp(op))
      return success();
    if (failed(checkUniform(op)))
      return failure();
    llvm::Expected<tern::quant::IGeluConstants> k = constantsOf(op);
    if (!k)
      return op.emitOpError("no integer GELU constants: ")
             << llvm::toString(k.takeError());
    double factor = k->outputScale / uniformType(op.getResult()).getScale();
    if (llvm::Expected<tern::quant::Multiplier> m =
            tern::quant::wideMultiplier(factor);
        !m)
      return op.emitOpError("cannot rescale the integer GELU by ")
             << factor << ": " << llvm::toString(m.takeError());
    return success();
  }
  Value buildBlock(tern::GeluOp op, OpAdaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t, int64_t) const override {
    if (isIntegerOp(op)) {
      // check() proved the constants and the rescaling exist.
      tern::quant::IGeluConstants constants = llvm::cantFail(constantsOf(op));
      // The kernel's scale is negative (I-BERT): the rescaling to the
      // result type also negates.
      double factor =
          constants.outputScale / uniformType(op.getResult()).getScale();
      Value x = asI32(op, tb, in[0]);
      Value g = newTileLike(tb, x);
      tb.builder().create<IGeluOp>(
          op.getLoc(), x, g,
          ArrayRef<int32_t>{static_cast<int32_t>(constants.bI),
                            static_cast<int32_t>(constants.cI),
                            static_cast<int32_t>(constants.oneI)});
      auto out = uniformType(op.getResult());
      return *requantWide(op, tb, g, factor, rangeBits(out),
                          out.getStorageType());
    }
    Value out = newTileLike(tb, in[0]);
    tb.builder().create<accel::GeluOp>(op.getLoc(), in[0], out);
    return out;
  }
};

/// tern.requantize, and quant.qcast of an already quantized tensor (a QDQ
/// model's QuantizeLinear after an integer-only kernel): rq.wide by
/// S_in / S_out, saturating at the result's range.
template <typename Op>
struct RequantizeLowering : RowLowering<Op> {
  using RowLowering<Op>::RowLowering;
  bool elementwise() const override { return true; }
  static Value input(Op op) {
    if constexpr (std::is_same_v<Op, mq::QuantizeCastOp>)
      return op.getArg();
    else
      return op.getInput();
  }
  LogicalResult
  matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!isa<mq::QuantizedType>(getElementTypeOrSelf(input(op))))
      return rewriter.notifyMatchFailure(op, "not integer to integer");
    return RowLowering<Op>::matchAndRewrite(op, adaptor, rewriter);
  }
  LogicalResult check(Op op) const override {
    if (failed(checkUniform(op)))
      return failure();
    auto in = uniformType(input(op)), out = uniformType(op.getResult());
    if (in && out && out.getZeroPoint() != 0)
      return op.emitOpError("an asymmetric integer result is not lowered");
    if (!in || !out)
      return op.emitOpError("expects per-tensor quantized types");
    if (llvm::Expected<tern::quant::Multiplier> m =
            tern::quant::wideMultiplier(in.getScale() / out.getScale());
        !m)
      return op.emitOpError("cannot requantize by ")
             << in.getScale() / out.getScale() << ": "
             << llvm::toString(m.takeError());
    return success();
  }
  Value buildBlock(Op op, typename Op::Adaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t, int64_t) const override {
    auto from = uniformType(input(op)), to = uniformType(op.getResult());
    return *requantWide(op, tb, in[0], from.getScale() / to.getScale(),
                        rangeBits(to), to.getStorageType());
  }
};

struct ReluLowering : RowLowering<ReluOp> {
  using RowLowering::RowLowering;
  bool elementwise() const override { return true; }
  Value buildBlock(ReluOp op, OpAdaptor, TileBuilder &tb, ArrayRef<Value> in,
                   int64_t, int64_t) const override {
    Value out = newTileLike(tb, in[0]);
    tb.builder().create<VectorConstOp>(op.getLoc(), VectorKind::max, in[0],
                                       out, llvm::APFloat(0.0f));
    return out;
  }
};

/// tosa.rsqrt on bf16: the SFU's magic inverse square root (bsfu.isqrt, one
/// Newton step), e.g. Adam's denominator (tern-apply-optimizer). An rsqrt
/// whose every use is the importer's sqrt, reciprocal(rsqrt(x)), computes
/// nothing: the sqrt reads x (ReciprocalLowering).
struct RsqrtLowering : RowLowering<tosa::RsqrtOp> {
  using RowLowering::RowLowering;
  bool elementwise() const override { return true; }
  LogicalResult
  matchAndRewrite(tosa::RsqrtOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if (!op->use_empty() &&
        llvm::all_of(op->getUsers(),
                     [](Operation *u) { return isa<tosa::ReciprocalOp>(u); }) &&
        adaptor.getInput1().getType() ==
            getTypeConverter()->convertType(op.getType())) {
      rewriter.replaceOp(op, adaptor.getInput1());
      return success();
    }
    return RowLowering::matchAndRewrite(op, adaptor, rewriter);
  }
  Value buildBlock(tosa::RsqrtOp op, OpAdaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t, int64_t) const override {
    Value out = newTileLike(tb, in[0]);
    tb.builder().create<accel::RsqrtOp>(op.getLoc(), in[0], out);
    return out;
  }
};

/// tosa.exp / tanh / sigmoid / erf / log on floats: the SFU's element-wise
/// function unit (rsfu.fn: f32 inside, one rounding to bf16).
template <typename Op, SfuFunction Fn> struct SfuFnLowering : RowLowering<Op> {
  using RowLowering<Op>::RowLowering;
  bool elementwise() const override { return true; }
  LogicalResult check(Op op) const override {
    if (!isa<FloatType>(getElementTypeOrSelf(op.getType())))
      return op.emitOpError("only a floating ")
             << stringifySfuFunction(Fn) << " is lowered";
    return success();
  }
  Value buildBlock(Op op, typename Op::Adaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t, int64_t) const override {
    Value out = newTileLike(tb, in[0]);
    tb.builder().create<SfuFnOp>(op.getLoc(), Fn, in[0], out);
    return out;
  }
};

/// True if `v` is no bound at all (+-inf or the largest finite float, as
/// TOSA writes an absent clamp bound).
bool isUnbounded(const APFloat &v) {
  return v.isInfinity() ||
         abs(v).compare(APFloat::getLargest(v.getSemantics())) ==
             APFloat::cmpEqual;
}

/// The converted input x of `op`'s operand r = tosa.rsqrt(x), if there is
/// one: reciprocal(rsqrt(x)) is how the importer writes sqrt(x).
Value sqrtInput(tosa::ReciprocalOp op, ConversionPatternRewriter &rewriter) {
  auto rs = op.getInput1().getDefiningOp<tosa::RsqrtOp>();
  if (!rs)
    return Value();
  Value x = rewriter.getRemappedValue(rs.getInput1());
  return x && isa<MemRefType>(x.getType()) ? x : Value();
}

/// tosa.reciprocal on bf16 (ONNX Reciprocal): 1 / x correctly rounded, the
/// SFU's division with C = 1 as the dividend (rsfu.div rev=1, bconst). A
/// reciprocal whose every use is a division x * reciprocal(d) computes
/// nothing (fusesIntoDivision). The importer's sqrt(x) =
/// reciprocal(rsqrt(x)) is instead the SFU's correctly rounded square root
/// of x (rsfu.sqrt, accel.sqrt), read from x.
struct ReciprocalLowering : RowLowering<tosa::ReciprocalOp> {
  using RowLowering::RowLowering;
  bool elementwise() const override { return true; }
  LogicalResult check(tosa::ReciprocalOp op) const override {
    if (!isa<FloatType>(getElementTypeOrSelf(op.getType())))
      return op.emitOpError("only a floating reciprocal is lowered");
    return success();
  }
  LogicalResult
  matchAndRewrite(tosa::ReciprocalOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    // sqrt(x) reads x, the rsqrt's input (which RsqrtLowering may have
    // replaced by x's buffer).
    if (op.getInput1().getDefiningOp<tosa::RsqrtOp>() &&
        !sqrtInput(op, rewriter))
      return rewriter.notifyMatchFailure(op, "sqrt input not converted");
    // The divisor of divisions only: the products divide by it (rsfu.div,
    // TosaCompute.cpp) and read its buffer in place of this result.
    if (fusesIntoDivision(op) &&
        adaptor.getInput1().getType() ==
            getTypeConverter()->convertType(op.getType())) {
      rewriter.replaceOp(op, adaptor.getInput1());
      return success();
    }
    return RowLowering::matchAndRewrite(op, adaptor, rewriter);
  }
  SmallVector<Value>
  rowOperandsOf(tosa::ReciprocalOp op, OpAdaptor adaptor,
                ConversionPatternRewriter &rewriter) const override {
    if (Value x = sqrtInput(op, rewriter))
      return {x};
    return {adaptor.getInput1()};
  }
  Value buildBlock(tosa::ReciprocalOp op, OpAdaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t, int64_t) const override {
    OpBuilder &b = tb.builder();
    Location loc = op.getLoc();
    Value out = newTileLike(tb, in[0]);
    if (op.getInput1().getDefiningOp<tosa::RsqrtOp>()) {
      // sqrt(x), in[0] = x (rowOperandsOf).
      b.create<accel::SqrtOp>(loc, in[0], out);
      return out;
    }
    // 1 / x, correctly rounded: rsfu.div rev=1 with C = 1.
    b.create<VectorConstOp>(loc, VectorKind::rdiv, in[0], out, APFloat(1.0f));
    return out;
  }
};

/// tosa.clamp on bf16 (ReLU, ONNX Clip with constant bounds): max(x, min),
/// then, for an upper bound, min(y, max) = -max(-y, -max) (negation is
/// exact in bf16, so the clamp is exact).
struct ClampLowering : RowLowering<tosa::ClampOp> {
  using RowLowering::RowLowering;
  bool elementwise() const override { return true; }
  LogicalResult check(tosa::ClampOp op) const override {
    Type t = getElementTypeOrSelf(op.getType());
    if (!isa<FloatType>(t) && !narrowInteger(t) &&
        !(t.isSignlessInteger(32) || t.isSignlessInteger(64)))
      return op.emitOpError("clamp of ") << t << " is not lowered";
    return success();
  }

  /// An integer clamp (ONNX Clip of integer tensors, held as i32):
  /// max(x, lo) and min(x, hi) = x + hi - max(x, hi) (exact in wrapping
  /// i32 arithmetic) against rows of the bound, loaded from a constant.
  /// A bound at or past the held values' range (int32's, or the narrow
  /// type's, whose values the tensor holds) is skipped.
  Value integerClamp(tosa::ClampOp op, TileBuilder &tb, Value x, int64_t rows,
                     int64_t cols) const {
    OpBuilder &b = tb.builder();
    Location loc = op.getLoc();
    int64_t heldMin = INT32_MIN, heldMax = INT32_MAX;
    if (std::optional<NarrowInteger> n =
            narrowInteger(getElementTypeOrSelf(op.getType()))) {
      heldMin = n->isSigned ? -(int64_t(1) << (n->bits - 1)) : 0;
      heldMax = n->isSigned ? (int64_t(1) << (n->bits - 1)) - 1
                            : (int64_t(1) << n->bits) - 1;
    }
    auto boundRows = [&](int64_t v) {
      SmallVector<int32_t> row(cols, static_cast<int32_t>(v));
      return tb.loadBroadcast(makeI32Global(b, op, row, "clamp_bound_i32"), 0,
                              rows, cols, MemorySpace::act);
    };
    int64_t lo = op.getMinInt(), hi = op.getMaxInt();
    if (lo > heldMin) {
      Value out = newTileLike(tb, x);
      b.create<VectorOp>(loc, VectorKind::max, x, boundRows(lo), out);
      x = out;
    }
    if (hi < heldMax) {
      Value h = boundRows(hi);
      Value m = newTileLike(tb, x), out = newTileLike(tb, x);
      b.create<VectorOp>(loc, VectorKind::max, x, h, m);
      b.create<VectorOp>(loc, VectorKind::add, x, h, out);
      b.create<VectorOp>(loc, VectorKind::sub, out, m, out);
      x = out;
    }
    return x;
  }

  Value buildBlock(tosa::ClampOp op, OpAdaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t rows,
                   int64_t cols) const override {
    if (!isa<FloatType>(getElementTypeOrSelf(op.getType())))
      return integerClamp(op, tb, in[0], rows, cols);
    Value out = newTileLike(tb, in[0]);
    OpBuilder &b = tb.builder();
    b.create<VectorConstOp>(op.getLoc(), VectorKind::max, in[0], out,
                            op.getMinFp());
    APFloat upper = op.getMaxFp();
    if (isUnbounded(upper))
      return out;
    b.create<VectorConstOp>(op.getLoc(), VectorKind::mul, out, out,
                            APFloat(-1.0f));
    b.create<VectorConstOp>(op.getLoc(), VectorKind::max, out, out, neg(upper));
    b.create<VectorConstOp>(op.getLoc(), VectorKind::mul, out, out,
                            APFloat(-1.0f));
    return out;
  }
};

/// tosa.negate on bf16: x * -1 (exact), e.g. ONNX Neg.
struct NegateLowering : RowLowering<tosa::NegateOp> {
  using RowLowering::RowLowering;
  bool elementwise() const override { return true; }
  LogicalResult check(tosa::NegateOp op) const override {
    if (!getElementTypeOrSelf(op.getType()).isa<FloatType>())
      return op.emitOpError("only a floating negation is lowered");
    return success();
  }
  Value buildBlock(tosa::NegateOp op, OpAdaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t, int64_t) const override {
    Value out = newTileLike(tb, in[0]);
    tb.builder().create<VectorConstOp>(op.getLoc(), VectorKind::mul, in[0], out,
                                       APFloat(-1.0f));
    return out;
  }
};

/// tosa.logical_not on a boolean (bf16 0 / 1): x == 0 (vcmp eq against a
/// constant register), e.g. ONNX Not.
struct LogicalNotLowering : RowLowering<tosa::LogicalNotOp> {
  using RowLowering::RowLowering;
  bool elementwise() const override { return true; }
  LogicalResult check(tosa::LogicalNotOp) const override { return success(); }
  Value buildBlock(tosa::LogicalNotOp op, OpAdaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t, int64_t) const override {
    Value out = newTileLike(tb, in[0]);
    tb.builder().create<VectorConstOp>(op.getLoc(), VectorKind::eq, in[0], out,
                                       APFloat(0.0f));
    return out;
  }
};

/// tosa.cast (ONNX Cast / CastLike). Every float tensor is held as bf16
/// (the bf16 policy), a boolean as bf16 0 / 1, every integer tensor (int8
/// ... int64; uint8, uint16) as i32 (an i64 input is narrowed, with a range
/// check, when it is bound). So a cast between float types, from a boolean
/// to a float, and between integer types whose values the target holds
/// (int8 -> int16, uint8 -> int32, int64 -> int32, ...) keeps the buffer as
/// it is. The others are converted tile by tile:
/// - integer -> float: `cvt.i2b` (src i32, scale 1, zp 0: the integer
///   rounded once to bf16, RNE);
/// - float or boolean -> integer: `cvt.b2w`, C's conversion (truncation
///   toward zero; out of int32 range: saturated, NaN: 0, where ONNX leaves
///   the cast undefined), then as integer -> narrow integer;
/// - integer -> int8 / uint8 / int16 / uint16 (a value the target does not
///   hold): `vwrap`, the low bits sign- or zero-extended (ONNX's integer
///   narrowing, two's complement wrap-around);
/// - anything -> bool: x != 0 (`vcmp ne` against a constant 0; NaN is true;
///   an integer goes through `cvt.i2b` first, which keeps every non-zero
///   value non-zero).
/// uint32 / uint64 tensors are 32-bit words ordered as uint32: a cast
/// between them, from a uint32 / uint64 to int32 (ONNX's wrap), or from an
/// integer held as i32 to uint32 (modulo 2^32) and from uint8 / uint16 to
/// uint64 keeps the word; to a float it is `cvt.i2b src=u32` (accel
/// `convert uint`), to a narrow type or bool as from an int32; a bool
/// converts to them as to int32. A float -> uint32 / uint64 cast (which
/// would saturate at int32's range) and a cast whose values the words do
/// not hold (a signed integer -> uint64, uint32 / uint64 -> int64) are
/// refused. Any other pair is refused naming both types (the op's location
/// names the ONNX node).
struct CastLowering : RowLowering<tosa::CastOp> {
  using RowLowering::RowLowering;
  bool elementwise() const override { return true; }

  /// An integer type held as i32: the narrow types, i32 and i64.
  static bool heldAsI32(Type t) {
    return narrowInteger(t) ||
           (t.isSignlessInteger() && (t.isInteger(32) || t.isInteger(64)));
  }
  /// Held as bf16: floats and booleans.
  static bool heldAsBf16(Type t) {
    return isa<FloatType>(t) || t.isInteger(1);
  }
  /// The values an integer type held as i32 takes (i64: those int32 holds).
  static std::pair<int64_t, int64_t> range(Type t) {
    if (std::optional<NarrowInteger> n = narrowInteger(t))
      return n->isSigned ? std::make_pair(-(int64_t(1) << (n->bits - 1)),
                                          (int64_t(1) << (n->bits - 1)) - 1)
                         : std::make_pair(int64_t(0),
                                          (int64_t(1) << n->bits) - 1);
    return {INT32_MIN, INT32_MAX};
  }

  /// A cast involving a uint32 / uint64 word that keeps the word.
  static bool wordIdentity(Type from, Type to) {
    if (wideUnsigned(from))
      return wideUnsigned(to) || to.isSignlessInteger(32);
    if (!wideUnsigned(to))
      return false;
    if (to.getIntOrFloatBitWidth() == 32)
      return heldAsI32(from);
    std::optional<NarrowInteger> n = narrowInteger(from);
    return n && !n->isSigned;
  }

  static bool identity(Type from, Type to) {
    if (wideUnsigned(from) || wideUnsigned(to))
      return wordIdentity(from, to);
    if (heldAsI32(from) && heldAsI32(to))
      return range(to).first <= range(from).first &&
             range(from).second <= range(to).second;
    bool boolToFloat = from.isInteger(1) && isa<FloatType>(to);
    bool floatToFloat = isa<FloatType>(from) && isa<FloatType>(to);
    return boolToFloat || floatToFloat;
  }
  static bool lowered(Type from, Type to) {
    if (wideUnsigned(from))
      return !identity(from, to) &&
             (isa<FloatType>(to) || narrowInteger(to) || to.isInteger(1));
    if (wideUnsigned(to))
      return from.isInteger(1);
    return (heldAsI32(from) || heldAsBf16(from)) &&
           (heldAsI32(to) || heldAsBf16(to)) && !identity(from, to);
  }

  LogicalResult
  matchAndRewrite(tosa::CastOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    Type from = getElementTypeOrSelf(op.getInput().getType());
    Type to = getElementTypeOrSelf(op.getType());
    auto type = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getType()));
    if (type && identity(from, to) && adaptor.getInput().getType() == type) {
      rewriter.replaceOp(op, adaptor.getInput());
      return success();
    }
    if (type && lowered(from, to))
      return RowLowering::matchAndRewrite(op, adaptor, rewriter);
    return op.emitOpError("cast from ")
           << from << " to " << to
           << " is not lowered (floats, booleans and the integer types held "
              "as i32, int8 ... int64, uint8 and uint16, are; uint32 and "
              "uint64, held as 32-bit words, convert to floats, narrow types "
              "and int32)";
  }

  Value buildBlock(tosa::CastOp op, OpAdaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t, int64_t) const override {
    OpBuilder &b = tb.builder();
    Location loc = op.getLoc();
    Type to = getElementTypeOrSelf(op.getType());
    Type bf16 = b.getBF16Type(), i32 = b.getI32Type();
    FloatAttr one = b.getF32FloatAttr(1.0f);
    Value x = in[0];
    bool fromI32 = cast<MemRefType>(x.getType()).getElementType() == i32;
    if (to.isInteger(1)) {
      if (fromI32) {
        Value f = newTileOf(tb, x, bf16);
        b.create<ConvertOp>(loc, x, f, one);
        x = f;
      }
      Value out = newTileOf(tb, x, bf16);
      b.create<VectorConstOp>(loc, VectorKind::ne, x, out, APFloat(0.0f));
      return out;
    }
    // The integer is rounded once to bf16 (a uint32 / uint64 word read as
    // uint32).
    if (isa<FloatType>(to)) {
      Value out = newTileOf(tb, x, bf16);
      auto convert = b.create<ConvertOp>(loc, x, out, one);
      if (wideUnsigned(getElementTypeOrSelf(op.getInput().getType())))
        convert.setUint(true);
      return out;
    }
    // To an integer: truncate a float toward zero, then wrap to a narrow
    // target (in place on the converted tile).
    Value out = newTileOf(tb, x, i32);
    if (fromI32)
      b.create<WrapOp>(loc, x, out,
                       b.getI32IntegerAttr(int32_t(narrowInteger(to)->bits)),
                       narrowInteger(to)->isSigned ? b.getUnitAttr()
                                                   : UnitAttr());
    else {
      b.create<ConvertOp>(loc, x, out, one);
      wrapToNarrow(b, loc, out, to);
    }
    return out;
  }
};

struct AddLowering : RowLowering<AddOp> {
  using RowLowering::RowLowering;
  bool elementwise() const override { return true; }
  /// Integer: both branches are already at the sum's scale (tern-quantize
  /// requantizes them), so the sum is an i32 vector add.
  LogicalResult check(AddOp op) const override {
    if (!isIntegerOp(op))
      return success();
    if (failed(checkUniform(op)))
      return failure();
    auto lhs = uniformType(op.getLhs()), rhs = uniformType(op.getRhs()),
         out = uniformType(op.getResult());
    if (lhs.getScale() != out.getScale() || rhs.getScale() != out.getScale() ||
        !out.getStorageType().isSignlessInteger(32))
      return op.emitOpError("integer add expects both operands at the i32 "
                            "result's scale");
    return success();
  }
  SmallVector<Value> rowOperands(OpAdaptor adaptor) const override {
    return {adaptor.getLhs(), adaptor.getRhs()};
  }
  Value buildBlock(AddOp op, OpAdaptor, TileBuilder &tb, ArrayRef<Value> in,
                   int64_t, int64_t) const override {
    if (isIntegerOp(op)) {
      Value lhs = asI32(op, tb, in[0]), rhs = asI32(op, tb, in[1]);
      Value out = newTileLike(tb, lhs);
      tb.builder().create<VectorOp>(op.getLoc(), VectorKind::add, lhs, rhs,
                                    out);
      return out;
    }
    Value out = newTileLike(tb, in[0]);
    tb.builder().create<VectorOp>(op.getLoc(), VectorKind::add, in[0], in[1],
                                  out);
    return out;
  }
};

/// Integer LayerNorm: the I-BERT kernel (sqrt(d)/2^30), requantized to 16
/// bits, times the 16-bit integer gamma plus the int32 beta
/// (lib/Quant/IntKernels: ILayerNormAffine), rescaled to the result type.
struct IntLayerNorm {
  tern::quant::ILayerNormConstants kernel;
  tern::quant::ILayerNormAffine affine;
  double factor = 1;

  static FailureOr<IntLayerNorm> get(tern::LayerNormOp op) {
    auto in = uniformType(op.getInput()), out = uniformType(op.getResult());
    int64_t maxAbs = std::max<int64_t>(std::abs(in.getStorageTypeMin()),
                                       std::abs(in.getStorageTypeMax()));
    int64_t cols = cast<ShapedType>(op.getInput().getType()).getShape().back();
    IntLayerNorm ln;
    llvm::Expected<tern::quant::ILayerNormConstants> k =
        tern::quant::iLayerNormConstants(maxAbs, cols);
    if (!k)
      return op.emitOpError("no integer LayerNorm constants: ")
             << llvm::toString(k.takeError());
    ln.kernel = *k;
    FailureOr<SmallVector<float>> gamma = constantFloats(op.getGamma()),
                                  beta = constantFloats(op.getBeta());
    if (failed(gamma) || failed(beta))
      return op.emitOpError("integer LayerNorm needs constant gamma and beta");
    llvm::Expected<tern::quant::ILayerNormAffine> affine =
        tern::quant::iLayerNormAffine(*gamma, *beta);
    if (!affine)
      return op.emitOpError("no integer LayerNorm affine: ")
             << llvm::toString(affine.takeError());
    ln.affine = std::move(*affine);
    ln.factor = ln.affine.outputScale / out.getScale();
    if (llvm::Expected<tern::quant::Multiplier> m =
            tern::quant::wideMultiplier(ln.factor);
        !m)
      return op.emitOpError("cannot rescale the integer LayerNorm by ")
             << ln.factor << ": " << llvm::toString(m.takeError());
    return ln;
  }
};

struct LayerNormLowering : RowLowering<tern::LayerNormOp> {
  using RowLowering::RowLowering;
  LogicalResult check(tern::LayerNormOp op) const override {
    if (!isIntegerOp(op))
      return success();
    if (failed(checkUniform(op)))
      return failure();
    return IntLayerNorm::get(op);
  }
  Value buildBlock(tern::LayerNormOp op, OpAdaptor adaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t rows,
                   int64_t cols) const override {
    OpBuilder &b = tb.builder();
    if (isIntegerOp(op)) {
      // check() proved every constant exists.
      IntLayerNorm ln = *IntLayerNorm::get(op);
      Value x = asI32(op, tb, in[0]);
      Value norm = newTileLike(tb, x);
      b.create<ILayerNormOp>(
          op.getLoc(), x, norm,
          ArrayRef<int32_t>{static_cast<int32_t>(ln.kernel.k)});
      using Affine = tern::quant::ILayerNormAffine;
      Value y = *requantWide(op, tb, norm,
                             std::ldexp(1.0, -int(Affine::kNormShift)),
                             Affine::kNormBits, b.getI32Type());
      Value gamma = tb.loadBroadcast(
          makeI32Global(b, op, ln.affine.gamma, "ln_gamma_i32"), 0, rows, cols,
          MemorySpace::act);
      b.create<VectorOp>(op.getLoc(), VectorKind::mul, y, gamma, y);
      Value beta = tb.loadBroadcast(
          makeI32Global(b, op, ln.affine.beta, "ln_beta_i32"), 0, rows, cols,
          MemorySpace::act);
      b.create<VectorOp>(op.getLoc(), VectorKind::add, y, beta, y);
      auto out = uniformType(op.getResult());
      if (ln.factor == 1.0 && out.getStorageType().isSignlessInteger(32) &&
          rangeBits(out) == 32)
        return y;
      return *requantWide(op, tb, y, ln.factor, rangeBits(out),
                          out.getStorageType());
    }
    Value norm = newTileLike(tb, in[0]);
    b.create<accel::LayerNormOp>(op.getLoc(), in[0], norm,
                                 op.getEpsilonAttr());
    Value gamma =
        tb.loadBroadcast(adaptor.getGamma(), 0, rows, cols, MemorySpace::act);
    b.create<VectorOp>(op.getLoc(), VectorKind::mul, norm, gamma, norm);
    Value beta =
        tb.loadBroadcast(adaptor.getBeta(), 0, rows, cols, MemorySpace::act);
    b.create<VectorOp>(op.getLoc(), VectorKind::add, norm, beta, norm);
    return norm;
  }
  std::optional<LogicalResult>
  lowerWideRows(tern::LayerNormOp op, OpAdaptor adaptor,
                ArrayRef<Value> operands, Value out, TileBuilder &tb,
                ConversionPatternRewriter &rewriter) const override {
    if (!spillable(op, operands))
      return std::nullopt;
    int64_t cols = cast<MemRefType>(operands[0].getType()).getShape().back();
    if (tiles.truncatingLanes)
      return op.emitOpError("over rows of ")
             << cols
             << " elements, wider than a tile (at most 4095 columns and a "
                "quarter of the activation scratchpad), is not lowered on "
                "a target with truncating bf16 lanes: its spilled form "
                "subtracts the mean on the lanes, where nearby values cancel "
                "to 0 (docs/Lowering.md, \"Rows wider than a tile\")";
    lowerWideLayerNorm(op, rewriter, tb, operands[0], adaptor.getGamma(),
                       adaptor.getBeta(), out, op.getEpsilon().convertToFloat(),
                       tiles);
    return success();
  }
};

} // namespace

void tern::populateRowOpLoweringPatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns,
                                         const TileSizes &tiles) {
  patterns.add<SoftmaxLowering, LogSoftmaxLowering, GeluLowering, ReluLowering,
               AddLowering, LayerNormLowering, ClampLowering, NegateLowering,
               LogicalNotLowering, RsqrtLowering, CastLowering,
               ReciprocalLowering, RequantizeLowering<tern::RequantizeOp>,
               RequantizeLowering<mq::QuantizeCastOp>,
               SfuFnLowering<tosa::ExpOp, SfuFunction::exp>,
               SfuFnLowering<tosa::TanhOp, SfuFunction::tanh>,
               SfuFnLowering<tosa::SigmoidOp, SfuFunction::sigmoid>,
               SfuFnLowering<tosa::ErfOp, SfuFunction::erf>,
               SfuFnLowering<tosa::LogOp, SfuFunction::log>>(
      converter, patterns.getContext(), tiles);
}
