//===- Machine.h - Architectural state of the functional model ---*- C++ -*-===//
//
// DRAM, the four scratchpads, the register files and the happens-before
// bookkeeping that turns scheduling bugs into errors. Semantics reach memory
// only through Machine::spad()/dram(), which check bounds and record the
// access against the last writer/readers of every scratchpad byte (and, for
// DMA, of every DRAM byte).
//
// Ordering model: each queue keeps a vector clock. Executing an instruction
// ticks its queue's own entry; a push copies the sender's clock into the
// (from, to) token channel and a pop joins it into the receiver's clock. An
// access by instruction B (queue Y) is ordered after instruction A (queue X)
// iff X == Y or clock_Y[X] >= stamp(A). The simulator runs the stream in
// program order, so a pop with no earlier push is reported as a deadlock.
//
// Several cores (a partitioned program): each core has its own queues,
// clocks, scratchpads and registers; DRAM is shared. The machine holds the
// running core's state and parks the others' (switchCore). An access by
// core P is ordered after one by another core Q only when a barrier lies
// between them (the access's epoch, the number of barriers its core had
// passed, is lower). A `barrier` also joins its core's three clocks (every
// queue has drained).
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_SIM_FUNCTIONAL_MACHINE_H
#define TERN_RUNTIME_SIM_FUNCTIONAL_MACHINE_H

#include "runtime/isa/ISA.h"
#include "runtime/sim/functional/DramBuffer.h"
#include "runtime/sim/functional/SimError.h"
#include "runtime/sim/functional/kernels/BF16.h"

#include "llvm/ADT/ArrayRef.h"

#include <array>
#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <variant>
#include <vector>

namespace tern::rt::sim {

/// The most cores a partitioned program may have.
constexpr unsigned kMaxCores = 16;

struct MachineConfig {
  std::array<uint64_t, isa::kNumSpads> spadBytes{};
  /// Cores (1..kMaxCores), each with its own scratchpads and registers.
  unsigned cores = 1;
  uint64_t dramBytes = 0;
  unsigned threads = 1;
  bool useSimd = true;
};

/// Requantization register: read by the rq.* variants.
struct RequantReg {
  uint32_t mult = 0;
  unsigned shift = 0;
  int32_t zp = 0;
};

/// Data-dependent facts for reports and timing models.
struct ExecStats {
  uint64_t instructions = 0;
  std::array<uint64_t, isa::kNumUnits> perUnit{};
  uint64_t macs = 0;
  uint64_t skippedKRows = 0; ///< gemm K rows skipped through a bitmap
  /// Weight bytes the matrix unit would read in gemms that carry a bitmap
  /// (k x n each), and the part of them the bitmap skipped.
  uint64_t bitmapWeightBytes = 0;
  uint64_t skippedWeightBytes = 0;
  uint64_t lastTokenCount = 0;
  uint64_t reramMacs = 0; ///< xbar.gemm multiply-accumulates (also in macs)
  /// gemm lane updates with int16 (wrapping) accumulators, and those whose
  /// exact sum (old lane + this gemm's products) left [-2^15, 2^15).
  uint64_t int16AccLanes = 0;
  uint64_t int16Wraps = 0;
};

/// A weight block programmed into the ReRAM crossbars by xbar.prog:
/// rows x cols int8 values, row-major.
struct XbarBlock {
  uint64_t rows = 0, cols = 0;
  uint64_t width = 0; ///< Width field: 0 w8, 1 w6, 2 w4
  std::vector<int8_t> values;
};

enum class Access { Read, Write };

class Machine {
public:
  explicit Machine(const MachineConfig &cfg);

  const MachineConfig &config() const { return cfg; }

