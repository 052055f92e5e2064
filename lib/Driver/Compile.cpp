//===- Compile.cpp - the `tern compile` pipeline --------------------------===//

#include "tern/Driver/Compile.h"

#include "tern/Conversion/Passes.h"
#include "tern/Dialect/Accel/Transforms/Passes.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"
#include "tern/Target/Program/EmitProgram.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Transforms/Passes.h"

using namespace mlir;
using namespace tern;

void tern::buildLoweringPipeline(OpPassManager &pm,
                                 const rt::targets::Preset &preset,
                                 EmitKind stopAfter) {
  pm.addNestedPass<func::FuncOp>(createTernSelectPrecision());
  if (stopAfter == EmitKind::Tern)
    return;
  ConvertTernToAccelOptions lower;
  lower.tileM = preset.arrayRows;
  lower.tileN = preset.arrayCols;
  lower.tileK = 512;
  lower.actBytes = preset.actBytes;
  lower.wgtBytes = preset.wgtBytes;
  lower.accBytes = preset.accBytes;
  pm.addPass(createConvertTernToAccel(lower));
  pm.addPass(createCSEPass());
  accel::AccelAllocateBuffersOptions alloc;
  alloc.actBytes = preset.actBytes;
  alloc.wgtBytes = preset.wgtBytes;
  alloc.accBytes = preset.accBytes;
  alloc.vecBytes = preset.vecBytes;
  pm.addPass(accel::createAccelAllocateBuffers(alloc));
  pm.addNestedPass<func::FuncOp>(accel::createAccelInsertSync());
}

FailureOr<rt::program::ProgramImage>
tern::compileModule(ModuleOp module, const CompileOptions &options,
                    EmitKind emit) {
  auto loaded = rt::targets::loadPreset(options.target);
  if (!loaded) {
    module.emitError("target '")
        << options.target << "': " << llvm::toString(loaded.takeError());
    return failure();
  }
  const rt::targets::Preset &preset = loaded->first;

  PassManager pm(module.getContext());
  if (options.printIrAfterAll) {
    module.getContext()->disableMultithreading();
    pm.enableIRPrinting([](Pass *, Operation *) { return false; },
                        [](Pass *, Operation *) { return true; },
                        /*printModuleScope=*/true,
                        /*printAfterOnlyOnChange=*/false);
  }
  if (!options.dumpIrDir.empty()) {
    module.getContext()->disableMultithreading();
    pm.enableIRPrintingToFileTree([](Pass *, Operation *) { return false; },
                                  [](Pass *, Operation *) { return true; },
                                  /*printModuleScope=*/true,
                                  /*printAfterOnlyOnChange=*/false,
                                  /*printAfterOnlyOnFailure=*/false,
                                  options.dumpIrDir);
  }
  buildLoweringPipeline(pm, preset, emit);
  if (failed(pm.run(module)))
    return failure();
  if (emit == EmitKind::Tern || emit == EmitKind::Accel)
    return rt::program::ProgramImage();
  EmitOptions emitOptions;
  emitOptions.targetName = preset.name;
  emitOptions.targetJson = loaded->second;
  return emitProgram(module, emitOptions);
}
