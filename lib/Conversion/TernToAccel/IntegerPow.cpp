//===- IntegerPow.cpp - ONNX Pow of integer tensors, exact ----------------===//
//
// TOSA 19's pow is float-only in the importer's use: ONNX Pow of an integer
// base and an integer exponent is imported as
//   cast<int>(pow(cast<float>(x), cast<float>(y)))
// which, lowered as written, would round the power to bf16 (rsfu.pow):
// exact only up to 2^8. When both operands are casts from integer types
// (all held as i32), this rewrites it into an i32 tosa.pow of the integers
// themselves, which lowers to rsfu.pow with ty=i32 (exact, wrapping modulo
// 2^32), followed by the cast to the result type (the identity for int32 /
// int64, a wrap for the narrow types). An integer Pow with a float exponent
// keeps the float form and is refused at the lowering.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;

/// An integer type held as i32 (int8 ... int64, uint8, uint16).
static bool heldAsI32(Type t) {
  return tern::narrowInteger(t) ||
         (t.isSignlessInteger() && (t.isInteger(32) || t.isInteger(64)));
}

/// The integer tensor `v` is a cast of, if `v` is a tosa.cast from one.
static Value integerSource(Value v) {
  auto cast = v.getDefiningOp<tosa::CastOp>();
  if (!cast || !heldAsI32(getElementTypeOrSelf(cast.getInput().getType())))
    return {};
  return cast.getInput();
}

void tern::foldIntegerPows(ModuleOp module) {
  SmallVector<tosa::CastOp> casts;
  module.walk([&](tosa::CastOp c) {
    auto pow = c.getInput().getDefiningOp<tosa::PowOp>();
    if (pow && heldAsI32(getElementTypeOrSelf(c.getType())) &&
        integerSource(pow.getInput1()) && integerSource(pow.getInput2()))
      casts.push_back(c);
  });
  for (tosa::CastOp c : casts) {
    auto pow = c.getInput().getDefiningOp<tosa::PowOp>();
    OpBuilder b(c);
    auto i32 = [&](Value v) -> Value {
      auto t = cast<RankedTensorType>(v.getType());
      if (t.getElementType().isSignlessInteger(32))
        return v;
      return b.create<tosa::CastOp>(c.getLoc(), t.clone(b.getI32Type()), v);
    };
    Value x = i32(integerSource(pow.getInput1()));
    Value y = i32(integerSource(pow.getInput2()));
    auto type = cast<RankedTensorType>(pow.getType()).clone(b.getI32Type());
    Value p = b.create<tosa::PowOp>(pow.getLoc(), type, x, y);
    Value result = p;
    if (c.getType() != type)
      result = b.create<tosa::CastOp>(c.getLoc(), c.getType(), p);
    c.getResult().replaceAllUsesWith(result);
    c.erase();
    // The float pow and its operand casts, when nothing else reads them.
    Operation *lhs = pow.getInput1().getDefiningOp();
    Operation *rhs = pow.getInput2().getDefiningOp();
    if (pow->use_empty()) {
      pow->erase();
      if (lhs->use_empty())
        lhs->erase();
      if (rhs != lhs && rhs->use_empty())
        rhs->erase();
    }
  }
}
