//===- InsertSync.cpp - dependency tokens between queues ------------------===//
//
// Implements accel-insert-sync (see dialects/Accel/Passes.td). Each queue
// keeps a vector clock: known[q][p] is how many of queue p's instructions
// queue q is guaranteed to run after. An access conflicts with an earlier
// access of another queue p unless that access's position in p is covered by
// the clock; then a push (on p, now) / pop (on q) pair is inserted and q's
// clock absorbs p's.
//
// The accesses not yet ordered before every other queue are kept per queue
// in program order, one list per memory space and direction, so a query from
// queue q scans only queue p's accesses after known[q][p] in the spaces it
// touches (newest first, stopping at the first conflict; a read looks at
// writes only), and pruning drops a prefix of each list. An access whose byte range and direction a later
// access of the same queue repeats is dropped too (the later one raises
// every conflict the earlier one would, with a newer position): loads run
// far ahead of compute, and without this every load rescanned the same
// scratchpad tiles of the compute queue. A queue that has not synchronized
// for a long time (the store queue before a model's first output) then
// costs memory, not time: scanning the whole history for every instruction
// made the pass quadratic (ViT-B/16: two thirds of `tern compile`,
// docs/Benchmarks.md).
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Accel/IR/AccelOps.h"
#include "tern/Dialect/Accel/IR/BufferView.h"
#include "tern/Dialect/Accel/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"

#include <array>
#include <cassert>
#include <limits>
#include <tuple>

namespace tern::accel {
#define GEN_PASS_DEF_ACCELINSERTSYNC
#include "Accel/AccelPasses.h.inc"
} // namespace tern::accel

using namespace mlir;
using namespace tern::accel;

namespace {

constexpr unsigned kNumQueues = 3;

Queue queueOf(Operation *op) {
  if (isa<DmaLoadOp, DmaLoadTransposedOp, DmaBroadcastOp, DmaGatherOp>(op))
    return Queue::load;
  if (isa<DmaStoreOp>(op))
    return Queue::store;
  return Queue::compute;
}

/// One byte range an instruction reads or writes.
struct Access {
  MemorySpace space;
  int64_t begin, end;
  bool write;
  unsigned queue;
  int64_t position; ///< 1-based index of the instruction in its queue
};

bool overlaps(const Access &a, const Access &b) {
  return a.space == b.space && a.begin < b.end && b.begin < a.end;
}

/// One queue's accesses that some other queue may still have to wait for,
/// in program order, with at most one live entry per (space, range,
/// direction): the newest. They are kept in one list per memory space and
/// direction, so that a query scans only the accesses it could conflict
/// with (same space; writes only, for a read).
class History {
public:
  void append(const Access &a) {
    List &l = lists[listOf(a.space, a.write)];
    auto [it, inserted] = index.try_emplace(keyOf(a), l.entries.size());
    if (!inserted) {
      l.entries[it->second].dead = true;
      ++l.numDead;
      it->second = l.entries.size();
    }
    l.entries.push_back({a, false});
  }

  /// Whether a live access after position `after` conflicts with one of
  /// `accesses` (at least one of the two writes, the ranges overlap).
  bool conflicts(ArrayRef<Access> accesses, int64_t after) const {
    for (const Access &a : accesses)
      for (unsigned write = a.write ? 0 : 1; write < 2; ++write)
        if (lists[listOf(a.space, write)].conflicts(a, after))
          return true;
    return false;
  }

  /// Drops the accesses at or before `position`.
  void dropUpTo(int64_t position) {
    for (List &l : lists) {
      while (l.head < l.entries.size() &&
             l.entries[l.head].access.position <= position) {
        if (l.entries[l.head].dead)
          --l.numDead;
        else
          index.erase(keyOf(l.entries[l.head].access));
        ++l.head;
      }
      if (l.head + l.numDead > 4096 && l.head + l.numDead > l.entries.size() / 2)
        compact(l);
    }
  }

private:
  struct Entry {
    Access access;
    bool dead;
  };
  struct List {
    std::vector<Entry> entries;
    size_t head = 0;    ///< entries before it are dropped
    size_t numDead = 0; ///< dead entries at or after head

    bool conflicts(const Access &a, int64_t after) const {
      for (size_t i = entries.size(); i > head; --i) {
        const Entry &e = entries[i - 1];
        if (e.access.position <= after)
          break;
        if (!e.dead && overlaps(a, e.access))
          return true;
      }
      return false;
    }
  };
  static constexpr unsigned kNumSpaces = 5;
  static unsigned listOf(MemorySpace space, bool write) {
    unsigned s = static_cast<unsigned>(space);
    assert(s < kNumSpaces && "unknown memory space");
    return s * 2 + (write ? 1 : 0);
  }
  using Key = std::tuple<unsigned, int64_t, int64_t, unsigned>;
  static Key keyOf(const Access &a) {
    return {static_cast<unsigned>(a.space), a.begin, a.end,
            static_cast<unsigned>(a.write)};
  }

