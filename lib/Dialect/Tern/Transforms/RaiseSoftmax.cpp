//===- RaiseSoftmax.cpp - decomposed (log-)softmax -> tern ops ------------===//
//
// Implements tern-raise-softmax (contract in dialects/Tern/Passes.td).
// Anchored at the last op of the chain (the product by the reciprocal sum,
// or the subtraction of the log sum); the chain is traced back to x and its
// reduction axis, and every intermediate must have no user outside it.
//
//===----------------------------------------------------------------------===//

#include "RaiseUtils.h"

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tern {
#define GEN_PASS_DEF_TERNRAISESOFTMAX
#include "Tern/TernPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;

namespace {

/// The front of the chain: d = x - reduce_max(x, axis) and e = exp(d).
struct Chain {
  Value x;
  int64_t axis = 0;
  tosa::SubOp d;
  tosa::ExpOp e;
};

/// `s` = reduce_sum(exp(x - reduce_max(x, a)), a), every op the chain's only
/// reader of the previous value except `d` (`dUses` users) and `e`
/// (`eUses`).
std::optional<Chain> matchSum(Value s, unsigned dUses, unsigned eUses) {
  auto sum = s.getDefiningOp<tosa::ReduceSumOp>();
  if (!sum || !s.hasOneUse())
    return std::nullopt;
  auto exp = sum.getInput().getDefiningOp<tosa::ExpOp>();
  if (!exp || !llvm::hasNItems(exp->getUses(), eUses))
    return std::nullopt;
  auto sub = exp.getInput1().getDefiningOp<tosa::SubOp>();
  if (!sub || !llvm::hasNItems(sub->getUses(), dUses))
    return std::nullopt;
  auto max = sub.getInput2().getDefiningOp<tosa::ReduceMaxOp>();
  if (!max || !max->hasOneUse() || max.getInput() != sub.getInput1() ||
      max.getAxis() != sum.getAxis())
    return std::nullopt;
  Value x = sub.getInput1();
  auto type = dyn_cast<RankedTensorType>(x.getType());
  if (!type || !isa<FloatType>(type.getElementType()) ||
      sub.getType() != type || exp.getType() != type)
    return std::nullopt;
  return Chain{x, static_cast<int64_t>(max.getAxis()), sub, exp};
}

Value transpose(PatternRewriter &rewriter, Location loc, Value v,
                ArrayRef<int32_t> perm) {
  auto type = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape;
  for (int32_t p : perm)
    shape.push_back(type.getDimSize(p));
  auto permType =
      RankedTensorType::get({int64_t(perm.size())}, rewriter.getI32Type());
  Value perms = rewriter.create<tosa::ConstOp>(
      loc, permType, DenseIntElementsAttr::get(permType, perm));
  return rewriter.create<tosa::TransposeOp>(
      loc, RankedTensorType::get(shape, type.getElementType()), v, perms);
}

/// Replaces `root` by OpTy over the last dimension of `chain.x`, moving the
/// reduction axis there and back when it is not last.
template <typename OpTy>
void replaceWithRowOp(PatternRewriter &rewriter, Operation *root,
                      const Chain &chain) {
  Location loc = root->getLoc();
  auto type = cast<RankedTensorType>(chain.x.getType());
  int64_t rank = type.getRank();
  if (chain.axis == rank - 1) {
    rewriter.replaceOpWithNewOp<OpTy>(root, type, chain.x);
    return;
  }
  SmallVector<int32_t> perm, inverse(rank);
  for (int64_t i = 0; i < rank; ++i)
    if (i != chain.axis)
      perm.push_back(static_cast<int32_t>(i));
  perm.push_back(static_cast<int32_t>(chain.axis));
  for (int64_t i = 0; i < rank; ++i)
    inverse[perm[i]] = static_cast<int32_t>(i);
  Value moved = transpose(rewriter, loc, chain.x, perm);
  Value rows = rewriter.create<OpTy>(loc, moved.getType(), moved);
  rewriter.replaceOp(root, transpose(rewriter, loc, rows, inverse));
}

/// y = e * reciprocal(reduce_sum(e)) -> tern.softmax.
struct SoftmaxPattern : OpRewritePattern<tosa::MulOp> {
  SoftmaxPattern(MLIRContext *ctx, llvm::Statistic &count)
      : OpRewritePattern(ctx), count(count) {}

  LogicalResult matchAndRewrite(tosa::MulOp mul,
                                PatternRewriter &rewriter) const override {
    if (mul.getShift() != 0)
      return rewriter.notifyMatchFailure(mul, "an integer shift");
    for (int side = 0; side < 2; ++side) {
      Value e = mul->getOperand(side), r = mul->getOperand(1 - side);
      auto reciprocal = r.getDefiningOp<tosa::ReciprocalOp>();
      if (!reciprocal || !r.hasOneUse())
        continue;
      std::optional<Chain> chain =
          matchSum(reciprocal.getInput1(), /*dUses=*/1, /*eUses=*/2);
      if (!chain || chain->e.getResult() != e ||
          mul.getType() != chain->x.getType())
        continue;
      replaceWithRowOp<SoftmaxOp>(rewriter, mul, *chain);
      ++count;
      return success();
    }
    return rewriter.notifyMatchFailure(mul, "not e * reciprocal(sum e)");
  }

  llvm::Statistic &count;
};

/// y = d - log(reduce_sum(exp(d))) -> tern.log_softmax.
struct LogSoftmaxPattern : OpRewritePattern<tosa::SubOp> {
  LogSoftmaxPattern(MLIRContext *ctx, llvm::Statistic &count)
      : OpRewritePattern(ctx), count(count) {}

  LogicalResult matchAndRewrite(tosa::SubOp sub,
                                PatternRewriter &rewriter) const override {
    auto log = sub.getInput2().getDefiningOp<tosa::LogOp>();
    if (!log || !log->hasOneUse())
      return rewriter.notifyMatchFailure(sub, "not d - log(s)");
    std::optional<Chain> chain =
        matchSum(log.getInput1(), /*dUses=*/2, /*eUses=*/1);
    if (!chain || chain->d.getResult() != sub.getInput1() ||
        sub.getType() != chain->x.getType())
      return rewriter.notifyMatchFailure(sub, "not d - log(sum exp d)");
    replaceWithRowOp<LogSoftmaxOp>(rewriter, sub, *chain);
    ++count;
    return success();
  }

  llvm::Statistic &count;
};

class TernRaiseSoftmax
    : public tern::impl::TernRaiseSoftmaxBase<TernRaiseSoftmax> {
public:
  using TernRaiseSoftmaxBase::TernRaiseSoftmaxBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<SoftmaxPattern>(&getContext(), numSoftmaxes);
    patterns.add<LogSoftmaxPattern>(&getContext(), numLogSoftmaxes);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
