//===- TrainCommand.cpp - tern train: SGD steps of a train step ----------===//
//
// Runs a train step compiled from `tern-differentiate{sgd-lr=...}` or
// `tern-apply-optimizer` (see docs/FineTuning.md) for a number of steps on
// the functional simulator: each step binds one dataset sample (B with
// --batch, gradient accumulation) and its label, and the parameters and
// Adam state the previous step returned (outputs named like inputs), and
// Adam's bias corrections for the step. Prints the loss of
// every step and the timing model's cycles and energy per step, and writes
// the trained parameters and the losses only when every step succeeded.
//
//===----------------------------------------------------------------------===//

#include "runtime/driver/Driver.h"
#include "runtime/driver/MergeLora.h"
#include "runtime/driver/Session.h"
#include "runtime/sim/timing/TimingModel.h"

#include "runtime/io/Tensor.h"
#include "runtime/program/Program.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>
#include <optional>

using namespace llvm;

namespace tern::rt::driver {

namespace {

Error trainError(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), "%s", msg.str().c_str());
}

/// The values of an f32 or f64 tensor as floats.
Expected<std::vector<float>> floats(const io::Tensor &t, StringRef what) {
  std::vector<float> out(t.numElements());
  if (t.type == io::ElemType::F32) {
    std::memcpy(out.data(), t.data.data(), out.size() * sizeof(float));
  } else if (t.type == io::ElemType::F64) {
    for (size_t i = 0; i < out.size(); ++i) {
      double d;
      std::memcpy(&d, t.data.data() + i * sizeof(double), sizeof(double));
      out[i] = static_cast<float>(d);
    }
  } else {
    return trainError(what + " must be float32 or float64, not " +
                      io::elemTypeName(t.type));
  }
  return out;
}

io::Tensor makeF32(const std::vector<int64_t> &shape, const float *values) {
  io::Tensor t;
  t.type = io::ElemType::F32;
  t.shape = shape;
  uint64_t n = t.numElements();
  t.data.resize(n * sizeof(float));
  std::memcpy(t.data.data(), values, n * sizeof(float));
  return t;
}

/// One dataset file, split into samples of `perSample` elements.
struct Samples {
  std::vector<float> values;
  uint64_t count = 0;
};

/// Class indices (integers, one per label row: shape [N] or [N, rows...])
/// as the one-hot rows a train step's `label` input takes (its last axis is
/// the classes), e.g. the zoo's labels.npy for CE. Nullopt when the file is
/// not integer or its size does not fit that reading.
std::optional<Expected<Samples>> oneHot(const io::Tensor &t, StringRef path,
                                        const program::TensorDesc &label) {
  bool integer = t.type == io::ElemType::I8 || t.type == io::ElemType::U8 ||
                 t.type == io::ElemType::I16 || t.type == io::ElemType::U16 ||
                 t.type == io::ElemType::I32 || t.type == io::ElemType::I64;
  if (!integer || label.shape.empty() || label.shape.back() < 2 ||
      t.shape.empty() || t.shape[0] <= 0)
    return std::nullopt;
  uint64_t width = static_cast<uint64_t>(label.shape.back());
  uint64_t rows = label.numElements() / width;
  uint64_t count = static_cast<uint64_t>(t.shape[0]);
  if (t.numElements() != count * rows)
    return std::nullopt;
  auto classes = io::toInt64(t, path);
  if (!classes)
    return Expected<Samples>(classes.takeError());
  Samples s;
  s.count = count;
  s.values.assign(count * rows * width, 0.0f);
  for (uint64_t i = 0; i < classes->size(); ++i) {
    int64_t c = (*classes)[i];
    if (c < 0 || static_cast<uint64_t>(c) >= width)
      return Expected<Samples>(trainError(path + ": class index " + Twine(c) +
                                          " at position " + Twine(i) +
                                          " is outside the " + Twine(width) +
                                          " classes of the program's "
                                          "input '" +
                                          label.name + "'"));
    s.values[i * width + static_cast<uint64_t>(c)] = 1.0f;
  }
  return Expected<Samples>(std::move(s));
}

