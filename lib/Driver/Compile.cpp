//===- Compile.cpp - the `tern compile` pipeline --------------------------===//

#include "tern/Driver/Compile.h"

#include "tern/Dialect/Tern/IR/Quantization.h"

#include "tern/Conversion/Passes.h"
#include "tern/Dialect/Accel/IR/AccelOps.h"
#include "tern/Dialect/Accel/IR/BufferView.h"
#include "tern/Dialect/Accel/Transforms/Passes.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"
#include "tern/Import/Onnx.h"
#include "tern/InitAll.h"
#include "tern/Target/Program/EmitProgram.h"

#include "runtime/io/Tensor.h"
#include "runtime/sim/functional/Executor.h"
#include "runtime/sim/timing/TimingModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Verifier.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Transforms/Passes.h"
#include "llvm/Support/Format.h"

#include <array>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "llvm/Support/MemoryBuffer.h"

using namespace mlir;
using namespace tern;

// The compiler partitions a program across at most as many cores as the
// simulator models (the dialect does not depend on the runtime).
static_assert(accel::kMaxCores == rt::sim::kMaxCores,
              "accel::kMaxCores and the simulator's kMaxCores differ");

/// Parses one `--bind-input NAME=FILE` and reads FILE (.npy or .pb) into
/// `options.boundInputs`.
static bool parseBindInputSpec(StringRef spec, ImportOptions &options,
                               std::string &error) {
  auto [name, file] = spec.split('=');
  if (name.empty() || file.empty() || !spec.contains('=')) {
    error = ("malformed --bind-input '" + spec +
             "': expected <input name>=<file.npy or file.pb>")
                .str();
    return false;
  }
  if (options.boundInputs.contains(name)) {
    error = ("--bind-input names '" + name + "' twice").str();
    return false;
  }
  llvm::Expected<rt::io::Tensor> t = rt::io::readTensorFile(file);
  if (!t) {
    error = ("cannot read the --bind-input value of '" + name +
             "': " + llvm::toString(t.takeError()))
                .str();
    return false;
  }
  ImportOptions::BoundInput &b = options.boundInputs[name];
  b.dataType = rt::io::onnxDataType(t->type);
  b.shape.assign(t->shape.begin(), t->shape.end());
  b.rawData.assign(t->data.begin(), t->data.end());
  b.source = file.str();
  return true;
}

OwningOpRef<ModuleOp> tern::loadModel(StringRef path,
                                      ArrayRef<std::string> inputShapes,
                                      MLIRContext &context,
                                      llvm::SourceMgr &sourceMgr,
                                      bool &imported, std::string &error,
                                      ArrayRef<std::string> bindInputs) {
  imported = path.ends_with(".onnx");
  if (imported) {
    ImportOptions options;
    for (const std::string &spec : inputShapes)
      if (!parseInputShapeSpec(spec, options, error))
        return nullptr;
    for (const std::string &spec : bindInputs)
      if (!parseBindInputSpec(spec, options, error))
        return nullptr;
    return importOnnxFile(path, options, context);
  }
  if (!inputShapes.empty()) {
    error = "--input-shape applies to ONNX models only";
    return nullptr;
  }
  if (!bindInputs.empty()) {
    error = "--bind-input applies to ONNX models only";
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
                          StringRef verb, ArrayRef<std::string> bindInputs) {
  LoadedModel m;
  DialectRegistry registry;
  registerAllDialects(registry);
  m.context = std::make_unique<MLIRContext>(registry);
  m.context->loadAllAvailableDialects();
  // Errors name the ONNX node through their location; printing the op too
  // would dump a whole function for the errors passes emit on it.
  m.context->printOpOnDiagnostic(false);
  m.sourceMgr = std::make_unique<llvm::SourceMgr>();
  m.handler = std::make_unique<SourceMgrDiagnosticHandler>(*m.sourceMgr,
                                                           m.context.get());
  std::string error;
  m.module = loadModel(path, inputShapes, *m.context, *m.sourceMgr, m.imported,
                       error, bindInputs);
  if (!m.module)
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        error.empty() ? ("cannot " + verb + " '" + path + "'").str() : error);
  return std::move(m);
}

