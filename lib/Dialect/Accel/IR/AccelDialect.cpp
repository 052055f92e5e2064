//===- AccelDialect.cpp - hardware-level accelerator dialect --------------===//
//
// Registration of the `accel` dialect and the memory-space helpers used by
// its type constraints.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Accel/IR/AccelDialect.h"
#include "tern/Dialect/Accel/IR/AccelOps.h"
#include "tern/Dialect/Accel/IR/BufferView.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace tern::accel;

#include "Accel/AccelDialect.cpp.inc"
#include "Accel/AccelEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Accel/AccelAttrs.cpp.inc"

void AccelDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Accel/AccelOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Accel/AccelAttrs.cpp.inc"
      >();
}

MemorySpace tern::accel::getMemorySpace(Type type) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref || !memref.getMemorySpace())
    return MemorySpace::dram;
  if (auto space = dyn_cast<MemorySpaceAttr>(memref.getMemorySpace()))
    return space.getValue();
  // A foreign memory space (an integer, another dialect's attribute) is not
  // one of ours; treat it as DRAM so that scratchpad checks reject it.
  return MemorySpace::dram;
}

bool tern::accel::isInSpace(Type type, MemorySpace space) {
  auto memref = dyn_cast<MemRefType>(type);
  if (!memref)
    return false;
  if (space == MemorySpace::dram)
    return !memref.getMemorySpace() ||
           (isa<MemorySpaceAttr>(memref.getMemorySpace()) &&
            getMemorySpace(type) == MemorySpace::dram);
  return isa_and_nonnull<MemorySpaceAttr>(memref.getMemorySpace()) &&
         getMemorySpace(type) == space;
}

bool tern::accel::isInScratchpad(Type type) {
  return isInSpace(type, MemorySpace::act) ||
         isInSpace(type, MemorySpace::wgt) ||
         isInSpace(type, MemorySpace::acc) || isInSpace(type, MemorySpace::vec);
}

LogicalResult AccelDialect::verifyOperationAttribute(Operation *op,
                                                     NamedAttribute attr) {
  if (attr.getName() == kCoreAttr) {
    auto core = dyn_cast<IntegerAttr>(attr.getValue());
    if (!core || core.getInt() < 0 ||
        core.getInt() >= static_cast<int64_t>(kMaxCores))
      return op->emitError("'")
             << kCoreAttr << "' must be an integer core index in [0, "
             << kMaxCores << ")";
    if (op->getDialect() != op->getContext()->getLoadedDialect<AccelDialect>())
      return op->emitError("'")
             << kCoreAttr << "' may only be set on accel ops";
    return success();
  }
  if (attr.getName() == kNumCoresAttr) {
    auto cores = dyn_cast<IntegerAttr>(attr.getValue());
    if (!isa<ModuleOp>(op) || !cores || cores.getInt() < 1 ||
        cores.getInt() > static_cast<int64_t>(kMaxCores))
      return op->emitError("'")
             << kNumCoresAttr << "' must be a module's core count in [1, "
             << kMaxCores << "]";
    return success();
  }
  return success();
}