Expected<Samples> readSamples(StringRef dir, StringRef file,
                              const program::TensorDesc &input, StringRef role,
                              bool classIndices = false) {
  SmallString<256> path(dir);
  sys::path::append(path, file);
  if (!sys::fs::exists(path))
    return trainError("dataset '" + dir + "' has no " + file + " (" + role +
                      ")");
  auto t = io::readNpy(path);
  if (!t)
    return t.takeError();
  uint64_t per = input.numElements();
  if (classIndices)
    if (auto classes = oneHot(*t, path, input))
      return std::move(*classes);
  auto v = floats(*t, path);
  if (!v)
    return v.takeError();
  if (t->shape.empty() || t->shape[0] <= 0 ||
      v->size() % static_cast<uint64_t>(t->shape[0]) != 0 ||
      v->size() / static_cast<uint64_t>(t->shape[0]) != per)
    return trainError(path + " has shape " + io::shapeString(t->shape) +
                      "; the program's input '" + input.name + "' takes " +
                      io::shapeString(input.shape) +
                      " per sample (samples along the first axis)");
  Samples s;
  s.count = static_cast<uint64_t>(t->shape[0]);
  s.values = std::move(*v);
  return s;
}

/// Adam's part of a train step's interface (tern-apply-optimizer
/// optimizer=adam): the state inputs `adam_m_*` / `adam_v_*` (zero before
/// the first step, then fed back like the parameters) and the per-step bias
/// corrections `adam_c1 = 1 / (1 - beta1^t)`, `adam_c2 = 1 / (1 - beta2^t)`,
/// with the betas from the program's optimizer record.
struct AdamInputs {
  bool enabled = false;
  double beta1 = 0, beta2 = 0;
  const program::TensorDesc *c1 = nullptr, *c2 = nullptr;
  std::vector<const program::TensorDesc *> state;

  static bool isState(StringRef name) {
    return name.starts_with("adam_m_") || name.starts_with("adam_v_");
  }
  static bool isCorrection(StringRef name) {
    return name == "adam_c1" || name == "adam_c2";
  }

  /// Reads the betas from e.g. "adam lr=0.001 beta1=0.9 beta2=0.999 ...".
  Error parse(StringRef record, StringRef program) {
    SmallVector<StringRef> items;
    record.split(items, ' ', -1, /*KeepEmpty=*/false);
    bool has1 = false, has2 = false;
    for (StringRef item : items) {
      auto [k, v] = item.split('=');
      if (k == "beta1")
        has1 = !v.getAsDouble(beta1);
      else if (k == "beta2")
        has2 = !v.getAsDouble(beta2);
    }
    if (!has1 || !has2 || !(beta1 >= 0 && beta1 < 1) ||
        !(beta2 >= 0 && beta2 < 1))
      return trainError(program + ": its optimizer record '" + record +
                        "' has no valid beta1 and beta2");
    enabled = true;
    return Error::success();
  }

  /// Binds the bias corrections of step t (1-based).
  void bind(StringMap<io::Tensor> &bound, uint64_t t) const {
    float c1v = static_cast<float>(1.0 / (1.0 - std::pow(beta1, double(t))));
    float c2v = static_cast<float>(1.0 / (1.0 - std::pow(beta2, double(t))));
    bound[c1->name] = makeF32(c1->shape, &c1v);
    bound[c2->name] = makeF32(c2->shape, &c2v);
  }
};

/// Gradient accumulation (tern-apply-optimizer accumulate): the running sums
/// `grad_acc_*` (zero at a batch's start, fed back within the batch) and
/// `grad_scale` = 1 / B.
struct AccumulationInputs {
  bool enabled = false;
  const program::TensorDesc *scale = nullptr;
  std::vector<const program::TensorDesc *> accs;

  bool isAccumulator(StringRef name) const {
    return llvm::any_of(
        accs, [&](const program::TensorDesc *d) { return d->name == name; });
  }
  void start(StringMap<io::Tensor> &bound, uint64_t batch) const {
    for (const program::TensorDesc *a : accs)
      bound[a->name] =
          makeF32(a->shape, std::vector<float>(a->numElements(), 0.0f).data());
    float s = static_cast<float>(1.0 / double(batch));
    bound[scale->name] = makeF32(scale->shape, &s);
  }
};

} // namespace

