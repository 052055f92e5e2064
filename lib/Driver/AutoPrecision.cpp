//===- AutoPrecision.cpp - the `auto` precision policy --------------------===//
//
// Chooses, per matrix operator, int8 or bf16. Everything is measured on the
// target: each candidate switched alone to int8 (from the all-bf16 program)
// gives its output error on the calibration samples (sensitivity) and its
// saving in cycles or energy (timing model). A greedy selection then tries
// every candidate, those that save on their own first (best saving per
// squared error first), measuring each growing configuration, and keeps a
// candidate when the measured error stays within the budget and the cost
// drops. An operator whose int8 form costs more than bf16 even among int8
// neighbours (the conversions around it cost more than the GEMM saves)
// stays bf16, which is where it beats a static map.
//
//===----------------------------------------------------------------------===//

#include "tern/Driver/AutoPrecision.h"
#include "tern/Driver/Compile.h"

#include "tern/Dialect/Tern/IR/Quantization.h"
#include "tern/Dialect/Tern/IR/TernOps.h"

#include "runtime/driver/Session.h"
#include "runtime/sim/timing/TimingModel.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/MemoryBuffer.h"

#include <cmath>
#include <cstring>

using namespace mlir;
using namespace tern;
namespace rt = tern::rt;

namespace {

llvm::Error autoError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

struct Measurement {
  double cost = 0; ///< cycles or picojoules
  uint64_t cycles = 0;
  double energyPj = 0;
  std::vector<std::vector<float>> outputs; ///< per sample, first output
};

class Selector {
public:
  Selector(ModuleOp module, const CompileOptions &options)
      : module(module), options(options) {}

  llvm::Expected<std::vector<std::string>> run();

private:
  /// Compiles a clone with `overrides` on the bf16 policy and runs it.
  llvm::Expected<Measurement> measure(ArrayRef<std::string> overrides);
  double error(const Measurement &m) const;

  ModuleOp module;
  const CompileOptions &options;
  std::vector<std::vector<float>> samples;
  std::string inputName;
  std::vector<int64_t> inputShape;
  Measurement baseline;
};

llvm::Expected<Measurement>
Selector::measure(ArrayRef<std::string> overrides) {
  OwningOpRef<ModuleOp> clone = module.clone();
  CompileOptions o;
  o.target = options.target;
  o.precision = "bf16";
  o.precisionOverrides.assign(overrides.begin(), overrides.end());
  o.requant = options.requant;
  o.weightBits = options.weightBits;
  o.weightBitsOverrides = options.weightBitsOverrides;
  o.activationBits = options.activationBits;
  o.perChannel = options.perChannel;
  o.asymmetricActivations = options.asymmetricActivations;
  o.calibrated = true;
  o.reram = options.reram;
  // The cycles compared are those of the program being compiled: its GEMM
  // width and its cores.
  o.gemmTileN = options.gemmTileN;
  o.cores = options.cores;
  o.warnIfReramUnused = false;
  auto image = compileModule(*clone, o, EmitKind::Program);
  if (failed(image))
    return autoError("cannot compile the trial program with overrides '" +
                     llvm::join(overrides, ",") + "'");
  if (image->inputs.size() != 1 || image->outputs.empty())
    return autoError("the auto policy handles models with one input");
  std::vector<uint8_t> bytes = rt::program::serialize(*image);
  auto loaded = rt::program::LoadedProgram::loadBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          StringRef(reinterpret_cast<const char *>(bytes.data()),
                    bytes.size()),
          "<auto-precision trial>"));
  if (!loaded)
    return loaded.takeError();
  auto session = rt::driver::Session::create(std::move(*loaded));
  if (!session)
    return session.takeError();
  if (samples.empty()) {
    const rt::program::TensorDesc &in = image->inputs.front();
    auto read = readCalibrationSamples(options.calibration.dataDir, in,
                                       options.autoPolicy.samples);
    if (!read)
      return read.takeError();
    samples = std::move(*read);
    inputName = in.name;
    inputShape = in.shape;
  }
  Measurement m;
  rt::timing::TimingReport timing = rt::timing::simulate(
      (*session)->decodedCode(), (*session)->preset(),
      llvm::cantFail((*session)->timingOptions(1, "shared", false)));
  m.cycles = timing.cycles;
  m.energyPj = timing.energyPj();
  m.cost = options.autoPolicy.objective == "energy" ? m.energyPj
                                                    : double(m.cycles);
  for (const std::vector<float> &x : samples) {
    rt::io::Tensor t;
    t.type = rt::io::ElemType::F32;
    t.shape = inputShape;
    t.data.resize(x.size() * 4);
    std::memcpy(t.data.data(), x.data(), t.data.size());
    llvm::StringMap<rt::io::Tensor> feed;
    feed[inputName] = std::move(t);
    auto outputs = (*session)->run(feed);
    if (!outputs)
      return outputs.takeError();
    const rt::io::Tensor &y = outputs->front();
    std::vector<float> v(y.numElements());
    std::memcpy(v.data(), y.data.data(), v.size() * 4);
    m.outputs.push_back(std::move(v));
  }
  return m;
}

