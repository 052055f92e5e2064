//===- AccelOps.cpp - accelerator operations ------------------------------===//
//
// Verifiers for the rules that relate several operands of an `accel` op.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Accel/IR/AccelOps.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"
#include "mlir/IR/TypeUtilities.h"

using namespace mlir;
using namespace tern::accel;

namespace {

/// Operand widths the matrix unit multiplies in integer mode.
bool isGemmIntegerOperand(Type t) {
  return t.isSignlessInteger(8) || t.isSignlessInteger(6) ||
         t.isSignlessInteger(4);
}

} // namespace

LogicalResult GemmOp::verify() {
  MemRefType lhs = getLhs().getType(), rhs = getRhs().getType(),
             acc = getAcc().getType();
  if (lhs.getRank() != 2 || rhs.getRank() != 2 || acc.getRank() != 2)
    return emitOpError("operands must be rank-2 tiles");
  int64_t m = lhs.getDimSize(0), k = lhs.getDimSize(1);
  if (rhs.getDimSize(0) != k)
    return emitOpError("rhs rows (")
           << rhs.getDimSize(0) << ") must equal lhs columns (" << k << ")";
  if (acc.getDimSize(0) != m || acc.getDimSize(1) != rhs.getDimSize(1))
    return emitOpError("accumulator tile must be ")
           << m << "x" << rhs.getDimSize(1) << ", got " << acc.getDimSize(0)
           << "x" << acc.getDimSize(1);

  Type a = lhs.getElementType(), b = rhs.getElementType(),
       c = acc.getElementType();
  bool intMode = isGemmIntegerOperand(a) && isGemmIntegerOperand(b) &&
                 (c.isSignlessInteger(32) || c.isSignlessInteger(16));
  bool bf16Mode = a.isBF16() && b.isBF16() && c.isF32();
  if (!intMode && !bf16Mode)
    return emitOpError("unsupported element types ")
           << a << " x " << b << " -> " << c
           << "; expected i8/i6/i4 operands with an i32 or i16 accumulator, "
              "or bf16 operands with an f32 accumulator";
  return success();
}

#define GET_OP_CLASSES
#include "Accel/AccelOps.cpp.inc"