  void compact(List &l) {
    std::vector<Entry> live;
    live.reserve(l.entries.size() - l.head - l.numDead);
    for (size_t i = l.head; i < l.entries.size(); ++i)
      if (!l.entries[i].dead) {
        index[keyOf(l.entries[i].access)] = live.size();
        live.push_back(l.entries[i]);
      }
    l.entries = std::move(live);
    l.head = 0;
    l.numDead = 0;
  }

  std::array<List, kNumSpaces * 2> lists;
  llvm::DenseMap<Key, size_t> index; ///< live entry of each key in its list
};

class AccelInsertSync
    : public tern::accel::impl::AccelInsertSyncBase<AccelInsertSync> {
public:
  /// One core's queues (a partitioned program has one per core).
  struct CoreQueues {
    std::array<std::array<int64_t, kNumQueues>, kNumQueues> known{};
    std::array<int64_t, kNumQueues> issued{};
    std::array<History, kNumQueues> history;
  };

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    std::vector<CoreQueues> cores(1);
    OpBuilder b(&getContext());

    auto walkResult = func.walk([&](Operation *op) -> WalkResult {
      if (op->getDialect() != getContext().getLoadedDialect<AccelDialect>() ||
          isa<PushOp, PopOp>(op))
        return WalkResult::advance();
      if (isa<BarrierOp>(op)) {
        // Every queue of every core has drained: nothing before it needs a
        // token any more.
        for (CoreQueues &c : cores) {
          for (auto &row : c.known)
            row = c.issued;
          prune(c.history, c.known);
        }
        return WalkResult::advance();
      }
      unsigned core = coreOf(op);
      if (cores.size() <= core)
        cores.resize(core + 1);
      auto &[known, issued, history] = cores[core];
      unsigned q = static_cast<unsigned>(queueOf(op));
      SmallVector<Access> accesses;
      if (failed(collectAccesses(op, q, issued[q] + 1, accesses)))
        return WalkResult::interrupt();

      // Queues this instruction must wait for: an access of queue p after
      // known[q][p] that conflicts with one of this instruction's.
      std::array<bool, kNumQueues> waitFor{};
      for (unsigned p = 0; p < kNumQueues; ++p)
        waitFor[p] = p != q && history[p].conflicts(accesses, known[q][p]);

      b.setInsertionPoint(op);
      for (unsigned p = 0; p < kNumQueues; ++p) {
        if (!waitFor[p])
          continue;
        auto push = b.create<PushOp>(op->getLoc(), static_cast<Queue>(p),
                                     static_cast<Queue>(q));
        auto pop = b.create<PopOp>(op->getLoc(), static_cast<Queue>(p),
                                   static_cast<Queue>(q));
        if (Attribute coreAttr = op->getAttr(kCoreAttr)) {
          push->setAttr(kCoreAttr, coreAttr);
          pop->setAttr(kCoreAttr, coreAttr);
        }
        for (unsigned r = 0; r < kNumQueues; ++r)
          known[q][r] = std::max(known[q][r], known[p][r]);
        known[q][p] = issued[p];
      }

      ++issued[q];
      for (const Access &a : accesses)
        history[q].append(a);
      prune(history, known);
      return WalkResult::advance();
    });
    if (walkResult.wasInterrupted())
      signalPassFailure();
  }

private:
  LogicalResult collectAccesses(Operation *op, unsigned queue,
                                int64_t position,
                                SmallVectorImpl<Access> &out) {
    SmallVector<ByteAccess> bytes;
    if (failed(collectByteAccesses(op, bytes)))
      return failure();
    for (const ByteAccess &a : bytes)
      out.push_back({a.space, a.begin, a.end, a.write, queue, position});
    return success();
  }

  /// Drops accesses that every other queue is already ordered after: they
  /// can never require another token.
  static void
  prune(std::array<History, kNumQueues> &history,
        const std::array<std::array<int64_t, kNumQueues>, kNumQueues> &known) {
    for (unsigned p = 0; p < kNumQueues; ++p) {
      int64_t orderedBefore = std::numeric_limits<int64_t>::max();
      for (unsigned q = 0; q < kNumQueues; ++q)
        if (q != p)
          orderedBefore = std::min(orderedBefore, known[q][p]);
      history[p].dropUpTo(orderedBefore);
    }
  }
};

} // namespace
