//===- TernDialect.cpp - graph-level transformer dialect ------------------===//
//
// Registration of the `tern` dialect's ops and attributes.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernDialect.h"
#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"
#include "llvm/ADT/TypeSwitch.h"

using namespace mlir;
using namespace tern;

#include "Tern/TernDialect.cpp.inc"
#include "Tern/TernEnums.cpp.inc"

#define GET_ATTRDEF_CLASSES
#include "Tern/TernAttrs.cpp.inc"

void TernDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "Tern/TernOps.cpp.inc"
      >();
  addAttributes<
#define GET_ATTRDEF_LIST
#include "Tern/TernAttrs.cpp.inc"
      >();
}
