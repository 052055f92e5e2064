//===- TosaCompute.cpp - TOSA arithmetic left after raising ---------------===//
//
// tosa.add / sub / mul / maximum / minimum: residual adds, biases and scalings
// the raising passes did not fuse; tosa.pow (rsfu.pow), the comparisons
// tosa.equal / greater / greater_equal (vcmp, a bf16 0 / 1 result) and the
// logic ops on booleans (and = mul, or = max, xor = ne on 0 / 1) in the same
// forms; tosa.select with run-time operands (vsel). An operand is either the
// full shape, one row broadcast over all rows, a splat constant, a constant
// that broadcasts another way (expanded at compile time), or a run-time operand
// broadcast along leading dimensions or along the last one (one value per
// row: the vector unit's column broadcast).
// tosa.conv2d is in Convolution.cpp.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "tern/Dialect/Tern/IR/TernOps.h"

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

/// A [rr x w] tile (w = cols for Rows, 1 for Column) of operand `o` for
/// result rows [r0, r0 + rr): consecutive rows whose offsets step by the
/// same amount are one DMA, a load with that row stride or, for a step of
/// 0, a broadcast of one DRAM row.
Value loadRuns(TileBuilder &tb, const BinaryOperand &o,
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
          tb.rawView(o.buffer, off[j], {len, w}, {len > 1 ? step : w, 1}),
          target);
    j += len;
  }
  return tile;
}

/// The kind that computes `b <kind> a` as `a <swapped> b`: the comparisons
/// turn around, add / mul / max / eq / ne commute (sub and pow do not: the
/// callers handle them).
VectorKind swappedKind(VectorKind kind) {
  switch (kind) {
  case VectorKind::gt:
    return VectorKind::lt;
  case VectorKind::ge:
    return VectorKind::le;
  case VectorKind::lt:
    return VectorKind::gt;
  case VectorKind::le:
    return VectorKind::ge;
  default:
    return kind;
  }
}

