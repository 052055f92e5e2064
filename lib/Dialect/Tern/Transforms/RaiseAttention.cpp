//===- RaiseAttention.cpp - softmax attention -> tern attention ops -------===//
//
// Implements tern-raise-attention (contract in dialects/Tern/Passes.td).
// Attention is anchored at its tern.softmax: the scores are traced back
// through mask, scale and the importer's reshapes to the batched
// tosa.matmul, and the probabilities forward to the context product. The
// head-layout patterns turn reshape + transpose pairs into
// tern.split_heads / tern.merge_heads.
//
//===----------------------------------------------------------------------===//

#include "RaiseUtils.h"

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

#include <limits>

namespace tern {
#define GEN_PASS_DEF_TERNRAISEATTENTION
#include "Tern/TernPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;
using namespace tern::raise;

namespace {

/// The constant permutation of a tosa.transpose.
std::optional<SmallVector<int64_t>> getPerm(tosa::TransposeOp t) {
  SmallVector<int64_t> perm;
  if (failed(t.getConstantPerms(perm)))
    return std::nullopt;
  return perm;
}

bool isNegInf(Value v) {
  std::optional<double> s = getSplat(v);
  return s && std::isinf(*s) && *s < 0;
}

/// `v` in rank `rank` with the batch split as in `logicalShape` (same last
/// two dimensions): the reshape's source if it already is, else a reshape.
Value toLogical(PatternRewriter &rewriter, Location loc, Value v,
                ArrayRef<int64_t> batch) {
  auto t = cast<RankedTensorType>(v.getType());
  SmallVector<int64_t> shape(batch);
  shape.append({t.getDimSize(t.getRank() - 2), t.getDimSize(t.getRank() - 1)});
  if (t.getShape() == ArrayRef<int64_t>(shape))
    return v;
  if (auto r = v.getDefiningOp<tosa::ReshapeOp>())
    if (cast<RankedTensorType>(r.getInput1().getType()).getShape() ==
        ArrayRef<int64_t>(shape))
      return r.getInput1();
  return rewriter.create<tosa::ReshapeOp>(
      loc, RankedTensorType::get(shape, t.getElementType()), v,
      rewriter.getDenseI64ArrayAttr(shape));
}

struct AttentionPattern : OpRewritePattern<SoftmaxOp> {
  AttentionPattern(MLIRContext *ctx, llvm::Statistic &scores,
                   llvm::Statistic &masks, llvm::Statistic &contexts)
      : OpRewritePattern(ctx), scores(scores), masks(masks),
        contexts(contexts) {}