llvm::Error tern::checkPrecisionPolicy(StringRef policy) {
  if (policy == "bf16" || policy == "tataa" || policy == "qdq" ||
      policy == "auto" || policy == "int-only" || policy == "int8-max")
    return llvm::Error::success();
  return llvm::createStringError(
      llvm::inconvertibleErrorCode(),
      "unknown precision policy '" + policy +
          "'; available: bf16, tataa, qdq, int-only, int8-max, auto");
}

bool tern::policyQuantizes(StringRef policy) { return policy != "bf16"; }

bool tern::policyNeedsCalibration(StringRef policy) {
  return policy == "tataa" || policy == "auto" || policy == "int-only" ||
         policy == "int8-max";
}


namespace {
/// Whether a program has instructions whose counts are known at run time
/// only (a length register or a K-row bitmap selects them).
bool hasRunTimeCounts(const rt::timing::CodeView &code) {
  static const char *const names[] = {"lensel", "nsel", "ksel", "csel",
                                      "bmap"};
  std::array<std::array<int, 5>, 256> index;
  for (auto &row : index)
    row.fill(-2); // not looked up yet
  for (size_t i = 0; i < code.size(); ++i) {
    rt::isa::Decoded d = code[i];
    auto &row = index[static_cast<uint8_t>(d.opcode())];
    if (row[0] == -2)
      for (unsigned f = 0; f < 5; ++f)
        row[f] = d.info->fieldIndex(names[f]);
    for (int i : row)
      if (i >= 0 && d.f[i] != 0)
        return true;
  }
  return false;
}
} // namespace

namespace {
bool hasIntOverride(ArrayRef<std::string> overrides) {
  return llvm::any_of(overrides, [](const std::string &o) {
    return StringRef(o).ends_with("=int");
  });
}
} // namespace

llvm::Error tern::readPrecisionOverrides(StringRef path,
                                         std::vector<std::string> &overrides) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "cannot read precision overrides '" + path +
                                       "': " + buffer.getError().message());
  SmallVector<StringRef> lines;
  (*buffer)->getBuffer().split(lines, '\n');
  for (StringRef line : lines) {
    line = line.split('#').first.trim();
    if (!line.empty())
      overrides.push_back(line.str());
  }
  return llvm::Error::success();
}

llvm::Error tern::parseBitsSpec(StringRef spec, CompileOptions &options) {
  unsigned w = 0, a = 0;
  StringRef rest = spec;
  if (!rest.consume_front("w") || rest.consumeInteger(10, w) ||
      !rest.consume_front("a") || rest.consumeInteger(10, a) || !rest.empty())
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "--bits '" + spec +
                                       "': expected wNaM, e.g. w8a8 or w4a8");
  auto supported = [](unsigned b) { return b == 8 || b == 6 || b == 4; };
  if (!supported(w) || !supported(a))
    return llvm::createStringError(
        llvm::inconvertibleErrorCode(),
        "--bits '" + spec + "': weight and activation widths are 8, 6 or 4");
  options.weightBits = w;
  options.activationBits = a;
  return llvm::Error::success();
}

llvm::Error tern::parseFinetuneSpec(StringRef spec, CompileOptions &options) {
  auto fail = [&](const Twine &why) {
    return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                   "--finetune '" + spec + "': " + why);
  };
  StringRef rest = spec;
  if (!rest.consume_front("lora:") && rest != "lora")
    return fail("expected lora:rank=R,targets=NAME[,NAME...],alpha=A,seed=S");
  CompileOptions::Finetune &f = options.finetune;
  f.enabled = true;
  SmallVector<StringRef> items;
  if (!rest.empty())
    rest.split(items, ',');
  StringRef key;
  for (StringRef item : items) {
    auto [k, v] = item.split('=');
    if (!item.contains('=')) {
      if (key != "targets" || item.empty())
        return fail("'" + item + "' is not KEY=VALUE");
      f.targets.push_back(item.str());
      continue;
    }
    key = k;
    if (k == "rank") {
      if (v.getAsInteger(10, f.rank) || f.rank == 0)
        return fail("rank '" + v + "' is not a positive integer");
    } else if (k == "alpha") {
      if (v.getAsDouble(f.alpha) || !(f.alpha > 0))
        return fail("alpha '" + v + "' is not a positive number");
    } else if (k == "seed") {
      if (v.getAsInteger(10, f.seed))
        return fail("seed '" + v + "' is not an integer");
    } else if (k == "targets") {
      if (v.empty())
        return fail("empty target");
      f.targets.push_back(v.str());
    } else {
      return fail("unknown key '" + k + "' (rank, targets, alpha, seed)");
    }
  }
  return llvm::Error::success();
}

