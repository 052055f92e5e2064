//===- NarrowIntegers.cpp - int8 / uint8 / int16 / uint16 held as i32 -----===//
//
// ONNX's narrow integer tensors are held as i32 (docs/Lowering.md, "Narrow
// integer tensors"). Arithmetic runs on the i32 values, which wrap modulo
// 2^32; `accel.wrap` (vwrap) then brings a result back into the narrow type's
// range modulo 2^bits, which is what ONNX computes in the narrow type.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "tern/Dialect/Accel/IR/AccelOps.h"

using namespace mlir;

std::optional<tern::NarrowInteger> tern::narrowInteger(Type elementType) {
  auto it = dyn_cast<IntegerType>(elementType);
  // ONNX int8 / int16 are signless i8 / i16, uint8 / uint16 unsigned.
  if (!it || it.isSigned() || (it.getWidth() != 8 && it.getWidth() != 16))
    return std::nullopt;
  return NarrowInteger{it.getWidth(), it.isSignless()};
}

bool tern::wideUnsigned(Type elementType) {
  auto it = dyn_cast<IntegerType>(elementType);
  return it && it.isUnsigned() && (it.getWidth() == 32 || it.getWidth() == 64);
}

void tern::wrapToNarrow(OpBuilder &b, Location loc, Value tile,
                        Type elementType) {
  std::optional<NarrowInteger> narrow = narrowInteger(elementType);
  if (!narrow)
    return;
  b.create<accel::WrapOp>(loc, tile, tile,
                          b.getI32IntegerAttr(int32_t(narrow->bits)),
                          narrow->isSigned ? b.getUnitAttr() : UnitAttr());
}
