//===- Elementwise.cpp - element-wise ONNX operators ----------------------===//
//
// Arithmetic, comparisons, activations, Cast/Where and the pass-through ops
// (Identity, Dropout at inference). ONNX broadcasts multidirectionally; TOSA
// 19 wants equal ranks, so operands are reshaped to the common rank with
// size-1 dimensions in front. Operands known at import time (shape
// arithmetic) are folded instead of emitted.
//
//===----------------------------------------------------------------------===//

#include "../Importer.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include "llvm/Support/Format.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace tern::onnx_import;

namespace {

/// Both operands folded and the result small enough: fold with `fn` over
/// doubles (ints go through exactly-representable doubles for shape values)
/// or `intFn` over integers.
template <typename FloatFn, typename IntFn>
bool foldBinary(OpBinder &b, Type resultElementType, FloatFn fn, IntFn intFn) {
  const Folded *lhs = b.folded(0);
  if (!lhs)
    return false;
  const Folded *rhs = b.folded(1);
  if (!rhs)
    return false;
  auto shape = broadcastShapes(lhs->shape, rhs->shape);
  if (!shape)
    return false;
  Folded out = Folded::make(*shape, resultElementType);
  if (out.numElements() > kMaxFoldElements)
    return false;
  for (int64_t i = 0, e = out.numElements(); i < e; ++i) {
    int64_t li = broadcastIndex(lhs->shape, *shape, i);
    int64_t ri = broadcastIndex(rhs->shape, *shape, i);
    if (lhs->isFloat())
      out.set(i, fn(lhs->fps[li], rhs->getAsDouble(ri)));
    else
      out.setInt(i, intFn(lhs->ints[li], rhs->getAsInt(ri)));
  }
  b.setFolded(0, std::move(out));
  return true;
}

/// Operands of a binary op, brought to the broadcast rank. Fails (with a
/// diagnostic) on incompatible shapes.
FailureOr<std::tuple<Value, Value, SmallVector<int64_t>>>
broadcastOperands(OpBinder &b, Value lhs, Value rhs) {
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  auto shape = broadcastShapes(lt.getShape(), rt.getShape());
  if (!shape)
    return b.emitError() << "operand shapes " << lt << " and " << rt
                         << " do not broadcast";
  int64_t rank = shape->size();
  return std::make_tuple(expandRank(b.builder, b.loc, lhs, rank),
                         expandRank(b.builder, b.loc, rhs, rank), *shape);
}

template <typename TosaOp>
LogicalResult emitBinary(OpBinder &b, Type resultElementType = {}) {
  Value lhs = b.operand(0), rhs = b.operand(1);
  if (!lhs || !rhs)
    return failure();
  auto ops = broadcastOperands(b, lhs, rhs);
  if (failed(ops))
    return failure();
  auto [l, r, shape] = *ops;
  if (!resultElementType)
    resultElementType = cast<ShapedType>(lhs.getType()).getElementType();
  auto type = RankedTensorType::get(shape, resultElementType);
  Value result;
  if constexpr (std::is_same_v<TosaOp, tosa::MulOp>)
    result = b.builder.create<tosa::MulOp>(b.loc, type, l, r,
                                           b.builder.getI8IntegerAttr(0));
  else
    result = b.builder.create<TosaOp>(b.loc, type, l, r);
  b.setResult(0, result);
  return success();
}

template <typename TosaOp, typename FloatFn, typename IntFn>
Handler binaryHandler(FloatFn fn, IntFn intFn) {
  return [fn, intFn](OpBinder &b) -> LogicalResult {
    Type et = b.operandType(0).getElementType();
    if (foldBinary(b, et, fn, intFn))
      return success();
    return emitBinary<TosaOp>(b);
  };
}

template <typename TosaOp, typename FloatFn, typename IntFn>
Handler compareHandler(FloatFn fn, IntFn intFn) {
  return [fn, intFn](OpBinder &b) -> LogicalResult {
    Type i1 = b.builder.getI1Type();
    if (foldBinary(b, i1, fn, intFn))
      return success();
    return emitBinary<TosaOp>(b, i1);
  };
}

/// Less(a, b) = Greater(b, a).
LogicalResult lessHandler(OpBinder &b) {
  Type i1 = b.builder.getI1Type();
  if (foldBinary(
          b, i1, [](double x, double y) { return x < y; },
          [](int64_t x, int64_t y) { return x < y; }))
    return success();
  Value lhs = b.operand(0), rhs = b.operand(1);
  if (!lhs || !rhs)
    return failure();
  auto ops = broadcastOperands(b, rhs, lhs);
  if (failed(ops))
    return failure();
  auto [l, r, shape] = *ops;
  b.setResult(0, b.builder.create<tosa::GreaterOp>(
                     b.loc, RankedTensorType::get(shape, i1), l, r));
  return success();
}

/// Max / Min of any number of operands, folded left.
template <typename TosaOp>
LogicalResult variadicHandler(OpBinder &b) {
  Value acc = b.operand(0);
  if (!acc)
    return failure();
  for (unsigned i = 1; i < b.getNumOperands(); ++i) {
    Value next = b.operand(i);
    if (!next)
      return failure();
    auto ops = broadcastOperands(b, acc, next);
    if (failed(ops))
      return failure();
    auto [l, r, shape] = *ops;
    acc = b.builder.create<TosaOp>(b.loc, withShape(acc, shape), l, r);
  }
  b.setResult(0, acc);
  return success();
}

LogicalResult notHandler(OpBinder &b) {
  if (const Folded *in = b.folded(0)) {
    Folded out = *in;
    for (int64_t &v : out.ints)
      v = !v;
    b.setFolded(0, std::move(out));
    return success();
  }
  Value x = b.operand(0);
  if (!x)
    return failure();
  b.setResult(0, b.builder.create<tosa::LogicalNotOp>(b.loc, x.getType(), x));
  return success();
}

LogicalResult castLikeHandler(OpBinder &b) {
  Type to = b.operandType(1).getElementType();
  if (const Folded *in = b.folded(0)) {
    Folded out = Folded::make(in->shape, to);
    for (int64_t i = 0, e = in->numElements(); i < e; ++i) {
      if (to.isInteger(1))
        out.ints[i] = in->getAsDouble(i) != 0;
      else if (out.isFloat())
        out.fps[i] = in->getAsDouble(i);
      else
        out.ints[i] = in->getAsInt(i);
    }
    b.setFolded(0, std::move(out));
    return success();
  }
  Value x = b.operand(0);
  if (!x)
    return failure();
  b.setResult(0, createCast(b.builder, b.loc, x, to));
  return success();
}

LogicalResult divHandler(OpBinder &b) {
  RankedTensorType lt = b.operandType(0);
  if (foldBinary(
          b, lt.getElementType(), [](double x, double y) { return x / y; },
          [](int64_t x, int64_t y) { return y ? x / y : 0; }))
    return success();
  if (!isa<FloatType>(lt.getElementType())) {
    // tosa.int_div is defined on i32 only.
    Type i32 = b.builder.getI32Type();
    Value l = createCast(b.builder, b.loc, b.operand(0), i32);
    Value r = createCast(b.builder, b.loc, b.operand(1), i32);
    auto ops = broadcastOperands(b, l, r);
    if (failed(ops))
      return failure();
    auto [bl, br, shape] = *ops;
    Value q = b.builder.create<tosa::IntDivOp>(
        b.loc, RankedTensorType::get(shape, i32), bl, br);
    b.setResult(0, createCast(b.builder, b.loc, q, lt.getElementType()));
    return success();
  }
  // TOSA has no float division: x / y = x * reciprocal(y). A constant
  // divisor is inverted at import time (1/sqrt(d) scales, GELU's 1/sqrt(2)).
  Value lhs = b.operand(0);
  Value inv;
  if (const Folded *divisor = b.folded(1)) {
    Folded r = *divisor;
    for (double &v : r.fps)
      v = 1.0 / v;
    inv = createConst(b.builder, b.loc, r.toAttr());
  } else {
    Value rhs = b.operand(1);
    inv = b.builder.create<tosa::ReciprocalOp>(b.loc, rhs.getType(), rhs);
  }
  auto ops = broadcastOperands(b, lhs, inv);
  if (failed(ops))
    return failure();
  auto [l, r, shape] = *ops;
  b.setResult(0,
              b.builder.create<tosa::MulOp>(b.loc, withShape(lhs, shape), l, r,
                                            b.builder.getI8IntegerAttr(0)));
  return success();
}

LogicalResult powHandler(OpBinder &b) {
  RankedTensorType lt = b.operandType(0);
  if (foldBinary(
          b, lt.getElementType(),
          [](double x, double y) { return std::pow(x, y); },
          [](int64_t x, int64_t y) {
            return static_cast<int64_t>(std::pow(x, y));
          }))
    return success();
  // TOSA 19's pow is float-only: integer bases are computed in f32 (exact
  // for the integer results f32 can hold) and cast back.
  Type computeType = isa<FloatType>(lt.getElementType())
                         ? lt.getElementType()
                         : Type(b.builder.getF32Type());
  Value lhs = createCast(b.builder, b.loc, b.operand(0), computeType);
  Value rhs = createCast(b.builder, b.loc, b.operand(1), computeType);
  auto ops = broadcastOperands(b, lhs, rhs);
  if (failed(ops))
    return failure();
  auto [l, r, shape] = *ops;
  Value p = b.builder.create<tosa::PowOp>(b.loc, withShape(lhs, shape), l, r);
  b.setResult(0, createCast(b.builder, b.loc, p, lt.getElementType()));
  return success();
}

template <typename TosaOp, typename FoldFn> Handler simpleUnary(FoldFn fn) {
  return unaryHandler(
      [](OpBinder &b, Value x) -> Value {
        return b.builder.create<TosaOp>(b.loc, x.getType(), x);
      },
      fn);
}

LogicalResult clipHandler(OpBinder &b) {
  Value x = b.operand(0);
  if (!x)
    return failure();
  double inf = std::numeric_limits<double>::infinity();
  double lo = -inf, hi = inf;
  // Bounds that are run-time tensors become maximum/minimum ops.
  Value result = x;
  for (unsigned i : {1u, 2u}) {
    if (!b.hasOperand(i))
      continue;
    if (const Folded *f = b.folded(i)) {
      (i == 1 ? lo : hi) = f->getAsDouble(0);
      continue;
    }
    Value bound = expandRank(b.builder, b.loc, b.operand(i),
                             cast<ShapedType>(x.getType()).getRank());
    if (i == 1)
      result =
          b.builder.create<tosa::MaximumOp>(b.loc, x.getType(), result, bound);
    else
      result =
          b.builder.create<tosa::MinimumOp>(b.loc, x.getType(), result, bound);
  }
  if (lo != -inf || hi != inf)
    result = createClamp(b.builder, b.loc, result, lo, hi);
  b.setResult(0, result);
  return success();
}

LogicalResult whereHandler(OpBinder &b) {
  const Folded *c = b.folded(0);
  const Folded *x = c ? b.folded(1) : nullptr;
  const Folded *y = x ? b.folded(2) : nullptr;
  if (c && x && y) {
    auto s = broadcastShapes(c->shape, x->shape);
    auto shape = s ? broadcastShapes(*s, y->shape) : std::nullopt;
    if (shape) {
      Folded out = Folded::make(*shape, x->elementType);
      if (out.numElements() <= kMaxFoldElements) {
        for (int64_t i = 0, e = out.numElements(); i < e; ++i) {
          bool cond = c->ints[broadcastIndex(c->shape, *shape, i)];
          const Folded *src = cond ? x : y;
          int64_t si = broadcastIndex(src->shape, *shape, i);
          if (out.isFloat())
            out.fps[i] = src->fps[si];
          else
            out.ints[i] = src->ints[si];
        }
        b.setFolded(0, std::move(out));
        return success();
      }
    }
  }
  Value cond = b.operand(0), lhs = b.operand(1), rhs = b.operand(2);
  if (!cond || !lhs || !rhs)
    return failure();
  auto ct = cast<RankedTensorType>(cond.getType());
  auto s = broadcastShapes(ct.getShape(),
                           cast<ShapedType>(lhs.getType()).getShape());
  auto shape =
      s ? broadcastShapes(*s, cast<ShapedType>(rhs.getType()).getShape())
        : std::nullopt;
  if (!shape)
    return b.emitError() << "operand shapes do not broadcast";
  int64_t rank = shape->size();
  b.setResult(0, b.builder.create<tosa::SelectOp>(
                     b.loc, withShape(lhs, *shape),
                     expandRank(b.builder, b.loc, cond, rank),
                     expandRank(b.builder, b.loc, lhs, rank),
                     expandRank(b.builder, b.loc, rhs, rank)));
  return success();
}

LogicalResult castHandler(OpBinder &b) {
  Type to = convertElementType(b.getInt("to", 0), &b.importer.getContext());
  if (!to)
    return b.unsupported("target type " + Twine(b.getInt("to", 0)));
  if (const Folded *in = b.folded(0)) {
    Folded out = Folded::make(in->shape, to);
    for (int64_t i = 0, e = in->numElements(); i < e; ++i) {
      if (to.isInteger(1))
        out.ints[i] = in->getAsDouble(i) != 0;
      else if (out.isFloat())
        out.fps[i] = in->getAsDouble(i);
      else
        out.ints[i] =
            in->isFloat() ? static_cast<int64_t>(in->fps[i]) : in->ints[i];
    }
    b.setFolded(0, std::move(out));
    return success();
  }
  Value x = b.operand(0);
  if (!x)
    return failure();
  b.setResult(0, createCast(b.builder, b.loc, x, to));
  return success();
}

/// Identity, and Dropout at inference: output = input (Dropout's optional
/// mask output is all true).
LogicalResult passThrough(OpBinder &b) {
  ValueEntry *in = b.importer.lookup(b.node.input(0));
  // An initializer is materialized first so that both names share one
  // constant instead of each materializing its own copy.
  if (in->initializer && !b.folded(0) && !b.operand(0))
    return failure();
  b.importer.define(b.node.output(0), *in);
  if (b.hasResult(1)) {
    RankedTensorType t = b.operandType(0);
    Folded mask = Folded::make(t.getShape(), b.builder.getI1Type());
    if (mask.numElements() > kMaxFoldElements)
      return b.unsupported("Dropout mask output of a large tensor");
    std::fill(mask.ints.begin(), mask.ints.end(), 1);
    b.setFolded(1, std::move(mask));
  }
  return success();
}

LogicalResult dropoutHandler(OpBinder &b) {
  // Inference semantics, as onnxruntime: training_mode (input 2) absent or
  // false. In training mode only ratio 0 is deterministic (output = input,
  // an all-true mask: ONNX's own rule); any other ratio draws a random mask,
  // which no program can reproduce (ONNX's expected outputs come from
  // numpy's generator).
  if (b.hasOperand(2) && !b.folded(2))
    return b.unsupported("a run-time training_mode");
  if (const Folded *training = b.folded(2); training && training->ints[0]) {
    if (!b.hasOperand(1))
      return b.unsupported("training_mode = true with the default ratio 0.5 "
                           "(a random mask; only ratio 0 is imported in "
                           "training mode)");
    const Folded *ratio = b.folded(1);
    if (!ratio)
      return b.unsupported("training_mode = true with a run-time ratio (only "
                           "a constant ratio 0 is imported in training mode)");
    if (ratio->getAsDouble(0) != 0.0) {
      std::string value;
      llvm::raw_string_ostream(value)
          << llvm::format("%g", ratio->getAsDouble(0));
      return b.unsupported("training_mode = true with ratio " + value +
                           " (a random mask; only ratio 0 is imported in "
                           "training mode)");
    }
  }
  return passThrough(b);
}

} // namespace

