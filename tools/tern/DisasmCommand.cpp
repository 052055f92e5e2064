//===- DisasmCommand.cpp - `tern disasm` options ----------------------------===//

#include "Commands.h"

#include "runtime/driver/Driver.h"

using namespace llvm;

namespace {
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