/// A constant operand broadcast to the result's shape, as a DRAM global of
/// `element` (bf16 or i32): f32 values (bf16, rounded), booleans (bf16 0 /
/// 1) or integers (i32, each must fit). Integer and boolean constants have
/// no DRAM form of their own (the constant lowering takes floats).
FailureOr<Value> expandConstantOperand(ConversionPatternRewriter &rewriter,
                                      Operation *op, Value v, Type element,
                                      ArrayRef<int64_t> result) {
  auto shape = cast<ShapedType>(v.getType()).getShape();
  if (FailureOr<SmallVector<float>> values = constantFloats(v);
      succeeded(values) && element.isBF16())
    return makeBf16Global(rewriter, op, result,
                          expandConstant(*values, shape, result),
                          "__tern_broadcast_constant");
  DenseElementsAttr attr;
  if (!matchPattern(v, m_Constant(&attr)) ||
      !isa<IntegerType>(attr.getElementType()))
    return failure();
  bool boolean = attr.getElementType().isInteger(1);
  if (boolean != element.isBF16())
    return failure();
  SmallVector<float> values; // i1 and integers of up to 24 bits are exact
  SmallVector<int64_t> ints;
  for (const APInt &x : attr.getValues<APInt>()) {
    int64_t i = boolean ? x.getZExtValue() : x.getSExtValue();
    if (i < INT32_MIN || i > INT32_MAX)
      return failure();
    ints.push_back(i);
  }
  if (ints.size() == 1)
    ints.assign(attr.getNumElements(), ints.front());
  if (boolean) {
    for (int64_t i : ints)
      values.push_back(i ? 1.0f : 0.0f);
    return makeBf16Global(rewriter, op, result,
                          expandConstant(values, shape, result),
                          "__tern_broadcast_constant");
  }
  // Expand through the index: integers past 2^24 do not survive a float.
  SmallVector<float> index(ints.size());
  for (size_t i = 0; i < ints.size(); ++i)
    index[i] = static_cast<float>(i);
  SmallVector<float> at = expandConstant(index, shape, result);
  SmallVector<int32_t> expanded;
  for (float f : at)
    expanded.push_back(static_cast<int32_t>(ints[static_cast<size_t>(f)]));
  auto type = MemRefType::get(result, rewriter.getI32Type());
  auto init = DenseElementsAttr::get(
      RankedTensorType::get(result, rewriter.getI32Type()),
      ArrayRef<int32_t>(expanded));
  return makeConstantGlobal(rewriter, op, "__tern_broadcast_constant", type,
                            init);
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
/// equal ranks (the importer reshapes). tosa.int_div (ONNX Div of integer
/// tensors, the importer's i32 quotient) is the SFU's integer division
/// (rsfu.div ty=i32, truncating toward zero).
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
    // An i32 pow (foldIntegerPows: ONNX Pow of an integer base and
    // exponent) is rsfu.pow ty=i32, exact.
    if (BaseKind == VectorKind::pow &&
        !isa<FloatType>(getElementTypeOrSelf(op.getType())) &&
        !getElementTypeOrSelf(op.getType()).isSignlessInteger(32))
      return op.emitOpError("only a floating or i32 pow is lowered");
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
    // tern.to_int: the SFU's pow or division written as an i32 (toint).
    ToIntAttr toInt;
    if constexpr (std::is_same_v<Op, tern::ToIntOp>) {
      kind = op.getKind() == tern::ToIntKind::pow ? VectorKind::pow
                                                  : VectorKind::div;
      toInt = ToIntAttr::get(
          op.getContext(),
          op.getRounding() == tern::Rounding::rne ? ToInt::rne : ToInt::trunc);
    }
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
      // An integer or boolean constant (e.g. Equal(ids, 0)): expanded.
      if (isa<IntegerType>(getElementTypeOrSelf(original[i].getType())) &&
          broadcastsTo(t.getShape(), type.getShape())) {
        FailureOr<Value> constant = expandConstantOperand(
            rewriter, op, original[i], t.getElementType(), type.getShape());
        if (succeeded(constant)) {
          operands.push_back({BinaryOperand::Full, *constant});
          continue;
        }
      }
      if (t.getShape() == type.getShape()) {
        operands.push_back({BinaryOperand::Full, v});
        continue;
      }
      FailureOr<SmallVector<float>> values = constantFloats(original[i]);
      bool splat =
          succeeded(values) && !values->empty() && llvm::all_equal(*values);
      // x - c and x ^ c are constant register operations, c - x and c ^ x
      // are not (a comparison turns around).
      bool registerForm =
          i == 1 || (kind != VectorKind::sub && kind != VectorKind::pow);
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
    // for sub, b - a is then negated (exact in bf16); a comparison turns
    // around.
    bool swap = operands[0].kind == BinaryOperand::Splat ||
                operands[0].kind == BinaryOperand::Column;
    bool negate = swap && operands[0].kind == BinaryOperand::Column &&
                  kind == VectorKind::sub;
    if (swap && kind == VectorKind::pow)
      return op.emitOpError("a base with one value per row (last dimension "
                            "1) raised to a full exponent is not lowered");
    const VectorKind k = swap ? swappedKind(kind) : kind;
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
    // uint32 / uint64 (32-bit words): max and comparisons in uint32 order.
    bool uintOrder =
        wideUnsigned(getElementTypeOrSelf(op.getOperand(0).getType()));
    auto binary = [&](VectorKind k, Value a, Value b, Value result) {
      bool uint = uintOrder && (k == VectorKind::max || isComparison(k));
      if (column)
        rewriter.create<VectorColumnOp>(op.getLoc(), k, a, b, result, toInt,
                                        uint);
      else
        rewriter.create<VectorOp>(op.getLoc(), k, a, b, result, toInt, uint);
    };
    // Tiles hold rows of the widest element involved (an f32 program input
    // of a pow: 4 bytes).
    int64_t elementBytes =
        std::max<int64_t>(2, type.getElementTypeBitWidth() / 8);
    for (const BinaryOperand &o : operands)
      elementBytes = std::max<int64_t>(
          elementBytes,
          cast<MemRefType>(o.buffer.getType()).getElementTypeBitWidth() / 8);
    int64_t tm = tiles.rowsPerTile(cols * elementBytes);
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
        rewriter.create<VectorConstOp>(op.getLoc(), k, a, result,
                                       APFloat(rhs.splat), toInt);
      else
        binary(k, a, loadOperand(rhs, r0, rr), result);
      if (negate)
        rewriter.create<VectorConstOp>(op.getLoc(), VectorKind::mul, result,
                                       result, APFloat(-1.0f));
      // int8 / uint8 / int16 / uint16 (held as i32): ONNX's Add, Sub and Mul
      // wrap modulo 2^bits; the i32 ones wrap modulo 2^32, whose low bits
      // are the same.
      if (k == VectorKind::add || k == VectorKind::sub ||
          k == VectorKind::mul)
        wrapToNarrow(rewriter, op.getLoc(), result,
                     getElementTypeOrSelf(op.getType()));
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

} // namespace