void tern::onnx_import::populateElementwiseHandlers(HandlerRegistry &r) {
  r.onOp(
      "Add", 14,
      binaryHandler<tosa::AddOp>([](double x, double y) { return x + y; },
                                 [](int64_t x, int64_t y) { return x + y; }));
  r.onOp(
      "Sub", 14,
      binaryHandler<tosa::SubOp>([](double x, double y) { return x - y; },
                                 [](int64_t x, int64_t y) { return x - y; }));
  r.onOp(
      "Mul", 14,
      binaryHandler<tosa::MulOp>([](double x, double y) { return x * y; },
                                 [](int64_t x, int64_t y) { return x * y; }));
  r.onOp("Div", 14, divHandler);
  r.onOp("Pow", 15, powHandler);
  r.onOp("Equal", 13,
         compareHandler<tosa::EqualOp>(
             [](double x, double y) { return x == y; },
             [](int64_t x, int64_t y) { return x == y; }));
  r.onOp("Greater", 13,
         compareHandler<tosa::GreaterOp>(
             [](double x, double y) { return x > y; },
             [](int64_t x, int64_t y) { return x > y; }));

  r.onOp("Less", 13, lessHandler);
  r.onOp("And", 7, compareHandler<tosa::LogicalAndOp>(
                       [](double x, double y) { return x && y; },
                       [](int64_t x, int64_t y) { return x && y; }));
  r.onOp("Or", 7, compareHandler<tosa::LogicalOrOp>(
                      [](double x, double y) { return x || y; },
                      [](int64_t x, int64_t y) { return x || y; }));
  r.onOp("Not", 1, notHandler);
  r.onOp("Max", 13, variadicHandler<tosa::MaximumOp>);
  r.onOp("Min", 13, variadicHandler<tosa::MinimumOp>);
  r.onOp("CastLike", 15, castLikeHandler);
  r.onOp("Log", 13, simpleUnary<tosa::LogOp>([](double v) {
           return std::log(v);
         }));
  r.onOp("Sqrt", 13,
         unaryHandler(
             [](OpBinder &b, Value x) -> Value {
               // TOSA 19 has rsqrt but no sqrt.
               Value r = b.builder.create<tosa::RsqrtOp>(b.loc, x.getType(), x);
               return b.builder.create<tosa::ReciprocalOp>(b.loc, x.getType(),
                                                           r);
             },
             [](double v) { return std::sqrt(v); }));
  r.onOp("Reciprocal", 13,
         simpleUnary<tosa::ReciprocalOp>([](double v) { return 1.0 / v; }));
  r.onOp("Erf", 13,
         simpleUnary<tosa::ErfOp>([](double v) { return std::erf(v); }));
  r.onOp("Tanh", 13,
         simpleUnary<tosa::TanhOp>([](double v) { return std::tanh(v); }));
  r.onOp("Sigmoid", 13, simpleUnary<tosa::SigmoidOp>([](double v) {
           return 1.0 / (1.0 + std::exp(-v));
         }));
  r.onOp("Exp", 13,
         simpleUnary<tosa::ExpOp>([](double v) { return std::exp(v); }));
  r.onOp("Neg", 13, simpleUnary<tosa::NegateOp>([](double v) { return -v; }));
  r.onOp("Relu", 14,
         unaryHandler(
             [](OpBinder &b, Value x) {
               return createClamp(b.builder, b.loc, x, 0.0,
                                  std::numeric_limits<double>::infinity());
             },
             [](double v) { return v > 0 ? v : 0.0; }));
  r.onOp("Clip", 13, clipHandler);
  r.onOp("Where", 16, whereHandler);
  r.onOp("Cast", 13, castHandler);
  r.onOp("Identity", 16, passThrough);
  r.onOp("Dropout", 13, dropoutHandler);
}
