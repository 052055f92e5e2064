//===- Quantization.cpp - QuantizeLinear and DequantizeLinear -------------===//
//
// With scales and zero points known at import time (QDQ exports), the
// quantization parameters move into `!quant.uniform` element types:
//
//   QuantizeLinear:   quant.qcast (f32 -> !quant.uniform) + quant.scast to
//                     the integer storage tensor ONNX passes on;
//   DequantizeLinear: quant.scast (storage -> !quant.uniform) + quant.dcast.
//
// ONNX uint8 tensors are `ui8` while quant storage types are signless, so a
// tensor.bitcast bridges the two. A DequantizeLinear with a run-time scale
// or zero point falls back to TOSA arithmetic ((x - zp) * scale); a
// QuantizeLinear's to
//
//   saturate(tern.to_int <div> <rne>(x, y_scale) + y_zero_point)
//
// (an i32 quotient rounded once, to nearest even, from its f32 value as ONNX
// computes it; the zero point added and the storage type's range clamped in
// i32, then cast to the storage type). tosa.cast to an integer is ONNX
// Cast, a truncation, so it cannot express the rounding.
//
//===----------------------------------------------------------------------===//

#include "../Importer.h"

#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "tern/Dialect/Tern/IR/TernOps.h"

using namespace mlir;
using namespace tern::onnx_import;

