//===- Quantization.cpp - quantized types of tern IR ----------------------===//

#include "tern/Dialect/Tern/IR/Quantization.h"

#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"

#include <algorithm>

using namespace mlir;

namespace mq = mlir::quant;
namespace tq = tern::quant;

static std::string locationName(Location loc) {
  if (auto name = dyn_cast<NameLoc>(loc))
    return name.getName().str();
  if (auto fused = dyn_cast<FusedLoc>(loc))
    for (Location inner : fused.getLocations())
      if (std::string n = locationName(inner); !n.empty())
        return n;
  if (auto callSite = dyn_cast<CallSiteLoc>(loc))
    return locationName(callSite.getCallee());
  return "";
}

std::string tern::operatorName(Operation *op) {
  return locationName(op->getLoc());
}

bool tern::isLayoutOp(Operation *op) {
  return isa_and_nonnull<SplitHeadsOp, MergeHeadsOp, tosa::ReshapeOp,
                         tosa::TransposeOp>(op);
}

std::optional<tq::Range> tern::findCalibratedRange(Value value) {
  while (true) {
    DenseF64ArrayAttr attr;
    if (auto arg = dyn_cast<BlockArgument>(value)) {
      auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
      if (!func)
        return std::nullopt;
      attr = func.getArgAttrOfType<DenseF64ArrayAttr>(arg.getArgNumber(),
                                                      kRangeAttr);
    } else {
      Operation *def = value.getDefiningOp();
      attr = def->getAttrOfType<DenseF64ArrayAttr>(kRangeAttr);
      if (!attr && isLayoutOp(def)) {
        value = def->getOperand(0);
        continue;
      }
    }
    if (!attr || attr.size() != 2)
      return std::nullopt;
    return tq::Range{attr[0], attr[1]};
  }
}

std::optional<SmallVector<float>> tern::readF32Elements(Attribute attr) {
  if (!attr)
    return std::nullopt;
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (!dense.getElementType().isF32())
      return std::nullopt;
    auto values = dense.getValues<float>();
    return SmallVector<float>(values.begin(), values.end());
  }
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data)
      return std::nullopt;
    return SmallVector<float>(data->begin(), data->end());
  }
  return std::nullopt;
}

std::optional<tq::Range> tern::constantRange(Value value) {
  Operation *def = value.getDefiningOp();
  while (isLayoutOp(def))
    def = def->getOperand(0).getDefiningOp();
  Attribute attr;
  if (auto c = dyn_cast_or_null<tosa::ConstOp>(def))
    attr = c.getValue();
  else if (auto c = dyn_cast_or_null<arith::ConstantOp>(def))
    attr = c.getValue();
  std::optional<SmallVector<float>> values = readF32Elements(attr);
  if (!values || values->empty())
    return std::nullopt;
  auto [lo, hi] = std::minmax_element(values->begin(), values->end());
  return tq::Range{*lo, *hi};
}

mq::UniformQuantizedType tern::uniformType(MLIRContext *ctx,
                                           const tq::QuantParams &params) {
  // Narrow widths get a storage type of their own (i4, i6): the GEMM reads
  // the operand width from it, and the program file packs such constants.
  unsigned storageBits = params.bits < 8 ? params.bits : 8;
  return mq::UniformQuantizedType::get(
      mq::QuantizationFlags::Signed, IntegerType::get(ctx, storageBits),
      Float32Type::get(ctx), params.scale, params.zeroPoint, params.qmin,
      params.qmax);
}

std::optional<SmallVector<float>> tern::constantMatrix(Value value) {
  Operation *def = value.getDefiningOp();
  bool transposed = false;
  if (auto t = dyn_cast_or_null<tosa::TransposeOp>(def)) {
    SmallVector<int64_t> perms;
    if (failed(t.getConstantPerms(perms)) ||
        perms != SmallVector<int64_t>{1, 0})
      return std::nullopt;
    transposed = true;
    def = t.getInput1().getDefiningOp();
  }
  Attribute attr;
  if (auto c = dyn_cast_or_null<tosa::ConstOp>(def))
    attr = c.getValue();
  else if (auto c = dyn_cast_or_null<arith::ConstantOp>(def))
    attr = c.getValue();
  std::optional<SmallVector<float>> values = readF32Elements(attr);
  auto type = dyn_cast<RankedTensorType>(value.getType());
  if (!values || !type || type.getRank() != 2 || !type.hasStaticShape() ||
      int64_t(values->size()) != type.getNumElements())
    return std::nullopt;
  if (!transposed)
    return values;
  // `value` is [rows, cols]; the constant is [cols, rows].
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  SmallVector<float> out(values->size());
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      out[r * cols + c] = (*values)[c * rows + r];
  return out;
}

