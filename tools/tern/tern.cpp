//===- tern.cpp - The tern driver -------------------------------------------===//
//
// One binary, one llvm::cl::SubCommand per verb. Each verb's options live in
// its own file and register a Command; adding a verb (import, compile, ...)
// means adding a file and a line to the CMake list, nothing here.
//
//===----------------------------------------------------------------------===//

#include "Commands.h"

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/WithColor.h"

using namespace llvm;

namespace tern::tool {

std::vector<Command> &registry() {
  static std::vector<Command> commands;
  return commands;
}

} // namespace tern::tool

int main(int argc, char **argv) {
  InitLLVM init(argc, argv);
  cl::ParseCommandLineOptions(argc, argv,
                              "tern: compile and simulate quantized "
                              "transformer programs\n");
  for (const tern::tool::Command &c : tern::tool::registry()) {
    if (!*c.sub)
      continue;
    if (Error e = c.run()) {
      WithColor::error(errs(), "tern") << toString(std::move(e)) << '\n';
      return 1;
    }
    return 0;
  }
  errs() << "tern: no subcommand given (see tern --help)\n";
  return 1;
}
