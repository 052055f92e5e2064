//===- AccelDialect.cpp - hardware-level accelerator dialect --------------===//
//
// Registration of the `accel` dialect and the memory-space helpers used by
// its type constraints.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Accel/IR/AccelDialect.h"
#include "tern/Dialect/Accel/IR/AccelOps.h"

#include "mlir/IR/Builders.h"
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
