//===- Calibrate.cpp - activation ranges from calibration data ------------===//

#include "tern/Driver/Calibrate.h"

#include "tern/Dialect/Tern/IR/Quantization.h"
#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Driver/Compile.h"
#include "tern/Quant/Observers.h"

#include "runtime/driver/Session.h"
#include "runtime/io/Tensor.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/JSON.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cstring>

using namespace mlir;
using namespace tern;
namespace rt = tern::rt;
namespace tq = tern::quant;

namespace {

llvm::Error calibError(const llvm::Twine &msg) {
  return llvm::createStringError(llvm::inconvertibleErrorCode(), msg);
}

std::string locationString(Location loc) {
  std::string s;
  llvm::raw_string_ostream os(s);
  loc.print(os);
  return s;
}

/// The values calibration measures, in a deterministic order: every matrix
/// op's result and the producers of its activation operands (through layout
/// ops). Function arguments are measured from the data directly.
struct ProbeSet {
  /// Every op of the function in walk order (how probes are named in the
  /// statistics file and found again in a clone).
  SmallVector<Operation *> ops;
  /// Indices into `ops` of the probed (single-result) ops.
  llvm::SetVector<unsigned> probes;
  /// Arguments that feed a matrix op.
  llvm::SetVector<unsigned> arguments;
};

ProbeSet collectProbes(func::FuncOp func) {
  ProbeSet set;
  DenseMap<Operation *, unsigned> index;
  func.walk([&](Operation *op) {
    index[op] = set.ops.size();
    set.ops.push_back(op);
  });
  auto probeValue = [&](Value v) {
    while (isLayoutOp(v.getDefiningOp()))
      v = v.getDefiningOp()->getOperand(0);
    if (auto arg = dyn_cast<BlockArgument>(v)) {
      set.arguments.insert(arg.getArgNumber());
      return;
    }
    if (isa<FloatType>(getElementTypeOrSelf(v.getType())) &&
        v.getDefiningOp()->getNumResults() == 1)
      set.probes.insert(index[v.getDefiningOp()]);
  };
  auto isConstant = [](Value v) {
    return v.getDefiningOp() &&
           v.getDefiningOp()->hasTrait<OpTrait::ConstantLike>();
  };
  for (Operation *op : set.ops) {
    // The integer-only kernels also need the ranges of the non-linear ops'
    // inputs and results and of residual sums (tosa.add of two run-time
    // tensors, raised to tern.add by the int-only policy).
    if (isa<SoftmaxOp, GeluOp, LayerNormOp, AddOp>(op)) {
      probeValue(op->getOperand(0));
      if (isa<AddOp>(op))
        probeValue(op->getOperand(1));
      probeValue(op->getResult(0));
    } else if (auto add = dyn_cast<tosa::AddOp>(op)) {
      if (!isConstant(add.getInput1()) && !isConstant(add.getInput2()) &&
          add.getInput1().getType() == add.getType() &&
          add.getInput2().getType() == add.getType())
        probeValue(add.getResult());
    }
    if (auto linear = dyn_cast<LinearOp>(op)) {
      probeValue(linear.getInput());
      probeValue(linear.getResult());
    } else if (auto matmul = dyn_cast<MatMulOp>(op)) {
      probeValue(matmul.getLhs());
      probeValue(matmul.getRhs());
      probeValue(matmul.getResult());
    }
  }
  return set;
}

} // namespace

