//===- RunCommand.cpp - `tern run` options ----------------------------------===//

#include "Commands.h"
#include "NoiseFlags.h"

#include "runtime/driver/Driver.h"

#include <thread>

using namespace llvm;

namespace {
cl::SubCommand runCmd("run", "Simulate a program on the functional model");
cl::opt<std::string> program(cl::Positional, cl::desc("<program.tern>"),
                             cl::Required, cl::sub(runCmd));
cl::list<std::string> inputs("input", cl::desc("Bind an input: name=file "
                                               "(.npy or TensorProto .pb)"),
                             cl::value_desc("name=file"), cl::sub(runCmd));
cl::opt<std::string> outputDir("output-dir",
                               cl::desc("Directory for the output tensors"),
                               cl::value_desc("dir"), cl::sub(runCmd));
cl::opt<std::string> outputFormat("output-format",
                                  cl::desc("npy (default) or pb"),
                                  cl::init("npy"), cl::sub(runCmd));
cl::opt<uint64_t> maxInsns("max-instructions",
                           cl::desc("Stop after this many instructions "
                                    "(0: unlimited)"),
                           cl::init(0), cl::sub(runCmd));
cl::opt<double> timeLimit("time-limit",
                          cl::desc("Stop with an error after this many "
                                   "seconds of host time (0: unlimited)"),
                          cl::value_desc("seconds"), cl::init(0),
                          cl::sub(runCmd));
cl::opt<uint64_t> maxDramMiB("max-dram-mb",
                             cl::desc("Refuse programs that declare more "
                                      "DRAM than this (MiB; 0: the host's "
                                      "physical memory)"),
                             cl::init(0), cl::sub(runCmd));
cl::opt<unsigned> threads("threads",
                          cl::desc("Host threads for GEMM (0: all cores)"),
                          cl::init(1), cl::sub(runCmd));
cl::opt<bool> scalar("scalar-kernels",
                     cl::desc("Use the portable scalar kernels"),
                     cl::sub(runCmd));
cl::opt<bool> quiet("quiet", cl::desc("No summary on stderr"), cl::sub(runCmd));
cl::opt<std::string> mode("mode",
                          cl::desc("func (outputs), perf (timing model "
                                   "only) or both"),
                          cl::init("func"), cl::sub(runCmd));
cl::opt<std::string> tracePath("trace",
                               cl::desc("Write a Chrome/Perfetto trace "
                                        "(perf or both)"),
                               cl::value_desc("file.json"), cl::sub(runCmd));
cl::opt<std::string> statsPath("stats",
                               cl::desc("Write per-layer, per-unit busy "
                                        "cycles as CSV (perf or both); a "
                                        ".json file also gets the totals, "
                                        "per-tier operations and energy"),
                               cl::value_desc("file.csv"), cl::sub(runCmd));
cl::opt<bool> computeOnly("compute-only",
                          cl::desc("Timing without DMA costs (unlimited "
                                   "bandwidth)"),
                          cl::sub(runCmd));
cl::opt<unsigned> expectKeep(
    "expect-keep",
    cl::desc("perf: charge run-time token counts as if every threshold "
             "pruning point kept N tokens (capped at its capacity; the "
             "compile-time expectation; default: the static capacity)"),
    cl::value_desc("N"), cl::init(0), cl::sub(runCmd));
cl::opt<unsigned> cores("cores",
                        cl::desc("Timing: the program is one core's share of "
                                 "work split evenly across N cores (DRAM "
                                 "bandwidth shared); default 1"),
                        cl::init(1), cl::sub(runCmd));
cl::opt<std::string> bus("bus",
                         cl::desc("Timing, several cores: shared (one DRAM "
                                  "channel, first come first served; "
                                  "default) or split (an even share of the "
                                  "bandwidth each)"),
                         cl::init("shared"), cl::sub(runCmd));

tern::tool::NoiseFlags noise(runCmd);

tern::tool::RegisterCommand reg(runCmd, []() -> Error {
  tern::rt::driver::RunConfig cfg;
  cfg.program = program;
  cfg.mode = mode;
  cfg.computeOnly = computeOnly;
  cfg.expectKeep = expectKeep;
  cfg.cores = cores;
  cfg.bus = bus;
  cfg.tracePath = tracePath;
  cfg.statsPath = statsPath;
  for (const std::string &b : inputs) {
    size_t eq = b.find('=');
    if (eq == std::string::npos || eq == 0)
      return createStringError(inconvertibleErrorCode(),
                               "--input '%s' is not name=file", b.c_str());
    cfg.inputs.emplace_back(b.substr(0, eq), b.substr(eq + 1));
  }
  cfg.outputDir = outputDir;
  cfg.outputFormat = outputFormat;
  cfg.maxInstructions = maxInsns;
  if (!(timeLimit >= 0) || timeLimit > 1e9)
    return createStringError(inconvertibleErrorCode(),
                             "--time-limit must be between 0 and 1e9 seconds");
  cfg.timeLimitSeconds = timeLimit;
  if (maxDramMiB > (uint64_t(1) << 20))
    return createStringError(inconvertibleErrorCode(),
                             "--max-dram-mb must be at most 1048576 (the "
                             "ISA's 2^40-byte DRAM)");
  cfg.maxDramMiB = maxDramMiB;
  cfg.threads = threads ? threads : std::max(1u, std::thread::hardware_concurrency());
  cfg.scalar = scalar;
  cfg.weightNoise = noise.sigma;
  cfg.noiseSeed = noise.seed;
  cfg.quiet = quiet;
  return tern::rt::driver::runProgram(cfg, errs());
});
} // namespace
