//===- TosaHelpers.cpp - small TOSA builders for the op handlers ----------===//
//
// TOSA in MLIR 19 wants equal operand ranks for element-wise ops, rank-3
// tosa.matmul / tosa.gather and constant operands for transposes; these
// helpers do that bookkeeping so each handler reads like the ONNX semantics.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace tern::onnx_import;

int64_t tern::onnx_import::normalizeAxis(int64_t axis, int64_t rank) {
  if (axis < -rank || axis >= rank)
    throw InvalidNode("axis " + std::to_string(axis) +
                      " is out of range for a tensor of rank " +
                      std::to_string(rank));
  return axis < 0 ? axis + rank : axis;
}

RankedTensorType tern::onnx_import::withShape(Value v,
                                              ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape,
                               cast<ShapedType>(v.getType()).getElementType());
}

Value tern::onnx_import::createConst(OpBuilder &b, Location loc,
                                     ElementsAttr attr) {
  return b.create<tosa::ConstOp>(loc, attr.getType(), attr);
}

Value tern::onnx_import::createScalar(OpBuilder &b, Location loc,
                                      Type elementType, double value,
                                      int64_t rank) {
  Folded f = Folded::make(SmallVector<int64_t>(rank, 1), elementType);
  f.set(0, value);
  return createConst(b, loc, f.toAttr());
}

Value tern::onnx_import::createReshape(OpBuilder &b, Location loc, Value v,
                                       ArrayRef<int64_t> shape) {
  if (cast<ShapedType>(v.getType()).getShape() == shape)
    return v;
  // Small inline constants (scalars of ONNX arithmetic) are reshaped at
  // import time, so patterns see `tosa.const` operands directly.
  if (auto cst = v.getDefiningOp<tosa::ConstOp>())
    if (auto dense = dyn_cast<DenseElementsAttr>(cst.getValue()))
      if (dense.getNumElements() <= 4096)
        return createConst(b, v.getLoc(), dense.reshape(withShape(v, shape)));
  return b.create<tosa::ReshapeOp>(loc, withShape(v, shape), v,
                                   b.getDenseI64ArrayAttr(shape));
}

Value tern::onnx_import::expandRank(OpBuilder &b, Location loc, Value v,
                                    int64_t rank) {
  auto shape = cast<ShapedType>(v.getType()).getShape();
  if (static_cast<int64_t>(shape.size()) >= rank)
    return v;
  SmallVector<int64_t> newShape(rank - shape.size(), 1);
  newShape.append(shape.begin(), shape.end());
  return createReshape(b, loc, v, newShape);
}

Value tern::onnx_import::createTranspose(OpBuilder &b, Location loc, Value v,
                                         ArrayRef<int64_t> perm) {
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i)
    identity &= perm[i] == static_cast<int64_t>(i);
  if (identity)
    return v;
  auto shape = cast<ShapedType>(v.getType()).getShape();
  SmallVector<int64_t> outShape;
  SmallVector<int32_t> perm32;
  for (int64_t p : perm) {
    outShape.push_back(shape[p]);
    perm32.push_back(static_cast<int32_t>(p));
  }
  auto permType = RankedTensorType::get({static_cast<int64_t>(perm.size())},
                                        b.getI32Type());
  Value perms = b.create<tosa::ConstOp>(
      loc, permType, DenseIntElementsAttr::get(permType, perm32));
  return b.create<tosa::TransposeOp>(loc, withShape(v, outShape), v, perms);
}

Value tern::onnx_import::broadcastTo(OpBuilder &b, Location loc, Value v,
                                     ArrayRef<int64_t> shape) {
  v = expandRank(b, loc, v, shape.size());
  auto inShape = cast<ShapedType>(v.getType()).getShape();
  SmallVector<int64_t> multiples;
  bool needed = false;
  for (size_t i = 0; i < shape.size(); ++i) {
    int64_t m = inShape[i] == shape[i] ? 1 : shape[i];
    needed |= m != 1;
    multiples.push_back(m);
  }
  if (!needed)
    return v;
  return b.create<tosa::TileOp>(loc, withShape(v, shape), v,
                                b.getDenseI64ArrayAttr(multiples));
}

Value tern::onnx_import::createSlice(OpBuilder &b, Location loc, Value v,
                                     ArrayRef<int64_t> start,
                                     ArrayRef<int64_t> size) {
  auto shape = cast<ShapedType>(v.getType()).getShape();
  bool whole = true;
  for (size_t i = 0; i < shape.size(); ++i)
    whole &= start[i] == 0 && size[i] == shape[i];
  if (whole)
    return v;
  return b.create<tosa::SliceOp>(loc, withShape(v, size), v,
                                 b.getDenseI64ArrayAttr(start),
                                 b.getDenseI64ArrayAttr(size));
}

Value tern::onnx_import::gatherAlongAxis(OpBuilder &b, Location loc, Value v,
                                         int64_t axis,
                                         ArrayRef<int64_t> indices) {
  auto shape = cast<ShapedType>(v.getType()).getShape();
  int64_t outer = 1, inner = 1;
  for (int64_t i = 0; i < axis; ++i)
    outer *= shape[i];
  for (size_t i = axis + 1; i < shape.size(); ++i)
    inner *= shape[i];
  int64_t w = indices.size();
  // tosa.gather: values [N, K, C], indices [N, W] -> [N, W, C].
  Value values = createReshape(b, loc, v, {outer, shape[axis], inner});
  SmallVector<int32_t> idx;
  idx.reserve(outer * w);
  for (int64_t n = 0; n < outer; ++n)
    for (int64_t i : indices)
      idx.push_back(static_cast<int32_t>(i));
  auto idxType = RankedTensorType::get({outer, w}, b.getI32Type());
  Value idxConst = b.create<tosa::ConstOp>(
      loc, idxType, DenseIntElementsAttr::get(idxType, idx));
  Value gathered = b.create<tosa::GatherOp>(
      loc, withShape(v, {outer, w, inner}), values, idxConst);
  SmallVector<int64_t> outShape(shape);
  outShape[axis] = w;
  return createReshape(b, loc, gathered, outShape);
}

Value tern::onnx_import::createCast(OpBuilder &b, Location loc, Value v,
                                    Type elementType) {
  auto type = cast<RankedTensorType>(v.getType());
  if (type.getElementType() == elementType)
    return v;
  return b.create<tosa::CastOp>(loc, type.clone(elementType), v);
}

/// tosa.clamp with float and integer bounds derived from [lo, hi].
Value tern::onnx_import::createClamp(OpBuilder &builder, Location loc, Value x,
                                     double lo, double hi) {
  auto clampInt = [](double v) -> int64_t {
    if (v <= static_cast<double>(std::numeric_limits<int64_t>::min()))
      return std::numeric_limits<int64_t>::min();
    if (v >= static_cast<double>(std::numeric_limits<int64_t>::max()))
      return std::numeric_limits<int64_t>::max();
    return static_cast<int64_t>(v);
  };
  auto clampF = [](double v) -> float {
    double m = std::numeric_limits<float>::max();
    return static_cast<float>(std::max(-m, std::min(m, v)));
  };
  return builder.create<tosa::ClampOp>(
      loc, x.getType(), x, builder.getI64IntegerAttr(clampInt(lo)),
      builder.getI64IntegerAttr(clampInt(hi)),
      builder.getF32FloatAttr(clampF(lo)), builder.getF32FloatAttr(clampF(hi)));
}
