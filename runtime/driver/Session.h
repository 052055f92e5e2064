//===- Session.h - run a loaded program on in-memory tensors -----*- C++ -*-===//
//
// The part of `tern run` that other drivers (`tern eval`, tests) reuse: a
// verified program plus its preset, run as many times as wanted on host
// tensors, each run on a fresh machine (constants reloaded, scratchpads and
// DRAM cleared), so runs are independent and deterministic.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_DRIVER_SESSION_H
#define TERN_RUNTIME_DRIVER_SESSION_H

#include "runtime/io/Tensor.h"
#include "runtime/isa/ISA.h"
#include "runtime/program/Program.h"
#include "runtime/sim/functional/Machine.h"
#include "runtime/sim/timing/TimingModel.h"
#include "runtime/targets/Preset.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Error.h"

#include <memory>
#include <vector>

namespace tern::rt::driver {

class Session {
public:
  /// Verifies the embedded preset and decodes the code once.
  static llvm::Expected<std::unique_ptr<Session>>
  create(std::unique_ptr<program::LoadedProgram> program, unsigned threads = 1,
         bool scalar = false);

  const program::LoadedProgram &program() const { return *loaded; }
  const targets::Preset &preset() const { return target; }

  /// Runs once. `inputs` are matched to the program's inputs by name (every
  /// input must be given, no unknown name); bf16 inputs accept f32 tensors
  /// (rounded to nearest even). Outputs come in descriptor order; bf16
  /// outputs are widened to f32 unless `bf16Outputs`.
  llvm::Expected<std::vector<io::Tensor>>
  run(const llvm::StringMap<io::Tensor> &inputs, uint64_t maxInstructions = 0,
      bool bf16Outputs = false);

  /// Host-time budget of later runs in seconds (0: none); a run that
  /// exceeds it fails with an error naming the instruction reached.
  void setTimeLimit(double seconds) { maxSeconds = seconds; }
  /// Largest DRAM a program may declare for a run (bytes). The default is
  /// the host's physical memory: the DRAM is zero-filled lazily, but a
  /// program that needs more than the host has cannot run anyway.
  void setDramLimit(uint64_t bytes) { maxDramBytes = bytes; }

  /// Gaussian weight noise (runtime/sim/functional/WeightNoise.h) on the
  /// program's frozen weights (ProgramImage::weights) in every later run:
  /// std `sigma` times each tensor's max |w|. The same draw is applied to
  /// every run (a device's fixed variation) until setNoiseDraw changes it.
  /// Refuses a negative or non-finite sigma (naming --weight-noise) and a
  /// positive one for a program that marks no weights.
  llvm::Error setWeightNoise(double sigma, uint64_t seed);
  /// Selects an independent noise sample (0: the one drawn at load).
  void setNoiseDraw(uint64_t draw) { noiseDraw = draw; }
  double weightNoise() const { return noiseSigma; }

  /// The decoded instruction stream, decoded on first use (the program's
  /// words were checked at create()). The timing model can read the words
  /// instead (timing::CodeView::fromWords), without this copy.
  llvm::ArrayRef<isa::Decoded> decodedCode() const;

  /// Timing options for this program from the `--cores` and `--bus` flags:
  /// `cores` replicates a one-core program as data-parallel shares (1..the
  /// preset's cores); a partitioned program runs on its own cores, so it
  /// takes 1 only. Errors name the flag.
  llvm::Expected<timing::TimingOptions>
  timingOptions(unsigned cores, llvm::StringRef bus, bool computeOnly) const;

  /// Statistics of the last run.
  const sim::ExecStats &lastStats() const { return stats; }
  /// The dimensions each instruction of the last run executed with where
  /// run-time lengths or bitmaps shrank them (isa::ExecutedDims; empty when
  /// none did): what the timing model charges in `both` mode.
  llvm::ArrayRef<isa::ExecutedDims> lastExecuted() const { return executed; }

  /// Physical memory of the host in bytes (sysconf), or 2^40 if unknown.
  static uint64_t hostMemoryBytes();

private:
  Session() = default;
  std::unique_ptr<program::LoadedProgram> loaded;
  targets::Preset target;
  mutable std::vector<isa::Decoded> code; ///< decodedCode()'s cache
  mutable bool decoded = false;
  unsigned threads = 1;
  bool scalar = false;
  double maxSeconds = 0;
  uint64_t maxDramBytes = hostMemoryBytes();
  double noiseSigma = 0;
  uint64_t noiseSeed = 0, noiseDraw = 0;
  bool noiseCached = false;
  uint64_t cachedDraw = 0;
  std::vector<std::vector<uint8_t>> noisyWeights; ///< per weight, this draw
  sim::ExecStats stats;
  std::vector<isa::ExecutedDims> executed;
};

} // namespace tern::rt::driver

#endif
