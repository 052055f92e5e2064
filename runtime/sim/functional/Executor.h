//===- Executor.h - Runs a decoded instruction stream ------------*- C++ -*-===//
#ifndef TERN_RUNTIME_SIM_FUNCTIONAL_EXECUTOR_H
#define TERN_RUNTIME_SIM_FUNCTIONAL_EXECUTOR_H

#include "runtime/isa/ISA.h"
#include "runtime/sim/functional/Machine.h"

#include <functional>
#include <vector>

namespace tern::rt::sim {

struct RunOptions {
  /// Stop with an error after this many instructions (0: no limit).
  uint64_t maxInstructions = 0;
  /// Stop with an error once this much host time has passed (0: no limit).
  /// Checked between instructions; one instruction's work is bounded by its
  /// field widths (a GEMM is at most 4095^3 MACs), so the overshoot is too.
  double maxSeconds = 0;
  /// Source location of an instruction (debug map), or "".
  std::function<std::string(uint32_t)> locationOf;
  /// A partitioned program's core streams (Program.fbs `core_starts`);
  /// empty: one core. The machine must have as many cores.
  std::vector<uint32_t> coreStarts;
};

/// Decodes every word; the error names the first bad instruction's index.
llvm::Expected<std::vector<isa::Decoded>>
decodeProgram(llvm::ArrayRef<isa::Word> words);

/// Executes \p code in program order until `end`. Errors read
/// "<kind> at instruction N (<disassembly>): <detail>". A partitioned
/// program runs core by core from one barrier to the next (the cores share
/// only DRAM, and an access that another core's access between the same
/// barriers conflicts with is a dependency violation, so this order gives
/// what any interleaving would).
llvm::Error run(Machine &M, llvm::ArrayRef<isa::Decoded> code,
                const RunOptions &opts);

} // namespace tern::rt::sim

#endif