namespace {

/// The `!quant.uniform` element type for known scale(s) / zero point(s), or
/// null if they cannot be expressed (e.g. a non-integer storage type).
Type quantizedType(Type storage, Type expressed, const Folded &scale,
                   const Folded *zeroPoint, int64_t axis) {
  auto it = dyn_cast<IntegerType>(storage);
  if (!it || it.getWidth() > 32 || !isa<FloatType>(expressed))
    return {};
  bool isSigned = !it.isUnsigned();
  unsigned width = it.getWidth();
  int64_t qmin = isSigned ? -(int64_t(1) << (width - 1)) : 0;
  int64_t qmax =
      isSigned ? (int64_t(1) << (width - 1)) - 1 : (int64_t(1) << width) - 1;
  auto signless = IntegerType::get(storage.getContext(), width);
  unsigned flags = isSigned ? quant::QuantizationFlags::Signed : 0;
  int64_t n = scale.numElements();
  if (scale.shape.empty() || n == 1) {
    int64_t zp = zeroPoint ? zeroPoint->getAsInt(0) : 0;
    return quant::UniformQuantizedType::getChecked(
        UnknownLoc::get(storage.getContext()), flags, signless, expressed,
        scale.getAsDouble(0), zp, qmin, qmax);
  }
  SmallVector<double> scales;
  SmallVector<int64_t> zps;
  for (int64_t i = 0; i < n; ++i) {
    scales.push_back(scale.getAsDouble(i));
    zps.push_back(zeroPoint ? zeroPoint->getAsInt(i) : 0);
  }
  return quant::UniformQuantizedPerAxisType::getChecked(
      UnknownLoc::get(storage.getContext()), flags, signless, expressed, scales,
      zps, axis, qmin, qmax);
}

/// Reinterprets an integer tensor with the same width but other signedness.
Value bitcastTo(OpBuilder &b, Location loc, Value v, Type elementType) {
  auto t = cast<RankedTensorType>(v.getType());
  if (t.getElementType() == elementType)
    return v;
  return b.create<tensor::BitcastOp>(loc, t.clone(elementType), v);
}

/// Scale / zero point shaped to broadcast against `x` (per-axis along
/// `axis`).
Value paramFor(OpBinder &b, Value p, int64_t rank, int64_t axis) {
  auto t = cast<RankedTensorType>(p.getType());
  if (t.getRank() == 0 || t.getNumElements() == 1)
    return createReshape(b.builder, b.loc, p, SmallVector<int64_t>(rank, 1));
  SmallVector<int64_t> shape(rank, 1);
  shape[axis] = t.getNumElements();
  return createReshape(b.builder, b.loc, p, shape);
}

Value mul(OpBinder &b, Value l, Value r) {
  return b.builder.create<tosa::MulOp>(b.loc, l.getType(), l, r,
                                       b.builder.getI8IntegerAttr(0));
}

/// The axis of a (De)QuantizeLinear's scale: 0 for a scalar scale (ONNX's
/// default axis 1 need not exist for a rank-1 input), else the `axis`
/// attribute, checked against the scale's length; the zero point must have
/// as many elements as the scale.
FailureOr<int64_t> quantizationAxis(OpBinder &b, RankedTensorType xt) {
  RankedTensorType scale = b.operandType(1);
  if (b.hasOperand(2) &&
      b.operandType(2).getNumElements() != scale.getNumElements())
    return b.emitError() << "zero point " << b.operandType(2) << " and scale "
                         << scale << " differ in size";
  if (scale.getNumElements() == 1)
    return 0;
  int64_t axis = normalizeAxis(b.getInt("axis", 1), xt.getRank());
  if (scale.getRank() != 1 || scale.getDimSize(0) != xt.getDimSize(axis))
    return b.emitError() << "per-axis scale " << scale
                         << " does not match dimension " << axis << " of "
                         << xt;
  return axis;
}

/// QuantizeLinear with a run-time scale or zero point:
/// clamp(rne(x / scale) + zp, qmin, qmax) in i32, cast to `storage`.
LogicalResult runTimeQuantize(OpBinder &b, Value x, IntegerType storage,
                              int64_t axis) {
  auto xt = cast<RankedTensorType>(x.getType());
  int64_t rank = xt.getRank();
  auto i32Type = xt.clone(b.builder.getI32Type());
  Value scale = paramFor(b, b.operand(1), rank, axis);
  Value q = b.builder.create<tern::ToIntOp>(
      b.loc, i32Type, tern::ToIntKind::div, tern::Rounding::rne, x, scale);
  // A constant zero point of 0 (a symmetric int8 quantizer) adds nothing.
  const Folded *zpValues = b.hasOperand(2) ? b.folded(2) : nullptr;
  bool zeroZp =
      zpValues &&
      llvm::all_of(llvm::seq<int64_t>(0, zpValues->numElements()),
                   [&](int64_t i) { return zpValues->getAsInt(i) == 0; });
  if (b.hasOperand(2) && !zeroZp) {
    Value zp =
        createCast(b.builder, b.loc, paramFor(b, b.operand(2), rank, axis),
                   b.builder.getI32Type());
    q = b.builder.create<tosa::AddOp>(b.loc, i32Type, q, zp);
  }
  unsigned width = storage.getWidth();
  bool isSigned = !storage.isUnsigned();
  int64_t qmin = isSigned ? -(int64_t(1) << (width - 1)) : 0;
  int64_t qmax =
      isSigned ? (int64_t(1) << (width - 1)) - 1 : (int64_t(1) << width) - 1;
  q = b.builder.create<tosa::ClampOp>(
      b.loc, i32Type, q, b.builder.getI64IntegerAttr(qmin),
      b.builder.getI64IntegerAttr(qmax),
      b.builder.getF32FloatAttr(static_cast<float>(qmin)),
      b.builder.getF32FloatAttr(static_cast<float>(qmax)));
  b.setResult(0, createCast(b.builder, b.loc, q, storage));
  return success();
}

LogicalResult quantizeHandler(OpBinder &b) {
  Value x = b.operand(0);
  if (!x)
    return failure();
  auto xt = cast<RankedTensorType>(x.getType());
  Type et = xt.getElementType();
  FailureOr<int64_t> axisOr = quantizationAxis(b, xt);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  Type storage = b.hasOperand(2) ? b.operandType(2).getElementType()
                                 : IntegerType::get(x.getContext(), 8,
                                                    IntegerType::Unsigned);
  auto it = dyn_cast<IntegerType>(storage);
  if (!it)
    return b.unsupported("a non-integer zero point");
  // ONNX quantizes to 8 and 16 bits.
  if (it.getWidth() > 16)
    return b.unsupported("a " + Twine(it.getWidth()) + "-bit zero point");

  const Folded *scale = b.folded(1);
  const Folded *zp = b.hasOperand(2) ? b.folded(2) : nullptr;
  if (scale && (zp || !b.hasOperand(2))) {
    if (Type qt = quantizedType(storage, et, *scale, zp, axis)) {
      Value q = b.builder.create<quant::QuantizeCastOp>(b.loc, xt.clone(qt), x);
      Value s = b.builder.create<quant::StorageCastOp>(
          b.loc, xt.clone(IntegerType::get(x.getContext(), it.getWidth())), q);
      b.setResult(0, bitcastTo(b.builder, b.loc, s, storage));
      return success();
    }
  }
  return runTimeQuantize(b, x, it, axis);
}

LogicalResult dequantizeHandler(OpBinder &b) {
  Value x = b.operand(0);
  if (!x)
    return failure();
  auto xt = cast<RankedTensorType>(x.getType());
  auto it = dyn_cast<IntegerType>(xt.getElementType());
  if (!it)
    return b.unsupported("a non-integer input");
  int64_t rank = xt.getRank();
  FailureOr<int64_t> axisOr = quantizationAxis(b, xt);
  if (failed(axisOr))
    return failure();
  int64_t axis = *axisOr;
  RankedTensorType scaleType = b.operandType(1);
  Type et = scaleType.getElementType();
  auto outType = xt.clone(et);

  const Folded *scale = b.folded(1);
  const Folded *zp = b.hasOperand(2) ? b.folded(2) : nullptr;
  if (scale && (zp || !b.hasOperand(2)) && it.getWidth() <= 32) {
    if (Type qt = quantizedType(it, et, *scale, zp, axis)) {
      Value s = bitcastTo(b.builder, b.loc, x,
                          IntegerType::get(x.getContext(), it.getWidth()));
      Value q = b.builder.create<quant::StorageCastOp>(b.loc, xt.clone(qt), s);
      b.setResult(0,
                  b.builder.create<quant::DequantizeCastOp>(b.loc, outType, q));
      return success();
    }
  }
  // y = (x - zero_point) * scale
  Value xf = createCast(b.builder, b.loc, x, et);
  if (b.hasOperand(2)) {
    Value z =
        createCast(b.builder, b.loc, paramFor(b, b.operand(2), rank, axis), et);
    xf = b.builder.create<tosa::SubOp>(b.loc, outType, xf, z);
  }
  b.setResult(0, mul(b, xf, paramFor(b, b.operand(1), rank, axis)));
  return success();
}

} // namespace

void tern::onnx_import::populateQuantizationHandlers(HandlerRegistry &r) {
  r.onOp("QuantizeLinear", 13, quantizeHandler);
  r.onOp("DequantizeLinear", 13, dequantizeHandler);
}