  LogicalResult matchAndRewrite(SoftmaxOp sm,
                                PatternRewriter &rewriter) const override {
    Location loc = sm.getLoc();
    Value s = sm.getInput();
    auto sType = cast<RankedTensorType>(s.getType());
    int64_t rank = sType.getRank();
    if (rank < 3 || rank > 4)
      return rewriter.notifyMatchFailure(sm, "scores rank");

    // Scale chain: products with splat constants.
    auto peelScale = [](Value v, double &scale) {
      while (auto mul = v.getDefiningOp<tosa::MulOp>()) {
        auto sides = matchEither(mul.getInput1(), mul.getInput2(), [](Value c) {
          return getSplat(c).has_value();
        });
        if (!sides || mul.getShift() != 0 ||
            sides->second.getType() != mul.getType())
          break;
        scale *= *getSplat(sides->first);
        v = sides->second;
      }
      return v;
    };
    // The batched product behind a score candidate, if any.
    auto productOf = [&](Value v, double &scale) -> tosa::MatMulOp {
      v = peelScale(v, scale);
      if (auto r = v.getDefiningOp<tosa::ReshapeOp>())
        v = r.getInput1();
      auto mm = v.getDefiningOp<tosa::MatMulOp>();
      return mm && v.hasOneUse() ? mm : tosa::MatMulOp();
    };

    double scale = 1.0;
    tosa::MatMulOp mm;
    Value mask; // additive, to be materialized
    std::function<Value(PatternRewriter &)> makeMask;
    if (auto add = s.getDefiningOp<tosa::AddOp>()) {
      for (auto [cand, other] : {std::pair(add.getInput1(), add.getInput2()),
                                 std::pair(add.getInput2(), add.getInput1())}) {
        double sc = 1.0;
        if (auto m = productOf(cand, sc)) {
          mm = m;
          scale = sc;
          double one = 1.0;
          mask = peelScale(other, one);
          if (one != 1.0)
            return rewriter.notifyMatchFailure(sm, "scaled mask");
          break;
        }
      }
    } else if (auto sel = s.getDefiningOp<tosa::SelectOp>()) {
      Value t = sel.getOnTrue(), f = sel.getOnFalse();
      bool fillTrue = isNegInf(t), fillFalse = isNegInf(f);
      if (fillTrue != fillFalse) {
        Value cand = fillTrue ? f : t;
        if ((mm = productOf(cand, scale))) {
          // select(c, -inf, s) == s + select(c, -inf, 0), on the mask's shape.
          Value cond = sel.getPred();
          makeMask = [=](PatternRewriter &rw) -> Value {
            auto ct = cast<RankedTensorType>(cond.getType());
            auto type =
                RankedTensorType::get(ct.getShape(), sType.getElementType());
            double inf = -std::numeric_limits<double>::infinity();
            Value ninf = createSplat(rw, loc, type, inf);
            Value zero = createSplat(rw, loc, type, 0.0);
            return rw.create<tosa::SelectOp>(loc, type, cond,
                                             fillTrue ? ninf : zero,
                                             fillTrue ? zero : ninf);
          };
        }
      }
    } else {
      mm = productOf(s, scale);
    }
    if (!mm)
      return rewriter.notifyMatchFailure(sm, "softmax is not over Q x K^T");
    if (!(scale > 0))
      return rewriter.notifyMatchFailure(sm, "non-positive scale");
    if (mask) {
      auto mt = dyn_cast<RankedTensorType>(mask.getType());
      if (!mt || !isa<FloatType>(mt.getElementType()) || mt.getRank() > rank)
        return rewriter.notifyMatchFailure(sm, "mask type");
      for (auto [m, d] : llvm::zip(llvm::reverse(mt.getShape()),
                                   llvm::reverse(sType.getShape())))
        if (m != 1 && m != d)
          return rewriter.notifyMatchFailure(sm, "mask does not broadcast");
    }

    // Operands in the model's rank: Q [..., M, K], K [..., N, K].
    ArrayRef<int64_t> batch = sType.getShape().drop_back(2);
    Value a = mm.getA();
    double qScale = 1.0;
    a = peelScale(a, qScale);
    if (!(qScale > 0))
      return rewriter.notifyMatchFailure(sm, "non-positive query scale");
    scale *= qScale;

    rewriter.setInsertionPoint(sm);
    Value lhs = toLogical(rewriter, loc, a, batch);
    Value b = mm.getB();
    Value rhsSource = b;
    if (auto r = b.getDefiningOp<tosa::ReshapeOp>())
      rhsSource = r.getInput1();
    Value rhs;
    bool transposeRhs = false;
    if (auto t = rhsSource.getDefiningOp<tosa::TransposeOp>()) {
      auto perm = getPerm(t);
      auto tType = cast<RankedTensorType>(t.getType());
      // Only when its batch dimensions are the scores' (a transpose that
      // also reorders batch dimensions is left to the reshape path).
      if (perm && tType.getRank() == rank &&
          tType.getShape().drop_back(2) == batch) {
        // K^T = transpose(X, p): K = transpose(X, p with the last two
        // entries swapped).
        std::swap((*perm)[rank - 1], (*perm)[rank - 2]);
        Value x = t.getInput1();
        bool identity = true;
        for (int64_t i = 0; i < rank; ++i)
          identity &= (*perm)[i] == i;
        if (identity) {
          rhs = x;
        } else {
          auto xShape = cast<RankedTensorType>(x.getType()).getShape();
          SmallVector<int64_t> shape;
          SmallVector<int32_t> perm32;
          for (int64_t p : *perm) {
            shape.push_back(xShape[p]);
            perm32.push_back(static_cast<int32_t>(p));
          }
          auto permType = RankedTensorType::get({rank}, rewriter.getI32Type());
          Value perms = rewriter.create<tosa::ConstOp>(
              loc, permType, DenseIntElementsAttr::get(permType, perm32));
          rhs = rewriter.create<tosa::TransposeOp>(
              loc, RankedTensorType::get(shape, tType.getElementType()), x,
              perms);
        }
        transposeRhs = true;
      }
    }
    if (!rhs)
      rhs = toLogical(rewriter, loc, b, batch);

    if (makeMask)
      mask = makeMask(rewriter);
    if (mask) {
      auto mt = cast<RankedTensorType>(mask.getType());
      if (mt.getRank() < rank) {
        SmallVector<int64_t> shape(rank - mt.getRank(), 1);
        shape.append(mt.getShape().begin(), mt.getShape().end());
        mask = rewriter.create<tosa::ReshapeOp>(
            loc, RankedTensorType::get(shape, mt.getElementType()), mask,
            rewriter.getDenseI64ArrayAttr(shape));
      }
    }
    Value scoreValue = rewriter.create<MatMulOp>(
        loc, sType, lhs, rhs, mask,
        transposeRhs ? rewriter.getUnitAttr() : UnitAttr(),
        rewriter.getF64FloatAttr(scale),
        PrecisionAttr::get(getContext(), Precision::f32));
    rewriter.modifyOpInPlace(sm,
                             [&] { sm.getInputMutable().assign(scoreValue); });
    ++scores;
    if (mask)
      ++masks;

    // Context: P x V through the importer's reshapes.
    Value p = sm.getResult();
    if (!p.hasOneUse())
      return success();
    Operation *user = *p.getUsers().begin();
    Value p3 = p;
    if (auto r = dyn_cast<tosa::ReshapeOp>(user)) {
      if (!r->hasOneUse())
        return success();
      p3 = r.getResult();
      user = *p3.getUsers().begin();
    }
    auto ctx = dyn_cast<tosa::MatMulOp>(user);
    if (!ctx || ctx.getA() != p3)
      return success();
    Value out = ctx.getResult();
    auto outType = cast<RankedTensorType>(out.getType());
    SmallVector<int64_t> logical(batch);
    logical.append({outType.getDimSize(1), outType.getDimSize(2)});
    Operation *root = ctx;
    if (rank == 4) {
      if (!out.hasOneUse())
        return success();
      auto r = dyn_cast<tosa::ReshapeOp>(*out.getUsers().begin());
      if (!r || r.getType().getShape() != ArrayRef<int64_t>(logical))
        return success();
      root = r;
    }
    rewriter.setInsertionPoint(root);
    Value v = toLogical(rewriter, root->getLoc(), ctx.getB(), batch);
    rewriter.replaceOpWithNewOp<MatMulOp>(
        root, root->getResult(0).getType(), p, v, Value(), UnitAttr(),
        rewriter.getF64FloatAttr(1.0),
        PrecisionAttr::get(getContext(), Precision::f32));
    ++contexts;
    return success();
  }

