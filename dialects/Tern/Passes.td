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

def TernSelectPrecision
    : Pass<"tern-select-precision", "::mlir::func::FuncOp"> {
  let summary = "Decide the numeric mode of every tern op";
  let description = [{
    Sets the `precision` attribute of every `tern` op according to a policy.

    Implemented policies:
    - `bf16`: every operator in bf16 (matrix unit in bf16 mode with f32
      accumulation, reference bf16 SFU kernels); needs no calibration. The
      debugging and accuracy reference.

    TATAA's int8/bf16 map, the integer-only policy and the automatic policy
    need quantized types and are not available yet (the option refuses them).

    Accepts: any function; ops whose precision is already decided (not `f32`)
    are kept unless `override` is set. Produces the same IR with precisions.
  }];
  let dependentDialects = ["::tern::TernDialect"];
  let options = [
    Option<"policy", "policy", "::tern::PrecisionPolicy",
           /*default=*/"::tern::PrecisionPolicy::bf16",
           "Precision policy", [{::llvm::cl::values(
             clEnumValN(::tern::PrecisionPolicy::bf16, "bf16",
                        "every operator in bf16"))}]>,
    Option<"overrideDecided", "override", "bool", /*default=*/"false",
           "Also change ops whose precision is already decided">,
  ];
}

#endif // TERN_PASSES_TD
