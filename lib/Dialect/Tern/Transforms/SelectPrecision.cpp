//===- SelectPrecision.cpp - decide the numeric mode of tern ops ----------===//
//
// Implements tern-select-precision (see dialects/Tern/Passes.td).
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/Quantization.h"
#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/Support/GlobPattern.h"

namespace tern {
#define GEN_PASS_DEF_TERNSELECTPRECISION
#include "Tern/TernPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;

namespace {

class TernSelectPrecision
    : public tern::impl::TernSelectPrecisionBase<TernSelectPrecision> {
public:
  using TernSelectPrecisionBase::TernSelectPrecisionBase;

  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    // Parse the overrides first: a malformed one fails before any change.
    struct Override {
      std::string text;
      llvm::GlobPattern pattern;
      Precision mode;
      bool used = false, applied = false;
      SmallVector<Operation *> kernelless;
    };
    SmallVector<Override> parsed;
    for (const std::string &text : overrides) {
      auto [name, mode] = StringRef(text).rsplit('=');
      std::optional<Precision> precision =
          mode == "bf16" ? std::optional(Precision::bf16)
          : mode == "int" ? std::optional(Precision::integer)
                          : std::nullopt;
      auto pattern = llvm::GlobPattern::create(name);
      if (name.empty() || !precision || !pattern) {
        if (!pattern)
          llvm::consumeError(pattern.takeError());
        getOperation().emitError("tern-select-precision: override '")
            << text << "' is not NAME=MODE with a glob NAME and MODE bf16 or "
                       "int";
        return signalPassFailure();
      }
      parsed.push_back({text, std::move(*pattern), *precision});
    }

    if (policy == PrecisionPolicy::intOnly)
      raiseResidualAdds();

    bool failedOverride = false, kernelless = false;
    getOperation().walk([&](Operation *op) {
      if (op->getDialect() != ctx->getLoadedDialect<TernDialect>() ||
          !hasPrecision(op))
        return;
      auto current = op->getAttrOfType<PrecisionAttr>("precision");
      if (!current || current.getValue() == Precision::f32 || overrideDecided) {
        if (policy == PrecisionPolicy::intOnly && !hasIntegerKernel(op)) {
          op->emitOpError("has no integer kernel (node '")
              << operatorName(op)
              << "'); --precision int-only needs one for every operator "
                 "(int8-max runs it in bf16)";
          kernelless = true;
          return;
        }
        op->setAttr("precision", PrecisionAttr::get(ctx, choose(op)));
      }
      std::string name = operatorName(op);
      for (Override &o : parsed) {
        if (!o.pattern.match(name))
          continue;
        o.used = true;
        // Raised ops may share a name (the attention products carry the
        // softmax's node): `int` applies to those with integer kernels.
        if (o.mode == Precision::integer && !isa<LinearOp, MatMulOp>(op)) {
          o.kernelless.push_back(op);
          continue;
        }
        o.applied = true;
        op->setAttr("precision", PrecisionAttr::get(ctx, o.mode));
      }
    });
    for (const Override &o : parsed) {
      if (!o.used) {
        getOperation().emitError("tern-select-precision: override '")
            << o.text << "' names no operator of '"
            << getOperation().getSymName() << "'";
        failedOverride = true;
      } else if (!o.applied) {
        o.kernelless.front()->emitOpError("cannot run in precision <int> "
                                          "(override '")
            << o.text << "'): only tern.linear and tern.matmul have "
                         "integer kernels";
        failedOverride = true;
      }
    }
    if (failedOverride || kernelless)
      signalPassFailure();
  }

private:
  /// Operators the integer-only kernels cover (SEEDS.md sections 0-1):
  /// matrix products (unmasked: the mask is a float addend), i-exp softmax,
  /// i-GELU, integer LayerNorm and the integer residual add.
  static bool hasIntegerKernel(Operation *op) {
    if (auto matmul = dyn_cast<MatMulOp>(op))
      return !matmul.getMask();
    return isa<LinearOp, SoftmaxOp, GeluOp, LayerNormOp, AddOp>(op);
  }

