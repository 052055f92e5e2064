//===- Machine.cpp - Architectural state of the functional model ------------===//

#include "runtime/sim/functional/Machine.h"

#include "llvm/Support/Format.h"
#include <algorithm>
#include "llvm/Support/raw_ostream.h"

using namespace llvm;

namespace tern::rt::sim {

char SimError::ID = 0;

StringRef errorKindName(ErrorKind k) {
  switch (k) {
  case ErrorKind::InvalidInstruction: return "invalid instruction";
  case ErrorKind::OutOfBounds: return "out of bounds";
  case ErrorKind::Dependency: return "dependency violation";
  case ErrorKind::Runtime: return "runtime error";
  }
  return "error";
}

void SimError::log(raw_ostream &os) const {
  os << errorKindName(kind) << ": " << detail;
}

Machine::Machine(const MachineConfig &config)
    : cfg(config), dram_(config.dramBytes) {
  cfg.cores = std::clamp(cfg.cores, 1u, kMaxCores);
  for (unsigned s = 0; s < isa::kNumSpads; ++s) {
    spads_[s].assign(cfg.spadBytes[s], 0);
    trackers_[s].clear();
    if (cfg.spadBytes[s])
      trackers_[s].emplace(0, Tracker::mapped_type{cfg.spadBytes[s], 0, {}});
  }
  if (cfg.dramBytes && cfg.cores == 1)
    dramTracker_.emplace(0, Tracker::mapped_type{cfg.dramBytes, 0, {}});
  else if (cfg.dramBytes) {
    if (cfg.cores <= 2)
      coresTracker_.emplace<0>();
    else if (cfg.cores <= 4)
      coresTracker_.emplace<1>();
    else if (cfg.cores <= 8)
      coresTracker_.emplace<2>();
    else
      coresTracker_.emplace<3>();
    std::visit(
        [&](auto &t) {
          t.emplace(0, typename std::decay_t<decltype(t)>::mapped_type{
                           cfg.dramBytes, 0, {}});
        },
        coresTracker_);
  }
  // The other cores start as core 0 does: zeroed scratchpads, reset
  // registers.
  parked_.resize(cfg.cores);
  for (unsigned c = 1; c < cfg.cores; ++c) {
    parked_[c].spads = spads_;
    parked_[c].trackers = trackers_;
  }
}

void Machine::swapState(CoreState &s) {
  std::swap(bfMode, s.bfMode);
  std::swap(rq, s.rq);
  std::swap(cregs, s.cregs);
  std::swap(lens, s.lens);
  std::swap(pregs, s.pregs);
  std::swap(xbars, s.xbars);
  std::swap(spads_, s.spads);
  std::swap(trackers_, s.trackers);
  std::swap(clocks_, s.clocks);
  std::swap(channels_, s.channels);
}

void Machine::switchCore(unsigned c) {
  if (c == core_ || c >= cfg.cores)
    return;
  swapState(parked_[core_]); // park the running core
  swapState(parked_[c]);     // and run c
  core_ = c;
}

void Machine::beginInstruction(uint32_t index, isa::Queue q) {
  if (stamp_.size() <= index) {
    stamp_.resize(index + 1, 0);
    queueOf_.resize(index + 1, isa::Queue::Compute);
    coreOf_.resize(index + 1, 0);
    epochOf_.resize(index + 1, 0);
  }
  unsigned qi = static_cast<unsigned>(q);
  ++clocks_[qi][qi];
  stamp_[index] = clocks_[qi][qi];
  queueOf_[index] = q;
  coreOf_[index] = static_cast<uint8_t>(core_);
  epochOf_[index] = epoch_;
  cur_ = index;
  curQ_ = q;
}

void Machine::drainQueues() {
  Clock joined{};
  for (const Clock &c : clocks_)
    for (unsigned i = 0; i < isa::kNumQueues; ++i)
      joined[i] = std::max(joined[i], c[i]);
  for (Clock &c : clocks_)
    c = joined;
}

void Machine::push(isa::Queue from, isa::Queue to) {
  channels_[static_cast<unsigned>(from)][static_cast<unsigned>(to)].push_back(
      clocks_[static_cast<unsigned>(from)]);
}

Error Machine::pop(isa::Queue from, isa::Queue to) {
  auto &ch = channels_[static_cast<unsigned>(from)][static_cast<unsigned>(to)];
  if (ch.empty())
    return simError(ErrorKind::Runtime,
                    Twine("pop from queue ") + isa::queueName(from) +
                        " to queue " + isa::queueName(to) +
                        " has no earlier matching push (deadlock)");
  Clock &c = clocks_[static_cast<unsigned>(to)];
  for (unsigned i = 0; i < isa::kNumQueues; ++i)
    c[i] = std::max(c[i], ch.front()[i]);
  ch.pop_front();
  return Error::success();
}

bool Machine::orderedBefore(uint32_t insnPlus1) const {
  if (insnPlus1 == 0)
    return true;
  uint32_t m = insnPlus1 - 1;
  if (coreOf_[m] != core_)
    return epochOf_[m] < epoch_;
  unsigned x = static_cast<unsigned>(queueOf_[m]);
  unsigned y = static_cast<unsigned>(curQ_);
  return x == y || clocks_[y][x] >= stamp_[m];
}

Error Machine::violation(StringRef mem, uint64_t byte, Access rw,
                         uint32_t otherPlus1, bool otherWrote) const {
  uint32_t m = otherPlus1 - 1;
  std::string msg;
  raw_string_ostream os(msg);
  os << (rw == Access::Read ? "reads " : "writes ") << mem << " byte "
     << format_hex(byte, 2) << ' ' << (otherWrote ? "written" : "read")
     << " by instruction " << m << " (";
  if (cfg.cores > 1)
    os << "core " << unsigned(coreOf_[m]) << ", ";
  os << "queue " << isa::queueName(queueOf_[m]) << ") with no "
     << (coreOf_[m] != core_ ? "barrier between the cores" : "sync");
  return simError(ErrorKind::Dependency, os.str());
}

template <unsigned Slots>
Error Machine::track(TrackerOf<Slots> &t, StringRef mem, uint64_t addr,
                     uint64_t bytes, Access rw) {
  if (bytes == 0)
    return Error::success();
  // The reader slots: this core's queues, or every core's.
  const bool perCore = Slots != isa::kNumQueues;
  const unsigned q =
      perCore ? globalQueue(curQ_) : static_cast<unsigned>(curQ_);
  const unsigned numQueues =
      perCore ? cfg.cores * isa::kNumQueues : isa::kNumQueues;
  uint32_t me = cur_ + 1;
  const uint64_t end = addr + bytes;
  // Check every overlapped run before recording anything.
  auto it = std::prev(t.upper_bound(addr));
  for (auto c = it; c != t.end() && c->first < end; ++c) {
    uint64_t at = std::max(c->first, addr);
    uint32_t w = c->second.writer;
    if (w && w != me && !orderedBefore(w))
      return violation(mem, at, rw, w, true);
    if (rw == Access::Write)
      for (unsigned o = 0; o < numQueues; ++o) {
        uint32_t r = c->second.readers[o];
        if (o != q && r && r != me && !orderedBefore(r))
          return violation(mem, at, rw, r, false);
      }
  }
  split(t, addr);
  split(t, end);
  auto first = t.find(addr);
  if (rw == Access::Write) {
    auto last = t.lower_bound(end);
    t.erase(first, last);
    t.emplace(addr, Seg<Slots>{end, me, {}});
  } else {
    for (auto c = first; c != t.end() && c->first < end; ++c)
      c->second.readers[q] = me;
  }
  mergeAround(t, addr, end);
  return Error::success();
}

Error Machine::trackDram(uint64_t addr, uint64_t bytes, Access rw) {
  return cfg.cores == 1
             ? track(dramTracker_, "DRAM", addr, bytes, rw)
             : std::visit(
                   [&](auto &t) { return track(t, "DRAM", addr, bytes, rw); },
                   coresTracker_);
}

Expected<uint8_t *> Machine::spad(isa::Spad s, uint64_t addr, uint64_t bytes,
                                  Access rw) {
  unsigned si = static_cast<unsigned>(s);
  uint64_t size = spads_[si].size();
  if (addr > size || bytes > size - addr)
    return simError(ErrorKind::OutOfBounds,
                    Twine("scratchpad overflow: ") + isa::spadName(s) +
                        " bytes [" + Twine(addr) + ", " + Twine(addr + bytes) +
                        ") exceed its size " + Twine(size));
  if (Error e = track(trackers_[si], isa::spadName(s), addr, bytes, rw))
    return std::move(e);
  return spads_[si].data() + addr;
}

template <unsigned Slots>
void Machine::split(TrackerOf<Slots> &t, uint64_t pos) {
  auto it = t.upper_bound(pos);
  if (it == t.begin())
    return;
  --it;
  if (it->first == pos || it->second.end <= pos)
    return;
  Seg<Slots> tail = it->second;
  it->second.end = pos;
  t.emplace(pos, tail);
}

template <unsigned Slots>
void Machine::mergeAround(TrackerOf<Slots> &t, uint64_t lo, uint64_t hi) {
  auto it = t.upper_bound(lo);
  if (it != t.begin())
    --it;
  if (it != t.begin())
    --it;
  while (it != t.end() && it->first <= hi) {
    auto next = std::next(it);
    if (next == t.end())
      break;
    if (it->second.sameOwners(next->second)) {
      it->second.end = next->second.end;
      t.erase(next);
    } else {
      it = next;
    }
  }
}

Expected<uint8_t *> Machine::dram(uint64_t addr, uint64_t bytes) {
  uint64_t size = dram_.size();
  if (addr > size || bytes > size - addr)
    return simError(ErrorKind::OutOfBounds,
                    Twine("DMA out of bounds: DRAM bytes [") + Twine(addr) +
                        ", " + Twine(addr + bytes) + ") exceed DRAM size " +
                        Twine(size));
  return dram_.data() + addr;
}

Expected<uint64_t> Machine::selectedCount(uint64_t capacity, uint64_t sel,
                                          StringRef what) const {
  if (sel == 0)
    return capacity;
  if (sel > lens.size())
    return simError(ErrorKind::InvalidInstruction,
                    Twine(what) + " " + Twine(sel) + " names no length register");
  uint64_t n = lens[sel - 1];
  if (n > capacity)
    return simError(ErrorKind::Runtime,
                    "length register L" + Twine(sel - 1) + " = " + Twine(n) +
                        " exceeds the instruction's capacity of " +
                        Twine(capacity) +
                        (what == "lensel" ? Twine(" rows")
                                          : " (" + Twine(what) + ")"));
  return n;
}

Expected<uint64_t> Machine::columnCount(uint64_t cols, uint64_t csel) {
  Expected<uint64_t> n = selectedCount(cols, csel, "csel");
  if (n && csel != 0)
    executedNow().cols = static_cast<int32_t>(*n);
  return n;
}

Expected<uint64_t> Machine::rowCount(uint64_t rows, uint64_t lensel) {
  Expected<uint64_t> n = selectedCount(rows, lensel, "lensel");
  if (n && lensel != 0)
    executedNow().rows = static_cast<int32_t>(*n);
  return n;
}

isa::ExecutedDims &Machine::executedNow() {
  if (!recordExecuted)
    return scratchDims_ = isa::ExecutedDims();
  if (executed.size() <= cur_)
    executed.resize(cur_ + 1);
  return executed[cur_];
}

} // namespace tern::rt::sim
