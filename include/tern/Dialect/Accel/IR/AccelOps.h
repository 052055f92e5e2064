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

#endif // TERN_DIALECT_ACCEL_IR_ACCELOPS_H
