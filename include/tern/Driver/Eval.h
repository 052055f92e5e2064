//===- Eval.h - accuracy of a compiled model on a dataset -------*- C++ -*-===//
//
// `tern eval`: compile a model, run every sample of a dataset directory on
// the functional simulator and compare with the labels or targets and with
// the FP32 reference outputs (onnxruntime, from the model zoo's fixtures).
//
// Dataset directory: inputs.npy ([N, sample...], f32) and any of
// labels.npy ([N], integer classes), targets.npy ([N, ...], regression
// targets), reference.npy ([N, outputs...], FP32 reference outputs) and
// meta.json (the zoo's: its "normalisation" {"mean", "std"} de-normalises
// regression errors to the data's units).
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DRIVER_EVAL_H
#define TERN_DRIVER_EVAL_H

#include "runtime/program/Program.h"

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>

namespace tern {

struct EvalResult {
  int64_t samples = 0;
  /// Classification (labels.npy): top-1 accuracy of the program and of the
  /// reference, and how often their top-1 agrees.
  std::optional<double> accuracy, referenceAccuracy, top1Agreement;
  /// Regression (targets.npy): RMSE of the program and of the reference, in
  /// the units of targets.npy.
  std::optional<double> rmse, referenceRmse;
  /// meta.json's normalisation std: RMSE x std is in the data's units.
  std::optional<double> targetStd;
  /// ||out - ref|| / ||ref|| and max |out - ref| over all samples
  /// (reference.npy).
  std::optional<double> relativeL2, maxAbsError;
  /// The program's outputs of every sample, concatenated on axis 0 (the
  /// layout of reference.npy: [samples x batch, ...]).
  std::vector<int64_t> outputShape;
  std::vector<float> outputs;
  /// Per-sample functional statistics of the program (means over the
  /// samples: bitmap GEMMs and run-time lengths make them data-dependent).
  uint64_t instructions = 0, macs = 0;
  /// Weight bytes of the GEMMs that carry a K-row bitmap (FFN2 with
  /// tern-ffn2-sparsity) and the part the bitmaps skipped, per sample.
  uint64_t bitmapWeightBytes = 0, skippedWeightBytes = 0;
  /// Per-sample timing-model estimate on the program's target.
  /// Timing-model cycles per sample: the mean over the samples of the
  /// counts each executed where run-time lengths or bitmaps shrank them
  /// (executedCycles; staticCycles is the static-capacity figure), else the
  /// static program's.
  uint64_t cycles = 0, staticCycles = 0;
  bool executedCycles = false;
  double microseconds = 0, energyMicrojoules = 0;
};

/// Runs `image` on up to `limit` samples (0: all) of `datasetDir`, with
/// `weightNoise` on its frozen weights (Session::setWeightNoise).
llvm::Expected<EvalResult>
evaluateProgram(const rt::program::ProgramImage &image,
                llvm::StringRef datasetDir, int64_t limit,
                double weightNoise = 0, uint64_t noiseSeed = 0);

void printEvalResult(const EvalResult &result, llvm::raw_ostream &os);

} // namespace tern

#endif // TERN_DRIVER_EVAL_H
