//===- TernDialect.h - graph-level transformer dialect ----------*- C++ -*-===//
//
// Declarations of the `tern` dialect, its enums and attributes.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_TERN_IR_TERNDIALECT_H
#define TERN_DIALECT_TERN_IR_TERNDIALECT_H

#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Dialect.h"

#include "Tern/TernDialect.h.inc"
#include "Tern/TernEnums.h.inc"

#define GET_ATTRDEF_CLASSES
#include "Tern/TernAttrs.h.inc"

#endif // TERN_DIALECT_TERN_IR_TERNDIALECT_H
