//===- NoiseFlags.h - weight-noise options ------------------------*- C++
//-*-===//
//
// The device-variation options `tern run`, `tern eval` and `tern train`
// share (docs/FineTuning.md, "Weight noise"), declared once and instantiated
// per subcommand.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_TOOLS_TERN_NOISEFLAGS_H
#define TERN_TOOLS_TERN_NOISEFLAGS_H

#include "llvm/Support/CommandLine.h"

#include <cstdint>

namespace tern::tool {

struct NoiseFlags {
  explicit NoiseFlags(llvm::cl::SubCommand &sub)
      : sigma("weight-noise",
              llvm::cl::desc("Gaussian noise on the frozen base weights: std "
                             "SIGMA times each weight tensor's max |w| "
                             "(device variation; default 0)"),
              llvm::cl::value_desc("SIGMA"), llvm::cl::init(0),
              llvm::cl::sub(sub)),
        seed("noise-seed",
             llvm::cl::desc("Seed of the weight noise (default 0)"),
             llvm::cl::value_desc("S"), llvm::cl::init(0), llvm::cl::sub(sub)) {
  }

  llvm::cl::opt<double> sigma;
  llvm::cl::opt<uint64_t> seed;
};

} // namespace tern::tool

#endif // TERN_TOOLS_TERN_NOISEFLAGS_H
