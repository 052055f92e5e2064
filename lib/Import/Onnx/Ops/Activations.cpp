//===- Activations.cpp - ONNX activation functions ------------------------===//
//
// LeakyRelu, PRelu, Elu, Selu, Celu, ThresholdedRelu, HardSigmoid,
// HardSwish, Softplus, Softsign, Abs and Sign, spelled in the TOSA ops the
// lowering already has (clamp, maximum, select, exp, log, reciprocal and
// the element-wise arithmetic), so that each one runs on the vector unit
// and the SFU without an instruction of its own. The spellings avoid
// subtracting nearby values where an exact form exists (max(x, alpha x)
// for a leak in [0, 1]; the positive and negative parts of x, one of which
// is 0) and keep the exponential's argument <= 0 (Softplus), so that no
// finite input overflows. Constant operands fold with the same formulas in
// double. Ops are built one statement at a time (never two builder calls
// as arguments of one call, whose order C++ leaves open), so that the IR,
// and the program, are the same whatever compiler built Tern.
//
//===----------------------------------------------------------------------===//

#include "../Importer.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace tern::onnx_import;

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();

/// Builds the TOSA ops of one activation on a float tensor `x`.
struct Spell {
  OpBinder &b;
  Value x;

  Type type() const { return x.getType(); }
  Value scalar(double v) const {
    auto t = cast<RankedTensorType>(type());
    return createScalar(b.builder, b.loc, t.getElementType(), v, t.getRank());
  }
  Value mul(Value l, Value r) const {
    return b.builder.create<tosa::MulOp>(b.loc, type(), l, r,
                                         b.builder.getI8IntegerAttr(0));
  }
  Value mul(Value l, double r) const { return mul(l, scalar(r)); }
  Value add(Value l, Value r) const {
    return b.builder.create<tosa::AddOp>(b.loc, type(), l, r);
  }
  Value add(Value l, double r) const { return add(l, scalar(r)); }
  Value sub(Value l, Value r) const {
    return b.builder.create<tosa::SubOp>(b.loc, type(), l, r);
  }
  Value max(Value l, Value r) const {
    return b.builder.create<tosa::MaximumOp>(b.loc, type(), l, r);
  }
  Value neg(Value v) const {
    return b.builder.create<tosa::NegateOp>(b.loc, type(), v);
  }
  Value abs(Value v) const { return max(v, neg(v)); }
  Value exp(Value v) const {
    return b.builder.create<tosa::ExpOp>(b.loc, type(), v);
  }
  Value log(Value v) const {
    return b.builder.create<tosa::LogOp>(b.loc, type(), v);
  }
  Value reciprocal(Value v) const {
    return b.builder.create<tosa::ReciprocalOp>(b.loc, type(), v);
  }
  Value clamp(Value v, double lo, double hi) const {
    return createClamp(b.builder, b.loc, v, lo, hi);
  }
  /// The boolean l > r.
  Value greater(Value l, Value r) const {
    auto t = cast<RankedTensorType>(type());
    return b.builder.create<tosa::GreaterOp>(
        b.loc, t.clone(b.builder.getI1Type()), l, r);
  }
  Value select(Value cond, Value onTrue, Value onFalse) const {
    return b.builder.create<tosa::SelectOp>(b.loc, type(), cond, onTrue,
                                            onFalse);
  }
  /// alpha (e^v - 1) for v <= 0, the negative branch of Elu, as
  /// alpha 2t / (1 - t) with t = tanh(v / 2) in (-1, 0]: e^v - 1 would
  /// subtract two nearby values for v near 0 (cancelling to 0 on TATAA's
  /// truncating lanes, losing all relative precision on any bf16 lane),
  /// where 1 - t adds two magnitudes and the division is the SFU's. For
  /// v > 0 the value (up to +inf where t rounds to 1) is not used: the
  /// callers select or clamp it away.
  Value expMinusOne(Value v, double alpha) const {
    Value t = b.builder.create<tosa::TanhOp>(b.loc, type(), mul(v, 0.5));
    Value twiceT = mul(t, 2.0 * alpha);
    Value oneMinusT = sub(scalar(1.0), t);
    return mul(twiceT, reciprocal(oneMinusT));
  }
};