llvm::Expected<std::vector<std::vector<float>>>
tern::readCalibrationSamples(StringRef dir,
                             const rt::program::TensorDesc &input,
                             int64_t limit) {
  std::vector<std::string> files;
  SmallString<256> datasetFile(dir);
  llvm::sys::path::append(datasetFile, "inputs.npy");
  if (llvm::sys::fs::exists(datasetFile)) {
    files.push_back(datasetFile.str().str());
  } else {
    std::error_code ec;
    for (llvm::sys::fs::directory_iterator it(dir, ec), end; it != end && !ec;
         it.increment(ec)) {
      StringRef ext = llvm::sys::path::extension(it->path());
      if (ext == ".npy" || ext == ".pb")
        files.push_back(it->path());
    }
    if (ec)
      return calibError("cannot read calibration directory '" + dir +
                        "': " + ec.message());
    llvm::sort(files);
  }
  if (files.empty())
    return calibError("calibration directory '" + dir +
                      "' has no inputs.npy and no .npy or .pb files");
  uint64_t sampleElems = input.numElements();
  std::vector<std::vector<float>> samples;
  for (const std::string &path : files) {
    auto tensor = rt::io::readTensorFile(path);
    if (!tensor)
      return calibError(path + ": " + toString(tensor.takeError()));
    uint64_t n = tensor->numElements();
    bool batch = !tensor->shape.empty() && n != sampleElems &&
                 n == uint64_t(tensor->shape[0]) * sampleElems;
    if (n == 0 || (n != sampleElems && !batch))
      return calibError(path + ": shape " +
                        rt::io::shapeString(tensor->shape) +
                        " is neither the input '" + input.name + "' (" +
                        rt::io::shapeString(input.shape) +
                        ") nor a batch [N, ...] of it");
    if (tensor->type != rt::io::ElemType::F32 &&
        tensor->type != rt::io::ElemType::F64)
      return calibError(path + ": calibration data must be float32 or "
                        "float64, got " +
                        rt::io::elemTypeName(tensor->type));
    unsigned eb = rt::io::elemBytes(tensor->type);
    for (uint64_t s = 0; s * sampleElems < n; ++s) {
      std::vector<float> values(sampleElems);
      for (uint64_t i = 0; i < sampleElems; ++i) {
        const uint8_t *p = tensor->data.data() + (s * sampleElems + i) * eb;
        if (eb == 4) {
          std::memcpy(&values[i], p, 4);
        } else {
          double d;
          std::memcpy(&d, p, 8);
          values[i] = static_cast<float>(d);
        }
      }
      samples.push_back(std::move(values));
      if (limit > 0 && int64_t(samples.size()) >= limit)
        return samples;
    }
  }
  return samples;
}

namespace {

std::vector<float> toFloats(const rt::io::Tensor &t) {
  std::vector<float> v(t.numElements());
  std::memcpy(v.data(), t.data.data(), v.size() * 4);
  return v;
}

/// Runs the probe program on every sample; returns one range per probe
/// (in `set.probes` order) followed by one per argument.
llvm::Expected<std::vector<tq::Range>>
measure(ModuleOp module, const ProbeSet &set, const CalibrationOptions &opts,
        tq::ObserverKind kind, int64_t &numSamples) {
  OwningOpRef<ModuleOp> clone = module.clone();
  auto funcs = llvm::to_vector(clone->getOps<func::FuncOp>());
  func::FuncOp func = funcs.front();
  SmallVector<Operation *> cloneOps;
  func.walk([&](Operation *op) { cloneOps.push_back(op); });
  auto ret = cast<func::ReturnOp>(func.getBody().back().getTerminator());
  unsigned numResults = ret.getNumOperands();
  SmallVector<Value> results(ret.getOperands());
  for (unsigned idx : set.probes)
    results.push_back(cloneOps[idx]->getResult(0));
  ret->setOperands(results);
  func.setType(FunctionType::get(module.getContext(),
                                 func.getArgumentTypes(),
                                 ValueRange(results).getTypes()));

  CompileOptions compile;
  compile.target = opts.target;
  compile.precision = "bf16";
  compile.warnIfReramUnused = false;
  auto image = compileModule(*clone, compile, EmitKind::Program);
  if (failed(image))
    return calibError("cannot compile the calibration program");
  if (image->inputs.size() != 1)
    return calibError("calibration handles models with one input; this one "
                      "has " +
                      llvm::Twine(image->inputs.size()));
  std::vector<uint8_t> bytes = rt::program::serialize(*image);
  auto loaded = rt::program::LoadedProgram::loadBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(
          StringRef(reinterpret_cast<const char *>(bytes.data()),
                    bytes.size()),
          "<calibration program>"));
  if (!loaded)
    return loaded.takeError();
  auto session = rt::driver::Session::create(std::move(*loaded));
  if (!session)
    return session.takeError();

