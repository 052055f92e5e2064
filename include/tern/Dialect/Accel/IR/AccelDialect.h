//===- AccelDialect.h - hardware-level accelerator dialect ------*- C++ -*-===//
//
// Declarations of the `accel` dialect, its memory-space attribute and the
// helpers its type constraints use.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_ACCEL_IR_ACCELDIALECT_H
#define TERN_DIALECT_ACCEL_IR_ACCELDIALECT_H

#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Dialect.h"

#include "Accel/AccelDialect.h.inc"
#include "Accel/AccelEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Accel/AccelAttrs.h.inc"

namespace tern::accel {

/// Memory space of a memref type. A memref without a memory space lives in
/// DRAM (the default for function arguments and constants).
MemorySpace getMemorySpace(mlir::Type type);

/// True if `type` is a memref in memory space `space`.
bool isInSpace(mlir::Type type, MemorySpace space);

/// True if `type` is a memref in one of the on-chip scratchpads.
bool isInScratchpad(mlir::Type type);

} // namespace tern::accel

#endif // TERN_DIALECT_ACCEL_IR_ACCELDIALECT_H
