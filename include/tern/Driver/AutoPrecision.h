//===- AutoPrecision.h - the `auto` precision policy's selection -*- C++ -*-===//
//
// The selection step of the `auto` policy, separate from the simulator so it
// can be tested with synthetic costs and errors: given each candidate's
// error and saving when switched alone, and a way to measure any set of
// candidates, choose a set within the error budget.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DRIVER_AUTOPRECISION_H
#define TERN_DRIVER_AUTOPRECISION_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <string>
#include <vector>

namespace tern {

struct PrecisionCandidate {
  std::string name;
  /// Output error with this candidate alone in int8.
  double error = 0;
  /// Cost saved (cycles or pJ) with this candidate alone in int8.
  double saving = 0;
};

struct PrecisionTrial {
  double cost = 0;
  double error = 0;
};

/// Measures the configuration with the given candidates (indices into the
/// candidate list) in int8 and the rest in bf16.
using MeasurePrecisionFn =
    std::function<llvm::Expected<PrecisionTrial>(llvm::ArrayRef<size_t>)>;

/// Greedy selection: candidates that save on their own first, by saving per
/// squared error, then the others by error; each is kept if the measured
/// configuration with it stays within `budget` and costs less than without
/// it. Returns the chosen indices in the order they were taken.
llvm::Expected<std::vector<size_t>>
selectPrecisionGreedy(llvm::ArrayRef<PrecisionCandidate> candidates,
                      double budget, double baselineCost,
                      const MeasurePrecisionFn &measure);

} // namespace tern

#endif // TERN_DRIVER_AUTOPRECISION_H
