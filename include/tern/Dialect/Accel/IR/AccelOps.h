//===- AccelOps.h - accelerator operations ----------------------*- C++ -*-===//
//
// Operation classes of the `accel` dialect, generated from
// dialects/Accel/AccelOps.td.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_ACCEL_IR_ACCELOPS_H
#define TERN_DIALECT_ACCEL_IR_ACCELOPS_H

#include "mlir/Bytecode/BytecodeOpInterface.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/OpDefinition.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "tern/Dialect/Accel/IR/AccelDialect.h"

#define GET_OP_CLASSES
#include "Accel/AccelOps.h.inc"

namespace tern::accel {
/// The comparisons (vcmp): a bf16 boolean result whatever the operands are.
inline bool isComparison(VectorKind kind) {
  switch (kind) {
  case VectorKind::eq:
  case VectorKind::ne:
  case VectorKind::gt:
  case VectorKind::ge:
  case VectorKind::lt:
  case VectorKind::le:
    return true;
  default:
    return false;
  }
}
} // namespace tern::accel

#endif // TERN_DIALECT_ACCEL_IR_ACCELOPS_H
