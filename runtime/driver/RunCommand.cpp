//===- RunCommand.cpp - tern run: load, bind I/O, simulate, write outputs ---===//

#include "runtime/driver/Driver.h"

#include "runtime/io/Tensor.h"
#include "runtime/program/Program.h"
#include "runtime/sim/functional/Executor.h"
#include "runtime/sim/functional/kernels/BF16.h"
#include "runtime/sim/functional/kernels/Gemm.h"
#include "runtime/targets/Preset.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"

#include <cstring>

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
  if (t.type != want)
    return inputError(d.name, "dtype " + io::elemTypeName(t.type) +
                                  " does not match the program's " +
                                  program::dtypeName(d.dtype) + " (expects " +
                                  io::elemTypeName(want) + ")");
  const uint64_t n = t.numElements();
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
  std::memcpy(dst, t.data.data(), t.data.size());
  return Error::success();
}

io::Tensor readOutput(const program::TensorDesc &d, const uint8_t *src,
                      bool pb) {
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
  const program::LoadedProgram &P = **loaded;
  Expected<targets::Preset> preset =
      targets::parsePreset(P.targetJson, P.targetName);
  if (!preset)
    return createStringError(inconvertibleErrorCode(),
                             "%s: embedded target preset is invalid: %s",
                             cfg.program.c_str(),
                             toString(preset.takeError()).c_str());
  Expected<std::vector<isa::Decoded>> code = sim::decodeProgram(P.code);
  if (!code)
    return createStringError(inconvertibleErrorCode(), "%s: %s",
                             cfg.program.c_str(),
                             toString(code.takeError()).c_str());
  if (cfg.outputFormat != "npy" && cfg.outputFormat != "pb")
    return createStringError(inconvertibleErrorCode(),
                             "--output-format must be npy or pb, not '%s'",
                             cfg.outputFormat.c_str());

  sim::MachineConfig mc;
  mc.spadBytes = {preset->actBytes, preset->wgtBytes, preset->accBytes,
                  preset->vecBytes};
  mc.dramBytes = P.dramSize;
  mc.threads = cfg.threads;
  mc.useSimd = !cfg.scalar;
  sim::Machine M(mc);
  M.bfMode = preset->bf16Mode;
  for (const auto &s : P.constants)
    program::unpackValues(s.data, s.bits, s.count,
                          M.dramBytes().data() + s.dramOffset);

  StringMap<std::string> given;
  for (const auto &[name, path] : cfg.inputs) {
    if (given.count(name))
      return inputError(name, "given twice");
    given[name] = path;
  }
  for (const auto &[name, path] : cfg.inputs) {
    bool known = false;
    for (const program::TensorDesc &d : P.inputs)
      known |= d.name == name;
    if (!known) {
      std::string list;
      for (const program::TensorDesc &d : P.inputs)
        list += (list.empty() ? "" : ", ") + d.name;
      return inputError(name, "the program has no such input (inputs: " +
                                  (list.empty() ? "none" : list) + ")");
    }
  }
  for (const program::TensorDesc &d : P.inputs) {
    auto it = given.find(d.name);
    if (it == given.end())
      return inputError(d.name, "missing (pass --input " + d.name + "=FILE)");
    Expected<io::Tensor> t = io::readTensorFile(it->second);
    if (!t)
      return inputError(d.name, toString(t.takeError()));
    if (Error e = bindInput(d, *t, M.dramBytes().data() + d.dramOffset))
      return e;
  }
  if (!cfg.quiet)
    log << "tern run: program=" << cfg.program << " target=" << P.targetName
        << " threads=" << cfg.threads << " kernels="
        << (cfg.scalar ? "scalar" : kernels::gemmSimdTargetName())
        << " max-instructions=" << cfg.maxInstructions << '\n';

  sim::RunOptions opts;
  opts.maxInstructions = cfg.maxInstructions;
  opts.locationOf = [&P](uint32_t i) { return P.locationOf(i); };
  if (Error e = sim::run(M, *code, opts))
    return createStringError(inconvertibleErrorCode(), "%s: %s",
                             cfg.program.c_str(),
                             toString(std::move(e)).c_str());

  if (!cfg.outputDir.empty()) {
    if (std::error_code ec = sys::fs::create_directories(cfg.outputDir))
      return createStringError(ec, "cannot create '%s': %s",
                               cfg.outputDir.c_str(), ec.message().c_str());
    for (const program::TensorDesc &d : P.outputs) {
      bool pb = cfg.outputFormat == "pb";
      io::Tensor t =
          readOutput(d, M.dramBytes().data() + d.dramOffset, pb);
      SmallString<256> path(cfg.outputDir);
      sys::path::append(path, fileNameFor(d.name) + (pb ? ".pb" : ".npy"));
      if (Error e = pb ? io::writeTensorPb(path, d.name, t)
                       : io::writeNpy(path, t))
        return e;
    }
  }
  if (!cfg.quiet) {
    log << "tern run: " << M.stats.instructions << " instructions, "
        << M.stats.macs << " MACs, " << M.stats.skippedKRows
        << " K rows skipped";
    for (unsigned u = 0; u < isa::kNumUnits; ++u)
      if (M.stats.perUnit[u])
        log << ", " << isa::unitName(static_cast<isa::Unit>(u)) << '='
            << M.stats.perUnit[u];
    log << '\n';
  }
  return Error::success();
}

} // namespace tern::rt::driver
