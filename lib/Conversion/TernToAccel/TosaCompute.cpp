//===- TosaCompute.cpp - TOSA arithmetic left after raising ---------------===//
//
// tosa.add / sub / mul / maximum / minimum: residual adds, biases and scalings
// the raising passes did not fuse, with an operand that is either the full
// shape, one row broadcast over all rows, a splat constant, a constant that
// broadcasts another way (expanded at compile time), or a run-time operand
// broadcast along leading dimensions or along the last one (one value per
// row: the vector unit's column broadcast).
// tosa.conv2d: the patch embedding of a ViT (stride = kernel, no padding),
// lowered as im2col copies plus a GEMM against the compile-time reordered
// weight.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "llvm/ADT/ScopeExit.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;
using namespace tern;
using namespace tern::accel;

FailureOr<SmallVector<float>> tern::constantFloats(Value v) {
  ElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return failure();
  auto type = cast<ShapedType>(attr.getType());
  if (!type.getElementType().isF32())
    return failure();
  SmallVector<float> values;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    for (float f : dense.getValues<float>())
      values.push_back(f);
  } else if (auto res = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    auto data = res.tryGetAsArrayRef();
    if (!data)
      return failure();
    values.assign(data->begin(), data->end());
  } else {
    return failure();
  }
  if (values.size() == 1)
    values.assign(type.getNumElements(), values.front());
  return values;
}

/// A tosa.reciprocal that is not the importer's sqrt (reciprocal(rsqrt)).
static tosa::ReciprocalOp plainReciprocal(Value v) {
  auto r = v.getDefiningOp<tosa::ReciprocalOp>();
  if (!r || r.getInput1().getDefiningOp<tosa::RsqrtOp>() ||
      !isa<FloatType>(getElementTypeOrSelf(r.getType())))
    return nullptr;
  return r;
}

int tern::divisionOperand(Operation *op) {
  auto mul = dyn_cast<tosa::MulOp>(op);
  if (!mul || mul.getShift() != 0)
    return -1;
  auto rt = dyn_cast<RankedTensorType>(mul.getType());
  if (!rt || !isa<FloatType>(rt.getElementType()))
    return -1;
  for (int i = 0; i < 2; ++i) {
    Value v = op->getOperand(i), other = op->getOperand(1 - i);
    if (!plainReciprocal(v) || plainReciprocal(other))
      continue;
    auto ot = dyn_cast<RankedTensorType>(other.getType());
    if (ot && ot.getShape() == rt.getShape())
      return i;
  }
  return -1;
}

bool tern::fusesIntoDivision(Operation *op) {
  auto r = dyn_cast<tosa::ReciprocalOp>(op);
  if (!r || plainReciprocal(r.getResult()) != r || r->use_empty())
    return false;
  return llvm::all_of(r->getUsers(), [&](Operation *user) {
    int i = divisionOperand(user);
    return i >= 0 && user->getOperand(i) == r.getResult();
  });
}

Value tern::makeConstantGlobal(ConversionPatternRewriter &rewriter,
                               Operation *op, StringRef stem, MemRefType type,
                               DenseElementsAttr init) {
  auto module = op->getParentOfType<ModuleOp>();
  memref::GlobalOp global;
  {
    OpBuilder::InsertionGuard guard(rewriter);
    rewriter.setInsertionPointToStart(module.getBody());
    std::string name;
    for (unsigned i = 0;; ++i) {
      name = (stem + "_" + Twine(i)).str();
      if (!module.lookupSymbol(name))
        break;
    }
    global = rewriter.create<memref::GlobalOp>(
        op->getLoc(), name, rewriter.getStringAttr("private"), type, init,
        /*constant=*/true, /*alignment=*/IntegerAttr());
  }
  return rewriter
      .create<memref::GetGlobalOp>(op->getLoc(), type, global.getSymName())
      .getResult();
}

Value tern::makeBf16Global(ConversionPatternRewriter &rewriter, Operation *op,
                           ArrayRef<int64_t> shape, ArrayRef<float> values,
                           StringRef prefix) {
  SmallVector<APFloat> rounded;
  for (float v : values) {
    APFloat f(v);
    bool losesInfo;
    f.convert(APFloat::BFloat(), APFloat::rmNearestTiesToEven, &losesInfo);
    rounded.push_back(f);
  }
  auto type = MemRefType::get(shape, rewriter.getBF16Type());
  auto init = DenseElementsAttr::get(
      RankedTensorType::get(shape, rewriter.getBF16Type()), rounded);
  return makeConstantGlobal(rewriter, op, prefix, type, init);
}

