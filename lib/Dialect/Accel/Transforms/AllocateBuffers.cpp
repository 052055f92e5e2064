//===- AllocateBuffers.cpp - scratchpad and DRAM addresses ----------------===//
//
// Implements accel-allocate-buffers (see dialects/Accel/Passes.td).
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Accel/IR/AccelOps.h"
#include "tern/Dialect/Accel/IR/BufferView.h"
#include "tern/Dialect/Accel/Transforms/Passes.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"

#include <map>

namespace tern::accel {
#define GEN_PASS_DEF_ACCELALLOCATEBUFFERS
#include "Accel/AccelPasses.h.inc"
} // namespace tern::accel

using namespace mlir;
using namespace tern::accel;

namespace {

int64_t alignTo(int64_t value, int64_t alignment) {
  return (value + alignment - 1) / alignment * alignment;
}

/// Linear-scan allocation in one memory: live blocks by address, a next-fit
/// cursor that walks around the memory like a ring, so a freed block is
/// reused as late as possible.
class RingAllocator {
public:
  explicit RingAllocator(int64_t capacity) : capacity(capacity) {}

  /// An address for `size` bytes, or nullopt when no gap is large enough.
  std::optional<int64_t> allocate(int64_t size) {
    std::optional<int64_t> found = findGap(cursor, size);
    if (!found)
      found = findGap(0, size);
    if (!found)
      return std::nullopt;
    live[*found] = size;
    cursor = *found + size;
    peak = std::max(peak, cursor);
    return found;
  }

  void release(int64_t address) { live.erase(address); }

  int64_t freeBytes() const {
    int64_t used = 0;
    for (auto &[addr, size] : live)
      used += size;
    return capacity - used;
  }
  int64_t highWater() const { return peak; }

private:
  /// First address at or after `from` where `size` bytes fit between live
  /// blocks and below the capacity.
  std::optional<int64_t> findGap(int64_t from, int64_t size) const {
    int64_t candidate = from;
    for (auto &[addr, blockSize] : live) {
      if (addr + blockSize <= candidate)
        continue;
      if (addr >= candidate + size)
        break;
      candidate = addr + blockSize;
    }
    if (candidate + size <= capacity)
      return candidate;
    return std::nullopt;
  }

