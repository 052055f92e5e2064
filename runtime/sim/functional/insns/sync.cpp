//===- sync.cpp - SYNC family: dependency tokens between queues -------------===//

#include "runtime/sim/functional/insns/Common.h"

using namespace llvm;

namespace tern::rt::sim::insns {

namespace {
Error checkPair(uint64_t from, uint64_t to) {
  if (from >= isa::kNumQueues || to >= isa::kNumQueues)
    return invalid("queue field value 3 names no queue");
  if (from == to)
    return invalid("a queue cannot send a token to itself");
  return Error::success();
}
} // namespace

Error execPush(Machine &M, const isa::PushF &f) {
  if (Error e = checkPair(f.from, f.to))
    return e;
  M.push(static_cast<isa::Queue>(f.from), static_cast<isa::Queue>(f.to));
  return Error::success();
}

Error execPop(Machine &M, const isa::PopF &f) {
  if (Error e = checkPair(f.from, f.to))
    return e;
  return M.pop(static_cast<isa::Queue>(f.from), static_cast<isa::Queue>(f.to));
}

// The wait for the other cores is the executor's (it runs the cores in
// turn between barriers); here the core's own queues drain.
Error execBarrier(Machine &M, const isa::BarrierF &) {
  M.drainQueues();
  return Error::success();
}

Error execEnd(Machine &, const isa::EndF &) { return Error::success(); }

} // namespace tern::rt::sim::insns