  /// A residual connection, `tosa.add` of two run-time tensors with the
  /// result's type, becomes `tern.add` (integer residual sum). Adds of a
  /// constant (biases, position embeddings) stay TOSA.
  void raiseResidualAdds() {
    SmallVector<tosa::AddOp> adds;
    getOperation().walk([&](tosa::AddOp add) {
      auto isConstant = [](Value v) {
        return v.getDefiningOp() &&
               v.getDefiningOp()->hasTrait<OpTrait::ConstantLike>();
      };
      if (add.getInput1().getType() == add.getType() &&
          add.getInput2().getType() == add.getType() &&
          !isConstant(add.getInput1()) && !isConstant(add.getInput2()))
        adds.push_back(add);
    });
    for (tosa::AddOp add : adds) {
      OpBuilder b(add);
      auto sum = b.create<AddOp>(add.getLoc(), add.getType(), add.getInput1(),
                                 add.getInput2(),
                                 PrecisionAttr::get(&getContext(),
                                                    Precision::f32));
      for (NamedAttribute attr : add->getDiscardableAttrs())
        sum->setAttr(attr.getName(), attr.getValue());
      add.replaceAllUsesWith(sum.getResult());
      add.erase();
    }
  }

  /// Layout ops (split / merge heads) compute nothing and carry no mode.
  static bool hasPrecision(Operation *op) {
    std::optional<RegisteredOperationName> info = op->getRegisteredInfo();
    return info && llvm::any_of(info->getAttributeNames(), [](StringAttr a) {
             return a.getValue() == "precision";
           });
  }

  /// A linear layer of the model itself: a constant weight (possibly behind
  /// transposes and reshapes, e.g. a Gemm's transB, folded at compile
  /// time), not one of the matrices tern-differentiate builds
  /// (tern.derived_weight).
  static bool isFrozenBaseLinear(Operation *op) {
    auto linear = dyn_cast<LinearOp>(op);
    if (!linear || linear->hasAttr("tern.derived_weight"))
      return false;
    Operation *w = linear.getWeight().getDefiningOp();
    while (w && isa<tosa::TransposeOp, tosa::ReshapeOp>(w))
      w = w->getOperand(0).getDefiningOp();
    return w && w->hasTrait<OpTrait::ConstantLike>();
  }

  /// quant.dcast(quant.scast(integer constant)): a QDQ model's weight.
  static bool dequantizedConstant(Value v) {
    auto dcast = v.getDefiningOp<mlir::quant::DequantizeCastOp>();
    auto scast =
        dcast ? dcast.getArg().getDefiningOp<mlir::quant::StorageCastOp>()
              : nullptr;
    return scast && scast.getArg().getDefiningOp() &&
           scast.getArg().getDefiningOp()->hasTrait<OpTrait::ConstantLike>();
  }

  Precision choose(Operation *op) const {
    Precision chosen = choosePolicy(op);
    if (frozenOnly && chosen == Precision::integer && !isFrozenBaseLinear(op))
      return Precision::bf16;
    return chosen;
  }

  Precision choosePolicy(Operation *op) const {
    switch (policy) {
    case PrecisionPolicy::bf16:
      return Precision::bf16;
    case PrecisionPolicy::qdq: {
      if (!isa<LinearOp, MatMulOp>(op))
        return Precision::bf16;
      // The first two operands: a linear's input and weight, a matmul's
      // lhs and rhs. A linear's constant weight may be dequantized behind
      // a transpose (a Gemm's transB: DequantizeLinear of the [N, K]
      // initializer), which tern-quantize folds into a transposed integer
      // constant.
      auto dequantized = [](Value v) {
        return isa_and_nonnull<mlir::quant::DequantizeCastOp>(
            v.getDefiningOp());
      };
      Value second = op->getOperand(1);
      if (auto t = second.getDefiningOp<tosa::TransposeOp>();
          t && isa<LinearOp>(op) && dequantizedConstant(t.getInput1()))
        second = t.getInput1();
      return dequantized(op->getOperand(0)) && dequantized(second)
                 ? Precision::integer
                 : Precision::bf16;
    }
    case PrecisionPolicy::intOnly:
      return Precision::integer; // kernel-less ops are refused before
    case PrecisionPolicy::int8Max:
      return hasIntegerKernel(op) && !isa<AddOp>(op) ? Precision::integer
                                                     : Precision::bf16;
    case PrecisionPolicy::tataa:
      // SEEDS.md section 4: linear layers and attention products on the
      // int8 systolic array, everything else on the bf16 SIMD lanes.
      return isa<LinearOp, MatMulOp>(op) ? Precision::integer
                                          : Precision::bf16;
    }
    llvm_unreachable("unknown precision policy");
  }
};

} // namespace