mq::UniformQuantizedPerAxisType
tern::perColumnType(MLIRContext *ctx, ArrayRef<tq::QuantParams> columns) {
  SmallVector<double> scales;
  SmallVector<int64_t> zeroPoints;
  for (const tq::QuantParams &p : columns) {
    scales.push_back(p.scale);
    zeroPoints.push_back(p.zeroPoint);
  }
  const tq::QuantParams &first = columns.front();
  unsigned storageBits = first.bits < 8 ? first.bits : 8;
  return mq::UniformQuantizedPerAxisType::get(
      mq::QuantizationFlags::Signed, IntegerType::get(ctx, storageBits),
      Float32Type::get(ctx), scales, zeroPoints, /*quantizedDimension=*/1,
      first.qmin, first.qmax);
}

mq::UniformQuantizedPerAxisType
tern::perColumnBiasType(MLIRContext *ctx, ArrayRef<double> scales) {
  SmallVector<int64_t> zeroPoints(scales.size(), 0);
  return mq::UniformQuantizedPerAxisType::get(
      mq::QuantizationFlags::Signed, IntegerType::get(ctx, 32),
      Float32Type::get(ctx), scales, zeroPoints, /*quantizedDimension=*/0,
      std::numeric_limits<int32_t>::min(), std::numeric_limits<int32_t>::max());
}

mq::UniformQuantizedType tern::biasType(MLIRContext *ctx, double scale) {
  return mq::UniformQuantizedType::get(
      mq::QuantizationFlags::Signed, IntegerType::get(ctx, 32),
      Float32Type::get(ctx), scale, 0, std::numeric_limits<int32_t>::min(),
      std::numeric_limits<int32_t>::max());
}

tq::QuantParams tern::paramsOf(mq::UniformQuantizedType type) {
  tq::QuantParams p;
  p.scale = type.getScale();
  p.zeroPoint = type.getZeroPoint();
  p.bits = type.getStorageTypeIntegralWidth();
  p.qmin = type.getStorageTypeMin();
  p.qmax = type.getStorageTypeMax();
  return p;
}

FailureOr<Value> tern::foldQdqClip(mlir::quant::DequantizeCastOp dcast,
                                   tosa::ClampOp clamp, std::string &why) {
  auto type = dyn_cast<mq::UniformQuantizedType>(
      getElementTypeOrSelf(dcast.getArg().getType()));
  int64_t clipLo = clamp.getMinIntAttr().getInt(),
          clipHi = clamp.getMaxIntAttr().getInt();
  auto refuse = [&](const Twine &reason) -> FailureOr<Value> {
    llvm::raw_string_ostream os(why);
    os << "clipped by QuantizeLinear -> Clip -> DequantizeLinear (Clip ["
       << clipLo << ", " << clipHi << "] of ";
    if (type)
      os << "'" << type << "'";
    else
      os << "'" << dcast.getArg().getType() << "'";
    os << "): " << reason;
    return failure();
  };
  if (!type || type.getStorageTypeIntegralWidth() != 8)
    return refuse("only 8-bit per-tensor codes take a Clip");
  Value in = clamp.getInput();
  if (auto bc = in.getDefiningOp<tensor::BitcastOp>())
    in = bc.getSource();
  auto inner = in.getDefiningOp<mq::StorageCastOp>();
  auto qcast =
      inner ? inner.getArg().getDefiningOp<mq::QuantizeCastOp>() : nullptr;
  if (!qcast || getElementTypeOrSelf(qcast.getType()) != type)
    return refuse("the Clip's input is not a QuantizeLinear with the "
                  "DequantizeLinear's scale and zero point");
  int64_t lo = std::max<int64_t>(clipLo, type.getStorageTypeMin());
  int64_t hi = std::min<int64_t>(clipHi, type.getStorageTypeMax());
  if (lo > hi)
    return refuse("an empty range");
  if (lo == type.getStorageTypeMin() && hi == type.getStorageTypeMax()) {
    dcast.getArgMutable().assign(qcast.getResult()); // a Clip of no effect
    return Value(qcast.getResult());
  }
  if (type.getZeroPoint() != 0 || !type.isSigned())
    return refuse("a narrow range with a zero point (or uint8 codes) is not "
                  "executed; only symmetric int8 codes (zero point 0) take a "
                  "narrower Clip");
  if (!tq::saturationBits(lo, hi))
    return refuse("the range is neither [-2^(b-1), 2^(b-1)-1] nor "
                  "+-(2^(b-1)-1) for b = 2..8, the ranges the exact quantizer "
                  "(cvt.f2i) saturates to");
  auto narrow = mq::UniformQuantizedType::get(
      type.getFlags(), type.getStorageType(), type.getExpressedType(),
      type.getScale(), type.getZeroPoint(), lo, hi);
  OpBuilder b(dcast);
  auto shaped = cast<RankedTensorType>(qcast.getType());
  Value narrowed = b.create<mq::QuantizeCastOp>(
      qcast.getLoc(), shaped.clone(narrow), qcast.getArg());
  dcast.getArgMutable().assign(narrowed);
  return narrowed;
}
