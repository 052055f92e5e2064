//===- Executor.cpp - Runs a decoded instruction stream ---------------------===//

#include "runtime/sim/functional/Executor.h"

#include "runtime/sim/functional/Semantics.h"

#include <chrono>

using namespace llvm;

namespace tern::rt::sim {

Expected<std::vector<isa::Decoded>> decodeProgram(ArrayRef<isa::Word> words) {
  std::vector<isa::Decoded> out;
  out.reserve(words.size());
  for (size_t i = 0; i < words.size(); ++i) {
    Expected<isa::Decoded> d = isa::decode(words[i]);
    if (!d)
      return createStringError(inconvertibleErrorCode(),
                               "invalid program: instruction %zu: %s", i,
                               toString(d.takeError()).c_str());
    out.push_back(*d);
  }
  return out;
}

namespace {
Error dispatch(Machine &M, const isa::Decoded &d) {
  switch (d.opcode()) {
#define TERN_INSN(Id, Mn, Opc, Unit, Queue, Sem)                               \
  case isa::Opcode::Id:                                                        \
    return insns::exec##Id(M, isa::Id##F::of(d));
#include "runtime/isa/Instructions.def"
  }
  return simError(ErrorKind::InvalidInstruction, "no semantics");
}
} // namespace

Error run(Machine &M, ArrayRef<isa::Decoded> code, const RunOptions &opts) {
  using Clock = std::chrono::steady_clock;
  const Clock::time_point start = Clock::now();
  for (size_t pc = 0; pc < code.size(); ++pc) {
    const isa::Decoded &d = code[pc];
    if (opts.maxInstructions && M.stats.instructions >= opts.maxInstructions)
      return createStringError(
          inconvertibleErrorCode(),
          "instruction budget of %llu exhausted at instruction %zu "
          "(--max-instructions)",
          (unsigned long long)opts.maxInstructions, pc);
    if (opts.maxSeconds > 0 &&
        std::chrono::duration<double>(Clock::now() - start).count() >
            opts.maxSeconds)
      return createStringError(inconvertibleErrorCode(),
                               "time budget of %g s exhausted at instruction "
                               "%zu (--time-limit)",
                               opts.maxSeconds, pc);
    M.beginInstruction(static_cast<uint32_t>(pc), isa::queueOf(d));
    ++M.stats.instructions;
    ++M.stats.perUnit[static_cast<unsigned>(d.info->unit)];
    if (d.opcode() == isa::Opcode::End)
      return Error::success();
    if (Error e = dispatch(M, d)) {
      std::string loc = opts.locationOf ? opts.locationOf(pc) : "";
      return handleErrors(std::move(e), [&](const SimError &se) {
        std::string msg = (Twine(errorKindName(se.kind)) + " at instruction " +
                           Twine(pc) + " (" + isa::disassemble(d) + ")" +
                           (loc.empty() ? "" : " [" + loc + "]") + ": " +
                           se.detail)
                              .str();
        return createStringError(inconvertibleErrorCode(), msg);
      });
    }
  }
  return createStringError(inconvertibleErrorCode(),
                           "program ran past its last instruction (%zu) "
                           "without reaching 'end'",
                           code.size());
}

} // namespace tern::rt::sim