void tern::buildLoweringPipeline(OpPassManager &pm,
                                 const rt::targets::Preset &preset,
                                 EmitKind stopAfter,
                                 const CompileOptions &options) {
  StringRef policy = options.precision, requant = options.requant;
  if (stopAfter == EmitKind::Tosa)
    return;
  if (options.finetune.enabled) {
    TernInsertLoraOptions lora;
    lora.rank = options.finetune.rank;
    lora.targets = options.finetune.targets;
    lora.alpha = options.finetune.alpha;
    lora.seed = options.finetune.seed;
    pm.addNestedPass<func::FuncOp>(createTernInsertLora(lora));
    TernDifferentiateOptions diff;
    diff.loss = options.finetune.loss;
    bool sgdPass = options.finetune.accumulate && options.finetune.sgdLr > 0;
    diff.sgdLr = sgdPass ? 0.0 : options.finetune.sgdLr;
    pm.addNestedPass<func::FuncOp>(createTernDifferentiate(diff));
    if (options.finetune.adam.enabled || sgdPass) {
      TernApplyOptimizerOptions opt;
      opt.optimizer = sgdPass ? "sgd" : "adam";
      opt.lr = sgdPass ? options.finetune.sgdLr : options.finetune.adam.lr;
      opt.beta1 = options.finetune.adam.beta1;
      opt.beta2 = options.finetune.adam.beta2;
      opt.eps = options.finetune.adam.eps;
      opt.accumulate = options.finetune.accumulate;
      pm.addNestedPass<func::FuncOp>(createTernApplyOptimizer(opt));
    }
  }
  TernSelectPrecisionOptions select;
  select.policy = policy == "tataa"      ? PrecisionPolicy::tataa
                  : policy == "qdq"      ? PrecisionPolicy::qdq
                  : policy == "int-only" ? PrecisionPolicy::intOnly
                  : policy == "int8-max" ? PrecisionPolicy::int8Max
                                         : PrecisionPolicy::bf16;
  select.overrides = options.precisionOverrides;
  // A train step quantizes only the forward's frozen base linears (the
  // crossbar tier on atleus-3d); adapters, attention and everything the
  // differentiation and the optimizer built stay bf16.
  select.frozenOnly = options.finetune.enabled;
  pm.addNestedPass<func::FuncOp>(createTernSelectPrecision(select));
  if (policyQuantizes(policy) || hasIntOverride(options.precisionOverrides)) {
    TernQuantizeOptions quantize;
    quantize.weightBits = options.weightBits;
    quantize.weightBitsOverrides = options.weightBitsOverrides;
    quantize.activationBits = options.activationBits;
    quantize.perChannel = options.perChannel;
    quantize.asymmetricActivations = options.asymmetricActivations;
    pm.addNestedPass<func::FuncOp>(createTernQuantize(quantize));
    if (options.ffn2Sparsity) {
      TernFfn2SparsityOptions ffn2;
      ffn2.threshold = options.ffn2Threshold;
      pm.addNestedPass<func::FuncOp>(createTernFfn2Sparsity(ffn2));
    }
  }
  if (options.pruneTokens.enabled) {
    TernPruneTokensOptions prune;
    prune.layers = options.pruneTokens.layers;
    prune.keepRates = options.pruneTokens.keepRates;
    prune.importance = options.pruneTokens.importance;
    prune.exposeIndices = options.pruneTokens.exposeIndices;
    prune.fuse = options.pruneTokens.fuse;
    prune.threshold = options.pruneTokens.threshold;
    pm.addNestedPass<func::FuncOp>(createTernPruneTokens(prune));
  }
  if (stopAfter == EmitKind::Tern)
    return;
  ConvertTernToAccelOptions lower;
  lower.tileM = preset.arrayRows;
  lower.tileK = 512;
  lower.tileN = options.gemmTileN > 0
                    ? options.gemmTileN
                    : defaultGemmTileN(preset.arrayRows, preset.arrayCols,
                                       preset.wgtBytes, preset.accBytes,
                                       lower.tileK);
  lower.actBytes = preset.actBytes;
  lower.truncatingLanes = preset.bf16Mode == rt::kernels::BfMode::Tataa;
  lower.wgtBytes = preset.wgtBytes;
  lower.accBytes = preset.accBytes;
  lower.requant = requant.empty() ? preset.requant : requant.str();
  lower.reram = options.reram && preset.reram.has_value();
  // A QDQ model's QuantizeLinear runs as ONNX defines it (cvt.f2i).
  lower.exactQuantize = policy == "qdq";
  // Printing the IR after each pass (also after a failed one, when the
  // conversion has rolled back to constants whose data it freed) needs the
  // data kept.
  lower.releaseConstantData = options.releaseConstantData &&
                              !options.printIrAfterAll &&
                              options.dumpIrDir.empty();
  pm.addPass(createConvertTernToAccel(lower));
  // No CSE here: it only merged duplicate view ops (subviews, get_global)
  // of the unrolled tiles, which emission resolves to the same addresses
  // anyway (programs byte-identical without it), and cost ~7% of the
  // compile of ViT-B/16 (docs/Benchmarks.md).
  accel::AccelAllocateBuffersOptions alloc;
  alloc.actBytes = preset.actBytes;
  alloc.wgtBytes = preset.wgtBytes;
  alloc.accBytes = preset.accBytes;
  alloc.vecBytes = preset.vecBytes;
  pm.addPass(accel::createAccelAllocateBuffers(alloc));
  if (options.cores > 1) {
    accel::AccelPartitionCoresOptions partition;
    partition.cores = options.cores;
    pm.addPass(accel::createAccelPartitionCores(partition));
  }
  pm.addNestedPass<func::FuncOp>(accel::createAccelInsertSync());
}

