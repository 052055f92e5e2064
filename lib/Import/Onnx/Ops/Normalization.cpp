//===- Normalization.cpp - Softmax and LayerNormalization -----------------===//
//
// Both ONNX ops already are whole transformer operators, so they become
// `tern.softmax` / `tern.layer_norm` directly (over the last dimension; other
// axes are moved there). LayerNormalization's optional Mean / InvStdDev
// outputs are computed with TOSA reductions.
//
//===----------------------------------------------------------------------===//

#include "../Importer.h"

#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace tern::onnx_import;

namespace {

LogicalResult softmaxHandler(OpBinder &b) {
  Value x = b.operand(0);
  if (!x)
    return failure();
  auto t = cast<RankedTensorType>(x.getType());
  if (!isa<FloatType>(t.getElementType()))
    return b.unsupported("non-float input");
  int64_t rank = t.getRank();
  if (rank == 0)
    return b.unsupported("a scalar input");
  int64_t axis = normalizeAxis(b.getInt("axis", -1), rank);
  SmallVector<int64_t> perm;
  for (int64_t i = 0; i < rank; ++i)
    if (i != axis)
      perm.push_back(i);
  perm.push_back(axis);
  Value in = createTranspose(b.builder, b.loc, x, perm);
  Value sm = b.builder.create<tern::SoftmaxOp>(b.loc, in.getType(), in);
  SmallVector<int64_t> inverse(rank);
  for (int64_t i = 0; i < rank; ++i)
    inverse[perm[i]] = i;
  b.setResult(0, createTranspose(b.builder, b.loc, sm, inverse));
  return success();
}

/// A parameter (scale or bias) of the normalized dimensions as [N].
Value flattenParam(OpBinder &b, Value p, ArrayRef<int64_t> normShape,
                   int64_t n) {
  p = broadcastTo(b.builder, b.loc, p, normShape);
  return createReshape(b.builder, b.loc, p, {n});
}

LogicalResult layerNormHandler(OpBinder &b) {
  Value x = b.operand(0), scale = b.operand(1);
  if (!x || !scale)
    return failure();
  auto t = cast<RankedTensorType>(x.getType());
  Type et = t.getElementType();
  if (!isa<FloatType>(et))
    return b.unsupported("non-float input");
  int64_t rank = t.getRank();
  int64_t axis = normalizeAxis(b.getInt("axis", -1), rank);
  float epsilon = b.getFloat("epsilon", 1e-5f);
  ArrayRef<int64_t> shape = t.getShape();
  ArrayRef<int64_t> normShape = shape.drop_front(axis);
  int64_t n = 1;
  for (int64_t d : normShape)
    n *= d;
  SmallVector<int64_t> rows(shape.take_front(axis));
  rows.push_back(n);

  Value x2 = createReshape(b.builder, b.loc, x, rows);
  Value gamma = flattenParam(b, scale, normShape, n);
  Value beta;
  if (b.hasOperand(2))
    beta = flattenParam(b, b.operand(2), normShape, n);
  else
    beta = createConst(b.builder, b.loc, Folded::make({n}, et).toAttr());
  Value y = b.builder.create<tern::LayerNormOp>(
      b.loc, x2.getType(), x2, gamma, beta, b.builder.getF32FloatAttr(epsilon),
      tern::PrecisionAttr::get(b.builder.getContext(), tern::Precision::f32));
  b.setResult(0, createReshape(b.builder, b.loc, y, shape));

  if (!b.hasResult(1) && !b.hasResult(2))
    return success();
  // Mean and InvStdDev keep the normalized dimensions as size 1.
  int64_t last = rows.size() - 1;
  SmallVector<int64_t> statShape(shape.take_front(axis));
  statShape.append(rank - axis, 1);
  SmallVector<int64_t> reduced(rows);
  reduced.back() = 1;
  auto redType = RankedTensorType::get(reduced, et);
  Value invN = createScalar(b.builder, b.loc, et, 1.0 / n, rows.size());
  auto mulOp = [&](Value l, Value r, RankedTensorType type) -> Value {
    return b.builder.create<tosa::MulOp>(b.loc, type, l, r,
                                         b.builder.getI8IntegerAttr(0));
  };
  Value sum = b.builder.create<tosa::ReduceSumOp>(
      b.loc, redType, x2, b.builder.getI32IntegerAttr(last));
  Value mean = mulOp(sum, invN, redType);
  b.setResult(1, createReshape(b.builder, b.loc, mean, statShape));
  if (b.hasResult(2)) {
    Value d = b.builder.create<tosa::SubOp>(b.loc, x2.getType(), x2, mean);
    Value sq = mulOp(d, d, cast<RankedTensorType>(x2.getType()));
    Value var =
        mulOp(b.builder.create<tosa::ReduceSumOp>(
                  b.loc, redType, sq, b.builder.getI32IntegerAttr(last)),
              invN, redType);
    Value eps = createScalar(b.builder, b.loc, et, epsilon, rows.size());
    Value inv = b.builder.create<tosa::RsqrtOp>(
        b.loc, redType,
        b.builder.create<tosa::AddOp>(b.loc, redType, var, eps));
    b.setResult(2, createReshape(b.builder, b.loc, inv, statShape));
  }
  return success();
}

} // namespace

void tern::onnx_import::populateNormalizationHandlers(HandlerRegistry &r) {
  r.onOp("Softmax", 13, softmaxHandler);
  r.onOp("LayerNormalization", 17, layerNormHandler);
}
