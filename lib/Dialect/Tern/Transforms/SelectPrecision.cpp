//===- SelectPrecision.cpp - decide the numeric mode of tern ops ----------===//
//
// Implements tern-select-precision (see dialects/Tern/Passes.td).
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

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
    // The only policy so far (the option's parser rejects any other).
    assert(policy == PrecisionPolicy::bf16 && "unknown precision policy");
    auto bf16 = PrecisionAttr::get(&getContext(), Precision::bf16);
    getOperation().walk([&](Operation *op) {
      if (op->getDialect() != getContext().getLoadedDialect<TernDialect>())
        return;
      auto current = op->getAttrOfType<PrecisionAttr>("precision");
      if (current && current.getValue() != Precision::f32 && !overrideDecided)
        return;
      op->setAttr("precision", bf16);
    });
  }
};

} // namespace
