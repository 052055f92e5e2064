//===- Eval.cpp - accuracy of a compiled model on a dataset ---------------===//

#include "tern/Driver/Eval.h"

#include "runtime/driver/Session.h"
#include "runtime/io/Tensor.h"
#include "runtime/sim/timing/TimingModel.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>

using namespace llvm;
using namespace tern;
namespace rt = tern::rt;

namespace {

Error evalError(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

/// A dataset file as doubles, with its shape; missing optional files are
/// nullopt.
struct Array {
  std::vector<int64_t> shape;
  std::vector<double> values;
  int64_t perSample() const {
    int64_t n = 1;
    for (size_t d = 1; d < shape.size(); ++d)
      n *= shape[d];
    return n;
  }
};

Expected<std::optional<Array>> readArray(StringRef dir, StringRef name,
                                         bool required) {
  SmallString<256> path(dir);
  sys::path::append(path, name);
  if (!sys::fs::exists(path)) {
    if (required)
      return evalError("dataset '" + dir + "' has no " + name);
    return std::optional<Array>();
  }
  Expected<rt::io::Tensor> t = rt::io::readNpy(path);
  if (!t)
    return evalError(path + ": " + toString(t.takeError()));
  if (t->shape.empty())
    return evalError(path + ": expected one entry per sample, got a scalar");
  Array a;
  a.shape = t->shape;
  uint64_t n = t->numElements();
  a.values.resize(n);
  for (uint64_t i = 0; i < n; ++i) {
    const uint8_t *p = t->data.data() + i * rt::io::elemBytes(t->type);
    switch (t->type) {
    case rt::io::ElemType::F32: {
      float f;
      std::memcpy(&f, p, 4);
      a.values[i] = f;
      break;
    }
    case rt::io::ElemType::F64:
      std::memcpy(&a.values[i], p, 8);
      break;
    case rt::io::ElemType::I64: {
      int64_t v;
      std::memcpy(&v, p, 8);
      a.values[i] = static_cast<double>(v);
      break;
    }
    case rt::io::ElemType::I32: {
      int32_t v;
      std::memcpy(&v, p, 4);
      a.values[i] = v;
      break;
    }
    default:
      return evalError(path + ": unsupported dtype " +
                       rt::io::elemTypeName(t->type));
    }
  }
  return std::optional<Array>(std::move(a));
}

/// meta.json's "normalisation": {"std": x}, if the dataset has one.
Expected<std::optional<double>> readTargetStd(StringRef dir) {
  SmallString<256> path(dir);
  sys::path::append(path, "meta.json");
  if (!sys::fs::exists(path))
    return std::optional<double>();
  auto buffer = MemoryBuffer::getFile(path);
  if (!buffer)
    return evalError(path + ": " + buffer.getError().message());
  Expected<json::Value> meta = json::parse((*buffer)->getBuffer());
  if (!meta)
    return evalError(path + ": " + toString(meta.takeError()));
  const json::Object *obj = meta->getAsObject();
  const json::Object *norm = obj ? obj->getObject("normalisation") : nullptr;
  std::optional<double> stdev = norm ? norm->getNumber("std") : std::nullopt;
  if (stdev && !(*stdev > 0))
    return evalError(path + ": normalisation.std must be positive");
  return stdev;
}

int64_t argmax(ArrayRef<double> v) {
  return std::max_element(v.begin(), v.end()) - v.begin();
}

} // namespace

Expected<EvalResult>
tern::evaluateProgram(const rt::program::ProgramImage &image, StringRef dir,
                      int64_t limit, double weightNoise, uint64_t noiseSeed) {
  if (image.inputs.size() != 1 || image.outputs.size() != 1)
    return evalError("tern eval handles models with one input and one "
                     "output; this one has " +
                     Twine(image.inputs.size()) + " and " +
                     Twine(image.outputs.size()));
  std::vector<uint8_t> bytes = rt::program::serialize(image);
  auto buffer = MemoryBuffer::getMemBufferCopy(
      StringRef(reinterpret_cast<const char *>(bytes.data()), bytes.size()),
      "<compiled program>");
  auto loaded = rt::program::LoadedProgram::loadBuffer(std::move(buffer));
  if (!loaded)
    return loaded.takeError();
  auto session = rt::driver::Session::create(std::move(*loaded));
  if (!session)
    return session.takeError();
  if (Error e = (*session)->setWeightNoise(weightNoise, noiseSeed))
    return std::move(e);

  auto inputs = readArray(dir, "inputs.npy", true);
  auto labels = readArray(dir, "labels.npy", false);
  auto targets = readArray(dir, "targets.npy", false);
  auto reference = readArray(dir, "reference.npy", false);
  for (auto *a : {&inputs, &labels, &targets, &reference})
    if (!*a)
      return a->takeError();
  auto targetStd = readTargetStd(dir);
  if (!targetStd)
    return targetStd.takeError();

  const rt::program::TensorDesc &in = image.inputs.front();
  const rt::program::TensorDesc &out = image.outputs.front();
  int64_t sampleElems = static_cast<int64_t>(in.numElements());
  int64_t outElems = static_cast<int64_t>(out.numElements());
  const Array &x = **inputs;
  if (x.perSample() != sampleElems)
    return evalError("inputs.npy has " + Twine(x.perSample()) +
                     " values per sample; the program's input '" + in.name +
                     "' takes " + Twine(sampleElems) + " (" +
                     rt::io::shapeString(in.shape) + ")");
  int64_t n = x.shape[0];
  if (limit > 0)
    n = std::min(n, limit);
  for (auto *a : {&*labels, &*targets, &*reference})
    if (*a && (**a).shape[0] < n)
      return evalError("dataset files disagree on the number of samples");
  if (*reference && (**reference).perSample() != outElems)
    return evalError("reference.npy has " + Twine((**reference).perSample()) +
                     " values per sample; the program's output '" + out.name +
                     "' has " + Twine(outElems));

  EvalResult r;
  r.samples = n;
  // Samples are concatenated on axis 0, as the zoo's reference.npy.
  r.outputShape.assign(out.shape.begin(), out.shape.end());
  if (r.outputShape.empty())
    r.outputShape.push_back(1);
  r.outputShape[0] *= n;
  r.outputs.reserve(n * outElems);
  // One core's copy, or a partitioned program's own cores.
  const rt::timing::TimingOptions timingOptions =
      llvm::cantFail((*session)->timingOptions(1, "shared", false));
  rt::timing::TimingReport timing = rt::timing::simulate(
      (*session)->decodedCode(), (*session)->preset(), timingOptions);
  r.cycles = timing.cycles;
  r.microseconds = timing.microseconds();
  r.energyMicrojoules = timing.energyPj() / 1e6;
  int64_t correct = 0, refCorrect = 0, agree = 0;
  double sqErr = 0, refSqErr = 0, diffNorm = 0, refNorm = 0, maxAbs = 0;
  int64_t regressionValues = 0;
  uint64_t sumInstructions = 0, sumMacs = 0, sumBitmapWeight = 0,
           sumSkippedWeight = 0, sumCycles = 0;
  double sumMicroseconds = 0, sumEnergy = 0;
  int64_t executedSamples = 0;
  for (int64_t s = 0; s < n; ++s) {
    rt::io::Tensor t;
    t.type = rt::io::ElemType::F32;
    t.shape = in.shape;
    t.data.resize(sampleElems * 4);
    for (int64_t i = 0; i < sampleElems; ++i) {
      float f = static_cast<float>(x.values[s * sampleElems + i]);
      std::memcpy(t.data.data() + 4 * i, &f, 4);
    }
    StringMap<rt::io::Tensor> feed;
    feed[in.name] = std::move(t);
    auto outputs = (*session)->run(feed);
    if (!outputs)
      return evalError("sample " + Twine(s) + ": " +
                       toString(outputs.takeError()));
    const rt::io::Tensor &o = outputs->front();
    if (o.type != rt::io::ElemType::F32)
      return evalError("output '" + out.name + "' is not a float tensor");
    std::vector<double> y(outElems);
    for (int64_t i = 0; i < outElems; ++i) {
      float f;
      std::memcpy(&f, o.data.data() + 4 * i, 4);
      y[i] = f;
      r.outputs.push_back(f);
    }
    // Run-time counts (threshold token pruning) and bitmaps: the timing
    // model charges what this sample executed (as `tern run --mode both`).
    if (!(*session)->lastExecuted().empty()) {
      rt::timing::TimingReport t =
          rt::timing::simulate(rt::timing::CodeView((*session)->decodedCode())
                                   .withExecuted((*session)->lastExecuted()),
                               (*session)->preset(), timingOptions);
      sumCycles += t.cycles;
      sumMicroseconds += t.microseconds();
      sumEnergy += t.energyPj() / 1e6;
      ++executedSamples;
    }
    {
      const rt::sim::ExecStats &st = (*session)->lastStats();
      sumInstructions += st.instructions;
      sumMacs += st.macs;
      sumBitmapWeight += st.bitmapWeightBytes;
      sumSkippedWeight += st.skippedWeightBytes;
    }
    ArrayRef<double> ref;
    if (*reference) {
      ref = ArrayRef<double>((**reference).values).slice(s * outElems, outElems);
      for (int64_t i = 0; i < outElems; ++i) {
        diffNorm += (y[i] - ref[i]) * (y[i] - ref[i]);
        refNorm += ref[i] * ref[i];
        maxAbs = std::max(maxAbs, std::abs(y[i] - ref[i]));
      }
    }
    if (*labels) {
      int64_t label = static_cast<int64_t>((**labels).values[s]);
      correct += argmax(y) == label;
      if (*reference) {
        refCorrect += argmax(ref) == label;
        agree += argmax(y) == argmax(ref);
      }
    }
    if (*targets) {
      const Array &tg = **targets;
      if (tg.perSample() != outElems)
        return evalError("targets.npy has " + Twine(tg.perSample()) +
                         " values per sample, the output " + Twine(outElems));
      for (int64_t i = 0; i < outElems; ++i) {
        double target = tg.values[s * outElems + i];
        sqErr += (y[i] - target) * (y[i] - target);
        if (*reference)
          refSqErr += (ref[i] - target) * (ref[i] - target);
        ++regressionValues;
      }
    }
  }
  if (n > 0) {
    auto mean = [&](uint64_t sum) { return (sum + n / 2) / uint64_t(n); };
    r.instructions = mean(sumInstructions);
    r.macs = mean(sumMacs);
    r.bitmapWeightBytes = mean(sumBitmapWeight);
    r.skippedWeightBytes = mean(sumSkippedWeight);
  }
  if (executedSamples == n && n > 0) {
    r.staticCycles = r.cycles;
    r.cycles = (sumCycles + n / 2) / uint64_t(n);
    r.microseconds = sumMicroseconds / n;
    r.energyMicrojoules = sumEnergy / n;
    r.executedCycles = true;
  }
  if (*labels) {
    r.accuracy = double(correct) / n;
    if (*reference) {
      r.referenceAccuracy = double(refCorrect) / n;
      r.top1Agreement = double(agree) / n;
    }
  }
  if (*targets && regressionValues) {
    r.rmse = std::sqrt(sqErr / regressionValues);
    if (*reference)
      r.referenceRmse = std::sqrt(refSqErr / regressionValues);
    r.targetStd = *targetStd;
  }
  if (*reference) {
    r.relativeL2 = std::sqrt(diffNorm) / std::max(std::sqrt(refNorm), 1e-30);
    r.maxAbsError = maxAbs;
  }
  return r;
}

void tern::printEvalResult(const EvalResult &r, raw_ostream &os) {
  os << "samples: " << r.samples << "\n";
  if (r.accuracy)
    os << "top-1 accuracy: " << format("%.4f", *r.accuracy) << " (simulated)";
  if (r.referenceAccuracy)
    os << ", " << format("%.4f", *r.referenceAccuracy)
       << " (FP32 reference), top-1 agreement "
       << format("%.4f", *r.top1Agreement);
  if (r.accuracy)
    os << "\n";
  auto printRmse = [&](StringRef what, double scale) {
    os << what << format("%.4f", *r.rmse * scale) << " (simulated)";
    if (r.referenceRmse)
      os << ", " << format("%.4f", *r.referenceRmse * scale)
         << " (FP32 reference)";
  };
  if (r.rmse) {
    printRmse("RMSE: ", 1.0);
    if (r.referenceRmse && *r.referenceRmse > 0)
      os << ", change "
         << format("%+.2f%%", 100.0 * (*r.rmse / *r.referenceRmse - 1.0));
    os << "\n";
    if (r.targetStd) {
      os << "RMSE de-normalised (x " << format("%.6g", *r.targetStd)
         << ", meta.json's normalisation std): ";
      printRmse("", *r.targetStd);
      os << "\n";
    }
  }
  if (r.relativeL2)
    os << "relative L2 error vs FP32 reference: "
       << format("%.3e", *r.relativeL2) << ", max abs error "
       << format("%.3e", *r.maxAbsError) << "\n";
  os << "per sample: " << r.instructions << " instructions, " << r.macs
     << " MACs; timing model: " << r.cycles << " cycles ("
     << format("%.1f", r.microseconds) << " us), "
     << format("%.2f", r.energyMicrojoules) << " uJ";
  if (r.executedCycles)
    os << " (mean at the executed run-time counts and bitmaps; static "
          "capacity, the compile-time expectation: "
       << r.staticCycles << " cycles)";
  os << "\n";
  if (r.bitmapWeightBytes)
    os << "bitmap gemms (FFN2): " << r.skippedWeightBytes << " of "
       << r.bitmapWeightBytes << " weight bytes skipped per sample ("
       << format("%.1f", 100.0 * r.skippedWeightBytes / r.bitmapWeightBytes)
       << "%)\n";
}
