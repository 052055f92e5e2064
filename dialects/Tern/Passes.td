//===- Passes.td - passes on the tern dialect ---------------*- tablegen -*-===//
//
// Passes that rewrite graph-level `tern` IR. Each one lives in its own file
// under lib/Dialect/Tern/Transforms/ and is lit-tested in
// test/Dialect/Tern/<argument>.mlir.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_PASSES_TD
#define TERN_PASSES_TD

include "mlir/Pass/PassBase.td"

def TernGeluToRelu : Pass<"tern-gelu-to-relu", "::mlir::func::FuncOp"> {
  let summary = "Replace every tern.gelu with tern.relu";
  let description = [{
    The 28 nm ViT accelerator (Hsiung & Chang) replaces GELU with ReLU so that
    FFN hidden activations become exactly zero where negative, which the FFN2
    row-skipping hardware then exploits, and so that no GELU unit is needed.

    Accepts: any function containing `tern.gelu` ops (any approximation,
    any precision). Produces: `tern.relu` ops with the same operand, result
    type and precision. Leaves everything else alone.

    The rewrite changes the model's function. It is meant for models trained
    with ReLU or fine-tuned after the swap; the pass emits a warning on each
    function it changes, because accuracy must be re-measured (e.g. with
    `tern eval`).
  }];
  let dependentDialects = ["::tern::TernDialect"];
  let options = [
    Option<"warn", "warn", "bool", /*default=*/"true",
           "Emit a warning on every function that was changed">,
  ];
  let statistics = [
    Statistic<"numGeluReplaced", "num-gelu-replaced",
              "Number of tern.gelu ops replaced by tern.relu">,
  ];
}

#endif // TERN_PASSES_TD
