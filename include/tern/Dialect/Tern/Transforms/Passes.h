//===- Passes.h - passes on the tern dialect --------------------*- C++ -*-===//
//
// Pass declarations generated from dialects/Tern/Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_TERN_TRANSFORMS_PASSES_H
#define TERN_DIALECT_TERN_TRANSFORMS_PASSES_H

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/Pass/Pass.h"
#include "tern/Dialect/Tern/IR/TernDialect.h"

namespace tern {

/// Policies of tern-select-precision.
enum class PrecisionPolicy {
  bf16,  ///< every operator in bf16
  tataa, ///< TATAA: matrix operators in int8, the rest in bf16
  qdq,   ///< int where a QDQ model quantizes the operands, the rest in bf16
  intOnly, ///< every operator integer (I-BERT / SwiftTron)
  int8Max, ///< int wherever an integer kernel exists, the rest in bf16
};

#define GEN_PASS_DECL
#include "Tern/TernPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "Tern/TernPasses.h.inc"

/// Adds the tern-raise pipeline (all raising passes on every func.func,
/// then canonicalize + CSE) to a module-level pass manager.
void buildTernRaisePipeline(mlir::OpPassManager &pm);

/// Registers `tern-raise` for --pass-pipeline / tern-opt.
void registerTernRaisePipeline();

} // namespace tern

#endif // TERN_DIALECT_TERN_TRANSFORMS_PASSES_H
