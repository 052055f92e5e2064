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

namespace {
/// Where a core's stream stopped: at a barrier (its index) or at `end`.
struct Stop {
  size_t pc;
  bool atEnd;
};
using Clock = std::chrono::steady_clock;

/// Runs one core's stream [pc, stop) until its next barrier (executed:
/// the core's queues drain) or `end`.
Expected<Stop> runUntilBarrier(Machine &M, ArrayRef<isa::Decoded> code,
                               size_t pc, size_t stop, const RunOptions &opts,
                               Clock::time_point start) {
  for (; pc < stop; ++pc) {
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
      return Stop{pc, true};
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
    if (d.opcode() == isa::Opcode::Barrier)
      return Stop{pc, false};
  }
  return createStringError(inconvertibleErrorCode(),
                           "program ran past its last instruction (%zu) "
                           "without reaching 'end'",
                           stop);
}
} // namespace

Error run(Machine &M, ArrayRef<isa::Decoded> code, const RunOptions &opts) {
  const Clock::time_point start = Clock::now();
  // [begin, end) of each core's stream.
  std::vector<std::pair<size_t, size_t>> streams;
  if (opts.coreStarts.empty())
    streams.push_back({0, code.size()});
  for (size_t c = 0; c < opts.coreStarts.size(); ++c)
    streams.push_back({opts.coreStarts[c], c + 1 < opts.coreStarts.size()
                                               ? opts.coreStarts[c + 1]
                                               : code.size()});
  if (streams.size() != M.numCores())
    return createStringError(inconvertibleErrorCode(),
                             "the program has %zu core streams, the machine "
                             "%u cores",
                             streams.size(), M.numCores());
  std::vector<size_t> pc(streams.size());
  for (size_t c = 0; c < streams.size(); ++c)
    pc[c] = streams[c].first;
  while (true) {
    std::vector<Stop> stops;
    for (size_t c = 0; c < streams.size(); ++c) {
      M.switchCore(static_cast<unsigned>(c));
      Expected<Stop> s =
          runUntilBarrier(M, code, pc[c], streams[c].second, opts, start);
      if (!s)
        return s.takeError();
      stops.push_back(*s);
    }
    M.switchCore(0);
    // Every core at `end`, or every core at a barrier with the same id
    // (the loader checked the sequences; hand-built code may not be).
    size_t ended = 0;
    for (const Stop &s : stops)
      ended += s.atEnd;
    if (ended == stops.size())
      return Error::success();
    // A core waiting at a barrier, and one that has ended or waits at
    // another barrier, deadlock.
    size_t waiting = 0;
    while (stops[waiting].atEnd)
      ++waiting;
    const uint64_t id = code[stops[waiting].pc].f[0];
    for (size_t c = 0; c < stops.size(); ++c) {
      const Stop &s = stops[c];
      if (!s.atEnd && code[s.pc].f[0] == id)
        continue;
      std::string other =
          s.atEnd ? std::string("has ended")
                  : "waits at barrier " + std::to_string(code[s.pc].f[0]);
      return createStringError(
          inconvertibleErrorCode(),
          "deadlock: core %zu waits at barrier %llu (instruction %zu) while "
          "core %zu %s (instruction %zu)",
          waiting, (unsigned long long)id, stops[waiting].pc, c, other.c_str(),
          s.pc);
    }
    M.passBarrier();
    for (size_t c = 0; c < stops.size(); ++c)
      pc[c] = stops[c].pc + 1;
  }
}

} // namespace tern::rt::sim
