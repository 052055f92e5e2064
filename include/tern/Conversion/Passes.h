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

/// The default `tile-n` of convert-tern-to-accel for an array of
/// `arrayRows x arrayCols` and the given scratchpads: the output columns of
/// one GEMM instruction. The matrix unit runs a gemm wider than the array
/// as consecutive column blocks (and the timing model charges it so), so an
/// instruction of up to four array widths only removes per-instruction
/// costs: a DMA latency per weight tile, and the per-tile synchronization,
/// conversion and store. It widens only while a weight tile of a whole
/// `tileK` slice of bf16 and the f32 accumulator tile still fit their
/// budgets (a quarter of the scratchpad), so the contraction slices, and
/// with them every sum's order, stay those of an array-wide tile.
int64_t defaultGemmTileN(int64_t arrayRows, int64_t arrayCols,
                         int64_t wgtBytes, int64_t accBytes, int64_t tileK);

} // namespace tern

#endif // TERN_CONVERSION_PASSES_H