  llvm::Statistic &scores, &masks, &contexts;
};

/// reshape [B, S, H*Dh] -> [B, S, H, Dh] + transpose (0, 2, 1, 3) (or
/// (0, 2, 3, 1), the K^T layout) -> tern.split_heads (+ a last-two-dims
/// transpose).
struct SplitHeadsPattern : OpRewritePattern<tosa::TransposeOp> {
  SplitHeadsPattern(MLIRContext *ctx, llvm::Statistic &count)
      : OpRewritePattern(ctx), count(count) {}

  LogicalResult matchAndRewrite(tosa::TransposeOp t,
                                PatternRewriter &rewriter) const override {
    auto perm = getPerm(t);
    if (!perm || perm->size() != 4)
      return failure();
    bool plain = *perm == SmallVector<int64_t>{0, 2, 1, 3};
    bool keyT = *perm == SmallVector<int64_t>{0, 2, 3, 1};
    if (!plain && !keyT)
      return failure();
    auto r = t.getInput1().getDefiningOp<tosa::ReshapeOp>();
    if (!r)
      return failure();
    // The source may have any shape with H*Dh features last (reshape chains
    // are folded by canonicalization): it is viewed as [B, S, H*Dh].
    auto in = cast<RankedTensorType>(r.getInput1().getType());
    auto mid = cast<RankedTensorType>(r.getType()).getShape();
    if (!isa<FloatType>(in.getElementType()) || in.getRank() < 1 ||
        in.getShape().back() != mid[2] * mid[3])
      return failure();
    auto seqType = RankedTensorType::get({mid[0], mid[1], mid[2] * mid[3]},
                                         in.getElementType());
    Value source = r.getInput1();
    if (in != seqType)
      source = rewriter.create<tosa::ReshapeOp>(
          t.getLoc(), seqType, source,
          rewriter.getDenseI64ArrayAttr(seqType.getShape()));
    auto type = RankedTensorType::get({mid[0], mid[2], mid[1], mid[3]},
                                      in.getElementType());
    Value heads = rewriter.create<SplitHeadsOp>(
        t.getLoc(), type, source, rewriter.getI64IntegerAttr(mid[2]));
    ++count;
    if (plain) {
      rewriter.replaceOp(t, heads);
      return success();
    }
    auto permType = RankedTensorType::get({4}, rewriter.getI32Type());
    Value perms = rewriter.create<tosa::ConstOp>(
        t.getLoc(), permType,
        DenseIntElementsAttr::get(permType, ArrayRef<int32_t>{0, 1, 3, 2}));
    rewriter.replaceOpWithNewOp<tosa::TransposeOp>(t, t.getType(), heads,
                                                   perms);
    return success();
  }

