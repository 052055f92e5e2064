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
// in program order, so a query from queue q scans only queue p's accesses
// after known[q][p] (newest first, stopping at the first conflict), and
// pruning pops from the front. A queue that has not synchronized for a long
// time (the store queue before a model's first output) then costs memory,
// not time: scanning the whole history for every instruction made the pass
// quadratic (ViT-B/16: two thirds of `tern compile`, docs/Benchmarks.md).
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Accel/IR/AccelOps.h"
#include "tern/Dialect/Accel/IR/BufferView.h"
#include "tern/Dialect/Accel/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"

#include <array>
#include <deque>
#include <limits>

namespace tern::accel {
#define GEN_PASS_DEF_ACCELINSERTSYNC
#include "Accel/AccelPasses.h.inc"
} // namespace tern::accel

using namespace mlir;
using namespace tern::accel;

namespace {

constexpr unsigned kNumQueues = 3;

Queue queueOf(Operation *op) {
  if (isa<DmaLoadOp, DmaBroadcastOp, DmaGatherOp>(op))
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

class AccelInsertSync
    : public tern::accel::impl::AccelInsertSyncBase<AccelInsertSync> {
public:
  void runOnOperation() override {
    func::FuncOp func = getOperation();
    std::array<std::array<int64_t, kNumQueues>, kNumQueues> known{};
    std::array<int64_t, kNumQueues> issued{};
    // history[p]: queue p's accesses in program order (positions ascending).
    std::array<std::deque<Access>, kNumQueues> history;
    OpBuilder b(&getContext());

    auto walkResult = func.walk([&](Operation *op) -> WalkResult {
      if (op->getDialect() != getContext().getLoadedDialect<AccelDialect>() ||
          isa<PushOp, PopOp>(op))
        return WalkResult::advance();
      unsigned q = static_cast<unsigned>(queueOf(op));
      SmallVector<Access> accesses;
      if (failed(collectAccesses(op, q, issued[q] + 1, accesses)))
        return WalkResult::interrupt();

      // Queues this instruction must wait for: an access of queue p after
      // known[q][p] that conflicts with one of this instruction's.
      std::array<bool, kNumQueues> waitFor{};
      for (unsigned p = 0; p < kNumQueues; ++p) {
        if (p == q)
          continue;
        for (auto h = history[p].rbegin(), e = history[p].rend();
             h != e && h->position > known[q][p] && !waitFor[p]; ++h)
          for (const Access &a : accesses)
            if ((a.write || h->write) && overlaps(a, *h)) {
              waitFor[p] = true;
              break;
            }
      }

      b.setInsertionPoint(op);
      for (unsigned p = 0; p < kNumQueues; ++p) {
        if (!waitFor[p])
          continue;
        b.create<PushOp>(op->getLoc(), static_cast<Queue>(p),
                         static_cast<Queue>(q));
        b.create<PopOp>(op->getLoc(), static_cast<Queue>(p),
                        static_cast<Queue>(q));
        for (unsigned r = 0; r < kNumQueues; ++r)
          known[q][r] = std::max(known[q][r], known[p][r]);
        known[q][p] = issued[p];
      }

      ++issued[q];
      history[q].insert(history[q].end(), accesses.begin(), accesses.end());
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
    auto effects = dyn_cast<MemoryEffectOpInterface>(op);
    if (!effects)
      return op->emitOpError("has no memory effects to synchronize on");
    SmallVector<MemoryEffects::EffectInstance> list;
    effects.getEffects(list);
    for (auto &effect : list) {
      Value value = effect.getValue();
      if (!value)
        continue;
      bool write = isa<MemoryEffects::Write>(effect.getEffect());
      if (!write && !isa<MemoryEffects::Read>(effect.getEffect()))
        continue;
      FailureOr<BufferView> view = resolveView(value);
      if (failed(view))
        return op->emitOpError("operand is not a static view of a buffer");
      std::optional<int64_t> base = rootAddress(view->root);
      if (!base)
        return op->emitOpError(
            "operand's buffer has no address; run accel-allocate-buffers");
      int64_t begin = *base + view->offset * view->elementBytes;
      out.push_back({view->space, begin, begin + view->spanBytes(), write,
                     queue, position});
    }
    return success();
  }

  /// Drops accesses that every other queue is already ordered after: they
  /// can never require another token. Positions ascend in each queue's
  /// history, so they are a prefix.
  static void
  prune(std::array<std::deque<Access>, kNumQueues> &history,
        const std::array<std::array<int64_t, kNumQueues>, kNumQueues> &known) {
    for (unsigned p = 0; p < kNumQueues; ++p) {
      int64_t orderedBefore = std::numeric_limits<int64_t>::max();
      for (unsigned q = 0; q < kNumQueues; ++q)
        if (q != p)
          orderedBefore = std::min(orderedBefore, known[q][p]);
      while (!history[p].empty() &&
             history[p].front().position <= orderedBefore)
        history[p].pop_front();
    }
  }
};

} // namespace