LogicalResult tern::lowerElementwiseSelect(tosa::SelectOp op, Value pred,
                                           Value onTrue, Value onFalse,
                                           MemRefType type,
                                           ConversionPatternRewriter &rewriter,
                                           const TileSizes &tiles) {
  if (!type.getElementType().isBF16() &&
      !type.getElementType().isSignlessInteger(32))
    return op.emitOpError("a run-time select of ")
           << type.getElementType() << " is not lowered (bf16 or i32 only)";
  ArrayRef<int64_t> shape = type.getShape();
  int64_t cols = shape.back();
  int64_t rows = type.getNumElements() / cols;
  Value original[3] = {op.getPred(), op.getOnTrue(), op.getOnFalse()};
  Value converted[3] = {pred, onTrue, onFalse};
  const char *names[3] = {"condition", "true value", "false value"};
  SmallVector<BinaryOperand> operands;
  for (int i = 0; i < 3; ++i) {
    auto t = cast<MemRefType>(converted[i].getType());
    Type element = i == 0 ? rewriter.getBF16Type() : type.getElementType();
    if (t.getElementType() != element)
      return op.emitOpError("the ") << names[i] << " is " << t.getElementType()
                                    << ", expected " << element;
    if (!broadcastsTo(t.getShape(), shape))
      return op.emitOpError("broadcast of the ")
             << names[i] << " " << t << " to " << type
             << " is not supported (equal rank, each dimension equal or 1)";
    // Constants first: an i1 constant (Trilu's mask) has no DRAM form of
    // its own.
    FailureOr<Value> constant =
        expandConstantOperand(rewriter, op, original[i], element, shape);
    if (succeeded(constant)) {
      operands.push_back({BinaryOperand::Full, *constant});
      continue;
    }
    if (t.getShape() == shape) {
      operands.push_back({BinaryOperand::Full, converted[i]});
      continue;
    }
    // Last dimension 1 against a wider result: one value per row.
    operands.push_back({t.getShape().back() == cols ? BinaryOperand::Rows
                                                    : BinaryOperand::Column,
                        converted[i], 0, SmallVector<int64_t>(t.getShape())});
  }
  TileBuilder tb(rewriter, op.getLoc());
  Value out = tb.allocDram(shape, type.getElementType());
  auto flat = [&](Value v) {
    return tb.rawView(v, 0, {rows, cols}, {cols, 1});
  };
  // Four tiles live per step (condition, both values, result), five with
  // a column's ones.
  int64_t tm = tiles.rowsPerTile(cols * 5);
  // A column operand is spread over its row as 1 * b[r] (vmul bmode=col:
  // exact for bf16, -0 and infinities included, and for i32); the ones are
  // a constant of one tile, per element type.
  DenseMap<Type, Value> ones;
  auto onesOf = [&](Type element) {
    Value &v = ones[element];
    if (v)
      return v;
    int64_t n = std::min(tm, rows) * cols;
    if (element.isBF16()) {
      v = makeBf16Global(rewriter, op, {std::min(tm, rows), cols},
                         SmallVector<float>(n, 1.0f), "__tern_ones");
    } else {
      auto t = RankedTensorType::get({std::min(tm, rows), cols}, element);
      v = makeConstantGlobal(
          rewriter, op, "__tern_ones", MemRefType::get(t.getShape(), element),
          DenseElementsAttr::get(t, rewriter.getI32IntegerAttr(1).getValue()));
    }
    return v;
  };
  for (int64_t r0 = 0; r0 < rows; r0 += tm) {
    int64_t rr = std::min(tm, rows - r0);
    Value in[3];
    for (int i = 0; i < 3; ++i) {
      const BinaryOperand &o = operands[i];
      if (o.kind == BinaryOperand::Rows) {
        in[i] = loadRuns(tb, o, shape, r0, rr);
        continue;
      }
      if (o.kind == BinaryOperand::Full) {
        in[i] = tb.load(tb.block(flat(o.buffer), r0, 0, rr, cols),
                        MemorySpace::act);
        continue;
      }
      Type element = cast<MemRefType>(o.buffer.getType()).getElementType();
      Value column = loadRuns(tb, o, shape, r0, rr);
      Value one =
          tb.load(tb.block(tb.rawView(onesOf(element), 0,
                                      {std::min(tm, rows), cols}, {cols, 1}),
                           0, 0, rr, cols),
                  MemorySpace::act);
      in[i] = tb.allocTile({rr, cols}, element, MemorySpace::act);
      rewriter.create<VectorColumnOp>(op.getLoc(), VectorKind::mul, one, column,
                                      in[i]);
    }
    Value result =
        tb.allocTile({rr, cols}, type.getElementType(), MemorySpace::act);
    rewriter.create<SelectOp>(op.getLoc(), in[0], in[1], in[2], result);
    tb.store(result, tb.block(flat(out), r0, 0, rr, cols));
  }
  rewriter.replaceOp(op, out);
  return success();
}