namespace {

/// An operand of an element-wise op: the whole [rows x cols] tensor, one row
/// of `cols` broadcast over all rows, a splat constant (a vector unit
/// constant register), rows of `cols` picked per result row (`Rows`: a
/// run-time operand broadcast along leading dimensions, e.g. [B, 1, C] to
/// [B, T, C]) or one value per result row (`Column`: the vector unit's
/// column broadcast, e.g. [B, T, 1] or a run-time scalar [1, 1] to [B, T, C]).
struct BinaryOperand {
  enum Kind { Full, Row, Splat, Rows, Column } kind;
  Value buffer;
  float splat = 0;
  /// Rows, Column: the operand's shape (same rank as the result's).
  SmallVector<int64_t> shape;
};

/// True if `shape` broadcasts to `result` (TOSA: equal rank, each dimension
/// equal or 1).
bool broadcastsTo(ArrayRef<int64_t> shape, ArrayRef<int64_t> result) {
  if (shape.size() != result.size())
    return false;
  for (auto [d, r] : llvm::zip_equal(shape, result))
    if (d != r && d != 1)
      return false;
  return true;
}

/// `values` of `shape` broadcast to `result` (row-major).
SmallVector<float> expandConstant(ArrayRef<float> values,
                                  ArrayRef<int64_t> shape,
                                  ArrayRef<int64_t> result) {
  SmallVector<int64_t> inStrides = contiguousStrides(shape);
  int64_t n = 1;
  for (int64_t d : result)
    n *= d;
  SmallVector<float> out(n);
  SmallVector<int64_t> index(result.size(), 0);
  for (int64_t flat = 0; flat < n; ++flat) {
    int64_t src = 0;
    for (size_t d = 0; d < index.size(); ++d)
      if (shape[d] != 1)
        src += index[d] * inStrides[d];
    out[flat] = values[src];
    for (int64_t d = static_cast<int64_t>(index.size()) - 1; d >= 0; --d) {
      if (++index[d] < result[d])
        break;
      index[d] = 0;
    }
  }
  return out;
}

/// Element offsets into an operand of `shape` (broadcasting to `result`) of
/// the data for result rows [r0, r0 + rr): a result row is an index over
/// every dimension but the last, and a dimension of size 1 in `shape`
/// contributes nothing.
SmallVector<int64_t> rowOffsets(ArrayRef<int64_t> shape,
                                ArrayRef<int64_t> result, int64_t r0,
                                int64_t rr) {
  SmallVector<int64_t> strides = contiguousStrides(shape);
  SmallVector<int64_t> offsets;
  for (int64_t r = r0; r < r0 + rr; ++r) {
    int64_t rest = r, off = 0;
    for (int64_t d = static_cast<int64_t>(result.size()) - 2; d >= 0; --d) {
      int64_t i = rest % result[d];
      rest /= result[d];
      if (shape[d] != 1)
        off += i * strides[d];
    }
    offsets.push_back(off);
  }
  return offsets;
}

/// Element-wise binary TOSA ops on the vector unit. An operand of another
/// shape is accepted when it is one row of the result's last dimension
/// (broadcast by DMA), a splat constant (`accel.vector_const`), any other
/// constant that broadcasts to the result (expanded at compile time, e.g. a
/// folded BatchNorm's per-channel [1, C, 1] coefficients), a run-time
/// operand with the result's last dimension broadcast along others (its
/// rows gathered by DMA) or a run-time operand with a last dimension of 1
/// (one value per result row: `accel.vector_column`, the vector unit's
/// column broadcast). ONNX's multidirectional broadcasts reach here with
/// equal ranks (the importer reshapes).
template <typename Op, VectorKind BaseKind>
struct TosaBinaryLowering : OpConversionPattern<Op> {
  TosaBinaryLowering(TypeConverter &converter, MLIRContext *ctx,
                     TileSizes tiles)
      : OpConversionPattern<Op>(converter, ctx), tiles(tiles) {}

