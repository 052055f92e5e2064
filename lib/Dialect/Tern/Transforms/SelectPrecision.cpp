//===- SelectPrecision.cpp - decide the numeric mode of tern ops ----------===//
//
// Implements tern-select-precision (see dialects/Tern/Passes.td).
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Dialect/Quant/QuantOps.h"

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
    getOperation().walk([&](Operation *op) {
      if (op->getDialect() != ctx->getLoadedDialect<TernDialect>() ||
          !hasPrecision(op))
        return;
      auto current = op->getAttrOfType<PrecisionAttr>("precision");
      if (current && current.getValue() != Precision::f32 && !overrideDecided)
        return;
      op->setAttr("precision", PrecisionAttr::get(ctx, choose(op)));
    });
  }

private:
  /// Layout ops (split / merge heads) compute nothing and carry no mode.
  static bool hasPrecision(Operation *op) {
    std::optional<RegisteredOperationName> info = op->getRegisteredInfo();
    return info && llvm::any_of(info->getAttributeNames(), [](StringAttr a) {
             return a.getValue() == "precision";
           });
  }

  Precision choose(Operation *op) const {
    switch (policy) {
    case PrecisionPolicy::bf16:
      return Precision::bf16;
    case PrecisionPolicy::qdq: {
      if (!isa<LinearOp, MatMulOp>(op))
        return Precision::bf16;
      // The first two operands: a linear's input and weight, a matmul's
      // lhs and rhs.
      bool given = llvm::all_of(
          op->getOperands().take_front(2), [](Value v) {
            return isa_and_nonnull<mlir::quant::DequantizeCastOp>(
                v.getDefiningOp());
          });
      return given ? Precision::integer : Precision::bf16;
    }
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
