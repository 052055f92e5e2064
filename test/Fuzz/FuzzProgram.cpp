//===- FuzzProgram.cpp - libFuzzer target: program file -> simulator ------===//
//
// Bytes go through the same path as `tern run`: LoadedProgram::loadBuffer
// (identifier, FlatBuffers verifier, validate()), then Session::create
// (embedded preset, decodeProgram), then one functional run on a fresh
// machine with zero inputs. The run is skipped when the program asks for more
// memory than the fuzzer may spend (DRAM or scratchpads above kMaxBytes):
// those sizes are legitimate for real targets, and a fuzzer that allocated
// them would only measure the allocator.
//
//===----------------------------------------------------------------------===//

#include "runtime/driver/Session.h"
#include "runtime/program/Program.h"

#include "llvm/Support/MemoryBuffer.h"

#include <cstddef>
#include <cstdint>

using namespace llvm;
using namespace tern::rt;

namespace {
/// Memory budget per region for one simulated run.
constexpr uint64_t kMaxBytes = 1 << 20;
/// Instruction budget: the executor's own --max-instructions limit.
constexpr uint64_t kMaxInstructions = 4096;

io::ElemType hostType(program::DType t) {
  switch (t) {
  case program::DType::U8: return io::ElemType::U8;
  case program::DType::I16: return io::ElemType::I16;
  case program::DType::I32: return io::ElemType::I32;
  case program::DType::F32:
  case program::DType::BF16: return io::ElemType::F32;
  default: return io::ElemType::I8;
  }
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::unique_ptr<MemoryBuffer> buf = MemoryBuffer::getMemBufferCopy(
      StringRef(reinterpret_cast<const char *>(data), size), "fuzz.tbin");
  Expected<std::unique_ptr<program::LoadedProgram>> loaded =
      program::LoadedProgram::loadBuffer(std::move(buf));
  if (!loaded) {
    consumeError(loaded.takeError());
    return 0;
  }
  Expected<std::unique_ptr<driver::Session>> session =
      driver::Session::create(std::move(*loaded));
  if (!session) {
    consumeError(session.takeError());
    return 0;
  }
  const targets::Preset &t = (*session)->preset();
  const program::LoadedProgram &P = (*session)->program();
  if (P.dramSize > kMaxBytes || t.actBytes > kMaxBytes ||
      t.wgtBytes > kMaxBytes || t.accBytes > kMaxBytes ||
      t.vecBytes > kMaxBytes)
    return 0;
  StringMap<io::Tensor> inputs;
  for (const program::TensorDesc &d : P.inputs) {
    io::Tensor x;
    x.type = hostType(d.dtype);
    x.shape = d.shape;
    // validate() put the tensor inside DRAM, so this is at most kMaxBytes
    // times the widening from bf16 to f32.
    x.data.assign(d.numElements() * io::elemBytes(x.type), 0);
    inputs[d.name] = std::move(x);
  }
  Expected<std::vector<io::Tensor>> out =
      (*session)->run(inputs, kMaxInstructions);
  if (!out)
    consumeError(out.takeError());
  return 0;
}