  llvm::Statistic &count;
};

/// transpose (0, 2, 1, 3) of [B, H, S, Dh] + reshape to [B, S, H*Dh] ->
/// tern.merge_heads.
struct MergeHeadsPattern : OpRewritePattern<tosa::ReshapeOp> {
  MergeHeadsPattern(MLIRContext *ctx, llvm::Statistic &count)
      : OpRewritePattern(ctx), count(count) {}

  LogicalResult matchAndRewrite(tosa::ReshapeOp r,
                                PatternRewriter &rewriter) const override {
    auto t = r.getInput1().getDefiningOp<tosa::TransposeOp>();
    if (!t)
      return failure();
    auto perm = getPerm(t);
    if (!perm || *perm != SmallVector<int64_t>{0, 2, 1, 3})
      return failure();
    // Any target with H*Dh features last (e.g. [1, B*S, D] after the
    // importer's matmul reshape was folded in): merged as [B, S, D], then
    // reshaped.
    auto in = cast<RankedTensorType>(t.getInput1().getType());
    auto out = cast<RankedTensorType>(r.getType()).getShape();
    int64_t features = in.getDimSize(1) * in.getDimSize(3);
    if (!isa<FloatType>(in.getElementType()) || out.empty() ||
        out.back() != features)
      return failure();
    auto type = RankedTensorType::get(
        {in.getDimSize(0), in.getDimSize(2), features}, in.getElementType());
    Value merged =
        rewriter.create<MergeHeadsOp>(r.getLoc(), type, t.getInput1());
    if (type == r.getType())
      rewriter.replaceOp(r, merged);
    else
      rewriter.replaceOpWithNewOp<tosa::ReshapeOp>(r, r.getType(), merged,
                                                   r.getNewShapeAttr());
    ++count;
    return success();
  }

  llvm::Statistic &count;
};

class TernRaiseAttention
    : public tern::impl::TernRaiseAttentionBase<TernRaiseAttention> {
public:
  using TernRaiseAttentionBase::TernRaiseAttentionBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<AttentionPattern>(&getContext(), numScores, numMasksFused,
                                   numContexts);
    patterns.add<SplitHeadsPattern>(&getContext(), numSplitHeads);
    patterns.add<MergeHeadsPattern>(&getContext(), numMergeHeads);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