namespace {
void configureIrPrinting(PassManager &pm, const CompileOptions &options) {
  if (options.printIrAfterAll) {
    pm.getContext()->disableMultithreading();
    pm.enableIRPrinting([](Pass *, Operation *) { return false; },
                        [](Pass *, Operation *) { return true; },
                        /*printModuleScope=*/true,
                        /*printAfterOnlyOnChange=*/false);
  }
  if (!options.dumpIrDir.empty()) {
    pm.getContext()->disableMultithreading();
    pm.enableIRPrintingToFileTree([](Pass *, Operation *) { return false; },
                                  [](Pass *, Operation *) { return true; },
                                  /*printModuleScope=*/true,
                                  /*printAfterOnlyOnChange=*/false,
                                  /*printAfterOnlyOnFailure=*/false,
                                  options.dumpIrDir);
  }
}
} // namespace

void tern::widenCalibratedRanges(ModuleOp module, double factor) {
  constexpr StringLiteral kRange = "tern.range";
  auto widen = [&](Attribute attr) -> Attribute {
    auto range = dyn_cast_or_null<DenseF64ArrayAttr>(attr);
    if (!range || range.size() != 2)
      return attr;
    return DenseF64ArrayAttr::get(module.getContext(),
                                  {range[0] * factor, range[1] * factor});
  };
  module.walk([&](Operation *op) {
    if (Attribute a = op->getAttr(kRange))
      op->setAttr(kRange, widen(a));
    if (auto func = dyn_cast<func::FuncOp>(op))
      for (unsigned i = 0; i < func.getNumArguments(); ++i)
        if (Attribute a = func.getArgAttr(i, kRange))
          func.setArgAttr(i, kRange, widen(a));
  });
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
  if (options.cores < 1 || options.cores > preset.cores ||
      options.cores > accel::kMaxCores) {
    mlir::emitError(module.getLoc(), "--cores must be between 1 and ")
        << std::min(preset.cores, accel::kMaxCores) << " (target '"
        << preset.name << "' has " << preset.cores << "), not "
        << options.cores;
    return failure();
  }
  if (llvm::Error e = checkPrecisionPolicy(options.precision)) {
    mlir::emitError(module.getLoc()) << llvm::toString(std::move(e));
    return failure();
  }

  // Every width a quantized linear may get: the default and the overrides'
  // for weights, `--bits`'s for activations. Each operand's width must be
  // one the target executes, even where the GEMM would run a narrow operand
  // at the other's wider width.
  unsigned unsupportedBits = 0;
  bool byActivations = false;
  if (policyQuantizes(options.precision)) {
    SmallVector<unsigned> widths = {options.weightBits};
    for (StringRef o : options.weightBitsOverrides) {
      unsigned bits = 0;
      if (!o.rsplit('=').second.getAsInteger(10, bits))
        widths.push_back(bits);
    }
    for (unsigned bits : widths)
      if (!unsupportedBits && !llvm::is_contained(preset.operandBits, bits))
        unsupportedBits = bits;
    if (!unsupportedBits &&
        !llvm::is_contained(preset.operandBits, options.activationBits)) {
      unsupportedBits = options.activationBits;
      byActivations = true;
    }
  }
  if (unsupportedBits) {
    mlir::emitError(module.getLoc(), "target '")
        << preset.name << "' does not execute " << unsupportedBits
        << (byActivations ? "-bit activations" : "-bit weights")
        << " (its operand_bits are "
        << llvm::join(
               llvm::map_range(preset.operandBits,
                               [](unsigned b) { return std::to_string(b); }),
               ", ")
        << ")";
    return failure();
  }

  // Raising first: calibration observes the raised tern ops.
  if (options.raise && emit != EmitKind::Tosa) {
    PassManager raise(module.getContext());
    configureIrPrinting(raise, options);
    if (options.passTiming)
      raise.enableTiming();
    buildTernRaisePipeline(raise);
    if (failed(raise.run(module)))
      return failure();
  }
  bool calibrate = policyNeedsCalibration(options.precision) ||
                   hasIntOverride(options.precisionOverrides);
  if (calibrate && !options.calibrated && emit != EmitKind::Tosa) {
    if (!wantsCalibration(options.calibration)) {
      mlir::emitError(module.getLoc(), "precision '")
          << options.precision
          << (hasIntOverride(options.precisionOverrides)
                  ? "' with int overrides"
                  : "'")
          << " quantizes activations: give calibration samples (--calib "
             "DIR) or saved statistics (--calib-stats FILE)";
      return failure();
    }
    CalibrationOptions calibration = options.calibration;
    calibration.target = options.target;
    if (llvm::Error e = calibrateModule(module, calibration)) {
      mlir::emitError(module.getLoc(), "calibration failed: ")
          << llvm::toString(std::move(e));
      return failure();
    }
  }

  // A train step's activations move away from the calibrated ones as the
  // adapters train: widen every calibrated range (tern.range on producers
  // and arguments) so that they are not clipped at the int8 inputs.
  if (calibrate && options.finetune.enabled &&
      options.finetune.rangeHeadroom != 1.0 && emit != EmitKind::Tosa)
    widenCalibratedRanges(module, options.finetune.rangeHeadroom);

  CompileOptions effective = options;
  if (options.precision == "auto" && emit != EmitKind::Tosa) {
    auto chosen = selectPrecisionAutomatically(module, options);
    if (!chosen) {
      mlir::emitError(module.getLoc(), "precision 'auto': ")
          << llvm::toString(chosen.takeError());
      return failure();
    }
    effective.precision = "bf16";
    // The user's own overrides still win.
    effective.precisionOverrides = *chosen;
    llvm::append_range(effective.precisionOverrides,
                       options.precisionOverrides);
  }

  PassManager pm(module.getContext());
  configureIrPrinting(pm, options);
  if (options.passTiming)
    pm.enableTiming();
  // The tile programs make the module millions of ops large: verify it
  // before the pipeline and once after it (before emission) instead of
  // after every pass, unless asked to.
  pm.enableVerifier(options.verifyEachPass);
  buildLoweringPipeline(pm, preset, emit, effective);
  if (!options.verifyEachPass && failed(verify(module)))
    return failure();
  if (failed(pm.run(module)))
    return failure();
  if (!options.verifyEachPass && failed(verify(module)))
    return failure();
  if (effective.reram && effective.warnIfReramUnused && preset.reram &&
      emit != EmitKind::Tosa && emit != EmitKind::Tern) {
    bool mapped = false;
    module.walk([&](accel::XbarGemmOp) {
      mapped = true;
      return WalkResult::interrupt();
    });
    if (!mapped)
      mlir::emitWarning(module.getLoc(), "target '")
          << preset.name
          << "' has a ReRAM crossbar tier but no operation maps to it: the "
             "crossbars take int8 linear layers with constant weights "
             "(choose a quantizing --precision such as tataa; --no-reram "
             "silences this)";
  }
  if (emit == EmitKind::Tosa || emit == EmitKind::Tern ||
      emit == EmitKind::Accel)
    return rt::program::ProgramImage();
  EmitOptions emitOptions;
  emitOptions.targetName = preset.name;
  emitOptions.targetJson = loaded->second;
  return emitProgram(module, emitOptions);
}