  LogicalResult
  matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    if constexpr (std::is_same_v<Op, tosa::MulOp>)
      if (op.getShift() != 0)
        return op.emitOpError("an integer shift is not lowered");
    auto type = dyn_cast_or_null<MemRefType>(
        this->getTypeConverter()->convertType(op.getType()));
    if (!type || type.getRank() < 1)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    int64_t cols = type.getShape().back();
    int64_t rows = type.getNumElements() / cols;
    SmallVector<BinaryOperand> operands;
    Value original[2] = {op.getInput1(), op.getInput2()};
    Value converted[2] = {adaptor.getInput1(), adaptor.getInput2()};
    // x * reciprocal(d) is the division x / d (divisionOperand), reading
    // d's buffer; the divisor goes second.
    VectorKind kind = BaseKind;
    if constexpr (std::is_same_v<Op, tosa::MulOp>) {
      int i = divisionOperand(op);
      Value d = i >= 0 ? original[i]
                             .template getDefiningOp<tosa::ReciprocalOp>()
                             .getInput1()
                       : Value();
      Value dc = d ? rewriter.getRemappedValue(d) : Value();
      if (dc && isa<MemRefType>(dc.getType())) {
        kind = VectorKind::div;
        original[0] = original[1 - i];
        converted[0] = converted[1 - i];
        original[1] = d;
        converted[1] = dc;
      }
    }
    for (int i = 0; i < 2; ++i) {
      Value v = converted[i];
      auto t = cast<MemRefType>(v.getType());
      if (t.getShape() == type.getShape()) {
        operands.push_back({BinaryOperand::Full, v});
        continue;
      }
      FailureOr<SmallVector<float>> values = constantFloats(original[i]);
      bool splat =
          succeeded(values) && !values->empty() && llvm::all_equal(*values);
      // x - c is a constant register operation, c - x is not.
      bool registerForm = i == 1 || kind != VectorKind::sub;
      bool broadcasts = broadcastsTo(t.getShape(), type.getShape());
      SmallVector<int64_t> shape(t.getShape());
      if (splat && registerForm && broadcasts) {
        operands.push_back({BinaryOperand::Splat, v, values->front()});
      } else if (t.getNumElements() == cols && t.getShape().back() == cols) {
        operands.push_back({BinaryOperand::Row, v});
      } else if (succeeded(values) && broadcasts) {
        operands.push_back({BinaryOperand::Full, expand(rewriter, op, type,
                                                        *values, shape)});
      } else if (broadcasts && t.getShape().back() == cols) {
        operands.push_back({BinaryOperand::Rows, v, 0, shape});
      } else if (broadcasts) { // last dimension 1, cols > 1
        operands.push_back({BinaryOperand::Column, v, 0, shape});
      } else {
        return op.emitOpError("broadcast of ")
               << t << " to " << type
               << " is not supported: an operand must broadcast to the "
                  "result (equal rank, each dimension equal or 1)";
      }
    }
    if (operands[0].kind == BinaryOperand::Splat &&
        operands[1].kind == BinaryOperand::Splat)
      return op.emitOpError("two constant operands are not lowered (fold "
                            "them first)");
    // A column meets a splat constant only when the constant has more
    // elements than a register holds the meaning of (e.g. [1, C] against
    // [R, 1]): give the constant its full shape.
    for (int i = 0; i < 2; ++i)
      if (operands[i].kind == BinaryOperand::Splat &&
          operands[1 - i].kind == BinaryOperand::Column) {
        SmallVector<int64_t> shape(
            cast<MemRefType>(operands[i].buffer.getType()).getShape());
        SmallVector<float> values(
            cast<MemRefType>(operands[i].buffer.getType()).getNumElements(),
            operands[i].splat);
        operands[i] = {BinaryOperand::Full,
                       expand(rewriter, op, type, values, shape)};
      }
    // The constant-register and the column forms take the tensor first;
    // for sub, b - a is then negated (exact in bf16).
    bool swap = operands[0].kind == BinaryOperand::Splat ||
                operands[0].kind == BinaryOperand::Column;
    bool negate = swap && operands[0].kind == BinaryOperand::Column &&
                  kind == VectorKind::sub;
    if (negate && !type.getElementType().isBF16())
      return op.emitOpError("an integer subtraction from one value per row "
                            "is not lowered");
    const BinaryOperand &lhs = operands[swap ? 1 : 0];
    const BinaryOperand &rhs = operands[swap ? 0 : 1];
    TileBuilder tb(rewriter, op.getLoc());
    Value out = tb.allocDram(type.getShape(), type.getElementType());
    auto flat = [&](Value v) {
      return tb.rawView(v, 0, {rows, cols}, {cols, 1});
    };
    auto row = [&](Value v) { return tb.rawView(v, 0, {cols}, {1}); };
    auto loadOperand = [&](const BinaryOperand &o, int64_t r0, int64_t rr) {
      if (o.kind == BinaryOperand::Rows || o.kind == BinaryOperand::Column)
        return loadRuns(tb, o, type.getShape(), r0, rr);
      return o.kind == BinaryOperand::Row
                 ? tb.loadBroadcast(row(o.buffer), 0, rr, cols,
                                    MemorySpace::act)
                 : tb.load(tb.block(flat(o.buffer), r0, 0, rr, cols),
                           MemorySpace::act);
    };
    bool column = rhs.kind == BinaryOperand::Column;
    auto binary = [&](VectorKind k, Value a, Value b, Value result) {
      if (column)
        rewriter.create<VectorColumnOp>(op.getLoc(), k, a, b, result);
      else
        rewriter.create<VectorOp>(op.getLoc(), k, a, b, result);
    };
    int64_t tm = tiles.rowsPerTile(cols * 2);
    // Run-time kept token rows (threshold pruning): tiles per group of N.
    TokenRowGroups groups = tokenRowGroups(op, type.getShape(), rows, cols);
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
      Value a = loadOperand(lhs, r0, rr);
      Value result =
          tb.allocTile({rr, cols}, type.getElementType(), MemorySpace::act);
      if constexpr (std::is_same_v<Op, tosa::MinimumOp>) {
        emitMinimum(
            rewriter, op, type.getElementType(), a, rhs,
            [&] { return loadOperand(rhs, r0, rr); }, binary, result);
        tb.store(result, tb.block(flat(out), r0, 0, rr, cols));
        continue;
      }
      if (rhs.kind == BinaryOperand::Splat)
        rewriter.create<VectorConstOp>(op.getLoc(), kind, a, result,
                                       APFloat(rhs.splat));
      else
        binary(kind, a, loadOperand(rhs, r0, rr), result);
      if (negate)
        rewriter.create<VectorConstOp>(op.getLoc(), VectorKind::mul, result,
                                       result, APFloat(-1.0f));
      tb.store(result, tb.block(flat(out), r0, 0, rr, cols));
    }
    rewriter.replaceOp(op, out);
    return success();
  }

  /// A constant of `shape` expanded to the result's shape, as a bf16 global.
  static Value expand(ConversionPatternRewriter &rewriter, Op op,
                      MemRefType type, ArrayRef<float> values,
                      ArrayRef<int64_t> shape) {
    return makeBf16Global(rewriter, op, type.getShape(),
                          expandConstant(values, shape, type.getShape()),
                          "__tern_broadcast_constant");
  }

  /// A [rr x w] tile (w = cols for Rows, 1 for Column) of operand `o` for
  /// result rows [r0, r0 + rr): consecutive rows whose offsets step by the
  /// same amount are one DMA, a load with that row stride or, for a step of
  /// 0, a broadcast of one DRAM row.
  static Value loadRuns(TileBuilder &tb, const BinaryOperand &o,
                        ArrayRef<int64_t> result, int64_t r0, int64_t rr) {
    int64_t w = o.kind == BinaryOperand::Rows ? result.back() : 1;
    auto type = cast<MemRefType>(o.buffer.getType());
    Value tile = tb.allocTile({rr, w}, type.getElementType(), MemorySpace::act);
    SmallVector<int64_t> off = rowOffsets(o.shape, result, r0, rr);
    for (int64_t j = 0; j < rr;) {
      int64_t len = 1, step = 0;
      if (j + 1 < rr) {
        step = off[j + 1] - off[j];
        len = 2;
        while (j + len < rr && off[j + len] - off[j + len - 1] == step)
          ++len;
      }
      Value target = tb.block(tile, j, 0, len, w);
      if (len > 1 && step == 0)
        tb.builder().create<DmaBroadcastOp>(
            tb.location(), tb.rawView(o.buffer, off[j], {w}, {1}), target);
      else
        tb.builder().create<DmaLoadOp>(
            tb.location(),
            tb.rawView(o.buffer, off[j], {len, w},
                       {len > 1 ? step : w, 1}),
            target);
      j += len;
    }
    return tile;
  }

  /// min(a, b) from the vector unit's max: -max(-a, -b) on bf16 (negation
  /// is exact, so the result is too), a + b - max(a, b) on i32 (wrapping
  /// arithmetic, exact). `binary` applies a vector op with b in its form
  /// (element-wise or one value per row).
  void emitMinimum(ConversionPatternRewriter &rewriter, Op op, Type elementType,
                   Value a, const BinaryOperand &rhs,
                   function_ref<Value()> loadRhs,
                   function_ref<void(VectorKind, Value, Value, Value)> binary,
                   Value result) const {
    Location loc = op.getLoc();
    auto negate = [&](Value v) {
      rewriter.create<VectorConstOp>(loc, VectorKind::mul, v, v,
                                     APFloat(-1.0f));
    };
    if (rhs.kind == BinaryOperand::Splat) {
      negate(a);
      rewriter.create<VectorConstOp>(loc, VectorKind::max, a, result,
                                     APFloat(-rhs.splat));
      negate(result);
      return;
    }
    Value b = loadRhs();
    if (elementType.isInteger()) {
      binary(VectorKind::max, a, b, result);
      binary(VectorKind::add, a, b, a);
      rewriter.create<VectorOp>(loc, VectorKind::sub, a, result, result);
      return;
    }
    negate(a);
    negate(b);
    binary(VectorKind::max, a, b, result);
    negate(result);
  }

  TileSizes tiles;
};