/// Relative L2 error of the outputs against the all-bf16 program.
double Selector::error(const Measurement &m) const {
  double diff = 0, ref = 0;
  for (size_t s = 0; s < m.outputs.size(); ++s)
    for (size_t i = 0; i < m.outputs[s].size(); ++i) {
      double d = double(m.outputs[s][i]) - baseline.outputs[s][i];
      diff += d * d;
      ref += double(baseline.outputs[s][i]) * baseline.outputs[s][i];
    }
  return std::sqrt(diff) / std::max(std::sqrt(ref), 1e-30);
}

llvm::Expected<std::vector<std::string>> Selector::run() {
  const CompileOptions::Auto &a = options.autoPolicy;
  if (!(a.errorBudget >= 0))
    return selectPrecisionGreedy({}, a.errorBudget, 0, nullptr).takeError();
  if (a.objective != "cycles" && a.objective != "energy")
    return autoError("objective '" + a.objective +
                     "' is not cycles or energy");
  if (options.calibration.dataDir.empty())
    return autoError("the auto policy measures errors on calibration "
                     "samples: give --calib DIR");

  // Candidates: the named matrix operators (one decision per name).
  std::vector<std::string> names;
  llvm::StringSet<> seen;
  module.walk([&](Operation *op) {
    if (isa<LinearOp, MatMulOp>(op))
      if (std::string name = operatorName(op); seen.insert(name).second)
        names.push_back(name);
  });
  if (seen.contains(""))
    return autoError("a matrix operator has no name (location); the auto "
                     "policy decides per named operator");
  auto globOf = [](const std::string &name) {
    // Names are used as globs by the override option: escape metacharacters.
    std::string g;
    for (char c : name) {
      if (StringRef("*?[]\\{}").contains(c))
        g += '\\';
      g += c;
    }
    return g;
  };

  auto base = measure({});
  if (!base)
    return base.takeError();
  baseline = std::move(*base);

  std::vector<PrecisionCandidate> candidates;
  for (const std::string &name : names) {
    auto m = measure({globOf(name) + "=int"});
    if (!m)
      return m.takeError();
    candidates.push_back({name, error(*m), baseline.cost - m->cost});
  }
  auto overridesOf = [&](ArrayRef<size_t> set) {
    std::vector<std::string> out;
    for (size_t i : set)
      out.push_back(globOf(candidates[i].name) + "=int");
    return out;
  };
  Measurement final = baseline;
  double finalError = 0;
  auto chosen = selectPrecisionGreedy(
      candidates, a.errorBudget, baseline.cost,
      [&](ArrayRef<size_t> set) -> llvm::Expected<PrecisionTrial> {
        auto m = measure(overridesOf(set));
        if (!m)
          return m.takeError();
        PrecisionTrial t{m->cost, error(*m)};
        // The greedy keeps a trial only if it is the new best: remember it.
        if (t.error <= a.errorBudget && t.cost < final.cost) {
          final = std::move(*m);
          finalError = t.error;
        }
        return t;
      });
  if (!chosen)
    return chosen.takeError();
  double predicted2 = 0;
  for (size_t i : *chosen)
    predicted2 += candidates[i].error * candidates[i].error;
  std::vector<size_t> all(candidates.size());
  for (size_t i = 0; i < all.size(); ++i)
    all[i] = i;

  // TATAA's static map (every matrix op in int8) on the same measure, for
  // the user to compare.
  auto tataa = measure(overridesOf(all));
  if (!tataa)
    return tataa.takeError();

  if (llvm::raw_ostream *log = options.log) {
    *log << "auto precision (" << a.objective << ", error budget "
         << llvm::format("%.3g", a.errorBudget) << ", " << samples.size()
         << " calibration samples, error = relative L2 vs all-bf16):\n";
    for (size_t i = 0; i < candidates.size(); ++i) {
      const PrecisionCandidate &c = candidates[i];
      bool in = llvm::is_contained(*chosen, i);
      *log << llvm::format("  %-4s %-40s error %.3e  saving %12.0f %s\n",
                           in ? "int" : "bf16", c.name.c_str(), c.error,
                           c.saving,
                           a.objective == "energy" ? "pJ" : "cycles");
    }
    *log << llvm::format(
        "  chosen: %zu of %zu int8; error %.3e (independent errors in "
        "quadrature would predict %.3e); %llu cycles, %.2f uJ\n",
        chosen->size(), candidates.size(), finalError, std::sqrt(predicted2),
        (unsigned long long)final.cycles, final.energyPj / 1e6);
    *log << llvm::format("  all-bf16: %llu cycles, %.2f uJ; all matrix ops "
                         "int8 (tataa): error %.3e, %llu cycles, %.2f uJ\n",
                         (unsigned long long)baseline.cycles,
                         baseline.energyPj / 1e6, error(*tataa),
                         (unsigned long long)tataa->cycles,
                         tataa->energyPj / 1e6);
  }
  std::vector<std::string> result = overridesOf(*chosen);
  if (!a.savePath.empty()) {
    if (llvm::Error e = llvm::writeToOutput(a.savePath, [&](llvm::raw_ostream &os) {
          os << "# tern auto precision: objective " << a.objective
             << ", error budget " << a.errorBudget << ", measured error "
             << finalError << ", " << final.cycles << " cycles\n";
          for (const std::string &o : result)
            os << o << "\n";
          return llvm::Error::success();
        }))
      return std::move(e);
  }
  return result;
}

} // namespace

