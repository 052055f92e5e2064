//===- Session.cpp - run a loaded program on in-memory tensors -----------===//

#include "runtime/driver/Session.h"

#include "runtime/sim/functional/Executor.h"
#include "runtime/sim/functional/WeightNoise.h"
#include "runtime/sim/functional/kernels/BF16.h"

#include <cmath>
#include <cstring>
#include <unistd.h>

using namespace llvm;
using tern::rt::program::DType;

namespace tern::rt::driver {

namespace {
Error inputError(StringRef name, const Twine &msg) {
  return createStringError(inconvertibleErrorCode(),
                           "input '" + name + "': " + msg);
}

/// Converts a host tensor into the descriptor's DRAM bytes.
Error bindInput(const program::TensorDesc &d, const io::Tensor &t,
                uint8_t *dst) {
  if (t.shape != d.shape)
    return inputError(d.name, "shape " + io::shapeString(t.shape) +
                                  " does not match the program's " +
                                  io::shapeString(d.shape));
  io::ElemType want = io::ElemType::I8;
  switch (d.dtype) {
  case DType::I8:
  case DType::I4:
  case DType::I6: want = io::ElemType::I8; break;
  case DType::U8: want = io::ElemType::U8; break;
  case DType::I16: want = io::ElemType::I16; break;
  case DType::I32: want = io::ElemType::I32; break;
  case DType::F32: want = io::ElemType::F32; break;
  case DType::BF16:
    want = t.type == io::ElemType::BF16 ? io::ElemType::BF16
                                        : io::ElemType::F32;
    break;
  }
  const uint64_t n = t.numElements();
  // Token ids arrive as int64 (ONNX's Gather indices): an i32 program input
  // takes them narrowed, refusing any value outside the int32 range. (The
  // gather that reads them checks each id against its table when it runs.)
  if (d.dtype == DType::I32 && t.type == io::ElemType::I64) {
    for (uint64_t i = 0; i < n; ++i) {
      int64_t v;
      std::memcpy(&v, t.data.data() + 8 * i, 8);
      if (v < INT32_MIN || v > INT32_MAX)
        return inputError(d.name, "int64 value " + Twine(v) + " at element " +
                                      Twine(i) + " does not fit int32");
      int32_t narrow = static_cast<int32_t>(v);
      std::memcpy(dst + 4 * i, &narrow, 4);
    }
    return Error::success();
  }
  // uint32 / uint64 tensors are held as 32-bit words (docs/Lowering.md
  // "uint32 and uint64 tensors"): a uint32 as it is, a uint64 narrowed,
  // refusing any value past 32 bits.
  if (d.dtype == DType::I32 &&
      (t.type == io::ElemType::U32 || t.type == io::ElemType::U64)) {
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t v = 0;
      if (t.type == io::ElemType::U32) {
        uint32_t w;
        std::memcpy(&w, t.data.data() + 4 * i, 4);
        v = w;
      } else {
        std::memcpy(&v, t.data.data() + 8 * i, 8);
      }
      if (v > UINT32_MAX)
        return inputError(d.name, "uint64 value " + Twine(v) + " at element " +
                                      Twine(i) +
                                      " does not fit the 32 bits a uint64 "
                                      "tensor is held in");
      uint32_t w = static_cast<uint32_t>(v);
      std::memcpy(dst + 4 * i, &w, 4);
    }
    return Error::success();
  }
  // int8 / uint8 / int16 / uint16 tensors are held as i32 (docs/Lowering.md
  // "Narrow integer tensors"): widened exactly.
  if (d.dtype == DType::I32 &&
      (t.type == io::ElemType::I8 || t.type == io::ElemType::U8 ||
       t.type == io::ElemType::I16 || t.type == io::ElemType::U16)) {
    for (uint64_t i = 0; i < n; ++i) {
      int32_t v = 0;
      if (t.type == io::ElemType::I8)
        v = static_cast<int8_t>(t.data[i]);
      else if (t.type == io::ElemType::U8)
        v = t.data[i];
      else if (t.type == io::ElemType::I16) {
        int16_t h;
        std::memcpy(&h, t.data.data() + 2 * i, 2);
        v = h;
      } else {
        uint16_t h;
        std::memcpy(&h, t.data.data() + 2 * i, 2);
        v = h;
      }
      std::memcpy(dst + 4 * i, &v, 4);
    }
    return Error::success();
  }
  // An f32 input (one the SFU reads in f32: docs/Lowering.md "f32 inputs of
  // the SFU") takes bf16 data too, widened exactly, as a bf16 input takes
  // float32 data.
  if (d.dtype == DType::F32 && t.type == io::ElemType::BF16) {
    for (uint64_t i = 0; i < n; ++i) {
      uint16_t b;
      std::memcpy(&b, t.data.data() + 2 * i, 2);
      float f = kernels::bfToFloat(b);
      std::memcpy(dst + 4 * i, &f, 4);
    }
    return Error::success();
  }
  // A boolean input (an attention mask) is held as bf16 0 / 1.
  if (d.dtype == DType::BF16 && t.type == io::ElemType::Bool) {
    for (uint64_t i = 0; i < n; ++i) {
      uint16_t b = t.data[i] ? 0x3F80 : 0;
      std::memcpy(dst + 2 * i, &b, 2);
    }
    return Error::success();
  }
  if (t.type != want)
    return inputError(d.name, "dtype " + io::elemTypeName(t.type) +
                                  " does not match the program's " +
                                  program::dtypeName(d.dtype) + " (expects " +
                                  io::elemTypeName(want) + ")");
  if (d.dtype == DType::BF16 && want == io::ElemType::F32) {
    for (uint64_t i = 0; i < n; ++i) {
      float f;
      std::memcpy(&f, t.data.data() + 4 * i, 4);
      uint16_t b = kernels::floatToBf(f);
      std::memcpy(dst + 2 * i, &b, 2);
    }
    return Error::success();
  }
  if (d.dtype == DType::I4 || d.dtype == DType::I6) {
    int lim = d.dtype == DType::I4 ? 8 : 32;
    for (uint64_t i = 0; i < n; ++i) {
      int v = static_cast<int8_t>(t.data[i]);
      if (v < -lim || v >= lim)
        return inputError(d.name, "value " + Twine(v) + " at element " +
                                      Twine(i) + " does not fit " +
                                      program::dtypeName(d.dtype));
    }
  }
  // An empty tensor (a zero dimension) has no data pointer, which memcpy
  // must not be given even for zero bytes.
  if (!t.data.empty())
    std::memcpy(dst, t.data.data(), t.data.size());
  return Error::success();
}

/// An output the program holds in another type than the model declares
/// (TensorDesc::onnxType), in the declared one: integers held in i32 keep
/// their value (the lowering keeps it in the declared range: wrapping
/// arithmetic, saturating casts), a bool held in bf16 or i32 is value != 0.
io::Tensor readDeclaredOutputTensor(const program::TensorDesc &d,
                                    const uint8_t *src) {
  io::Tensor t;
  t.shape = d.shape;
  const uint64_t n = d.numElements();
  // The loader accepts only the types program::onnxTypeHeldBy names.
  for (io::ElemType e :
       {io::ElemType::U8, io::ElemType::I8, io::ElemType::U16,
        io::ElemType::I16, io::ElemType::I64, io::ElemType::Bool,
        io::ElemType::U32, io::ElemType::U64})
    if (io::onnxDataType(e) == d.onnxType)
      t.type = e;
  const unsigned width = io::elemBytes(t.type);
  t.data.resize(n * width);
  for (uint64_t i = 0; i < n; ++i) {
    int64_t v;
    if (d.dtype == DType::BF16) {
      uint16_t b;
      std::memcpy(&b, src + 2 * i, 2);
      v = kernels::bfToFloat(b) != 0.0f;
    } else {
      int32_t w;
      std::memcpy(&w, src + 4 * i, 4);
      v = t.type == io::ElemType::Bool ? w != 0 : w;
      // uint32 / uint64: the 32-bit word, zero-extended.
      if (t.type == io::ElemType::U32 || t.type == io::ElemType::U64)
        v = static_cast<uint32_t>(w);
    }
    // Little-endian: the low `width` bytes of the two's complement value.
    uint64_t u = static_cast<uint64_t>(v);
    for (unsigned k = 0; k < width; ++k)
      t.data[i * width + k] = static_cast<uint8_t>(u >> (8 * k));
  }
  return t;
}

io::Tensor readOutputTensor(const program::TensorDesc &d, const uint8_t *src,
                      bool pb) {
  if (d.onnxType != 0)
    return readDeclaredOutputTensor(d, src);
  io::Tensor t;
  t.shape = d.shape;
  const uint64_t n = d.numElements();
  switch (d.dtype) {
  case DType::I8:
  case DType::I4:
  case DType::I6: t.type = io::ElemType::I8; break;
  case DType::U8: t.type = io::ElemType::U8; break;
  case DType::I16: t.type = io::ElemType::I16; break;
  case DType::I32: t.type = io::ElemType::I32; break;
  case DType::F32: t.type = io::ElemType::F32; break;
  case DType::BF16: t.type = pb ? io::ElemType::BF16 : io::ElemType::F32; break;
  }
  if (d.dtype == DType::BF16 && !pb) {
    t.data.resize(n * 4);
    for (uint64_t i = 0; i < n; ++i) {
      uint16_t b;
      std::memcpy(&b, src + 2 * i, 2);
      float f = kernels::bfToFloat(b); // exact
      std::memcpy(t.data.data() + 4 * i, &f, 4);
    }
  } else {
    t.data.assign(src, src + d.bytes());
  }
  return t;
}

} // namespace

