//===- QuantFlags.h - calibration / quantization options --------*- C++ -*-===//
//
// The options `tern compile` and `tern eval` share for quantizing policies,
// declared once and instantiated per subcommand.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TOOLS_TERN_QUANTFLAGS_H
#define TERN_TOOLS_TERN_QUANTFLAGS_H

#include "tern/Driver/Compile.h"

#include "llvm/Support/CommandLine.h"

namespace tern::tool {

struct QuantFlags {
  explicit QuantFlags(llvm::cl::SubCommand &sub)
      : calib("calib",
              llvm::cl::desc("Calibration samples: a directory with "
                             "inputs.npy, or .npy / .pb files (one sample "
                             "or a batch each)"),
              llvm::cl::value_desc("dir"), llvm::cl::sub(sub)),
        calibStats("calib-stats",
                   llvm::cl::desc("Use calibration ranges saved by "
                                  "--save-calib-stats instead of --calib"),
                   llvm::cl::value_desc("file"), llvm::cl::sub(sub)),
        saveCalibStats("save-calib-stats",
                       llvm::cl::desc("Write the calibrated ranges (JSON)"),
                       llvm::cl::value_desc("file"), llvm::cl::sub(sub)),
        observer("observer",
                 llvm::cl::desc("Calibration observer: minmax, "
                                "moving-minmax, percentile or mse"),
                 llvm::cl::init("minmax"), llvm::cl::sub(sub)),
        calibLimit("calib-limit",
                   llvm::cl::desc("Calibrate on at most N samples"),
                   llvm::cl::init(0), llvm::cl::sub(sub)),
        bits("bits",
             llvm::cl::desc("Operand widths of quantized matrix ops: "
                            "wNaM with N, M in 8, 6, 4: w8a8 (default), "
                            "w4a8, w8a4, w4a4, ..."),
             llvm::cl::init("w8a8"), llvm::cl::sub(sub)),
        bitsOverrides("weight-bits-override",
                      llvm::cl::desc("Per-layer weight width after --bits: "
                                     "NAME=8|6|4, NAME a glob over ONNX node "
                                     "names (repeatable; the last match "
                                     "wins)"),
                      llvm::cl::value_desc("name=bits"), llvm::cl::sub(sub)),
        perChannel("per-channel",
                   llvm::cl::desc("Quantize weights per output channel "
                                  "(I-BERT) instead of per tensor (TATAA)"),
                   llvm::cl::sub(sub)),
        actScheme("act-scheme",
                  llvm::cl::desc("Calibrated activations: sym (zero point "
                                 "0, the default) or asym (a linear's input "
                                 "with a zero point, folded into its int32 "
                                 "bias; not with integer-only policies)"),
                  llvm::cl::init("sym"), llvm::cl::sub(sub)),
        overrides("precision-override",
                  llvm::cl::desc("Per-operator mode after the policy: "
                                 "NAME=bf16|int, NAME a glob over ONNX node "
                                 "names (repeatable)"),
                  llvm::cl::value_desc("name=mode"), llvm::cl::sub(sub)),
        overridesFile("precision-overrides",
                      llvm::cl::desc("File of NAME=MODE lines (# comments), "
                                     "e.g. written by --save-precision"),
                      llvm::cl::value_desc("file"), llvm::cl::sub(sub)),
        errorBudget("error-budget",
                    llvm::cl::desc("auto: largest relative L2 output error "
                                   "vs the all-bf16 program"),
                    llvm::cl::init(0.02), llvm::cl::sub(sub)),
        objective("objective",
                  llvm::cl::desc("auto: minimise cycles or energy"),
                  llvm::cl::init("cycles"), llvm::cl::sub(sub)),
        autoSamples("auto-samples",
                    llvm::cl::desc("auto: calibration samples to measure "
                                   "errors on"),
                    llvm::cl::init(16), llvm::cl::sub(sub)),
        savePrecision("save-precision",
                      llvm::cl::desc("auto: write the chosen overrides"),
                      llvm::cl::value_desc("file"), llvm::cl::sub(sub)),
        requant("requant",
                llvm::cl::desc("Requantization variant (ibert, swifttron, "
                               "tataa, elastic); default: the target's"),
                llvm::cl::sub(sub)),
        ffn2Sparsity("ffn2-sparsity",
                     llvm::cl::desc("Skip FFN2 weight rows that only meet "
                                    "ReLU zeros (tern-ffn2-sparsity; "
                                    "quantizing policies)"),
                     llvm::cl::sub(sub)),
        ffn2Threshold("ffn2-threshold",
                      llvm::cl::desc("With --ffn2-sparsity: int8 values with "
                                     "|x| <= N count as zero in the bitmaps "
                                     "(0: exact, the default)"),
                      llvm::cl::init(0), llvm::cl::sub(sub)),
        noReram("no-reram",
                llvm::cl::desc("On a target with a ReRAM tier (atleus-3d): "
                               "keep int8 linear layers on the systolic "
                               "tier instead of the crossbars"),
                llvm::cl::sub(sub)),
        pruneTokens("prune-tokens",
                    llvm::cl::desc("Drop the least attended tokens after "
                                   "attention layers (tern-prune-tokens)"),
                    llvm::cl::sub(sub)),
        pruneLayers("prune-layers",
                    llvm::cl::desc("With --prune-tokens: attention layers "
                                   "(0-based) to prune after (default 3,6,9 "
                                   "clipped to the model)"),
                    llvm::cl::CommaSeparated, llvm::cl::sub(sub)),
        pruneKeepRate("prune-keep-rate",
                      llvm::cl::desc("With --prune-tokens: keep rate rho, one "
                                     "for all layers or one per layer "
                                     "(default 0.7)"),
                      llvm::cl::CommaSeparated, llvm::cl::sub(sub)),
        pruneImportance("prune-importance",
                        llvm::cl::desc("With --prune-tokens: cls, all-rows or "
                                       "auto (default)"),
                        llvm::cl::init("auto"), llvm::cl::sub(sub)),
        pruneExposeIndices(
            "prune-expose-indices",
            llvm::cl::desc("With --prune-tokens: also output the kept "
                           "indices of every pruning point "
                           "(kept_tokens_<layer>)"),
            llvm::cl::sub(sub)),
        pruneFuse("prune-fuse",
                  llvm::cl::desc("With --prune-tokens: fold the pruned tokens "
                                 "into one extra token, their "
                                 "importance-weighted mean (EViT)"),
                  llvm::cl::sub(sub)),
        pruneThreshold(
            "prune-threshold",
            llvm::cl::desc("With --prune-tokens: keep CLS and the tokens "
                           "whose token-unit score (about 127 x the head "
                           "mean of the CLS attention) is >= T; the count "
                           "is known at run time (instead of a keep rate)"),
            llvm::cl::init(0), llvm::cl::sub(sub)) {}

