//===- Compile.h - the `tern compile` pipeline ------------------*- C++ -*-===//
//
// What `tern compile` does, as a library: from tern-level IR (and, once the
// importer is in, an ONNX model) to a program image, through a pass pipeline
// whose tile sizes and memory capacities come from the target preset.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DRIVER_COMPILE_H
#define TERN_DRIVER_COMPILE_H

#include "tern/Driver/Calibrate.h"

#include "runtime/program/Program.h"
#include "runtime/targets/Preset.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/Support/SourceMgr.h"

#include <string>
#include <vector>

namespace tern {

/// Where compilation stops.
enum class EmitKind { Tosa, Tern, Accel, Asm, Program };

struct CompileOptions {
  std::string target = "tern-edge";
  /// Print the IR after every pass to stderr.
  bool printIrAfterAll = false;
  /// Write the IR after every pass, one file per pass, under this directory.
  std::string dumpIrDir;
  /// Verify the IR after every pass of the lowering pipeline. Off by default:
  /// after convert-tern-to-accel the module has one op per tile (millions
  /// for ViT-B/16) and each verification costs about as much as a pass, so
  /// the module is verified once before the pipeline and once after it,
  /// before emission (docs/Hardening.md).
  bool verifyEachPass = false;
  /// Free the f32 data of the constants convert-tern-to-accel lowers (its
  /// release-constant-data option): only where the module is compiled once
  /// and not reused (`tern compile`), never for a clone, which shares it.
  bool releaseConstantData = false;
  /// Print the time of each pass (MLIR's pass timing) to stderr.
  bool passTiming = false;
  /// Output columns of one GEMM instruction (convert-tern-to-accel's
  /// tile-n); 0: derived from the preset (tern::defaultGemmTileN,
  /// docs/Lowering.md).
  int64_t gemmTileN = 0;
  /// Cores to partition the program across (accel-partition-cores); 1: a
  /// one-core program.
  unsigned cores = 1;
  /// Run the raising passes first (the input was imported from ONNX).
  bool raise = false;
  /// Precision policy of tern-select-precision (bf16, tataa).
  std::string precision = "bf16";
  /// Calibration for policies that quantize (tataa).
  CalibrationOptions calibration;
  /// Requantization variant; empty: the target preset's.
  std::string requant;
  /// Operand widths of quantized matrix ops (`--bits w4a8`).
  unsigned weightBits = 8, activationBits = 8;
  /// Per-layer weight widths (NAME=BITS, NAME a glob on ONNX node names).
  std::vector<std::string> weightBitsOverrides;
  /// Weights per output channel instead of per tensor.
  bool perChannel = false;
  /// Calibrated linear inputs with zero points (`--act-scheme asym`).
  bool asymmetricActivations = false;
  /// Per-operator modes after the policy (NAME=MODE, NAME a glob).
  std::vector<std::string> precisionOverrides;
  /// The `auto` policy.
  struct Auto {
    /// Largest relative L2 error of the outputs against the all-bf16
    /// program on the calibration samples.
    double errorBudget = 0.02;
    /// What to minimise: cycles or energy.
    std::string objective = "cycles";
    /// Calibration samples the selection runs on.
    int64_t samples = 16;
    /// Write the chosen overrides here (reusable with --precision-overrides).
    std::string savePath;
  } autoPolicy;
  /// Where the auto policy reports its choice (null: nowhere).
  llvm::raw_ostream *log = nullptr;
  /// The module already carries calibrated ranges (internal: auto's trial
  /// compilations).
  bool calibrated = false;
  /// tern-ffn2-sparsity: bitmap GEMMs for linears fed by a ReLU, with the
  /// threshold of the bitmap (0: exact).
  bool ffn2Sparsity = false;
  unsigned ffn2Threshold = 0;
  /// On a target with a ReRAM crossbar tier (atleus-3d): int8 linear
  /// layers with constant weights run on the crossbars (`--no-reram`: keep
  /// every product on the systolic tier).
  bool reram = true;
  /// Warn when the target has a ReRAM tier and nothing maps to it (off for
  /// the driver's internal compilations: calibration, auto-policy trials).
  bool warnIfReramUnused = true;
  /// tern-prune-tokens: token pruning after attention layers.
  struct PruneTokens {
    bool enabled = false;
    /// Attention layers (0-based); empty: the pass's default (3, 6, 9).
    std::vector<unsigned> layers;
    /// One keep rate, or one per layer; empty: the pass's default (0.7).
    std::vector<double> keepRates;
    /// cls, all-rows or auto.
    std::string importance = "auto";
    /// Append the kept indices to the program's outputs.
    bool exposeIndices = false;
    /// Fold the pruned tokens into one extra token (EViT).
    bool fuse = false;
    /// Threshold selection (token-unit score units); <= 0: off.
    int threshold = 0;
  } pruneTokens;
  /// Fine-tuning (docs/FineTuning.md): tern-insert-lora, then
  /// tern-differentiate turns the model into a train step.
  struct Finetune {
    bool enabled = false;
    unsigned rank = 8;
    std::vector<std::string> targets; ///< empty: the pass's default (q, v)
    double alpha = 0;                 ///< 0: alpha = rank
    unsigned seed = 0;
    std::string loss = "mse"; ///< mse | ce
    double sgdLr = 0;         ///< > 0: SGD update; 0: gradients
    /// Adam (tern-apply-optimizer) when `adam` is set; then sgdLr is 0.
    struct Adam {
      bool enabled = false;
      double lr = 1e-3, beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    } adam;
    /// Gradient accumulation (tern-apply-optimizer accumulate, tern train
    /// --batch); with SGD the update runs in tern-apply-optimizer too.
    bool accumulate = false;
    /// With a quantizing policy: the calibrated activation ranges (of the
    /// model without adapters) widened by this factor, headroom for the
    /// adapters' growth (docs/FineTuning.md).
    double rangeHeadroom = 2.0;
  } finetune;
};

/// Multiplies every calibrated range (`tern.range = array<f64: min, max>`
/// on an op or a function argument) by `factor`.
void widenCalibratedRanges(mlir::ModuleOp module, double factor);

/// Parses `lora:rank=8,targets=q,v,alpha=16,seed=1` (a value without `=`
/// continues the previous key's list) into options.finetune.
llvm::Error parseFinetuneSpec(llvm::StringRef spec, CompileOptions &options);

/// Reads a precision-overrides file: one NAME=MODE per line, `#` comments.
llvm::Error readPrecisionOverrides(llvm::StringRef path,
                                   std::vector<std::string> &overrides);

/// The `auto` policy: per-operator int8/bf16 choice for `module` (raised,
/// calibrated) that minimises cycles or energy within the error budget,
/// measured on the simulator. Returns the overrides (NAME=int) to apply on
/// top of the bf16 policy.
llvm::Expected<std::vector<std::string>>
selectPrecisionAutomatically(mlir::ModuleOp module,
                             const CompileOptions &options);

/// Parses `wNaM` (e.g. w8a8, w4a8) into `options`.
llvm::Error parseBitsSpec(llvm::StringRef spec, CompileOptions &options);

/// Reads a model: `.onnx` files are imported (with `inputShapes`, each
/// `name=1x3x224x224`, and `bindInputs`, each `name=FILE.npy|FILE.pb`: that
/// graph input becomes a constant with the file's value), anything else is
/// parsed as MLIR through `sourceMgr`. `imported` tells whether the raising
/// passes apply. Errors go to the context's diagnostics (or `error` for
/// option problems); returns null then.
mlir::OwningOpRef<mlir::ModuleOp>
loadModel(llvm::StringRef path, llvm::ArrayRef<std::string> inputShapes,
          mlir::MLIRContext &context, llvm::SourceMgr &sourceMgr,
          bool &imported, std::string &error,
          llvm::ArrayRef<std::string> bindInputs = {});

/// A model loaded for a driver command: its context (every Tern dialect
/// registered and loaded), the diagnostic handler that prints to stderr, and
/// the module. Members are destroyed module first.
struct LoadedModel {
  std::unique_ptr<mlir::MLIRContext> context;
  std::unique_ptr<llvm::SourceMgr> sourceMgr;
  std::unique_ptr<mlir::SourceMgrDiagnosticHandler> handler;
  mlir::OwningOpRef<mlir::ModuleOp> module;
  bool imported = false;
};

/// loadModel with its own context; the error says "cannot <verb> '<path>'"
/// when the diagnostics already explained why.
llvm::Expected<LoadedModel> loadModelForCommand(
    llvm::StringRef path, llvm::ArrayRef<std::string> inputShapes,
    llvm::StringRef verb, llvm::ArrayRef<std::string> bindInputs = {});

/// Fails unless `policy` names a precision policy that is implemented.
llvm::Error checkPrecisionPolicy(llvm::StringRef policy);

/// True if `policy` runs tern-quantize.
bool policyQuantizes(llvm::StringRef policy);

/// True if `policy` derives scales from calibrated ranges (qdq takes the
/// model's own).
bool policyNeedsCalibration(llvm::StringRef policy);

/// Adds tern-select-precision (and tern-quantize for quantizing policies),
/// convert-tern-to-accel, accel-allocate-buffers and accel-insert-sync,
/// configured from `preset`, stopping after `stopAfter`'s stage. The
/// raising passes run before (calibration needs raised IR).
void buildLoweringPipeline(mlir::OpPassManager &pm,
                           const rt::targets::Preset &preset,
                           EmitKind stopAfter, const CompileOptions &options);

/// Runs the lowering pipeline on `module` (tern IR) in place and, for
/// EmitKind::Asm / Program, emits the program image. Diagnostics go to the
/// module's context; returns failure after reporting them.
mlir::FailureOr<rt::program::ProgramImage>
compileModule(mlir::ModuleOp module, const CompileOptions &options,
              EmitKind emit);

/// Frees the bodies of `module`'s functions (the tile programs, millions of
/// ops for a large model) once the program is emitted, keeping the module's
/// and functions' attributes that printCompileSummary reads, and returns the
/// freed memory to the system where the C library can.
void releaseFunctionBodies(mlir::ModuleOp module);

/// One line for the user after compilation: instructions, constants, DRAM,
/// scratchpad use against capacity, and the timing model's expected cycles.
void printCompileSummary(mlir::ModuleOp module,
                         const rt::program::ProgramImage &image,
                         llvm::StringRef input, llvm::StringRef output,
                         llvm::raw_ostream &os);

} // namespace tern

#endif // TERN_DRIVER_COMPILE_H