uint64_t Session::hostMemoryBytes() {
  long pages = sysconf(_SC_PHYS_PAGES);
  long pageSize = sysconf(_SC_PAGESIZE);
  if (pages <= 0 || pageSize <= 0)
    return uint64_t(1) << 40;
  return static_cast<uint64_t>(pages) * static_cast<uint64_t>(pageSize);
}

Expected<std::unique_ptr<Session>>
Session::create(std::unique_ptr<program::LoadedProgram> program,
                unsigned threads, bool scalar) {
  std::unique_ptr<Session> s(new Session());
  Expected<targets::Preset> preset =
      targets::parsePreset(program->targetJson, program->targetName);
  if (!preset)
    return createStringError(inconvertibleErrorCode(),
                             "embedded target preset is invalid: %s",
                             toString(preset.takeError()).c_str());
  // Every word must decode (as sim::decodeProgram checks); the decoded
  // stream itself is only built when a functional run needs it.
  for (size_t i = 0; i < program->code.size(); ++i) {
    Expected<isa::Decoded> d = isa::decode(program->code[i]);
    if (!d)
      return createStringError(inconvertibleErrorCode(),
                               "invalid program: instruction %zu: %s", i,
                               toString(d.takeError()).c_str());
    // Crossbar instructions need a target with a ReRAM tier.
    if (!preset->reram && d->info->unit == isa::Unit::Reram)
      return createStringError(
          inconvertibleErrorCode(),
          "instruction %zu (%s) needs a ReRAM crossbar tier; target '%s' "
          "has none",
          i, d->info->mnemonic, preset->name.c_str());
  }
  size_t cores = std::max<size_t>(1, program->coreStarts.size());
  if (cores > preset->cores || cores > sim::kMaxCores)
    return createStringError(
        inconvertibleErrorCode(),
        "the program is partitioned across %zu cores; target '%s' has %u%s",
        cores, preset->name.c_str(), preset->cores,
        cores > sim::kMaxCores ? (" (and the simulator models at most " +
                                  std::to_string(sim::kMaxCores) + ")")
                                     .c_str()
                               : "");
  s->target = std::move(*preset);
  s->loaded = std::move(program);
  s->threads = threads;
  s->scalar = scalar;
  return s;
}

