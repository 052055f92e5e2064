//===- Calibrate.h - activation ranges from calibration data ----*- C++ -*-===//
//
// Calibration runs inside Tern: the tern-level model is compiled in bf16 with
// every value the quantizer may need (results of matrix ops and the
// producers of their activation operands) exposed as extra outputs, run on
// the functional simulator over the calibration samples, and observed. The
// ranges become `tern.range` attributes (tern/Dialect/Tern/IR/Quantization.h)
// and can be saved to a JSON file and reused.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DRIVER_CALIBRATE_H
#define TERN_DRIVER_CALIBRATE_H

#include "runtime/program/Program.h"

#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/Error.h"

#include <string>
#include <vector>

namespace tern {

struct CalibrationOptions {
  /// Directory of samples: `inputs.npy` ([N, sample...], the dataset
  /// convention of `tern eval`) if present, else every `.npy` / `.pb` file,
  /// each one sample or a batch [N, sample...].
  std::string dataDir;
  /// minmax, moving-minmax (momentum 0.95), percentile (99.99) or mse.
  std::string observer = "minmax";
  /// Use at most this many samples (0: all).
  int64_t limit = 0;
  /// Read ranges from this file instead of running calibration.
  std::string loadPath;
  /// Write the ranges to this file.
  std::string savePath;
  /// Target preset used to run the calibration program.
  std::string target = "tern-edge";
};

/// True if `options` asks for anything (data or a statistics file).
inline bool wantsCalibration(const CalibrationOptions &options) {
  return !options.dataDir.empty() || !options.loadPath.empty();
}

/// Samples of `input` from a calibration directory (see dataDir), as f32
/// vectors of the input's element count; at most `limit` (0: all).
llvm::Expected<std::vector<std::vector<float>>>
readCalibrationSamples(llvm::StringRef dir,
                       const rt::program::TensorDesc &input, int64_t limit);

/// Annotates `module` (tern IR after raising, one function) with calibrated
/// ranges. Errors name the file, the sample and the expected shape.
llvm::Error calibrateModule(mlir::ModuleOp module,
                            const CalibrationOptions &options);

} // namespace tern

#endif // TERN_DRIVER_CALIBRATE_H
