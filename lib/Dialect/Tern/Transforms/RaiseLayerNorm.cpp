//===- RaiseLayerNorm.cpp - decomposed LayerNorm -> tern.layer_norm -------===//
//
// Implements tern-raise-layer-norm (contract in dialects/Tern/Passes.td).
// The pattern is anchored at the normalization product `d * inv`, matched
// upwards to the mean and variance, then extended downwards over the
// optional gamma product and beta sum.
//
//===----------------------------------------------------------------------===//

#include "RaiseUtils.h"

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tern {
#define GEN_PASS_DEF_TERNRAISELAYERNORM
#include "Tern/TernPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;
using namespace tern::raise;

namespace {

/// `reduce_sum(v, last) * (1/N)` in either operand order: returns v.
Value matchMeanOverLast(Value mean) {
  auto mul = mean.getDefiningOp<tosa::MulOp>();
  if (!mul || mul.getShift() != 0)
    return {};
  auto sides = matchEither(mul.getInput1(), mul.getInput2(), [](Value v) {
    return static_cast<bool>(v.getDefiningOp<tosa::ReduceSumOp>());
  });
  if (!sides)
    return {};
  auto sum = sides->first.getDefiningOp<tosa::ReduceSumOp>();
  auto in = cast<RankedTensorType>(sum.getInput().getType());
  if (sum.getAxis() != in.getRank() - 1)
    return {};
  if (!isApprox(getSplat(sides->second), 1.0 / in.getShape().back(), 1e-4))
    return {};
  return sum.getInput();
}

/// `x - mean(x)`: returns x.
Value matchCentered(Value d) {
  auto sub = d.getDefiningOp<tosa::SubOp>();
  if (!sub)
    return {};
  Value x = matchMeanOverLast(sub.getInput2());
  return x == sub.getInput1() ? x : Value();
}

/// `sqrt(v)` as the importer writes it: reciprocal(rsqrt(v)) or pow(v, 0.5).
Value matchSqrt(Value s) {
  if (auto rec = s.getDefiningOp<tosa::ReciprocalOp>())
    if (auto rs = rec.getInput1().getDefiningOp<tosa::RsqrtOp>())
      return rs.getInput1();
  if (auto pow = s.getDefiningOp<tosa::PowOp>())
    if (isApprox(getSplat(pow.getInput2()), 0.5))
      return pow.getInput1();
  return {};
}

/// `1 / sqrt(v)`: rsqrt(v) or reciprocal(sqrt(v)). Returns v.
Value matchInvSqrt(Value inv) {
  if (auto rs = inv.getDefiningOp<tosa::RsqrtOp>())
    return rs.getInput1();
  if (auto rec = inv.getDefiningOp<tosa::ReciprocalOp>())
    return matchSqrt(rec.getInput1());
  return {};
}

/// `d^2` as pow(d, 2) or d * d. Returns d.
Value matchSquare(Value sq) {
  if (auto pow = sq.getDefiningOp<tosa::PowOp>())
    if (isApprox(getSplat(pow.getInput2()), 2.0, 1e-6))
      return pow.getInput1();
  if (auto mul = sq.getDefiningOp<tosa::MulOp>())
    if (mul.getInput1() == mul.getInput2() && mul.getShift() == 0)
      return mul.getInput1();
  return {};
}

struct LayerNormPattern : OpRewritePattern<tosa::MulOp> {
  LayerNormPattern(MLIRContext *ctx, llvm::Statistic &count)
      : OpRewritePattern(ctx), count(count) {}

  LogicalResult matchAndRewrite(tosa::MulOp norm,
                                PatternRewriter &rewriter) const override {
    if (norm.getShift() != 0)
      return failure();
    // norm = d * inv, d = x - mean(x), inv = 1/sqrt(mean(d^2) + eps).
    auto sides = matchEither(norm.getInput1(), norm.getInput2(),
                             [](Value v) { return bool(matchCentered(v)); });
    if (!sides)
      return rewriter.notifyMatchFailure(norm, "no centered operand");
    Value d = sides->first, x = matchCentered(d);
    Value ve = matchInvSqrt(sides->second);
    auto add = ve ? ve.getDefiningOp<tosa::AddOp>() : nullptr;
    if (!add)
      return rewriter.notifyMatchFailure(norm, "no 1/sqrt(var + eps)");
    auto varEps = matchEither(add.getInput1(), add.getInput2(),
                              [](Value v) { return getSplat(v).has_value(); });
    if (!varEps)
      return rewriter.notifyMatchFailure(norm, "epsilon is not a constant");
    double eps = *getSplat(varEps->first);
    Value sq = matchMeanOverLast(varEps->second);
    if (!sq || matchSquare(sq) != d)
      return rewriter.notifyMatchFailure(norm,
                                         "variance is not mean((x-mean)^2)");
    // d must serve only this chain.
    for (Operation *user : d.getUsers())
      if (user != norm && user != sq.getDefiningOp())
        return rewriter.notifyMatchFailure(norm, "centered value escapes");

    auto xType = cast<RankedTensorType>(x.getType());
    int64_t n = xType.getShape().back();
    Value root = norm.getResult(), gamma, beta;
    if (root.hasOneUse())
      if (auto mul = dyn_cast<tosa::MulOp>(*root.getUsers().begin())) {
        Value other =
            mul.getInput1() == root ? mul.getInput2() : mul.getInput1();
        if (mul.getShift() == 0 && isConstantLike(other) &&
            isPerFeature(other, n)) {
          gamma = other;
          root = mul.getResult();
        }
      }
    if (root.hasOneUse())
      if (auto sum = dyn_cast<tosa::AddOp>(*root.getUsers().begin())) {
        Value other =
            sum.getInput1() == root ? sum.getInput2() : sum.getInput1();
        if (isConstantLike(other) && isPerFeature(other, n)) {
          beta = other;
          root = sum.getResult();
        }
      }
    Operation *rootOp = root.getDefiningOp();
    if (cast<RankedTensorType>(root.getType()) != xType)
      return rewriter.notifyMatchFailure(norm, "result type differs");

    rewriter.setInsertionPoint(rootOp);
    Location loc = rootOp->getLoc();
    auto vecType = RankedTensorType::get({n}, xType.getElementType());
    gamma = gamma ? asVector(rewriter, loc, gamma, n)
                  : createSplat(rewriter, loc, vecType, 1.0);
    beta = beta ? asVector(rewriter, loc, beta, n)
                : createSplat(rewriter, loc, vecType, 0.0);
    rewriter.replaceOpWithNewOp<LayerNormOp>(
        rootOp, xType, x, gamma, beta,
        rewriter.getF32FloatAttr(static_cast<float>(eps)),
        PrecisionAttr::get(getContext(), Precision::f32));
    ++count;
    return success();
  }

  llvm::Statistic &count;
};

class TernRaiseLayerNorm
    : public tern::impl::TernRaiseLayerNormBase<TernRaiseLayerNorm> {
public:
  using TernRaiseLayerNormBase::TernRaiseLayerNormBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LayerNormPattern>(&getContext(), numLayerNorms);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
