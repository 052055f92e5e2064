//===- InspectCommand.cpp - tern inspect: sections, I/O, instruction mix ----===//

#include "runtime/driver/Driver.h"

#include "runtime/isa/ISA.h"
#include "runtime/program/Program.h"
#include "runtime/sim/functional/Executor.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"

#include <map>

using namespace llvm;

namespace tern::rt::driver {

Error inspectProgram(StringRef path, bool withDisasm, raw_ostream &os) {
  auto loaded = program::LoadedProgram::loadFile(path);
  if (!loaded)
    return loaded.takeError();
  const program::LoadedProgram &P = **loaded;
  Expected<std::vector<isa::Decoded>> code = sim::decodeProgram(P.code);
  if (!code)
    return createStringError(inconvertibleErrorCode(), "%s: %s",
                             path.str().c_str(),
                             toString(code.takeError()).c_str());
  uint64_t packed = 0, values = 0;
  for (const auto &s : P.constants) {
    packed += s.data.size();
    values += s.count;
  }
  os << "program: " << path << " (" << P.fileSize() << " bytes, format v"
     << program::kFormatVersion << ")\n";
  os << "target: " << P.targetName << '\n';
  os << "dram: " << P.dramSize << " bytes\n";
  os << "sections:\n";
  os << "  code: " << P.code.size() << " instructions (" << P.code.size() * 16
     << " bytes)\n";
  os << "  constants: " << P.constants.size() << " segments, " << values
     << " values, " << packed << " packed bytes\n";
  os << "  debug: " << P.debugSize() << " entries\n";
  if (P.coreStarts.size() > 1) {
    os << "  cores: " << P.coreStarts.size() << " streams (instructions";
    for (auto [begin, end] : program::coreRanges(P.coreStarts, P.code.size()))
      os << ' ' << begin << ".." << end - 1;
    os << ")\n";
  }
  uint64_t weightValues = 0;
  for (const program::TensorDesc &w : P.weights)
    weightValues += w.numElements();
  os << "  frozen weights: " << P.weights.size() << " tensors, " << weightValues
     << " values (--weight-noise)\n";
  if (!P.optimizer.empty())
    os << "optimizer: " << P.optimizer << " (tern train)\n";
  auto tensors = [&](StringRef title,
                     const std::vector<program::TensorDesc> &list) {
    os << title << ":\n";
    for (const program::TensorDesc &t : list) {
      os << "  " << t.name << ": " << program::dtypeName(t.dtype) << " [";
      for (size_t i = 0; i < t.shape.size(); ++i)
        os << (i ? ", " : "") << t.shape[i];
      os << "] at " << format_hex(t.dramOffset, 2)
         << " scale=" << format("%g", t.scale) << " zp=" << t.zeroPoint;
      if (t.onnxType != 0)
        os << " onnx=" << program::onnxTypeName(t.onnxType);
      os << '\n';
    }
  };
  tensors("inputs", P.inputs);
  tensors("outputs", P.outputs);
  std::map<std::string, uint64_t> perUnit, perQueue;
  std::map<std::string, uint64_t> perMnemonic;
  for (const isa::Decoded &d : *code) {
    ++perUnit[isa::unitName(d.info->unit).str()];
    ++perQueue[isa::queueName(isa::queueOf(d)).str()];
    ++perMnemonic[d.info->mnemonic];
  }
  os << "instruction mix by unit:\n";
  for (const auto &[k, v] : perUnit)
    os << "  " << k << ": " << v << '\n';
  os << "instruction mix by queue:\n";
  for (const auto &[k, v] : perQueue)
    os << "  " << k << ": " << v << '\n';
  os << "instruction mix by mnemonic:\n";
  for (const auto &[k, v] : perMnemonic)
    os << "  " << k << ": " << v << '\n';
  if (withDisasm) {
    os << "disassembly:\n";
    for (size_t i = 0; i < code->size(); ++i) {
      os << format("  %5zu: ", i) << isa::disassemble((*code)[i]);
      std::string loc = P.locationOf(static_cast<uint32_t>(i));
      if (!loc.empty())
        os << "  // " << loc;
      os << '\n';
    }
  }
  return Error::success();
}

} // namespace tern::rt::driver
