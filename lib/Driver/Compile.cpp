//===- Compile.cpp - the `tern compile` pipeline --------------------------===//

#include "tern/Driver/Compile.h"

#include "tern/Conversion/Passes.h"
#include "tern/Dialect/Accel/Transforms/Passes.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"
#include "tern/Import/Onnx.h"
#include "tern/InitAll.h"
#include "tern/Dialect/Accel/IR/BufferView.h"
#include "tern/Target/Program/EmitProgram.h"

#include "runtime/sim/functional/Executor.h"
#include "runtime/sim/timing/TimingModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/Format.h"

using namespace mlir;
using namespace tern;

OwningOpRef<ModuleOp> tern::loadModel(StringRef path,
                                      ArrayRef<std::string> inputShapes,
                                      MLIRContext &context,
                                      llvm::SourceMgr &sourceMgr,
                                      bool &imported, std::string &error) {
  imported = path.ends_with(".onnx");
  if (imported) {
    ImportOptions options;
    for (const std::string &spec : inputShapes)
      if (!parseInputShapeSpec(spec, options, error))
        return nullptr;
    return importOnnxFile(path, options, context);
  }
  if (!inputShapes.empty()) {
    error = "--input-shape applies to ONNX models only";
    return nullptr;
  }
  auto file = openInputFile(path, &error);
  if (!file)
    return nullptr;
  sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
  return parseSourceFile<ModuleOp>(sourceMgr, &context);
}

llvm::Expected<LoadedModel>
tern::loadModelForCommand(StringRef path, ArrayRef<std::string> inputShapes,
                          StringRef verb) {
  LoadedModel m;
  DialectRegistry registry;
  registerAllDialects(registry);
  m.context = std::make_unique<MLIRContext>(registry);
  m.context->loadAllAvailableDialects();
  m.sourceMgr = std::make_unique<llvm::SourceMgr>();
  m.handler = std::make_unique<SourceMgrDiagnosticHandler>(*m.sourceMgr,
                                                           m.context.get());
  std::string error;
  m.module = loadModel(path, inputShapes, *m.context, *m.sourceMgr,
                       m.imported, error);
  if (!m.module)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        error.empty() ? ("cannot " + verb + " '" + path + "'").str() : error);
  return std::move(m);
}

llvm::Error tern::checkPrecisionPolicy(StringRef policy) {
  if (policy == "bf16")
    return llvm::Error::success();
  return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                 "unknown precision policy '" + policy +
                                     "'; available: bf16");
}

void tern::buildLoweringPipeline(OpPassManager &pm,
                                 const rt::targets::Preset &preset,
                                 EmitKind stopAfter, bool raise) {
  if (stopAfter == EmitKind::Tosa)
    return;
  if (raise)
    buildTernRaisePipeline(pm);
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
    mlir::emitError(module.getLoc(), "target '")
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
  buildLoweringPipeline(pm, preset, emit, options.raise);
  if (failed(pm.run(module)))
    return failure();
  if (emit == EmitKind::Tosa || emit == EmitKind::Tern ||
      emit == EmitKind::Accel)
    return rt::program::ProgramImage();
  EmitOptions emitOptions;
  emitOptions.targetName = preset.name;
  emitOptions.targetJson = loaded->second;
  return emitProgram(module, emitOptions);
}

void tern::printCompileSummary(ModuleOp module,
                               const rt::program::ProgramImage &image,
                               StringRef input, StringRef output,
                               llvm::raw_ostream &os) {
  uint64_t constantBytes = 0;
  for (const auto &seg : image.constants)
    constantBytes += seg.data.size();
  os << "compiled '" << input << "' for " << image.targetName << ": "
     << image.code.size() << " instructions, " << constantBytes
     << " bytes of constants, " << image.dramSize << " bytes of DRAM";
  auto loaded = rt::targets::parsePreset(image.targetJson, image.targetName);
  if (!loaded) {
    llvm::consumeError(loaded.takeError());
    os << " -> " << output << "\n";
    return;
  }
  if (auto use = module->getAttrOfType<DictionaryAttr>(
          accel::kScratchpadUseAttr)) {
    os << "; scratchpads used";
    for (auto [name, capacity] :
         {std::make_pair("act", loaded->actBytes),
          std::make_pair("wgt", loaded->wgtBytes),
          std::make_pair("acc", loaded->accBytes),
          std::make_pair("vec", loaded->vecBytes)})
      if (auto bytes = use.getAs<IntegerAttr>(name))
        os << " " << name << " " << bytes.getInt() << "/" << capacity;
  }
  auto code = rt::sim::decodeProgram(image.code);
  if (code) {
    rt::timing::TimingReport timing =
        rt::timing::simulate(*code, *loaded);
    os << "; expected " << timing.cycles << " cycles ("
       << llvm::format("%.1f", timing.microseconds()) << " us)";
  } else {
    llvm::consumeError(code.takeError());
  }
  os << " -> " << output << "\n";
}
