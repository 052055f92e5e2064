//===- Disassembler.cpp - Program image to text assembly --------------------===//
//
// Prints every directive and every field so that assemble(disassemble(p))
// serialises to the same bytes as p (a test checks it). Scales use %.17g
// and constants are printed as packed hex, so nothing is lost.
//
//===----------------------------------------------------------------------===//

#include "runtime/asm/Assembler.h"

#include "runtime/targets/Preset.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace tern::rt::assembler {

namespace {
std::string quote(StringRef s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\')
      out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    if (c == '\t') {
      out += "\\t";
      continue;
    }
    out += c;
  }
  return out + "\"";
}

void printTensor(raw_ostream &os, StringRef dir, const program::TensorDesc &t) {
  os << dir << ' ' << quote(t.name) << ", " << program::dtypeName(t.dtype)
     << ", [";
  for (size_t i = 0; i < t.shape.size(); ++i)
    os << (i ? ", " : "") << t.shape[i];
  os << "], " << format_hex(t.dramOffset, 2)
     << ", scale=" << format("%.17g", t.scale) << ", zp=" << t.zeroPoint;
  if (t.onnxType != 0)
    os << ", onnx=" << program::onnxTypeName(t.onnxType);
  os << '\n';
}
} // namespace

std::string disassemble(const program::ProgramImage &p) {
  std::string s;
  raw_string_ostream os(s);
  // A built-in preset whose text is unchanged prints as its name.
  auto builtin = targets::loadPreset(p.targetName);
  if (builtin && builtin->second == p.targetJson && !p.targetName.empty() &&
      p.targetName.find('/') == std::string::npos)
    os << ".target " << p.targetName << '\n';
  else {
    if (!builtin)
      consumeError(builtin.takeError());
    os << ".target_json " << quote(p.targetJson) << '\n';
  }
  os << ".dram " << p.dramSize << '\n';
  for (const program::TensorDesc &t : p.inputs)
    printTensor(os, ".input", t);
  for (const program::TensorDesc &t : p.outputs)
    printTensor(os, ".output", t);
  for (const program::TensorDesc &t : p.weights)
    printTensor(os, ".weight", t);
  for (const program::Segment &seg : p.constants) {
    os << ".const " << format_hex(seg.dramOffset, 2) << ", "
       << (seg.bits == 8 ? "u8" : seg.bits == 6 ? "i6" : "i4")
       << ", count=" << seg.count << ", hex \"" << toHex(seg.data, true)
       << "\"\n";
  }
  size_t dbg = 0;
  std::string loc;
  size_t nextCore = 0;
  for (size_t i = 0; i < p.code.size(); ++i) {
    if (nextCore < p.coreStarts.size() && p.coreStarts[nextCore] == i)
      os << ".core " << nextCore++ << '\n';
    std::string here;
    while (dbg < p.debug.size() && p.debug[dbg].insn < i)
      ++dbg;
    if (dbg < p.debug.size() && p.debug[dbg].insn == i)
      here = p.debug[dbg].loc.str();
    if (here != loc) {
      os << ".loc " << quote(here) << '\n';
      loc = here;
    }
    Expected<isa::Decoded> d = isa::decode(p.code[i]);
    if (!d) {
      os << "// instruction " << i << ": " << toString(d.takeError()) << '\n';
      continue;
    }
    os << isa::disassemble(*d) << '\n';
  }
  return os.str();
}

} // namespace tern::rt::assembler
