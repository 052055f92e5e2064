//===- RaiseGelu.cpp - erf / tanh GELU formulas -> tern.gelu --------------===//
//
// Implements tern-raise-gelu (contract in dialects/Tern/Passes.td). Anchored
// at the `1 + erf(...)` / `1 + tanh(...)` sum; the argument identifies x,
// then the two multiplications by x and 0.5 are matched in any association.
//
//===----------------------------------------------------------------------===//

#include "RaiseUtils.h"

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tern {
#define GEN_PASS_DEF_TERNRAISEGELU
#include "Tern/TernPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;
using namespace tern::raise;

namespace {

constexpr double kInvSqrt2 = 0.70710678118654752;
constexpr double kSqrt2OverPi = 0.79788456080286536;
constexpr double kKappa = 0.044715;

/// `v * c` (either order) with c a splat close to `expected`: returns v.
Value matchScaled(Value v, double expected) {
  auto mul = v.getDefiningOp<tosa::MulOp>();
  if (!mul || mul.getShift() != 0)
    return {};
  auto sides = matchEither(mul.getInput1(), mul.getInput2(), [&](Value s) {
    return isApprox(getSplat(s), expected);
  });
  return sides ? sides->second : Value();
}

/// erf argument: x * 1/sqrt(2). Returns x.
Value matchErfArgument(Value arg) { return matchScaled(arg, kInvSqrt2); }

/// x^3 as pow(x, 3), x * (x * x) or (x * x) * x. Returns x.
Value matchCube(Value v) {
  if (auto pow = v.getDefiningOp<tosa::PowOp>())
    return isApprox(getSplat(pow.getInput2()), 3.0, 1e-6) ? pow.getInput1()
                                                          : Value();
  auto mul = v.getDefiningOp<tosa::MulOp>();
  if (!mul)
    return {};
  auto isSquareOf = [](Value sq, Value x) {
    auto m = sq.getDefiningOp<tosa::MulOp>();
    return m && m.getInput1() == x && m.getInput2() == x;
  };
  Value a = mul.getInput1(), b = mul.getInput2();
  if (isSquareOf(b, a))
    return a;
  if (isSquareOf(a, b))
    return b;
  return {};
}

/// tanh argument: sqrt(2/pi) * (x + 0.044715 * x^3). Returns x.
Value matchTanhArgument(Value arg) {
  Value inner = matchScaled(arg, kSqrt2OverPi);
  auto add = inner ? inner.getDefiningOp<tosa::AddOp>() : nullptr;
  if (!add)
    return {};
  for (auto [x, cubic] : {std::pair(add.getInput1(), add.getInput2()),
                          std::pair(add.getInput2(), add.getInput1())}) {
    Value cube = matchScaled(cubic, kKappa);
    if (cube && matchCube(cube) == x)
      return x;
  }
  return {};
}

/// The single user of `v` if it is a (shift 0) tosa.mul.
tosa::MulOp singleMulUser(Value v) {
  if (!v.hasOneUse())
    return {};
  auto mul = dyn_cast<tosa::MulOp>(*v.getUsers().begin());
  return mul && mul.getShift() == 0 ? mul : tosa::MulOp();
}

Value otherOperand(tosa::MulOp mul, Value v) {
  return mul.getInput1() == v ? mul.getInput2() : mul.getInput1();
}

struct GeluPattern : OpRewritePattern<tosa::AddOp> {
  GeluPattern(MLIRContext *ctx, llvm::Statistic &erfCount,
              llvm::Statistic &tanhCount)
      : OpRewritePattern(ctx), erfCount(erfCount), tanhCount(tanhCount) {}

  LogicalResult matchAndRewrite(tosa::AddOp add,
                                PatternRewriter &rewriter) const override {
    // a = 1 + f(arg(x)), f = erf | tanh.
    auto sides = matchEither(add.getInput1(), add.getInput2(), [](Value v) {
      return isApprox(getSplat(v), 1.0, 1e-6);
    });
    if (!sides)
      return rewriter.notifyMatchFailure(add, "no 1 + ...");
    Value fx = sides->second, x;
    GeluApproximation approx;
    if (auto erf = fx.getDefiningOp<tosa::ErfOp>()) {
      x = matchErfArgument(erf.getInput());
      approx = GeluApproximation::erf;
    } else if (auto tanh = fx.getDefiningOp<tosa::TanhOp>()) {
      x = matchTanhArgument(tanh.getInput());
      approx = GeluApproximation::tanh;
    }
    if (!x)
      return rewriter.notifyMatchFailure(add, "not an erf/tanh GELU argument");
    if (!fx.hasOneUse())
      return rewriter.notifyMatchFailure(add, "erf/tanh has other users");

    // Multiply a by x and by 0.5, in any association.
    Value a = add.getResult();
    tosa::MulOp m1 = singleMulUser(a);
    if (!m1)
      return rewriter.notifyMatchFailure(add, "sum is not multiplied once");
    Value p = otherOperand(m1, a);
    Value root;
    if (p == x) {
      // (a * x) * 0.5
      tosa::MulOp m2 = singleMulUser(m1.getResult());
      if (m2 && isApprox(getSplat(otherOperand(m2, m1.getResult())), 0.5))
        root = m2.getResult();
    } else if (matchScaled(p, 0.5) == x) {
      // a * (x * 0.5)
      root = m1.getResult();
    } else if (isApprox(getSplat(p), 0.5)) {
      // (a * 0.5) * x
      tosa::MulOp m2 = singleMulUser(m1.getResult());
      if (m2 && otherOperand(m2, m1.getResult()) == x)
        root = m2.getResult();
    }
    if (!root || root.getType() != x.getType())
      return rewriter.notifyMatchFailure(add, "not x * 0.5 * (1 + f)");

    Operation *rootOp = root.getDefiningOp();
    rewriter.setInsertionPoint(rootOp);
    rewriter.replaceOpWithNewOp<GeluOp>(
        rootOp, root.getType(), x,
        GeluApproximationAttr::get(getContext(), approx),
        PrecisionAttr::get(getContext(), Precision::f32));
    ++(approx == GeluApproximation::erf ? erfCount : tanhCount);
    return success();
  }

  llvm::Statistic &erfCount, &tanhCount;
};

class TernRaiseGelu : public tern::impl::TernRaiseGeluBase<TernRaiseGelu> {
public:
  using TernRaiseGeluBase::TernRaiseGeluBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<GeluPattern>(&getContext(), numErfGelus, numTanhGelus);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
