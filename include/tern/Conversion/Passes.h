//===- Passes.h - conversions between Tern's dialects -----------*- C++ -*-===//
//
// Pass declarations generated from dialects/Conversion/Passes.td.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_CONVERSION_PASSES_H
#define TERN_CONVERSION_PASSES_H

#include "tern/Dialect/Accel/IR/AccelDialect.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/Pass.h"

namespace tern {

#define GEN_PASS_DECL
#include "Conversion/ConversionPasses.h.inc"

#define GEN_PASS_REGISTRATION
#include "Conversion/ConversionPasses.h.inc"

} // namespace tern

#endif // TERN_CONVERSION_PASSES_H
