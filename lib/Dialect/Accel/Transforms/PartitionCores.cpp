//===- PartitionCores.cpp - tiles across cores, barriers between phases ---===//
//
// Implements accel-partition-cores (see dialects/Accel/Passes.td).
//
// Tile groups: union-find over the accel ops, joining the ops that touch
// the same scratchpad buffer (its root alloc). A group's DRAM accesses are
// byte ranges from the allocated addresses, as accel-insert-sync computes
// them. Groups are assigned in program order of their first op; an op of a
// group that was assigned earlier is checked again when it comes (groups
// may interleave), and a conflict there also starts a new phase.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Accel/IR/AccelOps.h"
#include "tern/Dialect/Accel/IR/BufferView.h"
#include "tern/Dialect/Accel/Transforms/Passes.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/IntEqClasses.h"

#include <map>

namespace tern::accel {
#define GEN_PASS_DEF_ACCELPARTITIONCORES
#include "Accel/AccelPasses.h.inc"
} // namespace tern::accel

using namespace mlir;
using namespace tern::accel;

namespace {

/// A DRAM byte range an op reads or writes.
struct Range {
  int64_t begin, end;
  bool write;
};

/// Disjoint byte intervals, merged as they are added (a core's tiles of
/// one op cover neighbouring bytes, so a phase stays a few intervals).
class IntervalSet {
public:
  void add(int64_t begin, int64_t end) {
    auto it = map.upper_bound(begin);
    if (it != map.begin() && std::prev(it)->second >= begin) {
      --it;
      begin = it->first;
      end = std::max(end, it->second);
    }
    while (it != map.end() && it->first <= end) {
      end = std::max(end, it->second);
      it = map.erase(it);
    }
    map.emplace(begin, end);
  }
  bool overlaps(int64_t begin, int64_t end) const {
    auto it = map.upper_bound(begin);
    if (it != map.begin() && std::prev(it)->second > begin)
      return true;
    return it != map.end() && it->first < end;
  }
  void clear() { map.clear(); }

private:
  std::map<int64_t, int64_t> map; ///< begin -> end
};

/// A core's DRAM accesses since the last barrier.
struct PhaseAccesses {
  IntervalSet reads, writes;
  /// Whether `r` conflicts with one of them (at least one side writes).
  bool conflicts(const Range &r) const {
    return writes.overlaps(r.begin, r.end) ||
           (r.write && reads.overlaps(r.begin, r.end));
  }
  void add(const Range &r) { (r.write ? writes : reads).add(r.begin, r.end); }
  void clear() {
    reads.clear();
    writes.clear();
  }
};

/// Every op's DRAM ranges, packed (most ops touch no DRAM, a DMA one range:
/// a vector per op would be 1.2 M small vectors for ViT-B/16 on
/// tataa-u280) and their work.
struct OpAccesses {
  std::vector<Range> ranges;
  std::vector<uint32_t> firstRange = {0}; ///< op i: [firstRange[i], [i + 1])
  std::vector<int64_t> work;

  ArrayRef<Range> dram(unsigned op) const {
    return ArrayRef<Range>(ranges).slice(firstRange[op],
                                         firstRange[op + 1] - firstRange[op]);
  }
};

/// Relative work of an op [inf]: array MACs count 1/256 (a 16 x 16 array),
/// lane elements 1/16, DMA bytes 1/32. Only the ratios between cores'
/// loads matter.
int64_t workOf(Operation *op) {
  auto elements = [](Value v) -> int64_t {
    auto t = dyn_cast<MemRefType>(v.getType());
    return t && t.hasStaticShape() ? t.getNumElements() : 0;
  };
  if (auto gemm = dyn_cast<GemmOp>(op)) {
    MemRefType lhs = gemm.getLhs().getType(), rhs = gemm.getRhs().getType();
    return 1 + lhs.getDimSize(0) * lhs.getDimSize(1) * rhs.getDimSize(1) / 256;
  }
  int64_t most = 0;
  bool dma = false;
  for (Value v : op->getOperands()) {
    int64_t n = elements(v);
    if (auto t = dyn_cast<MemRefType>(v.getType()))
      n *= elementBytes(t.getElementType());
    most = std::max(most, n);
  }
  dma = isa<DmaLoadOp, DmaLoadTransposedOp, DmaBroadcastOp, DmaGatherOp,
            DmaStoreOp>(op);
  return 1 + most / (dma ? 32 : 16);
}

/// Whether the op reads or sets a run-time token count (the length
/// registers are core 0's).
bool usesRunTimeLength(Operation *op) {
  if (isa<TokenScoreOp, TokenSelectOp, TokenGatherOp, TokenFuseOp>(op))
    return true;
  for (NamedAttribute attr : op->getAttrs())
    if (attr.getName().getValue().starts_with("accel.len_"))
      return true;
  return false;
}

/// A tile group: its DRAM ranges and work (all its ops together), whether
/// it must run on core 0, and the location of its first op (its ONNX node).
struct Group {
  SmallVector<Range> ranges;
  int64_t work = 0;
  bool pinned = false;
  Location loc;
};

/// The assignment state: each core's DRAM accesses since the last barrier
/// and when it is expected to finish what it was given (work units).
struct Planner {
  std::vector<PhaseAccesses> phase;
  std::vector<int64_t> finish;
  int64_t barrierCost;

