//===- RunCommand.cpp - tern run: load, bind I/O, simulate, write outputs ---===//

#include "runtime/driver/Driver.h"
#include "runtime/driver/Session.h"
#include "runtime/sim/timing/TimingModel.h"

#include "runtime/io/Tensor.h"
#include "runtime/program/Program.h"
#include "runtime/sim/functional/Executor.h"
#include "runtime/sim/functional/kernels/BF16.h"
#include "runtime/sim/functional/kernels/Gemm.h"
#include "runtime/targets/Preset.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/ToolOutputFile.h"

#include <cstring>

using namespace llvm;
using tern::rt::program::DType;

namespace tern::rt::driver {

namespace {
std::string fileNameFor(StringRef name) {
  std::string s = name.str();
  for (char &c : s)
    if (c == '/' || c == '\\' || c == ':' || c == ' ')
      c = '_';
  return s;
}
} // namespace

Error runProgram(const RunConfig &cfg, raw_ostream &log) {
  auto loaded = program::LoadedProgram::loadFile(cfg.program);
  if (!loaded)
    return loaded.takeError();
  if (cfg.outputFormat != "npy" && cfg.outputFormat != "pb")
    return createStringError(inconvertibleErrorCode(),
                             "--output-format must be npy or pb, not '%s'",
                             cfg.outputFormat.c_str());
  auto session = Session::create(std::move(*loaded), cfg.threads, cfg.scalar);
  if (!session)
    return createStringError(inconvertibleErrorCode(), "%s: %s",
                             cfg.program.c_str(),
                             toString(session.takeError()).c_str());
  if (Error e = (*session)->setWeightNoise(cfg.weightNoise, cfg.noiseSeed))
    return e;
  const program::LoadedProgram &P = (*session)->program();
  if (cfg.mode != "func" && cfg.mode != "perf" && cfg.mode != "both")
    return createStringError(inconvertibleErrorCode(),
                             "--mode must be func, perf or both, not '%s'",
                             cfg.mode.c_str());
  if (cfg.mode == "func" && (!cfg.tracePath.empty() || !cfg.statsPath.empty()))
    return createStringError(inconvertibleErrorCode(),
                             "--trace and --stats need --mode perf or both");
  Expected<timing::TimingOptions> options =
      (*session)->timingOptions(cfg.cores, cfg.bus, cfg.computeOnly);
  if (!options)
    return options.takeError();
  if (cfg.mode == "func" && cfg.cores != 1)
    return createStringError(inconvertibleErrorCode(),
                             "--cores needs --mode perf or both");
  timing::TimingOptions timingOptions = std::move(*options);
  timingOptions.recordSlices =
      !cfg.tracePath.empty() || !cfg.statsPath.empty();
  // The timing model reads the program's words (no decoded copy).
  timing::CodeView code = timing::CodeView::fromWords(P.code);
  // Runs the timing model and writes its report, trace and statistics.
  auto reportTiming = [&]() -> Error {
    // Both mode: the dimensions the functional run executed (run-time
    // lengths, bitmaps) replace the static ones.
    if (cfg.mode == "both")
      code = code.withExecuted((*session)->lastExecuted());
    timing::TimingReport report =
        timing::simulate(code, (*session)->preset(), timingOptions);
    timing::printReport(report, log);
    auto locationOf = [&P](uint32_t i) { return P.locationOf(i); };
    for (auto [path, isTrace] : {std::make_pair(cfg.tracePath, true),
                                 std::make_pair(cfg.statsPath, false)}) {
      if (path.empty())
        continue;
      std::error_code ec;
      ToolOutputFile out(path, ec, sys::fs::OF_Text);
      if (ec)
        return createStringError(ec, "cannot write '%s': %s", path.c_str(),
                                 ec.message().c_str());
      if (isTrace)
        timing::writeTrace(report, code, locationOf, out.os());
      else if (StringRef(path).ends_with(".json"))
        timing::writeStatsJson(report, code, (*session)->preset(), locationOf,
                               out.os());
      else
        timing::writeLayerStats(report, code, (*session)->preset(), locationOf,
                                out.os());
      out.keep();
    }
    return Error::success();
  };
  if (cfg.expectKeep && cfg.mode != "perf")
    return createStringError(inconvertibleErrorCode(),
                             "--expect-keep needs --mode perf (both mode "
                             "charges the executed counts)");
  if (cfg.mode == "perf") {
    // Timing knows time, never data: no inputs, no functional run.
    std::vector<isa::ExecutedDims> expected;
    if (cfg.expectKeep) {
      expected = timing::expectedDims(code, cfg.expectKeep);
      code = code.withExecuted(expected);
      log << "tern run: perf mode (timing model only; run-time token counts "
             "at "
          << cfg.expectKeep
          << " kept tokens per pruning point, bitmaps at their static "
             "capacity: expected (compile-time))\n";
    } else {
      log << "tern run: perf mode (timing model only; run-time lengths and "
             "bitmaps at their static capacity: expected (compile-time))\n";
    }
    return reportTiming();
  }

  StringMap<io::Tensor> inputs;
  for (const auto &[name, path] : cfg.inputs) {
    if (inputs.count(name))
      return createStringError(inconvertibleErrorCode(),
                               "input '%s': given twice", name.c_str());
    Expected<io::Tensor> t = io::readTensorFile(path);
    if (!t)
      return createStringError(inconvertibleErrorCode(), "input '%s': %s",
                               name.c_str(),
                               toString(t.takeError()).c_str());
    inputs[name] = std::move(*t);
  }
  if (!cfg.quiet)
    log << "tern run: program=" << cfg.program << " target=" << P.targetName
        << " threads=" << cfg.threads << " kernels="
        << (cfg.scalar ? "scalar" : kernels::gemmSimdTargetName())
        << " max-instructions=" << cfg.maxInstructions << '\n';

  bool pb = cfg.outputFormat == "pb";
  (*session)->setTimeLimit(cfg.timeLimitSeconds);
  if (cfg.maxDramMiB)
    (*session)->setDramLimit(cfg.maxDramMiB << 20);
  auto outputs = (*session)->run(inputs, cfg.maxInstructions, pb);
  if (!outputs) {
    std::string msg = toString(outputs.takeError());
    // Input problems name the input; execution problems name the program.
    if (StringRef(msg).starts_with("input '"))
      return createStringError(inconvertibleErrorCode(), "%s", msg.c_str());
    return createStringError(inconvertibleErrorCode(), "%s: %s",
                             cfg.program.c_str(), msg.c_str());
  }

  if (!cfg.outputDir.empty()) {
    if (std::error_code ec = sys::fs::create_directories(cfg.outputDir))
      return createStringError(ec, "cannot create '%s': %s",
                               cfg.outputDir.c_str(), ec.message().c_str());
    for (auto [d, t] : llvm::zip_equal(P.outputs, *outputs)) {
      SmallString<256> path(cfg.outputDir);
      sys::path::append(path, fileNameFor(d.name) + (pb ? ".pb" : ".npy"));
      if (Error e = pb ? io::writeTensorPb(path, d.name, t)
                       : io::writeNpy(path, t))
        return e;
    }
  }
  if (cfg.mode == "both") {
    if (!cfg.quiet)
      log << "tern run: both mode (timing charges the dimensions the "
             "functional run executed)\n";
    if (Error e = reportTiming())
      return e;
  }
  if (!cfg.quiet) {
    const sim::ExecStats &stats = (*session)->lastStats();
    log << "tern run: " << stats.instructions << " instructions, "
        << stats.macs << " MACs, " << stats.skippedKRows
        << " K rows skipped";
    if (stats.bitmapWeightBytes)
      log << " (" << stats.skippedWeightBytes << " of "
          << stats.bitmapWeightBytes << " bitmap gemm weight bytes)";
    if (stats.reramMacs)
      log << " (" << stats.reramMacs << " MACs on the ReRAM tier)";
    if (stats.int16AccLanes)
      log << " (" << stats.int16Wraps << " of " << stats.int16AccLanes
          << " int16 accumulator lane updates wrapped)";
    for (unsigned u = 0; u < isa::kNumUnits; ++u)
      if (stats.perUnit[u])
        log << ", " << isa::unitName(static_cast<isa::Unit>(u)) << '='
            << stats.perUnit[u];
    log << '\n';
  }
  return Error::success();
}

} // namespace tern::rt::driver
