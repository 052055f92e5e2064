//===- AsmCommand.cpp - `tern asm` and `tern disasm` options ----------------===//

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

cl::SubCommand disasmCmd("disasm", "Print a program file as assembly");
cl::opt<std::string> disInput(cl::Positional, cl::desc("<input.tern>"),
                              cl::Required, cl::sub(disasmCmd));
cl::opt<std::string> disOutput("o", cl::desc("Output .s file (default stdout)"),
                               cl::value_desc("file"), cl::init("-"),
                               cl::sub(disasmCmd));
tern::tool::RegisterCommand regDisasm(disasmCmd, [] {
  return tern::rt::driver::disassembleFile(disInput, disOutput);
});
} // namespace