void tern::releaseFunctionBodies(ModuleOp module) {
  for (auto func : module.getOps<func::FuncOp>()) {
    func.getBody().dropAllReferences();
    func.getBody().getBlocks().clear();
  }
  // The globals' data held in blobs (the bf16 weights): the program image
  // has its copy.
  for (auto global :
       llvm::make_early_inc_range(module.getOps<memref::GlobalOp>()))
    if (auto blob = dyn_cast_or_null<DenseResourceElementsAttr>(
            global.getInitialValueAttr())) {
      global.erase();
      blob.getRawHandle().getResource()->setBlob(AsmResourceBlob());
    }
#ifdef __GLIBC__
  // Hand the freed heap back to the system: what follows (the file's
  // buffer) is one large allocation that would not reuse it.
  malloc_trim(0);
#endif
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
  int64_t conversions = 0;
  bool counted = false;
  module.walk([&](func::FuncOp f) {
    if (auto n = f->getAttrOfType<IntegerAttr>(kConversionsAttr)) {
      conversions += n.getInt();
      counted = true;
    }
  });
  if (counted)
    os << "; " << conversions << " int8/bf16 conversions";
  if (auto use =
          module->getAttrOfType<DictionaryAttr>(accel::kScratchpadUseAttr)) {
    os << "; scratchpads used";
    for (auto [name, capacity] : {std::make_pair("act", loaded->actBytes),
                                  std::make_pair("wgt", loaded->wgtBytes),
                                  std::make_pair("acc", loaded->accBytes),
                                  std::make_pair("vec", loaded->vecBytes)})
      if (auto bytes = use.getAs<IntegerAttr>(name))
        os << " " << name << " " << bytes.getInt() << "/" << capacity;
  }
  // Every word must decode; the timing model then decodes them one at a
  // time (no decoded copy: 136 bytes an instruction, 476 MB for ViT-B/16).
  llvm::Error undecodable = llvm::Error::success();
  for (const rt::isa::Word &w : image.code) {
    auto d = rt::isa::decode(w);
    if (!d) {
      undecodable = d.takeError();
      break;
    }
  }
  if (!undecodable) {
    auto code = rt::timing::CodeView::fromWords(image.code);
    rt::timing::TimingOptions timingOptions;
    timingOptions.coreStarts = image.coreStarts;
    rt::timing::TimingReport timing =
        rt::timing::simulate(code, *loaded, timingOptions);
    os << "; expected " << timing.cycles << " cycles ("
       << llvm::format("%.1f", timing.microseconds()) << " us";
    if (timing.programCores > 1)
      os << " on " << timing.programCores << " cores, " << timing.barriers
         << " barriers";
    os << ")";
    if (hasRunTimeCounts(code))
      os << " at the static capacity of its run-time lengths and bitmaps "
            "(compile-time expectation; `tern run --mode both` charges the "
            "executed counts)";
    if (timing.reramMacs)
      os << "; " << llvm::format("%.1f", 100.0 * timing.reramShare())
         << "% of matrix operations on the ReRAM tier";
  } else {
    llvm::consumeError(std::move(undecodable));
  }
  os << " -> " << output << "\n";
}