  /// Copies the flags into `options`.
  llvm::Error apply(CompileOptions &options) const {
    if (llvm::Error e = parseBitsSpec(bits, options))
      return e;
    options.calibration.dataDir = calib;
    options.calibration.loadPath = calibStats;
    options.calibration.savePath = saveCalibStats;
    options.calibration.observer = observer;
    options.calibration.limit = calibLimit;
    options.requant = requant;
    options.perChannel = perChannel;
    if (actScheme != "sym" && actScheme != "asym")
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "--act-scheme '" + actScheme +
                                         "': expected sym or asym");
    options.asymmetricActivations = actScheme == "asym";
    options.weightBitsOverrides.assign(bitsOverrides.begin(),
                                       bitsOverrides.end());
    options.precisionOverrides.assign(overrides.begin(), overrides.end());
    if (!overridesFile.empty())
      if (llvm::Error e =
              readPrecisionOverrides(overridesFile, options.precisionOverrides))
        return e;
    options.autoPolicy.errorBudget = errorBudget;
    options.autoPolicy.objective = objective;
    options.autoPolicy.samples = autoSamples;
    options.autoPolicy.savePath = savePrecision;
    options.log = &llvm::outs();
    if (ffn2Threshold.getNumOccurrences() && !ffn2Sparsity)
      return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                     "--ffn2-threshold needs --ffn2-sparsity");
    if (ffn2Threshold > 127)
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "--ffn2-threshold " + llvm::Twine(ffn2Threshold.getValue()) +
              " is not an int8 magnitude (0..127)");
    if (ffn2Sparsity && !policyQuantizes(options.precision))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "--ffn2-sparsity needs int8 matrix ops: choose a quantizing "
          "precision (--precision tataa or qdq)");
    options.ffn2Sparsity = ffn2Sparsity;
    options.ffn2Threshold = ffn2Threshold;
    options.reram = !noReram;
    if (!pruneTokens &&
        (pruneLayers.getNumOccurrences() || pruneKeepRate.getNumOccurrences() ||
         pruneImportance.getNumOccurrences() ||
         pruneExposeIndices.getNumOccurrences() ||
         pruneFuse.getNumOccurrences() || pruneThreshold.getNumOccurrences()))
      return llvm::createStringError(
          llvm::inconvertibleErrorCode(),
          "--prune-layers, --prune-keep-rate, --prune-importance, "
          "--prune-expose-indices, --prune-fuse and --prune-threshold need "
          "--prune-tokens");
    options.pruneTokens.enabled = pruneTokens;
    options.pruneTokens.layers.assign(pruneLayers.begin(), pruneLayers.end());
    options.pruneTokens.keepRates.assign(pruneKeepRate.begin(),
                                         pruneKeepRate.end());
    options.pruneTokens.importance = pruneImportance;
    options.pruneTokens.exposeIndices = pruneExposeIndices;
    options.pruneTokens.fuse = pruneFuse;
    options.pruneTokens.threshold = pruneThreshold;
    return llvm::Error::success();
  }

  llvm::cl::opt<std::string> calib, calibStats, saveCalibStats, observer;
  llvm::cl::opt<int64_t> calibLimit;
  llvm::cl::opt<std::string> bits;
  llvm::cl::list<std::string> bitsOverrides;
  llvm::cl::opt<bool> perChannel;
  llvm::cl::opt<std::string> actScheme;
  llvm::cl::list<std::string> overrides;
  llvm::cl::opt<std::string> overridesFile;
  llvm::cl::opt<double> errorBudget;
  llvm::cl::opt<std::string> objective;
  llvm::cl::opt<int64_t> autoSamples;
  llvm::cl::opt<std::string> savePrecision;
  llvm::cl::opt<std::string> requant;
  llvm::cl::opt<bool> ffn2Sparsity;
  llvm::cl::opt<unsigned> ffn2Threshold;
  llvm::cl::opt<bool> noReram;
  llvm::cl::opt<bool> pruneTokens;
  llvm::cl::list<unsigned> pruneLayers;
  llvm::cl::list<double> pruneKeepRate;
  llvm::cl::opt<std::string> pruneImportance;
  llvm::cl::opt<bool> pruneExposeIndices, pruneFuse;
  llvm::cl::opt<int> pruneThreshold;
};

} // namespace tern::tool

#endif // TERN_TOOLS_TERN_QUANTFLAGS_H