Error trainProgram(const TrainConfig &cfg, raw_ostream &log) {
  if (cfg.steps == 0)
    return trainError("--steps must be at least 1");
  // --merged-onnx: its options are checked before anything runs.
  if (!cfg.mergedOnnx.empty() && cfg.model.empty())
    return trainError("--merged-onnx needs --model (the ONNX model the train "
                      "step was compiled from)");
  if (cfg.mergedOnnx.empty() && (!cfg.model.empty() || cfg.loraAlpha))
    return trainError(Twine(cfg.model.empty() ? "--lora-alpha" : "--model") +
                      " is only used with --merged-onnx");
  if (cfg.loraAlpha && !(*cfg.loraAlpha > 0 && std::isfinite(*cfg.loraAlpha)))
    return trainError(formatv("--lora-alpha must be a positive number, not {0}",
                              *cfg.loraAlpha)
                          .str());
  auto loaded = program::LoadedProgram::loadFile(cfg.program);
  if (!loaded)
    return loaded.takeError();
  auto session = Session::create(std::move(*loaded), cfg.threads);
  if (!session)
    return trainError(cfg.program + ": " + toString(session.takeError()));
  if (cfg.noisePerStep && cfg.weightNoise == 0)
    return trainError("--noise-per-step needs --weight-noise > 0");
  if (Error e = (*session)->setWeightNoise(cfg.weightNoise, cfg.noiseSeed))
    return e;
  const program::LoadedProgram &P = (*session)->program();

  // The train step's interface (tern-differentiate with sgd-lr): outputs
  // loss | probs, then the updated parameters named like their inputs; the
  // inputs are the parameters, `label` and the data input.
  if (P.outputs.empty() ||
      (P.outputs[0].name != "loss" && P.outputs[0].name != "probs"))
    return trainError(cfg.program + " is not a train step: its first output "
                                    "must be 'loss' or 'probs' "
                                    "(tern-differentiate)");
  bool crossEntropy = P.outputs[0].name == "probs";
  StringSet<> outputNames;
  for (const auto &d : P.outputs)
    outputNames.insert(d.name);
  const program::TensorDesc *data = nullptr, *label = nullptr;
  std::vector<const program::TensorDesc *> params;
  AdamInputs adam;
  AccumulationInputs accum;
  for (const auto &d : P.inputs)
    if (d.name == "grad_scale" && d.numElements() == 1)
      accum.scale = &d;
  accum.enabled = accum.scale != nullptr;
  if (StringRef(P.optimizer).starts_with("adam"))
    if (Error e = adam.parse(P.optimizer, cfg.program))
      return e;
  for (const auto &d : P.inputs) {
    if (d.name == "label")
      label = &d;
    else if (accum.enabled && &d == accum.scale)
      continue;
    else if (accum.enabled && StringRef(d.name).starts_with("grad_acc_") &&
             outputNames.contains(d.name))
      accum.accs.push_back(&d);
    else if (adam.enabled && d.name == "adam_c1" && d.numElements() == 1)
      adam.c1 = &d;
    else if (adam.enabled && d.name == "adam_c2" && d.numElements() == 1)
      adam.c2 = &d;
    else if (adam.enabled && AdamInputs::isState(d.name) &&
             outputNames.contains(d.name))
      adam.state.push_back(&d);
    else if (outputNames.contains(d.name))
      params.push_back(&d);
    else if (data)
      return trainError(cfg.program + " has more than one data input ('" +
                        data->name + "', '" + d.name +
                        "'); tern train binds one");
    else
      data = &d;
  }
  if (!label || !data || params.empty())
    return trainError(cfg.program + " is not an SGD train step: it needs a "
                                    "'label' input, one data input and "
                                    "parameters returned under their input "
                                    "names (tern-differentiate sgd-lr=...)");
  if (cfg.batch == 0)
    return trainError("--batch must be at least 1");
  if (cfg.batch > 1 && !accum.enabled)
    return trainError("--batch " + Twine(cfg.batch) +
                      " needs a train step "
                      "that accumulates gradients (tern compile "
                      "--grad-accumulation); " +
                      cfg.program + " has no 'grad_scale' input");
  if (adam.enabled && (!adam.c1 || !adam.c2 || adam.state.empty()))
    return trainError(cfg.program +
                      " is not an Adam train step: it needs the inputs "
                      "'adam_c1', 'adam_c2' ([1, 1]) and the adam_m_* / "
                      "adam_v_* state (tern-apply-optimizer optimizer=adam)");

  std::optional<LoraMerge> merge;
  if (!cfg.mergedOnnx.empty()) {
    std::vector<LoraParam> shapes;
    for (const program::TensorDesc *p : params)
      shapes.push_back({p->name, p->shape});
    auto planned = LoraMerge::plan(cfg.model, shapes, cfg.loraAlpha);
    if (!planned)
      return planned.takeError();
    merge.emplace(std::move(*planned));
  }

  auto inputs = readSamples(cfg.dataset, "inputs.npy", *data, "the inputs");
  if (!inputs)
    return inputs.takeError();
  auto labels = readSamples(cfg.dataset, "labels.npy", *label,
                            "the labels training needs",
                            /*classIndices=*/true);
  if (!labels)
    return labels.takeError();
  if (inputs->count != labels->count)
    return trainError("dataset '" + cfg.dataset + "': inputs.npy has " +
                      Twine(inputs->count) + " samples, labels.npy " +
                      Twine(labels->count));

  StringMap<io::Tensor> bound;
  for (const program::TensorDesc *p : params) {
    SmallString<256> path(cfg.params);
    sys::path::append(path, p->name + ".npy");
    if (!sys::fs::exists(path))
      return trainError("parameter '" + p->name + "': no " + path);
    auto t = io::readNpy(path);
    if (!t)
      return t.takeError();
    auto v = floats(*t, path);
    if (!v)
      return v.takeError();
    if (v->size() != p->numElements())
      return trainError(path + " has shape " + io::shapeString(t->shape) +
                        "; parameter '" + p->name + "' is " +
                        io::shapeString(p->shape));
    bound[p->name] = makeF32(p->shape, v->data());
  }
  // Adam's state starts at zero.
  for (const program::TensorDesc *s : adam.state)
    bound[s->name] =
        makeF32(s->shape, std::vector<float>(s->numElements(), 0.0f).data());

  if (!cfg.quiet)
    log << "tern train: program=" << cfg.program << " target=" << P.targetName
        << " samples=" << inputs->count << " steps=" << cfg.steps
        << " parameters=" << params.size();
  if (!cfg.quiet && adam.enabled)
    log << " optimizer=" << P.optimizer;
  if (!cfg.quiet && cfg.batch > 1)
    log << " batch=" << cfg.batch;
  if (!cfg.quiet && cfg.weightNoise > 0)
    log << " weight-noise=" << format("%g", cfg.weightNoise)
        << " seed=" << cfg.noiseSeed
        << (cfg.noisePerStep ? " (resampled every step)" : " (fixed)");
  if (!cfg.quiet)
    log << '\n';

  uint64_t perData = data->numElements(), perLabel = label->numElements();
  uint64_t batch = cfg.batch;
  std::vector<float> losses;
  for (unsigned step = 0; step < cfg.steps; ++step) {
    if (cfg.noisePerStep)
      (*session)->setNoiseDraw(step + 1);
    if (adam.enabled)
      adam.bind(bound, step + 1);
    if (accum.enabled)
      accum.start(bound, batch);
    // One update per batch: every sample runs the step from the batch's
    // parameters and state; only the last sample's updates are kept.
    double loss = 0;
    uint64_t first = 0;
    for (uint64_t k = 0; k < batch; ++k) {
      uint64_t s = (uint64_t(step) * batch + k) % inputs->count;
      if (k == 0)
        first = s;
      std::vector<float> target(labels->values.begin() + s * perLabel,
                                labels->values.begin() + (s + 1) * perLabel);
      bound[data->name] =
          makeF32(data->shape, inputs->values.data() + s * perData);
      bound[label->name] = makeF32(label->shape, target.data());
      auto outputs = (*session)->run(bound);
      if (!outputs)
        return trainError(cfg.program + ": step " + Twine(step) + ": " +
                          toString(outputs.takeError()));
      auto out0 = floats((*outputs)[0], "output '" + P.outputs[0].name + "'");
      if (!out0)
        return out0.takeError();
      double sampleLoss = 0;
      if (crossEntropy) {
        // -sum(t log p) / rows over the last axis (the ISA has no log).
        uint64_t cols =
            P.outputs[0].shape.empty() ? 1 : P.outputs[0].shape.back();
        for (size_t i = 0; i < out0->size(); ++i)
          if (target[i] != 0)
            sampleLoss -= target[i] * std::log(std::max((*out0)[i], 1e-30f));
        sampleLoss /= double(out0->size() / std::max<uint64_t>(cols, 1));
      } else {
        sampleLoss = (*out0)[0];
      }
      loss += sampleLoss / double(batch);
      bool last = k + 1 == batch;
      for (size_t i = 1; i < P.outputs.size(); ++i)
        if (bound.count(P.outputs[i].name) &&
            (last || accum.isAccumulator(P.outputs[i].name)))
          bound[P.outputs[i].name] = std::move((*outputs)[i]);
    }
    if (!std::isfinite(loss))
      return trainError("step " + Twine(step + 1) +
                        ": the loss is not finite; lower the learning rate");
    losses.push_back(static_cast<float>(loss));
    if (!cfg.quiet) {
      log << "step " << step + 1 << "/" << cfg.steps << ": sample " << first;
      if (batch > 1)
        log << " .. " << (first + batch - 1) % inputs->count << " (batch "
            << batch << ", mean loss)";
      log << ", loss " << format("%.6f", loss) << '\n';
    }
  }

  // Time and energy are the same every step (a static program).
  timing::TimingOptions timingOptions;
  timingOptions.coreStarts = (*session)->program().coreStarts;
  timing::TimingReport report = timing::simulate(
      (*session)->decodedCode(), (*session)->preset(), timingOptions);
  if (!cfg.quiet) {
    log << "tern train: per step " << report.cycles * batch << " cycles ("
        << format("%.1f", report.microseconds() * double(batch)) << " us), "
        << format("%.3f", report.energyPj() * double(batch) / 1e6) << " uJ on "
        << P.targetName;
    if (batch > 1)
      log << " (" << batch << " samples of " << report.cycles << " cycles)";
    log << '\n';
    // atleus-3d: the per-tier share of one step (Timing.md, "ReRAM
    // crossbar tier"); B runs per step with --batch B.
    if (report.reramMacs || report.reramCellsWritten) {
      double b = double(batch);
      log << "tern train: tiers per step: reram "
          << 2 * report.reramMacs * batch << " ops ("
          << format("%.1f%%", 100.0 * report.reramShare())
          << " of matrix operations), "
          << format("%.3f", report.reramPj * b / 1e6) << " uJ; systolic "
          << 2 * report.macs * batch << " ops, " << report.laneOps * batch
          << " lane ops, " << format("%.3f", report.systolicPj * b / 1e6)
          << " uJ; memories " << format("%.3f", report.memoryPj * b / 1e6)
          << " uJ; static " << format("%.3f", report.staticPj * b / 1e6)
          << " uJ; crossbar programming (once per load) "
          << format("%.3f", report.reramWritePj / 1e6) << " uJ\n";
    }
  }

  if (!cfg.outputDir.empty()) {
    if (std::error_code ec = sys::fs::create_directories(cfg.outputDir))
      return trainError("cannot create '" + cfg.outputDir +
                        "': " + ec.message());
    for (const program::TensorDesc *p : params) {
      SmallString<256> path(cfg.outputDir);
      sys::path::append(path, p->name + ".npy");
      auto v = floats(bound[p->name], "parameter '" + p->name + "'");
      if (!v)
        return v.takeError();
      if (Error e = io::writeNpy(path, makeF32(p->shape, v->data())))
        return e;
    }
    SmallString<256> path(cfg.outputDir);
    sys::path::append(path, "losses.npy");
    if (Error e =
            io::writeNpy(path, makeF32({static_cast<int64_t>(losses.size())},
                                       losses.data())))
      return e;
  }
  if (merge) {
    std::string quietLog;
    raw_string_ostream sink(quietLog);
    if (Error e = merge->write(bound, cfg.mergedOnnx, cfg.quiet ? sink : log))
      return e;
  }
  return Error::success();
}

} // namespace tern::rt::driver
