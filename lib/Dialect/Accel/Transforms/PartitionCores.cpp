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
#include "llvm/ADT/EquivalenceClasses.h"

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

/// What an op touches: its DRAM ranges and the scratchpad roots that tie
/// it to other ops.
struct OpAccesses {
  SmallVector<Range> dram;
  SmallVector<Value> scratchpadRoots;
  int64_t work = 0;
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
  LogicalResult collect(Operation *op, OpAccesses &out) {
    SmallVector<ByteAccess> bytes;
    if (failed(collectByteAccesses(op, bytes)))
      return failure();
    for (const ByteAccess &a : bytes) {
      if (a.space == MemorySpace::dram)
        out.dram.push_back({a.begin, a.end, a.write});
      else
        out.scratchpadRoots.push_back(a.root);
    }
    out.work = workOf(op);
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
    std::vector<OpAccesses> accesses(ops.size());
    llvm::EquivalenceClasses<unsigned> groups;
    llvm::DenseMap<Value, unsigned> firstUser;
    for (auto [i, op] : llvm::enumerate(ops)) {
      if (failed(collect(op, accesses[i])))
        return failure();
      groups.insert(i);
      for (Value root : accesses[i].scratchpadRoots) {
        auto [it, inserted] = firstUser.try_emplace(root, i);
        if (!inserted)
          groups.unionSets(it->second, i);
      }
    }
    // Per group (leader index): its ops, whether it is pinned to core 0.
    llvm::DenseMap<unsigned, SmallVector<unsigned>> members;
    for (unsigned i = 0; i < ops.size(); ++i)
      members[groups.getLeaderValue(i)].push_back(i);

    // Phase state: each core's DRAM ranges since the last barrier, its load.
    std::vector<PhaseAccesses> phase(cores);
    std::vector<int64_t> load(cores, 0);
    llvm::DenseMap<unsigned, unsigned> coreOfGroup;
    OpBuilder b(ctx);
    auto conflictsWith = [&](ArrayRef<Range> ranges, unsigned core) {
      return llvm::any_of(
          ranges, [&](const Range &r) { return phase[core].conflicts(r); });
    };
    auto newPhase = [&](Operation *before) {
      b.setInsertionPoint(before);
      b.create<BarrierOp>(before->getLoc());
      for (PhaseAccesses &p : phase)
        p.clear();
      std::fill(load.begin(), load.end(), 0);
    };

    for (unsigned i = 0; i < ops.size(); ++i) {
      unsigned leader = groups.getLeaderValue(i);
      auto assigned = coreOfGroup.find(leader);
      unsigned core;
      if (assigned == coreOfGroup.end()) {
        // The group's DRAM ranges and work, all ops together.
        SmallVector<Range> ranges;
        int64_t work = 0;
        bool pinned = false;
        for (unsigned m : members[leader]) {
          ranges.append(accesses[m].dram);
          work += accesses[m].work;
          pinned |= usesRunTimeLength(ops[m]);
        }
        // Cores this group conflicts with in the current phase.
        SmallVector<unsigned> conflicting;
        for (unsigned c = 0; c < cores; ++c)
          if (conflictsWith(ranges, c))
            conflicting.push_back(c);
        std::optional<unsigned> choice;
        if (pinned) {
          if (conflicting.empty() ||
              (conflicting.size() == 1 && conflicting[0] == 0))
            choice = 0;
        } else if (conflicting.size() == 1) {
          choice = conflicting[0]; // stay with the data it depends on
        } else if (conflicting.empty()) {
          choice = 0;
          for (unsigned c = 1; c < cores; ++c)
            if (load[c] < load[*choice])
              choice = c;
        }
        if (!choice) {
          newPhase(ops[i]);
          choice = 0;
          if (!pinned)
            for (unsigned c = 1; c < cores; ++c)
              if (load[c] < load[*choice])
                choice = c;
        }
        core = *choice;
        coreOfGroup[leader] = core;
        load[core] += work;
      } else {
        // A later op of a group placed earlier: a barrier may have been
        // needed since (another core's access in between).
        core = assigned->second;
        for (unsigned c = 0; c < cores; ++c)
          if (c != core && conflictsWith(accesses[i].dram, c)) {
            newPhase(ops[i]);
            break;
          }
      }
      ops[i]->setAttr(kCoreAttr, IntegerAttr::get(IntegerType::get(ctx, 64),
                                                  static_cast<int64_t>(core)));
      for (const Range &r : accesses[i].dram)
        phase[core].add(r);
    }
    return success();
  }
};

} // namespace