  Planner(unsigned cores, int64_t barrierCost)
      : phase(cores), finish(cores, 0), barrierCost(barrierCost) {}

  unsigned cores() const { return static_cast<unsigned>(finish.size()); }
  int64_t makespan() const {
    return *std::max_element(finish.begin(), finish.end());
  }
  bool conflicts(ArrayRef<Range> ranges, unsigned core) const {
    return llvm::any_of(
        ranges, [&](const Range &r) { return phase[core].conflicts(r); });
  }
  void barrier() {
    int64_t meet = makespan() + barrierCost;
    std::fill(finish.begin(), finish.end(), meet);
    for (PhaseAccesses &p : phase)
      p.clear();
  }
  unsigned earliest() const {
    return static_cast<unsigned>(
        std::min_element(finish.begin(), finish.end()) - finish.begin());
  }
  void record(unsigned core, ArrayRef<Range> ranges) {
    for (const Range &r : ranges)
      phase[core].add(r);
  }

  /// Chooses `g`'s core by the rules (docs: Passes.td) and charges its
  /// work there; `barrierFirst` is set when the rules need a barrier before
  /// it (already applied to the state). Does not record its ranges.
  unsigned place(const Group &g, bool &barrierFirst) {
    SmallVector<unsigned> conflicting;
    for (unsigned c = 0; c < cores(); ++c)
      if (conflicts(g.ranges, c))
        conflicting.push_back(c);
    std::optional<unsigned> choice;
    if (g.pinned) {
      if (conflicting.empty() ||
          (conflicting.size() == 1 && conflicting[0] == 0))
        choice = 0;
    } else if (conflicting.size() == 1) {
      choice = conflicting[0]; // stay with the data it depends on
    } else if (conflicting.empty()) {
      choice = earliest();
    }
    barrierFirst = !choice;
    if (barrierFirst) {
      barrier();
      choice = g.pinned ? 0 : earliest();
    }
    finish[*choice] += g.work;
    return *choice;
  }

  /// The makespan after placing `batch` (with a barrier first when
  /// `barrierFirst`), on a copy of this state.
  int64_t trial(ArrayRef<const Group *> batch, bool barrierFirst) const {
    Planner copy = *this;
    if (barrierFirst)
      copy.barrier();
    for (const Group *g : batch) {
      bool unused;
      copy.record(copy.place(*g, unused), g->ranges);
    }
    return copy.makespan();
  }
};

class AccelPartitionCores
    : public tern::accel::impl::AccelPartitionCoresBase<AccelPartitionCores> {
public:
  using Base::Base;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (cores < 1 || cores > kMaxCores) {
      module.emitError("accel-partition-cores: cores must be between 1 and ")
          << kMaxCores << ", not " << static_cast<unsigned>(cores);
      return signalPassFailure();
    }
    if (cores == 1)
      return;
    module->setAttr(kNumCoresAttr,
                    IntegerAttr::get(IntegerType::get(&getContext(), 64),
                                     static_cast<int64_t>(cores)));
    for (auto func : module.getOps<func::FuncOp>())
      if (!func.isExternal() && failed(partition(func)))
        return signalPassFailure();
  }

private:
  /// Appends `op`'s DRAM ranges and work to `out` and gives the scratchpad
  /// roots that tie it to other ops.
  LogicalResult collect(Operation *op, OpAccesses &out,
                        SmallVectorImpl<Value> &scratchpadRoots) {
    SmallVector<ByteAccess> bytes;
    if (failed(collectByteAccesses(op, bytes)))
      return failure();
    for (const ByteAccess &a : bytes) {
      if (a.space == MemorySpace::dram)
        out.ranges.push_back({a.begin, a.end, a.write});
      else
        scratchpadRoots.push_back(a.root);
    }
    out.firstRange.push_back(static_cast<uint32_t>(out.ranges.size()));
    out.work.push_back(workOf(op));
    return success();
  }

