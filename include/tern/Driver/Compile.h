//===- Compile.h - the `tern compile` pipeline ------------------*- C++ -*-===//
//
// What `tern compile` does, as a library: from tern-level IR (and, once the
// importer is in, an ONNX model) to a program image, through a pass pipeline
// whose tile sizes and memory capacities come from the target preset.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DRIVER_COMPILE_H
#define TERN_DRIVER_COMPILE_H

#include "runtime/program/Program.h"
#include "runtime/targets/Preset.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"

#include <string>

namespace tern {

/// Where compilation stops.
enum class EmitKind { Tern, Accel, Asm, Program };

struct CompileOptions {
  std::string target = "tern-edge";
  /// Print the IR after every pass to stderr.
  bool printIrAfterAll = false;
  /// Write the IR after every pass, one file per pass, under this directory.
  std::string dumpIrDir;
};

/// Adds tern-select-precision, convert-tern-to-accel, accel-allocate-buffers
/// and accel-insert-sync, configured from `preset`.
void buildLoweringPipeline(mlir::OpPassManager &pm,
                           const rt::targets::Preset &preset,
                           EmitKind stopAfter);

/// Runs the lowering pipeline on `module` (tern IR) in place and, for
/// EmitKind::Asm / Program, emits the program image. Diagnostics go to the
/// module's context; returns failure after reporting them.
mlir::FailureOr<rt::program::ProgramImage>
compileModule(mlir::ModuleOp module, const CompileOptions &options,
              EmitKind emit);

} // namespace tern

#endif // TERN_DRIVER_COMPILE_H