llvm::Expected<std::vector<size_t>>
tern::selectPrecisionGreedy(ArrayRef<PrecisionCandidate> candidates,
                            double budget, double baselineCost,
                            const MeasurePrecisionFn &measure) {
  if (!(budget >= 0))
    return autoError(llvm::formatv(
        "error budget {0} is impossible: the best achievable error is 0 "
        "(the all-bf16 program, the reference the budget is measured "
        "against)",
        budget));
  std::vector<size_t> order(candidates.size());
  for (size_t i = 0; i < order.size(); ++i)
    order[i] = i;
  auto ratio = [&](size_t i) {
    return candidates[i].saving /
           std::max(candidates[i].error * candidates[i].error, 1e-18);
  };
  // An int8 product whose operands are already int8 needs no conversion, so
  // a candidate that costs more alone may save once its neighbours are in.
  llvm::stable_sort(order, [&](size_t x, size_t y) {
    bool xs = candidates[x].saving > 0, ys = candidates[y].saving > 0;
    if (xs != ys)
      return xs;
    return xs ? ratio(x) > ratio(y) : candidates[x].error < candidates[y].error;
  });
  std::vector<size_t> chosen;
  double bestCost = baselineCost;
  for (size_t i : order) {
    std::vector<size_t> trial = chosen;
    trial.push_back(i);
    auto t = measure(trial);
    if (!t)
      return t.takeError();
    if (t->error > budget || t->cost >= bestCost)
      continue;
    chosen = std::move(trial);
    bestCost = t->cost;
  }
  return chosen;
}

llvm::Expected<std::vector<std::string>>
tern::selectPrecisionAutomatically(ModuleOp module,
                                   const CompileOptions &options) {
  return Selector(module, options).run();
}
