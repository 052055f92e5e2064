//===- Passes.h - passes on the accel dialect -------------------*- C++ -*-===//
//
// Pass declarations generated from dialects/Accel/Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_ACCEL_TRANSFORMS_PASSES_H
#define TERN_DIALECT_ACCEL_TRANSFORMS_PASSES_H

#include "tern/Dialect/Accel/IR/AccelDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace tern::accel {

#define GEN_PASS_DECL
#include "Accel/AccelPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "Accel/AccelPasses.h.inc"

} // namespace tern::accel

#endif // TERN_DIALECT_ACCEL_TRANSFORMS_PASSES_H
