//===- InitAll.h - register Tern's dialects and passes ----------*- C++ -*-===//
//
// One place that lists what a Tern tool registers: the project dialects, the
// upstream dialects Tern IR is made of, and the project passes.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_INITALL_H
#define TERN_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace tern {

/// Adds the `tern` and `accel` dialects and the upstream dialects Tern uses
/// (func, arith, tensor, tosa, quant, scf, memref, linalg, bufferization).
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers every Tern pass with the global pass registry (for tern-opt and
/// textual pass pipelines).
void registerAllPasses();

} // namespace tern

#endif // TERN_INITALL_H