/// An activation of one float operand (unaryHandler: folded with `fold` when
/// the operand is known at import time), its ops spelled by `build`.
template <typename Build, typename Fold>
LogicalResult activation(OpBinder &b, Build build, Fold fold) {
  return unaryHandler(
      [build](OpBinder &binder, Value x) {
        return build(Spell{binder, x});
      },
      fold)(b);
}

double elu(double v, double alpha) {
  return v > 0 ? v : alpha * (std::exp(v) - 1.0);
}

LogicalResult leakyReluHandler(OpBinder &b) {
  double alpha = b.getFloat("alpha", 0.01f);
  return activation(
      b,
      [alpha](const Spell &s) {
        // A leak in [0, 1]: max(x, alpha x), exact. Otherwise the positive
        // part plus alpha times the negative one (x - relu(x), exact).
        if (alpha >= 0.0 && alpha <= 1.0)
          return s.max(s.x, s.mul(s.x, alpha));
        Value pos = s.clamp(s.x, 0.0, kInf);
        return s.add(pos, s.mul(s.sub(s.x, pos), alpha));
      },
      [alpha](double v) { return v >= 0 ? v : alpha * v; });
}

LogicalResult preluHandler(OpBinder &b) {
  Value x = b.operand(0), slope = b.operand(1);
  if (!x || !slope)
    return failure();
  auto xt = cast<RankedTensorType>(x.getType());
  auto st = cast<RankedTensorType>(slope.getType());
  if (!isa<FloatType>(xt.getElementType()) ||
      st.getElementType() != xt.getElementType())
    return b.unsupported("operands other than two tensors of one float type");
  // ONNX broadcasts the slope to x (unidirectionally).
  auto shape = broadcastShapes(xt.getShape(), st.getShape());
  if (!shape || ArrayRef<int64_t>(*shape) != xt.getShape())
    return b.emitError() << "slope of shape " << st
                         << " does not broadcast to the input " << xt;
  Spell s{b, x};
  Value pos = s.clamp(x, 0.0, kInf);
  Value slopeR = expandRank(b.builder, b.loc, slope, xt.getRank());
  b.setResult(0, s.add(pos, s.mul(s.sub(x, pos), slopeR)));
  return success();
}

LogicalResult eluHandler(OpBinder &b) {
  double alpha = b.getFloat("alpha", 1.0f);
  return activation(
      b,
      [alpha](const Spell &s) {
        Value positive = s.greater(s.x, s.scalar(0.0));
        return s.select(positive, s.x, s.expMinusOne(s.x, alpha));
      },
      [alpha](double v) { return elu(v, alpha); });
}

LogicalResult seluHandler(OpBinder &b) {
  double alpha = b.getFloat("alpha", 1.67326319217681884765625f);
  double gamma = b.getFloat("gamma", 1.05070102214813232421875f);
  return activation(
      b,
      [alpha, gamma](const Spell &s) {
        Value positive = s.greater(s.x, s.scalar(0.0));
        Value e = s.select(positive, s.x, s.expMinusOne(s.x, alpha));
        return s.mul(e, gamma);
      },
      [alpha, gamma](double v) { return gamma * elu(v, alpha); });
}

LogicalResult celuHandler(OpBinder &b) {
  double alpha = b.getFloat("alpha", 1.0f);
  if (alpha == 0.0)
    return b.unsupported("alpha = 0 (Celu divides by alpha)");
  return activation(
      b,
      [alpha](const Spell &s) {
        // max(0, x) + min(0, alpha (e^(x / alpha) - 1)).
        Value pos = s.clamp(s.x, 0.0, kInf);
        Value neg = s.expMinusOne(s.mul(s.x, 1.0 / alpha), alpha);
        return s.add(pos, s.clamp(neg, -kInf, 0.0));
      },
      [alpha](double v) {
        return std::max(0.0, v) +
               std::min(0.0, alpha * (std::exp(v / alpha) - 1.0));
      });
}