Expected<timing::TimingOptions>
Session::timingOptions(unsigned cores, StringRef bus, bool computeOnly) const {
  if (cores < 1 || cores > target.cores)
    return createStringError(
        inconvertibleErrorCode(),
        "--cores must be between 1 and the preset's %u cores, not %u",
        target.cores, cores);
  if (cores > 1 && loaded->coreStarts.size() > 1)
    return createStringError(
        inconvertibleErrorCode(),
        "--cores %u: the program is already partitioned across %zu cores "
        "(--cores replicates a one-core program)",
        cores, loaded->coreStarts.size());
  std::optional<timing::TimingOptions::Bus> parsed = timing::parseBus(bus);
  if (!parsed)
    return createStringError(inconvertibleErrorCode(),
                             "--bus must be shared or split, not '%s'",
                             bus.str().c_str());
  timing::TimingOptions options;
  options.computeOnly = computeOnly;
  options.cores = cores;
  options.bus = *parsed;
  options.coreStarts = loaded->coreStarts;
  return options;
}

ArrayRef<isa::Decoded> Session::decodedCode() const {
  if (!decoded) {
    code = cantFail(sim::decodeProgram(loaded->code));
    decoded = true;
  }
  return code;
}

Error Session::setWeightNoise(double sigma, uint64_t seed) {
  if (!std::isfinite(sigma) || sigma < 0)
    return createStringError(inconvertibleErrorCode(),
                             "--weight-noise: %g is not a non-negative "
                             "number (the noise std relative to each weight "
                             "tensor's max |w|)",
                             sigma);
  if (sigma > 0 && loaded->weights.empty())
    return createStringError(
        inconvertibleErrorCode(),
        "--weight-noise: the program marks no frozen weights (no constant "
        "linear weights, or compiled before the program file listed them)");
  for (const program::TensorDesc &w : loaded->weights)
    if (w.dtype != DType::BF16 && w.dtype != DType::F32 &&
        w.dtype != DType::I8 && w.dtype != DType::I4 && w.dtype != DType::I6)
      return createStringError(inconvertibleErrorCode(),
                               "--weight-noise: weight '%s' has dtype %s "
                               "(bf16, f32 or int8/6/4 expected)",
                               w.name.c_str(),
                               program::dtypeName(w.dtype).str().c_str());
  noiseSigma = sigma;
  noiseSeed = seed;
  noiseCached = false;
  return Error::success();
}

