//===- Commands.h - Subcommand registry of the tern driver -------*- C++ -*-===//
#ifndef TERN_TOOLS_TERN_COMMANDS_H
#define TERN_TOOLS_TERN_COMMANDS_H

#include "llvm/Support/CommandLine.h"
#include "llvm/Support/Error.h"

#include <functional>
#include <vector>

namespace tern::tool {

struct Command {
  llvm::cl::SubCommand *sub;
  std::function<llvm::Error()> run;
};

std::vector<Command> &registry();

/// Registers a subcommand at static-initialisation time.
struct RegisterCommand {
  RegisterCommand(llvm::cl::SubCommand &sub, std::function<llvm::Error()> run) {
    registry().push_back({&sub, std::move(run)});
  }
};

} // namespace tern::tool

#endif