void tern::populateTosaComputeLoweringPatterns(TypeConverter &converter,
                                               RewritePatternSet &patterns,
                                               const TileSizes &tiles) {
  patterns.add<TosaBinaryLowering<tosa::AddOp, VectorKind::add>,
               TosaBinaryLowering<tosa::SubOp, VectorKind::sub>,
               TosaBinaryLowering<tosa::MulOp, VectorKind::mul>,
               TosaBinaryLowering<tosa::MaximumOp, VectorKind::max>,
               TosaBinaryLowering<tosa::MinimumOp, VectorKind::max>,
               TosaBinaryLowering<tosa::PowOp, VectorKind::pow>,
               TosaBinaryLowering<tosa::IntDivOp, VectorKind::div>,
               TosaBinaryLowering<tern::ToIntOp, VectorKind::div>,
               TosaBinaryLowering<tosa::EqualOp, VectorKind::eq>,
               TosaBinaryLowering<tosa::GreaterOp, VectorKind::gt>,
               TosaBinaryLowering<tosa::GreaterEqualOp, VectorKind::ge>,
               // Booleans are bf16 0 / 1: and = a * b, or = max(a, b),
               // xor = (a != b), all exact.
               TosaBinaryLowering<tosa::LogicalAndOp, VectorKind::mul>,
               TosaBinaryLowering<tosa::LogicalOrOp, VectorKind::max>,
               TosaBinaryLowering<tosa::LogicalXorOp, VectorKind::ne>>(
      converter, patterns.getContext(), tiles);
}