  int64_t capacity;
  int64_t cursor = 0;
  int64_t peak = 0;
  std::map<int64_t, int64_t> live;
};

class AccelAllocateBuffers
    : public tern::accel::impl::AccelAllocateBuffersBase<
          AccelAllocateBuffers> {
public:
  using AccelAllocateBuffersBase::AccelAllocateBuffersBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    Builder b(&getContext());
    int64_t dramEnd = 0;
    auto bytesOf = [&](MemRefType type) {
      return alignTo(type.getNumElements() * elementBytes(type.getElementType()),
                     alignment);
    };

    // Constants first: they are the program's constant segments.
    for (auto global : module.getOps<memref::GlobalOp>()) {
      global->setAttr(kAddressAttr, b.getI64IntegerAttr(dramEnd));
      dramEnd += bytesOf(global.getType());
    }

    for (auto func : module.getOps<func::FuncOp>()) {
      if (func.isExternal())
        continue;
      if (!func.getBody().hasOneBlock()) {
        func.emitError("accel-allocate-buffers expects one block per function");
        return signalPassFailure();
      }
      SmallVector<Attribute> argAddresses;
      for (Type t : func.getArgumentTypes()) {
        auto type = dyn_cast<MemRefType>(t);
        if (!type || !type.hasStaticShape()) {
          func.emitError("argument of type ") << t << " is not a static buffer";
          return signalPassFailure();
        }
        argAddresses.push_back(b.getI64IntegerAttr(dramEnd));
        dramEnd += bytesOf(type);
      }
      func->setAttr(kArgAddressesAttr, b.getArrayAttr(argAddresses));
      if (failed(allocateBody(func, dramEnd)))
        return signalPassFailure();
    }
    module->setAttr(kDramSizeAttr, b.getI64IntegerAttr(dramEnd));
    SmallVector<NamedAttribute> use;
    for (auto [space, bytes] : scratchpadUse)
      use.push_back(b.getNamedAttr(stringifyMemorySpace(space),
                                   b.getI64IntegerAttr(bytes)));
    module->setAttr(kScratchpadUseAttr, b.getDictionaryAttr(use));
  }

private:
  LogicalResult allocateBody(func::FuncOp func, int64_t &dramEnd) {
    Builder b(&getContext());
    Block &body = func.getBody().front();
    DenseMap<Operation *, int64_t> index;
    int64_t i = 0;
    for (Operation &op : body)
      index[&op] = i++;

    // The returned buffers are outputs: they get fixed DRAM space.
    DenseSet<Operation *> outputs;
    for (Value v : body.getTerminator()->getOperands()) {
      FailureOr<BufferView> view = resolveView(v);
      if (succeeded(view))
        if (Operation *def = view->root.getDefiningOp<memref::AllocOp>())
          outputs.insert(def);
    }

    // Last use of each allocation, through any chain of views.
    DenseMap<Operation *, int64_t> lastUse;
    for (Operation &op : body)
      if (auto alloc = dyn_cast<memref::AllocOp>(op))
        lastUse[alloc] = lastUseOf(alloc.getResult(), index);

    RingAllocator dram(std::numeric_limits<int64_t>::max() / 2);
    // Outputs sit right after the arguments, intermediates after them.
    for (Operation &op : body)
      if (outputs.contains(&op)) {
        op.setAttr(kAddressAttr, b.getI64IntegerAttr(dramEnd));
        dramEnd += alignTo(bytes(cast<memref::AllocOp>(op).getType()),
                           alignment);
      }

    std::array<std::unique_ptr<RingAllocator>, 5> spaces;
    spaces[size_t(MemorySpace::act)] = std::make_unique<RingAllocator>(actBytes);
    spaces[size_t(MemorySpace::wgt)] = std::make_unique<RingAllocator>(wgtBytes);
    spaces[size_t(MemorySpace::acc)] = std::make_unique<RingAllocator>(accBytes);
    spaces[size_t(MemorySpace::vec)] = std::make_unique<RingAllocator>(vecBytes);

    // Allocations whose live range ended, by the index of their last use.
    std::multimap<int64_t, std::pair<RingAllocator *, int64_t>> expiring;
    for (Operation &op : body) {
      int64_t at = index[&op];
      while (!expiring.empty() && expiring.begin()->first < at) {
        auto [allocator, address] = expiring.begin()->second;
        allocator->release(address);
        expiring.erase(expiring.begin());
      }
      auto alloc = dyn_cast<memref::AllocOp>(op);
      if (!alloc || outputs.contains(&op))
        continue;
      MemRefType type = alloc.getType();
      if (!type.hasStaticShape())
        return alloc.emitError("cannot allocate a dynamically shaped buffer");
      MemorySpace space = getMemorySpace(type);
      RingAllocator *allocator =
          space == MemorySpace::dram ? &dram : spaces[size_t(space)].get();
      int64_t size = alignTo(bytes(type), alignment);
      std::optional<int64_t> address = allocator->allocate(size);
      if (!address)
        return alloc.emitError("scratchpad '")
               << stringifyMemorySpace(space) << "' overflow: a tile of "
               << size << " bytes does not fit (" << allocator->freeBytes()
               << " of " << capacityOf(space)
               << " bytes free, fragmentation aside); use smaller tiles or a "
                  "target with more memory";
      int64_t base = space == MemorySpace::dram ? dramEnd : 0;
      op.setAttr(kAddressAttr, b.getI64IntegerAttr(base + *address));
      expiring.insert({lastUse[&op], {allocator, *address}});
    }
    dramEnd += alignTo(dram.highWater(), alignment);
    for (MemorySpace space : {MemorySpace::act, MemorySpace::wgt,
                              MemorySpace::acc, MemorySpace::vec})
      scratchpadUse[space] = std::max(scratchpadUse[space],
                                      spaces[size_t(space)]->highWater());
    return success();
  }

  /// Highest byte used per scratchpad, over all functions.
  std::map<MemorySpace, int64_t> scratchpadUse;

  static int64_t bytes(MemRefType type) {
    return type.getNumElements() * elementBytes(type.getElementType());
  }

  int64_t capacityOf(MemorySpace space) const {
    switch (space) {
    case MemorySpace::act:
      return actBytes;
    case MemorySpace::wgt:
      return wgtBytes;
    case MemorySpace::acc:
      return accBytes;
    case MemorySpace::vec:
      return vecBytes;
    case MemorySpace::dram:
      break;
    }
    return std::numeric_limits<int64_t>::max();
  }

  /// Index of the last op that uses `value` or a view derived from it.
  static int64_t lastUseOf(Value value,
                           const DenseMap<Operation *, int64_t> &index) {
    int64_t last = -1;
    SmallVector<Value> worklist = {value};
    while (!worklist.empty()) {
      Value v = worklist.pop_back_val();
      for (Operation *user : v.getUsers()) {
        auto it = index.find(user);
        if (it != index.end())
          last = std::max(last, it->second);
        if (isa<memref::SubViewOp, memref::CollapseShapeOp,
                memref::ExpandShapeOp, memref::ReinterpretCastOp,
                memref::CastOp>(user))
          worklist.push_back(user->getResult(0));
      }
    }
    return last;
  }
};

} // namespace
