//===- RaiseLinear.cpp - MatMul/Gemm with constant weights -> tern.linear -===//
//
// Implements tern-raise-linear (contract in dialects/Tern/Passes.td).
//
//===----------------------------------------------------------------------===//

#include "RaiseUtils.h"

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Transforms/GreedyPatternRewriteDriver.h"

namespace tern {
#define GEN_PASS_DEF_TERNRAISELINEAR
#include "Tern/TernPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;
using namespace tern::raise;

namespace {

/// The [K, N] weight behind the matmul operand `b` ([1, K, N]).
Value weightMatrix(PatternRewriter &rewriter, Location loc, Value b) {
  auto t = cast<RankedTensorType>(b.getType());
  auto type = RankedTensorType::get({t.getDimSize(1), t.getDimSize(2)},
                                    t.getElementType());
  if (auto r = b.getDefiningOp<tosa::ReshapeOp>())
    if (r.getInput1().getType() == type)
      return r.getInput1();
  if (auto cst = b.getDefiningOp<tosa::ConstOp>())
    if (auto dense = dyn_cast<DenseElementsAttr>(cst.getValue()))
      return rewriter.create<tosa::ConstOp>(loc, type, dense.reshape(type));
  return rewriter.create<tosa::ReshapeOp>(
      loc, type, b, rewriter.getDenseI64ArrayAttr(type.getShape()));
}

struct LinearPattern : OpRewritePattern<tosa::MatMulOp> {
  LinearPattern(MLIRContext *ctx, llvm::Statistic &linears,
                llvm::Statistic &biases)
      : OpRewritePattern(ctx), linears(linears), biases(biases) {}

  LogicalResult matchAndRewrite(tosa::MatMulOp mm,
                                PatternRewriter &rewriter) const override {
    auto bType = cast<RankedTensorType>(mm.getB().getType());
    auto aType = cast<RankedTensorType>(mm.getA().getType());
    if (bType.getDimSize(0) != 1 || aType.getDimSize(0) != 1)
      return rewriter.notifyMatchFailure(mm, "batched weight");
    if (!isConstantLike(mm.getB()))
      return rewriter.notifyMatchFailure(mm, "weight is not constant");
    int64_t k = bType.getDimSize(1), n = bType.getDimSize(2);

    // The activation before the importer's [1, P, K] reshape. When that
    // reshape also merged a layout change (canonicalization folds reshape
    // chains, e.g. MultiheadAttention's [S, B*H, Dh] -> [S*B, D]), the
    // product is raised on the [P, K] rows and reshaped back.
    Value x = mm.getA();
    if (auto r = x.getDefiningOp<tosa::ReshapeOp>())
      x = r.getInput1();
    auto xType = cast<RankedTensorType>(x.getType());
    if (xType.getRank() < 2 || xType.getRank() > 4 ||
        xType.getShape().back() != k)
      return raiseRows(mm, rewriter, k, n);
    SmallVector<int64_t> outShape(xType.getShape().drop_back());
    outShape.push_back(n);
    auto outType = RankedTensorType::get(outShape, xType.getElementType());

    Value root = mm.getResult();
    if (root.getType() != outType) {
      if (!root.hasOneUse())
        return rewriter.notifyMatchFailure(mm, "product has other users");
      auto r = dyn_cast<tosa::ReshapeOp>(*root.getUsers().begin());
      if (!r || r.getType() != outType)
        return rewriter.notifyMatchFailure(mm, "result is not reshaped back");
      root = r.getResult();
    }
    Value bias;
    if (root.hasOneUse())
      if (auto add = dyn_cast<tosa::AddOp>(*root.getUsers().begin())) {
        Value other =
            add.getInput1() == root ? add.getInput2() : add.getInput1();
        if (add.getType() == outType && isConstantLike(other) &&
            isPerFeature(other, n)) {
          bias = other;
          root = add.getResult();
        }
      }

    Operation *rootOp = root.getDefiningOp();
    rewriter.setInsertionPoint(rootOp);
    Location loc = rootOp->getLoc();
    Value w = weightMatrix(rewriter, loc, mm.getB());
    if (bias)
      bias = asVector(rewriter, loc, bias, n);
    rewriter.replaceOpWithNewOp<LinearOp>(
        rootOp, outType, x, w, bias,
        PrecisionAttr::get(getContext(), Precision::f32));
    ++linears;
    if (bias)
      ++biases;
    return success();
  }

  /// tern.linear on reshape(A, [P, K]), reshaped back to [1, P, N].
  LogicalResult raiseRows(tosa::MatMulOp mm, PatternRewriter &rewriter,
                          int64_t k, int64_t n) const {
    auto aType = cast<RankedTensorType>(mm.getA().getType());
    int64_t rows = aType.getDimSize(1);
    Location loc = mm.getLoc();
    auto elementType = aType.getElementType();
    Value x = rewriter.create<tosa::ReshapeOp>(
        loc, RankedTensorType::get({rows, k}, elementType), mm.getA(),
        rewriter.getDenseI64ArrayAttr({rows, k}));
    Value w = weightMatrix(rewriter, loc, mm.getB());
    Value y = rewriter.create<LinearOp>(
        loc, RankedTensorType::get({rows, n}, elementType), x, w, Value(),
        PrecisionAttr::get(getContext(), Precision::f32));
    rewriter.replaceOpWithNewOp<tosa::ReshapeOp>(
        mm, mm.getType(), y, rewriter.getDenseI64ArrayAttr({1, rows, n}));
    ++linears;
    return success();
  }

  llvm::Statistic &linears, &biases;
};

class TernRaiseLinear
    : public tern::impl::TernRaiseLinearBase<TernRaiseLinear> {
public:
  using TernRaiseLinearBase::TernRaiseLinearBase;

  void runOnOperation() override {
    RewritePatternSet patterns(&getContext());
    patterns.add<LinearPattern>(&getContext(), numLinears, numBiasesFused);
    if (failed(
            applyPatternsAndFoldGreedily(getOperation(), std::move(patterns))))
      signalPassFailure();
  }
};

} // namespace
