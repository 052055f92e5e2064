//===- FuzzAsm.cpp - libFuzzer target: assembly text -> program image -----===//
//
// Text goes through assembler::assemble exactly as `tern asm` passes it; an
// image that assembles is also serialised, reloaded through the verifier and
// disassembled, so the round trip the assembler promises is exercised too.
// `file "..."` and `.target` paths resolve relative to a directory that does
// not exist; inputs that could still name a host file (an absolute path in a
// string, or `..`) are skipped, so the fuzzer never reads /dev/zero or a
// blocking device and reports that as a hang.
//
//===----------------------------------------------------------------------===//

#include "runtime/asm/Assembler.h"
#include "runtime/program/Program.h"

#include "llvm/Support/MemoryBuffer.h"

#include <cstddef>
#include <cstdint>

using namespace llvm;
using namespace tern::rt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  StringRef text(reinterpret_cast<const char *>(data), size);
  if (text.contains("\"/") || text.contains(".."))
    return 0;
  Expected<program::ProgramImage> image =
      assembler::assemble(text, "/nonexistent-tern-fuzz/fuzz.s");
  if (!image) {
    consumeError(image.takeError());
    return 0;
  }
  std::vector<uint8_t> bytes = program::serialize(*image);
  Expected<std::unique_ptr<program::LoadedProgram>> loaded =
      program::LoadedProgram::loadBuffer(MemoryBuffer::getMemBufferCopy(
          StringRef(reinterpret_cast<const char *>(bytes.data()),
                    bytes.size())));
  if (!loaded) {
    consumeError(loaded.takeError());
    return 0;
  }
  (void)assembler::disassemble((*loaded)->toImage());
  return 0;
}
