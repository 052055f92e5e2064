//===- InspectCommand.cpp - `tern inspect` options --------------------------===//

#include "Commands.h"

#include "runtime/driver/Driver.h"

using namespace llvm;

namespace {
cl::SubCommand inspectCmd("inspect",
                          "Show a program's sections, I/O and instruction mix");
cl::opt<std::string> input(cl::Positional, cl::desc("<program.tern>"),
                           cl::Required, cl::sub(inspectCmd));
cl::opt<bool> disasm("disasm", cl::desc("Also print the disassembly"),
                     cl::sub(inspectCmd));
tern::tool::RegisterCommand reg(inspectCmd, [] {
  return tern::rt::driver::inspectProgram(input, disasm, outs());
});
} // namespace