  LogicalResult partition(func::FuncOp func) {
    MLIRContext *ctx = &getContext();
    Dialect *accel = ctx->getLoadedDialect<AccelDialect>();
    SmallVector<Operation *> ops;
    for (Operation &op : func.getBody().getOps())
      if (op.getDialect() == accel) {
        if (isa<PushOp, PopOp, BarrierOp>(op))
          return op.emitOpError("accel-partition-cores runs before "
                                "accel-insert-sync, on a program without "
                                "sync ops");
        ops.push_back(&op);
      }

    // Tile groups: ops joined through scratchpad roots.
    OpAccesses accesses;
    accesses.work.reserve(ops.size());
    accesses.firstRange.reserve(ops.size() + 1);
    llvm::IntEqClasses groups(ops.size());
    llvm::DenseMap<Value, unsigned> firstUser;
    SmallVector<Value> roots;
    for (auto [i, op] : llvm::enumerate(ops)) {
      roots.clear();
      if (failed(collect(op, accesses, roots)))
        return failure();
      for (Value root : roots) {
        auto [it, inserted] = firstUser.try_emplace(root, i);
        if (!inserted)
          groups.join(it->second, i);
      }
    }
    // The groups in program order of their first op.
    llvm::DenseMap<unsigned, unsigned> groupIndex; // leader -> index
    std::vector<Group> groupList;
    std::vector<unsigned> groupOf(ops.size());
    for (unsigned i = 0; i < ops.size(); ++i) {
      unsigned leader = groups.findLeader(i);
      auto [it, inserted] = groupIndex.try_emplace(leader, groupList.size());
      if (inserted)
        groupList.push_back(Group{{}, 0, false, ops[i]->getLoc()});
      Group &g = groupList[it->second];
      llvm::append_range(g.ranges, accesses.dram(i));
      g.work += accesses.work[i];
      g.pinned |= usesRunTimeLength(ops[i]);
      groupOf[i] = it->second;
    }

    Planner planner(cores, barrierCost);
    std::vector<std::optional<unsigned>> coreOfGroup(groupList.size());
    OpBuilder b(ctx);
    auto newPhase = [&](Operation *before) {
      b.setInsertionPoint(before);
      b.create<BarrierOp>(before->getLoc());
    };

    for (unsigned i = 0; i < ops.size(); ++i) {
      unsigned gi = groupOf[i];
      unsigned core;
      if (!coreOfGroup[gi]) {
        // The first group of an ONNX node's tiles: a barrier first, so
        // that they can spread, when that is expected to end sooner than
        // following the cores that hold their inputs.
        if (gi == 0 || groupList[gi - 1].loc != groupList[gi].loc) {
          SmallVector<const Group *> batch;
          for (unsigned j = gi;
               j < groupList.size() && groupList[j].loc == groupList[gi].loc;
               ++j)
            batch.push_back(&groupList[j]);
          if (batch.size() > 1 &&
              planner.trial(batch, true) < planner.trial(batch, false)) {
            newPhase(ops[i]);
            planner.barrier();
          }
        }
        bool barrierFirst;
        core = planner.place(groupList[gi], barrierFirst);
        if (barrierFirst)
          newPhase(ops[i]);
        coreOfGroup[gi] = core;
      } else {
        // A later op of a group placed earlier: a barrier may have been
        // needed since (another core's access in between).
        core = *coreOfGroup[gi];
        for (unsigned c = 0; c < cores; ++c)
          if (c != core && planner.conflicts(accesses.dram(i), c)) {
            newPhase(ops[i]);
            planner.barrier();
            break;
          }
      }
      ops[i]->setAttr(kCoreAttr, IntegerAttr::get(IntegerType::get(ctx, 64),
                                                  static_cast<int64_t>(core)));
      planner.record(core, accesses.dram(i));
    }
    return success();
  }
};

} // namespace
