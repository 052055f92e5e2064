//===- EmitProgram.h - accel IR to a runtime program ------------*- C++ -*-===//
//
// The last step of compilation: a module of tile programs whose buffers have
// addresses (accel-allocate-buffers) and whose queues are synchronized
// (accel-insert-sync) becomes the runtime's ProgramImage: one instruction per
// accel op, constant segments from memref.globals, I/O descriptors from the
// function signature and a debug map from op locations.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TARGET_PROGRAM_EMITPROGRAM_H
#define TERN_TARGET_PROGRAM_EMITPROGRAM_H

#include "runtime/program/Program.h"

#include "mlir/IR/BuiltinOps.h"

#include <string>

namespace tern {

struct EmitOptions {
  /// Preset name and its JSON, embedded in the program.
  std::string targetName;
  std::string targetJson;
  /// Entry function; empty means the module's only function.
  std::string entry;
};

/// Emits the program, or reports errors on the offending ops and fails.
mlir::FailureOr<rt::program::ProgramImage>
emitProgram(mlir::ModuleOp module, const EmitOptions &options);

} // namespace tern

#endif // TERN_TARGET_PROGRAM_EMITPROGRAM_H