LogicalResult thresholdedReluHandler(OpBinder &b) {
  double alpha = b.getFloat("alpha", 1.0f);
  return activation(
      b,
      [alpha](const Spell &s) {
        Value above = s.greater(s.x, s.scalar(alpha));
        return s.select(above, s.x, s.scalar(0.0));
      },
      [alpha](double v) { return v > alpha ? v : 0.0; });
}

LogicalResult hardSigmoidHandler(OpBinder &b) {
  double alpha = b.getFloat("alpha", 0.2f), beta = b.getFloat("beta", 0.5f);
  return activation(
      b,
      [alpha, beta](const Spell &s) {
        return s.clamp(s.add(s.mul(s.x, alpha), beta), 0.0, 1.0);
      },
      [alpha, beta](double v) {
        return std::clamp(alpha * v + beta, 0.0, 1.0);
      });
}

LogicalResult hardSwishHandler(OpBinder &b) {
  return activation(
      b,
      [](const Spell &s) {
        // x * HardSigmoid(x) with alpha = 1/6, beta = 1/2.
        return s.mul(s.x, s.clamp(s.add(s.mul(s.x, 1.0 / 6.0), 0.5), 0.0, 1.0));
      },
      [](double v) { return v * std::clamp(v / 6.0 + 0.5, 0.0, 1.0); });
}

LogicalResult softplusHandler(OpBinder &b) {
  return activation(
      b,
      [](const Spell &s) {
        // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|): the exponential of a
        // non-positive value, which no finite x overflows.
        Value tail = s.log(s.add(s.exp(s.neg(s.abs(s.x))), 1.0));
        return s.add(s.clamp(s.x, 0.0, kInf), tail);
      },
      [](double v) {
        return std::max(v, 0.0) + std::log1p(std::exp(-std::fabs(v)));
      });
}

LogicalResult softsignHandler(OpBinder &b) {
  return activation(
      b,
      [](const Spell &s) {
        // x / (1 + |x|): a product with a reciprocal is the SFU's division.
        return s.mul(s.x, s.reciprocal(s.add(s.abs(s.x), 1.0)));
      },
      [](double v) { return v / (1.0 + std::fabs(v)); });
}

LogicalResult absHandler(OpBinder &b) {
  return activation(
      b, [](const Spell &s) { return s.abs(s.x); },
      [](double v) { return std::fabs(v); });
}

LogicalResult signHandler(OpBinder &b) {
  return activation(
      b,
      [](const Spell &s) {
        // (x > 0) - (0 > x), the booleans as 1 / 0 of x's type.
        Type element = cast<ShapedType>(s.type()).getElementType();
        Value zero = s.scalar(0.0);
        Value pos =
            createCast(s.b.builder, s.b.loc, s.greater(s.x, zero), element);
        Value neg =
            createCast(s.b.builder, s.b.loc, s.greater(zero, s.x), element);
        return s.sub(pos, neg);
      },
      // As the program computes it: 0 for a zero and for NaN (both
      // comparisons false).
      [](double v) { return v > 0 ? 1.0 : v < 0 ? -1.0 : 0.0; });
}

} // namespace

void tern::onnx_import::populateActivationHandlers(HandlerRegistry &r) {
  r.onOp("LeakyRelu", 16, leakyReluHandler);
  r.onOp("PRelu", 16, preluHandler);
  r.onOp("Elu", 6, eluHandler);
  r.onOp("Selu", 6, seluHandler);
  r.onOp("Celu", 12, celuHandler);
  r.onOp("ThresholdedRelu", 10, thresholdedReluHandler);
  r.onOp("HardSigmoid", 6, hardSigmoidHandler);
  r.onOp("HardSwish", 14, hardSwishHandler);
  r.onOp("Softplus", 1, softplusHandler);
  r.onOp("Softsign", 1, softsignHandler);
  r.onOp("Abs", 13, absHandler);
  r.onOp("Sign", 13, signHandler);
}