struct Conv2DLowering : OpConversionPattern<tosa::Conv2DOp> {
  Conv2DLowering(TypeConverter &converter, MLIRContext *ctx, TileSizes tiles)
      : OpConversionPattern(converter, ctx), tiles(tiles) {}

  LogicalResult
  matchAndRewrite(tosa::Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getType()));
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    auto inShape = cast<MemRefType>(adaptor.getInput().getType()).getShape();
    ArrayRef<int64_t> stride = op.getStride(), pad = op.getPad(),
                      dilation = op.getDilation();
    int64_t co = wType.getDimSize(0), kh = wType.getDimSize(1),
            kw = wType.getDimSize(2), ci = wType.getDimSize(3);
    if (!type || stride[0] != kh || stride[1] != kw ||
        llvm::any_of(pad, [](int64_t p) { return p != 0; }) ||
        llvm::any_of(dilation, [](int64_t d) { return d != 1; }))
      return op.emitOpError("only a patch embedding (stride = kernel, no "
                            "padding, no dilation) is lowered");
    FailureOr<SmallVector<float>> weight = constantFloats(op.getWeight());
    FailureOr<SmallVector<float>> bias = constantFloats(op.getBias());
    if (failed(weight) || failed(bias))
      return op.emitOpError("needs constant weight and bias");

    int64_t n = inShape[0], h = inShape[1], w = inShape[2];
    int64_t ho = type.getDimSize(1), wo = type.getDimSize(2);
    int64_t patch = kh * kw * ci, pixels = n * ho * wo;
    TileBuilder tb(rewriter, op.getLoc());
    // im2col: row (b, oh, ow) of P holds the patch, kernel row by kernel row;
    // with stride = kernel the kW * Ci input elements of one kernel row of
    // consecutive patches are contiguous, so one copy per (b, oh, kh).
    Value p = tb.allocDram({pixels, patch}, rewriter.getBF16Type());
    for (int64_t b = 0; b < n; ++b)
      for (int64_t oh = 0; oh < ho; ++oh)
        for (int64_t r = 0; r < kh; ++r)
          tb.copy(adaptor.getInput(), ((b * h + oh * kh + r) * w) * ci,
                  {kw * ci, 1}, p,
                  (b * ho * wo + oh * wo) * patch + r * kw * ci, {patch, 1},
                  {wo, kw * ci}, tiles);
    // OHWI weight -> [HWI, O] for the GEMM, at compile time.
    SmallVector<float> gemmWeight(patch * co);
    for (int64_t o = 0; o < co; ++o)
      for (int64_t j = 0; j < patch; ++j)
        gemmWeight[j * co + o] = (*weight)[o * patch + j];
    Value wBuf = makeBf16Global(rewriter, op, {patch, co}, gemmWeight,
                                "__tern_reordered_weight");
    Value bBuf =
        makeBf16Global(rewriter, op, {co}, *bias, "__tern_reordered_weight");
    Value out = tb.allocDram(type.getShape(), type.getElementType());
    Value outMatrix = tb.rawView(out, 0, {pixels, co}, {co, 1});
    emitGemmBlocks(tb, p, 0, outMatrix, 0, pixels, patch, co, 1.0, bBuf, tiles,
                   [&](int64_t k0, int64_t kr, int64_t n0, int64_t nr) {
                     return tb.load(tb.block(wBuf, k0, n0, kr, nr),
                                    MemorySpace::wgt);
                   });
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
};

} // namespace

void tern::populateTosaComputeLoweringPatterns(TypeConverter &converter,
                                               RewritePatternSet &patterns,
                                               const TileSizes &tiles) {
  patterns.add<TosaBinaryLowering<tosa::AddOp, VectorKind::add>,
               TosaBinaryLowering<tosa::SubOp, VectorKind::sub>,
               TosaBinaryLowering<tosa::MulOp, VectorKind::mul>,
               TosaBinaryLowering<tosa::MaximumOp, VectorKind::max>,
               TosaBinaryLowering<tosa::MinimumOp, VectorKind::max>,
               Conv2DLowering>(converter, patterns.getContext(), tiles);
}
