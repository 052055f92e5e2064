//===- TernOps.h - graph-level transformer operators ------------*- C++ -*-===//
//
// Operator classes of the `tern` dialect, generated from
// dialects/Tern/TernOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_TERN_IR_TERNOPS_H
#define TERN_DIALECT_TERN_IR_TERNOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/InferTypeOpInterface.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "tern/Dialect/Tern/IR/TernDialect.h"

#define GET_OP_CLASSES
#include "Tern/TernOps.h.inc"

#endif // TERN_DIALECT_TERN_IR_TERNOPS_H