  // Registers.
  kernels::BfMode bfMode = kernels::BfMode::Ieee;
  std::array<RequantReg, 8> rq{};
  std::array<uint16_t, 8> cregs{};
  std::array<uint32_t, 4> lens{};
  /// With recordExecuted, the dimensions each instruction (by index) ran
  /// with where a length register or bitmap shrank them (timing in `both`
  /// mode charges these instead of the static fields).
  bool recordExecuted = false;
  std::vector<isa::ExecutedDims> executed;
  /// The entry of the instruction being executed (recordExecuted only;
  /// otherwise a scratch entry).
  isa::ExecutedDims &executedNow();
  std::array<int32_t, 16> pregs{};
  ExecStats stats;
  /// ReRAM crossbar blocks by id (xbar.prog writes, xbar.gemm reads).
  std::map<uint64_t, XbarBlock> xbars;

  /// Zero-filled at construction; empty if the host could not allocate
  /// MachineConfig::dramBytes (check before running).
  DramBuffer &dramBytes() { return dram_; }
  /// Unchecked, untracked view for loaders, tests and trace dumps; the
  /// semantics must use spad() instead.
  std::vector<uint8_t> &rawSpad(isa::Spad s) {
    return spads_[static_cast<unsigned>(s)];
  }

  /// Bounds-checks spad[addr, addr+bytes), checks ordering against earlier
  /// accesses from other queues, records the access and returns the bytes.
  llvm::Expected<uint8_t *> spad(isa::Spad s, uint64_t addr, uint64_t bytes,
                                 Access rw);
  /// Bounds-checks DRAM[addr, addr+bytes).
  llvm::Expected<uint8_t *> dram(uint64_t addr, uint64_t bytes);
  /// Ordering check + record for DRAM bytes a DMA moves (a store followed
  /// by a load of the same bytes needs a sync like any scratchpad access).
  llvm::Error trackDram(uint64_t addr, uint64_t bytes, Access rw);

  /// Row count of an instruction: static \p rows, or length register
  /// lensel-1 (which must not exceed \p rows).
  /// A length selected by \p lensel is recorded as the rows executed.
  llvm::Expected<uint64_t> rowCount(uint64_t rows, uint64_t lensel);
  /// Column count of a row kernel: static \p cols, or length register
  /// csel-1; a selected length is recorded as the columns executed.
  llvm::Expected<uint64_t> columnCount(uint64_t cols, uint64_t csel);
  /// Like rowCount for another dimension (`nsel`, `ksel`, `csel`); \p what
  /// names it in errors. Not recorded (the caller knows which it is).
  llvm::Expected<uint64_t> selectedCount(uint64_t capacity, uint64_t sel,
                                         llvm::StringRef what) const;

  // Ordering (driven by the executor and the sync semantics).
  void beginInstruction(uint32_t index, isa::Queue q);
  void push(isa::Queue from, isa::Queue to);
  llvm::Error pop(isa::Queue from, isa::Queue to);
  /// A `barrier` on the running core: its queues have drained, so each
  /// queue's clock takes in the others'.
  void drainQueues();
  /// Every core has reached the same barrier: later accesses are ordered
  /// after every earlier access of every core.
  void passBarrier() { ++epoch_; }

