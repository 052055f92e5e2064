//===- Driver.h - Library side of the tern runtime subcommands ---*- C++ -*-===//
//
// tools/tern only parses options and calls these; every behaviour lives here
// so it can be tested and embedded.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_DRIVER_DRIVER_H
#define TERN_RUNTIME_DRIVER_DRIVER_H

#include "llvm/Support/Error.h"
#include "llvm/Support/raw_ostream.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace tern::rt::driver {

/// `tern asm in.s -o out.tern`
llvm::Error assembleFile(llvm::StringRef input, llvm::StringRef output);

/// `tern disasm in.tern [-o out.s]` (stdout when output is "-").
llvm::Error disassembleFile(llvm::StringRef input, llvm::StringRef output);

struct RunConfig {
  std::string program;
  std::vector<std::pair<std::string, std::string>> inputs; ///< name, path
  std::string outputDir;
  std::string outputFormat = "npy"; ///< npy | pb
  uint64_t maxInstructions = 0;
  double timeLimitSeconds = 0; ///< host-time budget of the run (0: none)
  uint64_t maxDramMiB = 0;      ///< DRAM a program may declare (0: host RAM)
  unsigned threads = 1;
  bool scalar = false; ///< portable kernels instead of the SIMD ones
  bool quiet = false;
  /// func: outputs only; perf: timing model only (no inputs needed);
  /// both: outputs and timing.
  std::string mode = "func";
  /// Timing without DMA costs (unlimited bandwidth).
  bool computeOnly = false;
  /// perf: the expected kept-token count of every threshold pruning point
  /// (timing::expectedDims); 0: the static capacity.
  unsigned expectKeep = 0;
  /// perf/both: the program is one of this many equal per-core shares
  /// running at once (DRAM bandwidth shared); 1..preset cores.
  unsigned cores = 1;
  /// How the cores share DRAM: "shared" (one channel, first come first
  /// served) or "split" (an even share each); timing::parseBus.
  std::string bus = "shared";
  /// perf/both: Chrome/Perfetto trace JSON and per-layer CSV statistics.
  std::string tracePath, statsPath;
  /// Gaussian weight noise on the frozen weights (Session::setWeightNoise):
  /// std relative to each tensor's max |w|; 0: none.
  double weightNoise = 0;
  uint64_t noiseSeed = 0;
};

/// `tern run prog.tern --input name=x.npy ... --output-dir out/`
llvm::Error runProgram(const RunConfig &cfg, llvm::raw_ostream &log);

struct ReportConfig {
  std::string program;
  std::string output; ///< the HTML file
  std::string title;  ///< default: the program's file name and target
  unsigned cores = 1; ///< as RunConfig::cores
  std::string bus = "shared"; ///< as RunConfig::bus
  bool computeOnly = false;
  unsigned timeBins = 100;
};

/// `tern report prog.tern -o report.html`: runs the timing model and writes
/// a self-contained HTML page with inline SVG charts (runtime/report).
llvm::Error reportProgram(const ReportConfig &cfg, llvm::raw_ostream &log);

struct TrainConfig {
  std::string program;   ///< a train step (tern-differentiate sgd-lr=...)
  std::string dataset;   ///< DIR with inputs.npy and labels.npy
  std::string params;    ///< DIR with <parameter>.npy initial values
  std::string outputDir; ///< trained parameters and losses.npy
  unsigned steps = 1;
  /// Samples per update (gradient accumulation; needs a step compiled with
  /// --grad-accumulation when > 1).
  unsigned batch = 1;
  unsigned threads = 1;
  bool quiet = false;
  /// Weight noise as RunConfig's; with `noisePerStep` every step draws a
  /// fresh sample (noise-aware training), otherwise one sample for all.
  double weightNoise = 0;
  uint64_t noiseSeed = 0;
  bool noisePerStep = false;
  /// `--merged-onnx OUT --model ORIG [--lora-alpha A]`: after the last step,
  /// write ORIG with the trained LoRA adapters merged into its weights
  /// (runtime/driver/MergeLora.h); no alpha: alpha = rank (scale 1).
  std::string mergedOnnx, model;
  std::optional<double> loraAlpha;
};

/// `tern train prog.tern --dataset DIR --params DIR --steps N`: runs the SGD
/// train step N times on the functional model (sample i mod S), feeding
/// the updated parameters back; prints the loss per step and the cycles
/// and energy of one step; writes the parameters and losses.npy.
llvm::Error trainProgram(const TrainConfig &cfg, llvm::raw_ostream &log);

/// `tern inspect prog.tern [--disasm]`
llvm::Error inspectProgram(llvm::StringRef path, bool withDisasm,
                           llvm::raw_ostream &os);

} // namespace tern::rt::driver

#endif