  const rt::program::TensorDesc &input = image->inputs.front();
  auto samples = readCalibrationSamples(opts.dataDir, input, opts.limit);
  if (!samples)
    return samples.takeError();
  numSamples = samples->size();

  std::vector<std::unique_ptr<tq::Observer>> observers;
  for (size_t i = 0; i < set.probes.size() + set.arguments.size(); ++i)
    observers.push_back(tq::createObserver(kind));
  for (size_t s = 0; s < samples->size(); ++s) {
    rt::io::Tensor t;
    t.type = rt::io::ElemType::F32;
    t.shape = input.shape;
    t.data.resize((*samples)[s].size() * 4);
    std::memcpy(t.data.data(), (*samples)[s].data(), t.data.size());
    llvm::StringMap<rt::io::Tensor> feed;
    feed[input.name] = std::move(t);
    auto outputs = (*session)->run(feed);
    if (!outputs)
      return calibError("calibration sample " + llvm::Twine(s) + ": " +
                        toString(outputs.takeError()));
    for (size_t p = 0; p < set.probes.size(); ++p)
      observers[p]->observe(toFloats((*outputs)[numResults + p]));
    for (size_t a = 0; a < set.arguments.size(); ++a)
      observers[set.probes.size() + a]->observe((*samples)[s]);
  }
  std::vector<tq::Range> ranges;
  for (size_t i = 0; i < observers.size(); ++i) {
    auto range = observers[i]->range();
    if (!range) {
      std::string what =
          i < set.probes.size()
              ? "'" + set.ops[set.probes[i]]->getName().getStringRef().str() +
                    "' at " +
                    locationString(set.ops[set.probes[i]]->getLoc())
              : "argument #" +
                    std::to_string(set.arguments[i - set.probes.size()]);
      return calibError("no finite value observed for " + what + ": " +
                        toString(range.takeError()));
    }
    ranges.push_back(*range);
  }
  return ranges;
}

llvm::Error saveRanges(StringRef path, const ProbeSet &set,
                       ArrayRef<tq::Range> ranges, StringRef observer,
                       int64_t samples) {
  llvm::json::Array probes, arguments;
  for (size_t i = 0; i < set.probes.size(); ++i) {
    Operation *op = set.ops[set.probes[i]];
    probes.push_back(llvm::json::Object{
        {"op", int64_t(set.probes[i])},
        {"name", op->getName().getStringRef()},
        {"loc", locationString(op->getLoc())},
        {"min", ranges[i].min},
        {"max", ranges[i].max}});
  }
  for (size_t a = 0; a < set.arguments.size(); ++a) {
    const tq::Range &r = ranges[set.probes.size() + a];
    arguments.push_back(llvm::json::Object{
        {"argument", int64_t(set.arguments[a])}, {"min", r.min},
        {"max", r.max}});
  }
  llvm::json::Object root{{"format", "tern-calibration"},
                          {"version", 1},
                          {"observer", observer},
                          {"samples", samples},
                          {"ops", int64_t(set.ops.size())},
                          {"ranges", std::move(probes)},
                          {"arguments", std::move(arguments)}};
  return llvm::writeToOutput(path, [&](llvm::raw_ostream &os) {
    os << llvm::formatv("{0:2}", llvm::json::Value(std::move(root))) << "\n";
    return llvm::Error::success();
  });
}

