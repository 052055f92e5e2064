//===- Machine.cpp - Architectural state of the functional model ------------===//

#include "runtime/sim/functional/Machine.h"

#include "llvm/Support/Format.h"
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

Machine::Machine(const MachineConfig &cfg) : cfg(cfg), dram_(cfg.dramBytes) {
  for (unsigned s = 0; s < isa::kNumSpads; ++s) {
    spads_[s].assign(cfg.spadBytes[s], 0);
    trackers_[s].lastWriter.assign(cfg.spadBytes[s], 0);
    trackers_[s].lastReader.assign(cfg.spadBytes[s], {0, 0, 0});
  }
}

void Machine::beginInstruction(uint32_t index, isa::Queue q) {
  if (stamp_.size() <= index) {
    stamp_.resize(index + 1, 0);
    queueOf_.resize(index + 1, isa::Queue::Compute);
  }
  unsigned qi = static_cast<unsigned>(q);
  ++clocks_[qi][qi];
  stamp_[index] = clocks_[qi][qi];
  queueOf_[index] = q;
  cur_ = index;
  curQ_ = q;
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
  unsigned x = static_cast<unsigned>(queueOf_[m]);
  unsigned y = static_cast<unsigned>(curQ_);
  return x == y || clocks_[y][x] >= stamp_[m];
}

Error Machine::violation(isa::Spad s, uint64_t byte, Access rw,
                         uint32_t otherPlus1, bool otherWrote) const {
  uint32_t m = otherPlus1 - 1;
  std::string msg;
  raw_string_ostream os(msg);
  os << (rw == Access::Read ? "reads " : "writes ") << isa::spadName(s)
     << " byte " << format_hex(byte, 2) << ' '
     << (otherWrote ? "written" : "read") << " by instruction " << m
     << " (queue " << isa::queueName(queueOf_[m]) << ") with no sync";
  return simError(ErrorKind::Dependency, os.str());
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
  Tracker &t = trackers_[si];
  unsigned q = static_cast<unsigned>(curQ_);
  uint32_t me = cur_ + 1;
  for (uint64_t b = addr; b < addr + bytes; ++b) {
    uint32_t w = t.lastWriter[b];
    if (w && w != me && !orderedBefore(w))
      return violation(s, b, rw, w, true);
    if (rw == Access::Write)
      for (unsigned o = 0; o < isa::kNumQueues; ++o) {
        uint32_t r = t.lastReader[b][o];
        if (o != q && r && r != me && !orderedBefore(r))
          return violation(s, b, rw, r, false);
      }
  }
  // Record only after the whole range checked out.
  if (rw == Access::Write) {
    std::fill(t.lastWriter.begin() + addr, t.lastWriter.begin() + addr + bytes,
              me);
    for (uint64_t b = addr; b < addr + bytes; ++b)
      t.lastReader[b] = {0, 0, 0};
  } else {
    for (uint64_t b = addr; b < addr + bytes; ++b)
      t.lastReader[b][q] = me;
  }
  return spads_[si].data() + addr;
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

Expected<uint64_t> Machine::rowCount(uint64_t rows, uint64_t lensel) const {
  if (lensel == 0)
    return rows;
  if (lensel > lens.size())
    return simError(ErrorKind::InvalidInstruction,
                    "lensel " + Twine(lensel) + " names no length register");
  uint64_t n = lens[lensel - 1];
  if (n > rows)
    return simError(ErrorKind::Runtime,
                    "length register L" + Twine(lensel - 1) + " = " +
                        Twine(n) + " exceeds the instruction's capacity of " +
                        Twine(rows) + " rows");
  return n;
}

} // namespace tern::rt::sim
