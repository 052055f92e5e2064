//===- ProgramWriter.cpp - Serialise a program image with FlatBuffers -------===//
//
// FlatBufferBuilder output depends only on the order of calls, which here
// depends only on the image: writing the same image twice gives the same
// bytes (a unit test checks it).
//
//===----------------------------------------------------------------------===//

#include "runtime/program/Program.h"
#include "runtime/program/Program_generated.h"

namespace tern::rt::program {

std::vector<uint8_t> serialize(const ProgramImage &p) {
  flatbuffers::FlatBufferBuilder fbb(1024 + p.code.size() * 16);
  auto tensors = [&](const std::vector<TensorDesc> &list) {
    std::vector<flatbuffers::Offset<fb::TensorDesc>> v;
    for (const TensorDesc &t : list) {
      auto name = fbb.CreateString(t.name);
      auto shape = fbb.CreateVector(t.shape);
      v.push_back(fb::CreateTensorDesc(fbb, name, shape,
                                       static_cast<fb::DType>(t.dtype),
                                       t.scale, t.zeroPoint, t.dramOffset));
    }
    return fbb.CreateVector(v);
  };
  std::vector<uint64_t> words;
  words.reserve(p.code.size() * 2);
  for (const isa::Word &w : p.code) {
    words.push_back(w.lo);
    words.push_back(w.hi);
  }
  auto code = fbb.CreateVector(words);
  std::vector<flatbuffers::Offset<fb::Segment>> segs;
  for (const Segment &s : p.constants) {
    fbb.ForceVectorAlignment(s.data.size(), sizeof(uint8_t), 16);
    auto data = fbb.CreateVector(s.data);
    segs.push_back(fb::CreateSegment(fbb, s.dramOffset,
                                     static_cast<uint8_t>(s.bits), s.count,
                                     data));
  }
  auto constants = fbb.CreateVector(segs);
  auto inputs = tensors(p.inputs);
  auto outputs = tensors(p.outputs);
  std::vector<flatbuffers::Offset<fb::DebugEntry>> dbg;
  for (const DebugEntry &d : p.debug)
    dbg.push_back(fb::CreateDebugEntry(fbb, d.insn, fbb.CreateSharedString(d.loc)));
  auto debug = fbb.CreateVector(dbg);
  auto weights = tensors(p.weights);
  auto tname = fbb.CreateString(p.targetName);
  auto tjson = fbb.CreateString(p.targetJson);
  flatbuffers::Offset<flatbuffers::String> optimizer;
  if (!p.optimizer.empty())
    optimizer = fbb.CreateString(p.optimizer);
  auto root =
      fb::CreateProgram(fbb, kFormatVersion, tname, tjson, p.dramSize, code,
                        constants, inputs, outputs, debug, weights, optimizer);
  fb::FinishProgramBuffer(fbb, root);
  return std::vector<uint8_t>(fbb.GetBufferPointer(),
                              fbb.GetBufferPointer() + fbb.GetSize());
}

} // namespace tern::rt::program