/// Reads a statistics file written by saveRanges for the same model.
llvm::Expected<std::vector<tq::Range>> loadRanges(StringRef path,
                                                  const ProbeSet &set) {
  auto buffer = llvm::MemoryBuffer::getFile(path);
  if (!buffer)
    return calibError("cannot read calibration statistics '" + path +
                      "': " + buffer.getError().message());
  auto json = llvm::json::parse((*buffer)->getBuffer());
  if (!json)
    return calibError(path + ": " + toString(json.takeError()));
  const llvm::json::Object *root = json->getAsObject();
  auto bad = [&](const llvm::Twine &why) {
    return calibError("calibration statistics '" + path + "': " + why);
  };
  if (!root || root->getString("format") != "tern-calibration")
    return bad("not a tern-calibration file");
  if (root->getInteger("version") != 1)
    return bad("unsupported version");
  if (root->getInteger("ops") != int64_t(set.ops.size()))
    return bad("written for a model with " +
               llvm::Twine(root->getInteger("ops").value_or(-1)) +
               " operations; this one has " + llvm::Twine(set.ops.size()));
  const llvm::json::Array *probes = root->getArray("ranges");
  const llvm::json::Array *arguments = root->getArray("arguments");
  if (!probes || !arguments || probes->size() != set.probes.size() ||
      arguments->size() != set.arguments.size())
    return bad("does not list the values this model needs (" +
               llvm::Twine(set.probes.size()) + " ranges, " +
               llvm::Twine(set.arguments.size()) + " arguments)");
  std::vector<tq::Range> ranges;
  auto readRange = [&](const llvm::json::Object *entry,
                       size_t i) -> llvm::Error {
    std::optional<double> lo = entry ? entry->getNumber("min") : std::nullopt,
                          hi = entry ? entry->getNumber("max") : std::nullopt;
    if (!lo || !hi || !(*lo <= *hi))
      return bad("entry " + llvm::Twine(i) + " has no valid min / max");
    ranges.push_back({*lo, *hi});
    return llvm::Error::success();
  };
  for (size_t i = 0; i < probes->size(); ++i) {
    const llvm::json::Object *entry = (*probes)[i].getAsObject();
    Operation *op = set.ops[set.probes[i]];
    if (!entry || entry->getInteger("op") != int64_t(set.probes[i]) ||
        entry->getString("name") != op->getName().getStringRef() ||
        entry->getString("loc") != locationString(op->getLoc()))
      return bad("entry " + llvm::Twine(i) + " does not describe '" +
                 op->getName().getStringRef() + "' at " +
                 locationString(op->getLoc()) + " (a different model?)");
    if (llvm::Error e = readRange(entry, i))
      return std::move(e);
  }
  for (size_t a = 0; a < arguments->size(); ++a) {
    const llvm::json::Object *entry = (*arguments)[a].getAsObject();
    if (!entry || entry->getInteger("argument") != int64_t(set.arguments[a]))
      return bad("argument entry " + llvm::Twine(a) +
                 " does not describe argument #" +
                 llvm::Twine(set.arguments[a]));
    if (llvm::Error e = readRange(entry, probes->size() + a))
      return std::move(e);
  }
  return ranges;
}

} // namespace

llvm::Error tern::calibrateModule(ModuleOp module,
                                  const CalibrationOptions &options) {
  auto funcs = llvm::to_vector(module.getOps<func::FuncOp>());
  if (funcs.size() != 1)
    return calibError("calibration expects one function, found " +
                      llvm::Twine(funcs.size()));
  func::FuncOp func = funcs.front();
  std::optional<tq::ObserverKind> kind = tq::parseObserverKind(options.observer);
  if (!kind)
    return calibError("unknown observer '" + options.observer +
                      "'; expected minmax, moving-minmax, percentile or mse");
  ProbeSet set = collectProbes(func);

  std::vector<tq::Range> ranges;
  int64_t samples = 0;
  if (!options.loadPath.empty()) {
    auto loaded = loadRanges(options.loadPath, set);
    if (!loaded)
      return loaded.takeError();
    ranges = std::move(*loaded);
  } else {
    auto measured = measure(module, set, options, *kind, samples);
    if (!measured)
      return measured.takeError();
    ranges = std::move(*measured);
  }

  MLIRContext *ctx = module.getContext();
  for (size_t i = 0; i < set.probes.size(); ++i)
    set.ops[set.probes[i]]->setAttr(
        kRangeAttr, DenseF64ArrayAttr::get(ctx, {ranges[i].min, ranges[i].max}));
  for (size_t a = 0; a < set.arguments.size(); ++a) {
    const tq::Range &r = ranges[set.probes.size() + a];
    func.setArgAttr(set.arguments[a], kRangeAttr,
                    DenseF64ArrayAttr::get(ctx, {r.min, r.max}));
  }
  if (!options.savePath.empty())
    return saveRanges(options.savePath, set, ranges, options.observer,
                      samples);
  return llvm::Error::success();
}
