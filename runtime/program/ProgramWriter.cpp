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

void serialize(const ProgramImage &p,
               llvm::function_ref<void(llvm::ArrayRef<uint8_t>)> write) {
  // Sized for the whole file up front (code, constants, debug entries and a
  // margin for strings and tables), so that the builder does not grow by
  // copying. The bytes do not depend on the initial size.
  size_t estimate = 4096 + p.code.size() * 16 + p.debug.size() * 16 +
                    p.targetJson.size();
  for (const Segment &s : p.constants)
    estimate += s.data.size() + 64;
  flatbuffers::FlatBufferBuilder fbb(estimate);
  auto tensors = [&](const std::vector<TensorDesc> &list) {
    std::vector<flatbuffers::Offset<fb::TensorDesc>> v;
    for (const TensorDesc &t : list) {
      auto name = fbb.CreateString(t.name);
      auto shape = fbb.CreateVector(t.shape);
      v.push_back(fb::CreateTensorDesc(fbb, name, shape,
                                       static_cast<fb::DType>(t.dtype), t.scale,
                                       t.zeroPoint, t.dramOffset, t.onnxType));
    }
    return fbb.CreateVector(v);
  };
  // The code vector filled in place (CreateVector of a copy as words).
  uint64_t *words = nullptr;
  auto code = fbb.CreateUninitializedVector(p.code.size() * 2, &words);
  for (size_t i = 0; i < p.code.size(); ++i) {
    flatbuffers::WriteScalar(words + 2 * i, p.code[i].lo);
    flatbuffers::WriteScalar(words + 2 * i + 1, p.code[i].hi);
  }
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
    dbg.push_back(fb::CreateDebugEntry(fbb, d.insn, fbb.CreateSharedString(d.loc.str())));
  auto debug = fbb.CreateVector(dbg);
  auto weights = tensors(p.weights);
  auto tname = fbb.CreateString(p.targetName);
  auto tjson = fbb.CreateString(p.targetJson);
  flatbuffers::Offset<flatbuffers::String> optimizer;
  if (!p.optimizer.empty())
    optimizer = fbb.CreateString(p.optimizer);
  flatbuffers::Offset<flatbuffers::Vector<uint32_t>> coreStarts;
  if (!p.coreStarts.empty())
    coreStarts = fbb.CreateVector(p.coreStarts);
  auto root = fb::CreateProgram(fbb, kFormatVersion, tname, tjson, p.dramSize,
                                code, constants, inputs, outputs, debug,
                                weights, optimizer, coreStarts);
  fb::FinishProgramBuffer(fbb, root);
  write(llvm::ArrayRef<uint8_t>(fbb.GetBufferPointer(), fbb.GetSize()));
}

std::vector<uint8_t> serialize(const ProgramImage &p) {
  std::vector<uint8_t> bytes;
  serialize(p, [&](llvm::ArrayRef<uint8_t> data) {
    bytes.assign(data.begin(), data.end());
  });
  return bytes;
}

} // namespace tern::rt::program
