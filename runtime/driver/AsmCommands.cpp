//===- AsmCommands.cpp - tern asm / tern disasm -----------------------------===//

#include "runtime/asm/Assembler.h"
#include "runtime/driver/Driver.h"

#include "llvm/Support/MemoryBuffer.h"

using namespace llvm;

namespace tern::rt::driver {

Error assembleFile(StringRef input, StringRef output) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buf = MemoryBuffer::getFileOrSTDIN(input);
  if (!buf)
    return createStringError(buf.getError(), "cannot read '%s': %s",
                             input.str().c_str(),
                             buf.getError().message().c_str());
  Expected<program::ProgramImage> img =
      assembler::assemble((*buf)->getBuffer(), input);
  if (!img)
    return img.takeError();
  std::vector<uint8_t> bytes = program::serialize(*img);
  return writeToOutput(output, [&](raw_ostream &os) -> Error {
    os.write(reinterpret_cast<const char *>(bytes.data()), bytes.size());
    return Error::success();
  });
}

Error disassembleFile(StringRef input, StringRef output) {
  auto p = program::LoadedProgram::loadFile(input);
  if (!p)
    return p.takeError();
  std::string text = assembler::disassemble((*p)->toImage());
  if (output == "-") {
    outs() << text;
    return Error::success();
  }
  return writeToOutput(output, [&](raw_ostream &os) -> Error {
    os << text;
    return Error::success();
  });
}

} // namespace tern::rt::driver
