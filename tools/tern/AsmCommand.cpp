//===- AsmCommand.cpp - `tern asm` options ----------------------------------===//

#include "Commands.h"

#include "runtime/driver/Driver.h"

using namespace llvm;

namespace {
cl::SubCommand asmCmd("asm", "Assemble a .s file into a program file");
cl::opt<std::string> asmInput(cl::Positional, cl::desc("<input.s>"),
                              cl::Required, cl::sub(asmCmd));
cl::opt<std::string> asmOutput("o", cl::desc("Output program file"),
                               cl::value_desc("file"), cl::Required,
                               cl::sub(asmCmd));
tern::tool::RegisterCommand regAsm(asmCmd, [] {
  return tern::rt::driver::assembleFile(asmInput, asmOutput);
});

} // namespace
