//===- RaisePipeline.cpp - the tern-raise pass pipeline -------------------===//
//
// Imported TOSA -> graph-level tern ops, in the order the patterns depend on
// each other: softmax first (attention is anchored at tern.softmax, and a
// decomposed softmax becomes one), LayerNorm and GELU next (their chains
// contain products and sums the later patterns would otherwise claim),
// attention before linear
// (attention products have no constant operand, so the two never compete),
// then canonicalization and CSE to drop the importer's dead reshapes.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Transforms/Passes.h"

void tern::buildTernRaisePipeline(mlir::OpPassManager &pm) {
  mlir::OpPassManager &fpm = pm.nest<mlir::func::FuncOp>();
  fpm.addPass(createTernRaiseSoftmax());
  fpm.addPass(createTernRaiseLayerNorm());
  fpm.addPass(createTernRaiseGelu());
  fpm.addPass(createTernRaiseAttention());
  fpm.addPass(createTernRaiseLinear());
  fpm.addPass(mlir::createCanonicalizerPass());
  fpm.addPass(mlir::createCSEPass());
}

void tern::registerTernRaisePipeline() {
  mlir::PassPipelineRegistration<>(
      "tern-raise",
      "Raise imported TOSA to graph-level tern ops (softmax, layer norm, "
      "GELU, attention, linear), then canonicalize and CSE",
      buildTernRaisePipeline);
}