Expected<std::vector<io::Tensor>>
Session::run(const StringMap<io::Tensor> &inputs, uint64_t maxInstructions,
             bool bf16Outputs) {
  const program::LoadedProgram &P = *loaded;
  sim::MachineConfig mc;
  mc.spadBytes = {target.actBytes, target.wgtBytes, target.accBytes,
                  target.vecBytes};
  mc.dramBytes = P.dramSize;
  mc.cores = static_cast<unsigned>(std::max<size_t>(1, P.coreStarts.size()));
  mc.threads = threads;
  mc.useSimd = !scalar;
  if (P.dramSize > maxDramBytes)
    return createStringError(
        inconvertibleErrorCode(),
        "the program declares %llu bytes of DRAM, more than the simulator's "
        "limit of %llu bytes (--max-dram-mb)",
        (unsigned long long)P.dramSize, (unsigned long long)maxDramBytes);
  sim::Machine M(mc);
  if (M.dramBytes().size() != P.dramSize)
    return createStringError(inconvertibleErrorCode(),
                             "cannot allocate the program's %llu bytes of "
                             "DRAM on this host",
                             (unsigned long long)P.dramSize);
  for (unsigned c = M.numCores(); c-- > 0;) {
    M.switchCore(c);
    M.bfMode = target.bf16Mode;
  }
  M.recordExecuted = true;
  for (const auto &s : P.constants)
    program::unpackValues(s.data, s.bits, s.count,
                          M.dramBytes().data() + s.dramOffset);
  if (noiseSigma > 0) {
    // The perturbed weights are kept per draw: later runs of the same draw
    // copy them instead of drawing again.
    if (!noiseCached || cachedDraw != noiseDraw) {
      std::vector<sim::NoisyWeight> weights;
      for (const program::TensorDesc &w : P.weights)
        weights.push_back({M.dramBytes().data() + w.dramOffset, w.numElements(),
                           w.dtype == DType::BF16  ? sim::NoisyWeight::BF16
                           : w.dtype == DType::F32 ? sim::NoisyWeight::F32
                                                   : sim::NoisyWeight::Int});
      sim::applyWeightNoise(weights, noiseSigma, noiseSeed, noiseDraw);
      noisyWeights.clear();
      for (const program::TensorDesc &w : P.weights) {
        const uint8_t *src = M.dramBytes().data() + w.dramOffset;
        noisyWeights.emplace_back(src, src + w.bytes());
      }
      noiseCached = true;
      cachedDraw = noiseDraw;
    } else {
      for (size_t i = 0; i < P.weights.size(); ++i)
        std::memcpy(M.dramBytes().data() + P.weights[i].dramOffset,
                    noisyWeights[i].data(), noisyWeights[i].size());
    }
  }

  for (const auto &entry : inputs) {
    bool known = false;
    for (const program::TensorDesc &d : P.inputs)
      known |= d.name == entry.getKey();
    if (!known) {
      std::string list;
      for (const program::TensorDesc &d : P.inputs)
        list += (list.empty() ? "" : ", ") + d.name;
      return inputError(entry.getKey(),
                        "the program has no such input (inputs: " +
                            (list.empty() ? "none" : list) + ")");
    }
  }
  for (const program::TensorDesc &d : P.inputs) {
    auto it = inputs.find(d.name);
    if (it == inputs.end())
      return inputError(d.name, "missing (pass --input " + d.name + "=FILE)");
    if (Error e = bindInput(d, it->second, M.dramBytes().data() + d.dramOffset))
      return std::move(e);
  }
  sim::RunOptions opts;
  opts.maxInstructions = maxInstructions;
  opts.maxSeconds = maxSeconds;
  opts.locationOf = [&P](uint32_t i) { return P.locationOf(i); };
  opts.coreStarts = P.coreStarts;
  if (Error e = sim::run(M, decodedCode(), opts))
    return std::move(e);
  stats = M.stats;
  executed = std::move(M.executed);
  std::vector<io::Tensor> outputs;
  for (const program::TensorDesc &d : P.outputs)
    outputs.push_back(
        readOutputTensor(d, M.dramBytes().data() + d.dramOffset, bf16Outputs));
  return outputs;
}

} // namespace tern::rt::driver
