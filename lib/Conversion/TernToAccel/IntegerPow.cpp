//===- IntegerPow.cpp - ONNX Pow of integer tensors, exact ----------------===//
//
// TOSA 19's pow is float-only in the importer's use: ONNX Pow of an integer
// base is imported as
//   cast<int>(pow(cast<float>(x), cast<float>(y)))   (y an integer), or
//   cast<int>(pow(cast<float>(x), y))                (y a float)
// which, lowered as written, would round the power to bf16 (rsfu.pow):
// exact only up to 2^8, and the base itself would be rounded to bf16 past
// 256. Before the conversion this rewrites
// - an integer exponent into an i32 tosa.pow of the integers themselves,
//   which lowers to rsfu.pow with ty=i32 (exact, wrapping modulo 2^32),
//   followed by the cast to the result type (the identity for int32 /
//   int64, a wrap for the narrow types);
// - a float exponent into `tern.to_int <pow> <trunc>` of the integer base
//   and the float exponent: the power in f32 from the int32 base, truncated
//   to the integer result (numpy's pow and astype, as ONNX's reference
//   computes it), on rsfu.pow with `toint` and `aint`.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;

/// An integer type held as i32 (int8 ... int64, uint8, uint16).
static bool heldAsI32(Type t) {
  return tern::narrowInteger(t) ||
         (t.isSignlessInteger() && (t.isInteger(32) || t.isInteger(64)));
}

/// The tosa.cast from an integer tensor that `v` is, directly or through a
/// tosa.reshape (the importer's broadcast of operands of unequal ranks).
static tosa::CastOp integerCast(Value v) {
  if (auto reshape = v.getDefiningOp<tosa::ReshapeOp>())
    v = reshape.getInput1();
  auto cast = v.getDefiningOp<tosa::CastOp>();
  if (!cast || !heldAsI32(getElementTypeOrSelf(cast.getInput().getType())))
    return {};
  return cast;
}

/// The integer tensor `v` is a cast of (reshaped as `v` is, at `b`), or
/// null if `v` is not one (integerCast).
static Value integerSource(OpBuilder &b, Value v) {
  tosa::CastOp cast = integerCast(v);
  if (!cast)
    return {};
  Value x = cast.getInput();
  if (auto reshape = v.getDefiningOp<tosa::ReshapeOp>())
    x = b.create<tosa::ReshapeOp>(
        reshape.getLoc(),
        reshape.getType().clone(getElementTypeOrSelf(x.getType())), x,
        reshape.getNewShapeAttr());
  return x;
}

/// Erases the float pow and its operands' reshapes and casts when nothing
/// else reads them.
static void eraseDeadPow(tosa::PowOp pow) {
  if (!pow->use_empty())
    return;
  SmallVector<Operation *> work = {pow.getInput1().getDefiningOp(),
                                   pow.getInput2().getDefiningOp()};
  pow->erase();
  while (!work.empty()) {
    Operation *op = work.pop_back_val();
    if (!op || !isa<tosa::CastOp, tosa::ReshapeOp>(op) || !op->use_empty())
      continue;
    Operation *input = op->getOperand(0).getDefiningOp();
    op->erase();
    work.push_back(input);
  }
}

/// cast<int>(pow(cast<float>(x), y)) with a float y: tern.to_int <pow>
/// <trunc> of x and y (an i32 result, then cast to a narrow result type).
static void foldFloatExponentPow(tosa::CastOp c, tosa::PowOp pow) {
  OpBuilder b(c);
  Value x = integerSource(b, pow.getInput1());
  Type to = getElementTypeOrSelf(c.getType());
  auto resultType = cast<RankedTensorType>(c.getType());
  if (!to.isSignlessInteger(32) && !to.isSignlessInteger(64))
    resultType = resultType.clone(b.getI32Type());
  Value p =
      b.create<tern::ToIntOp>(c.getLoc(), resultType, tern::ToIntKind::pow,
                              tern::Rounding::trunc, x, pow.getInput2());
  if (p.getType() != c.getType())
    p = b.create<tosa::CastOp>(c.getLoc(), c.getType(), p);
  c.getResult().replaceAllUsesWith(p);
  c.erase();
  eraseDeadPow(pow);
}

void tern::foldIntegerPows(ModuleOp module) {
  SmallVector<tosa::CastOp> casts, floatExponents;
  module.walk([&](tosa::CastOp c) {
    auto pow = c.getInput().getDefiningOp<tosa::PowOp>();
    if (!pow || !heldAsI32(getElementTypeOrSelf(c.getType())) ||
        !integerCast(pow.getInput1()))
      return;
    if (integerCast(pow.getInput2()))
      casts.push_back(c);
    else if (isa<FloatType>(getElementTypeOrSelf(pow.getInput2().getType())))
      floatExponents.push_back(c);
  });
  for (tosa::CastOp c : floatExponents)
    foldFloatExponentPow(c, c.getInput().getDefiningOp<tosa::PowOp>());
  for (tosa::CastOp c : casts) {
    auto pow = c.getInput().getDefiningOp<tosa::PowOp>();
    OpBuilder b(c);
    auto i32 = [&](Value v) -> Value {
      auto t = cast<RankedTensorType>(v.getType());
      if (t.getElementType().isSignlessInteger(32))
        return v;
      return b.create<tosa::CastOp>(c.getLoc(), t.clone(b.getI32Type()), v);
    };
    Value x = i32(integerSource(b, pow.getInput1()));
    Value y = i32(integerSource(b, pow.getInput2()));
    auto type = cast<RankedTensorType>(pow.getType()).clone(b.getI32Type());
    Value p = b.create<tosa::PowOp>(pow.getLoc(), type, x, y);
    Value result = p;
    if (c.getType() != type)
      result = b.create<tosa::CastOp>(c.getLoc(), c.getType(), p);
    c.getResult().replaceAllUsesWith(result);
    c.erase();
    eraseDeadPow(pow);
  }
}