  /// Makes core \p c's queues, scratchpads and registers the running ones
  /// (the public register members and spad() refer to them).
  void switchCore(unsigned c);
  unsigned currentCore() const { return core_; }
  unsigned numCores() const { return cfg.cores; }

private:
  using Clock = std::array<uint32_t, isa::kNumQueues>;
  static constexpr unsigned kMaxQueues = kMaxCores * isa::kNumQueues;
  /// Last writer / per-queue last reader of a run of bytes [start, end).
  /// Instruction index + 1; 0 = none. `Slots` readers: one per queue (a
  /// scratchpad, or the DRAM of a one-core program), or one per queue of
  /// every core (core * 3 + queue: the DRAM of a partitioned program), so
  /// that the common case keeps small segments.
  template <unsigned Slots> struct Seg {
    uint64_t end;
    uint32_t writer;
    std::array<uint32_t, Slots> readers;
    bool sameOwners(const Seg &o) const {
      return writer == o.writer && readers == o.readers;
    }
  };
  /// Interval map covering the whole scratchpad: accesses are large ranges,
  /// so tracking costs O(segments touched), not O(bytes).
  template <unsigned Slots> using TrackerOf = std::map<uint64_t, Seg<Slots>>;
  using Tracker = TrackerOf<isa::kNumQueues>;
  /// The DRAM tracker of a partitioned program: reader slots for 2, 4, 8
  /// or 16 cores, the fewest that hold the program's (segments grow with
  /// the slots: a 16-core tracker on an 8-core ViT-B/16 run took 650 MB).
  using CoresTracker =
      std::variant<TrackerOf<2 * isa::kNumQueues>,
                   TrackerOf<4 * isa::kNumQueues>,
                   TrackerOf<8 * isa::kNumQueues>, TrackerOf<kMaxQueues>>;
  template <unsigned Slots>
  static void split(TrackerOf<Slots> &t, uint64_t pos);
  template <unsigned Slots>
  llvm::Error track(TrackerOf<Slots> &t, llvm::StringRef mem, uint64_t addr,
                    uint64_t bytes, Access rw);
  template <unsigned Slots>
  static void mergeAround(TrackerOf<Slots> &t, uint64_t lo, uint64_t hi);
  bool orderedBefore(uint32_t insnPlus1) const;
  llvm::Error violation(llvm::StringRef mem, uint64_t byte, Access rw,
                        uint32_t otherPlus1, bool otherWrote) const;

  /// The state of a core that is not running (switchCore).
  struct CoreState {
    kernels::BfMode bfMode = kernels::BfMode::Ieee;
    std::array<RequantReg, 8> rq{};
    std::array<uint16_t, 8> cregs{};
    std::array<uint32_t, 4> lens{};
    std::array<int32_t, 16> pregs{};
    std::map<uint64_t, XbarBlock> xbars;
    std::array<std::vector<uint8_t>, isa::kNumSpads> spads;
    std::array<Tracker, isa::kNumSpads> trackers;
    std::array<Clock, isa::kNumQueues> clocks{};
    std::array<std::array<std::deque<Clock>, isa::kNumQueues>, isa::kNumQueues>
        channels;
  };
  void swapState(CoreState &s);
  /// Queue \p q of the running core as a reader slot (core * 3 + q).
  unsigned globalQueue(isa::Queue q) const {
    return core_ * isa::kNumQueues + static_cast<unsigned>(q);
  }

  MachineConfig cfg;
  DramBuffer dram_;
  std::array<std::vector<uint8_t>, isa::kNumSpads> spads_;
  std::array<Tracker, isa::kNumSpads> trackers_;
  Tracker dramTracker_;       ///< one core
  CoresTracker coresTracker_; ///< DRAM of a partitioned program
  std::array<Clock, isa::kNumQueues> clocks_{};
  std::array<std::array<std::deque<Clock>, isa::kNumQueues>, isa::kNumQueues>
      channels_;
  std::vector<CoreState> parked_; ///< per core; the running one's is stale
  unsigned core_ = 0;
  uint32_t epoch_ = 0;
  std::vector<uint32_t> stamp_;      // per instruction executed: own clock
  std::vector<isa::Queue> queueOf_;  // per instruction executed
  std::vector<uint8_t> coreOf_;      // per instruction executed
  std::vector<uint32_t> epochOf_;    // per instruction executed
  uint32_t cur_ = 0;
  isa::ExecutedDims scratchDims_;
  isa::Queue curQ_ = isa::Queue::Compute;
};

// Little-endian element access helpers for the semantics.
template <typename T> T ld(const uint8_t *p, size_t i) {
  T v;
  std::memcpy(&v, p + i * sizeof(T), sizeof(T));
  return v;
}
template <typename T> void st(uint8_t *p, size_t i, T v) {
  std::memcpy(p + i * sizeof(T), &v, sizeof(T));
}

} // namespace tern::rt::sim

#endif
