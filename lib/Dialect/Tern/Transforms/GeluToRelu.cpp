//===- GeluToRelu.cpp - replace GELU with ReLU ----------------------------===//
//
// Implements tern-gelu-to-relu (see dialects/Tern/Passes.td for the contract).
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/IR/PatternMatch.h"

namespace tern {
#define GEN_PASS_DEF_TERNGELUTORELU
#include "Tern/TernPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;

namespace {

class TernGeluToRelu : public tern::impl::TernGeluToReluBase<TernGeluToRelu> {
public:
  using TernGeluToReluBase::TernGeluToReluBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    SmallVector<GeluOp> gelus;
    func.walk([&](GeluOp op) { gelus.push_back(op); });
    if (gelus.empty())
      return;

    IRRewriter rewriter(&getContext());
    for (GeluOp gelu : gelus) {
      rewriter.setInsertionPoint(gelu);
      rewriter.replaceOpWithNewOp<ReluOp>(gelu, gelu.getType(),
                                          gelu.getInput(),
                                          gelu.getPrecision());
    }
    numGeluReplaced += gelus.size();
    if (warn)
      func.emitWarning() << "replaced " << gelus.size()
                         << " GELU op(s) with ReLU; the model's function "
                            "changed, re-measure its accuracy";
  }
};

} // namespace
