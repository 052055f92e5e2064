//===- Normalization.cpp - Softmax, LayerNormalization, BatchNormalization ===//
//
// Softmax, LogSoftmax and LayerNormalization already are whole transformer
// operators, so they become `tern.softmax` / `tern.log_softmax` /
// `tern.layer_norm` directly (over the last dimension; other axes are moved
// there). LayerNormalization's optional Mean / InvStdDev outputs are
// computed with TOSA reductions.
// BatchNormalization in inference mode is an affine map per channel whose
// coefficients are folded at import time: y = x * a + c; in training mode
// the channels become rows, normalized by tern.layer_norm, with the batch
// statistics and running averages from TOSA row sums.
//
//===----------------------------------------------------------------------===//

#include "../Importer.h"

#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

#include <cmath>

using namespace mlir;
using namespace tern::onnx_import;

namespace {

/// Softmax and LogSoftmax (opset 13: one axis): the op over the last
/// dimension, the axis moved there and back.
template <typename SoftmaxLikeOp> LogicalResult softmaxHandler(OpBinder &b) {
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
  Value sm = b.builder.create<SoftmaxLikeOp>(b.loc, in.getType(), in);
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

/// Inference-mode BatchNormalization over channel axis 1 of any rank >= 2:
/// y = x * a + c with a = scale / sqrt(var + epsilon), c = B - mean * a,
/// computed in double at import time and broadcast as [1, C, 1, ...].
LogicalResult batchNormTraining(OpBinder &b, Value x,
                                const Folded *const params[4],
                                double epsilon);

LogicalResult batchNormHandler(OpBinder &b) {
  bool training = b.getInt("training_mode", 0) != 0;
  if (!training)
    for (unsigned i = 1; i < b.getNumResults(); ++i)
      if (b.hasResult(i))
        return b.unsupported(
            "running mean / variance outputs (training only)");
  if (b.getNumOperands() != 5)
    return b.unsupported("expected 5 operands (X, scale, B, mean, var)");
  auto t = b.operandType(0);
  if (!t)
    return failure();
  Type et = t.getElementType();
  if (!isa<FloatType>(et))
    return b.unsupported("non-float input");
  int64_t rank = t.getRank();
  if (rank < 2)
    return b.unsupported("an input of rank < 2 (no channel axis)");
  int64_t channels = t.getDimSize(1);
  static const char *names[] = {"scale", "B", "input_mean", "input_var"};
  const Folded *params[4];
  for (unsigned i = 0; i < 4; ++i) {
    params[i] = b.foldedParam(i + 1);
    if (!params[i])
      return b.unsupported(Twine("operand '") + names[i] + "' ('" +
                           b.node.input(i + 1) +
                           "') is not a constant; only constant parameters "
                           "are imported");
    if (!params[i]->isFloat() || params[i]->shape.size() != 1 ||
        params[i]->shape[0] != channels)
      return b.unsupported(Twine("operand '") + names[i] +
                           "' must be a float vector of " + Twine(channels) +
                           " channels");
  }
  Value x = b.operand(0);
  if (!x)
    return failure();
  double epsilon = b.getFloat("epsilon", 1e-5f);
  if (training)
    return batchNormTraining(b, x, params, epsilon);
  SmallVector<int64_t> paramShape(rank, 1);
  paramShape[1] = channels;
  Folded a = Folded::make(paramShape, et), c = Folded::make(paramShape, et);
  for (int64_t ch = 0; ch < channels; ++ch) {
    double var = params[3]->getAsDouble(ch);
    if (var + epsilon <= 0)
      return b.unsupported("a non-positive variance + epsilon at channel " +
                           Twine(ch));
    double ai = params[0]->getAsDouble(ch) / std::sqrt(var + epsilon);
    a.set(ch, ai);
    c.set(ch, params[1]->getAsDouble(ch) - params[2]->getAsDouble(ch) * ai);
  }
  Value scaled = b.builder.create<tosa::MulOp>(
      b.loc, t, x, createConst(b.builder, b.loc, a.toAttr()),
      b.builder.getI8IntegerAttr(0));
  b.setResult(0,
              b.builder.create<tosa::AddOp>(
                  b.loc, t, scaled, createConst(b.builder, b.loc, c.toAttr())));
  return success();
}

/// Training-mode BatchNormalization: batch statistics over every axis but
/// the channel axis 1. The channels become rows ([C, M], M the other
/// dimensions' product), so that the normalization is a tern.layer_norm of
/// each row (biased variance, epsilon; f32 inside, one rounding) followed
/// by the per-channel scale and bias, and the statistics are row sums:
///   saved_mean = sum(x) / M, saved_var = sum((x - saved_mean)^2) / M,
///   running_mean = input_mean * momentum + saved_mean * (1 - momentum),
///   running_var = input_var * momentum + saved_var * (1 - momentum)
/// (ONNX's reference; input_mean * momentum is folded here).
LogicalResult batchNormTraining(OpBinder &b, Value x,
                                const Folded *const params[4],
                                double epsilon) {
  OpBuilder &builder = b.builder;
  Location loc = b.loc;
  auto t = cast<RankedTensorType>(x.getType());
  Type et = t.getElementType();
  int64_t rank = t.getRank(), channels = t.getDimSize(1);
  int64_t m = t.getNumElements() / channels;
  double momentum = b.getFloat("momentum", 0.9f);
  SmallVector<int64_t> perm = {1, 0};
  for (int64_t i = 2; i < rank; ++i)
    perm.push_back(i);
  Value moved = createTranspose(builder, loc, x, perm);
  auto movedShape = cast<RankedTensorType>(moved.getType()).getShape();
  Value rows = createReshape(builder, loc, moved, {channels, m});
  auto rowsType = cast<RankedTensorType>(rows.getType());
  auto colType = RankedTensorType::get({channels, 1}, et);
  auto mul = [&](Value l, Value r, RankedTensorType type) -> Value {
    return builder.create<tosa::MulOp>(loc, type, l, r,
                                       builder.getI8IntegerAttr(0));
  };
  auto column = [&](const Folded &p, auto fn) {
    Folded c = Folded::make({channels, 1}, et);
    for (int64_t ch = 0; ch < channels; ++ch)
      c.set(ch, fn(p.getAsDouble(ch)));
    return createConst(builder, loc, c.toAttr());
  };
  auto identity = [](double v) { return v; };

  // y: each channel row normalized, then scaled and shifted.
  Value ones = createConst(builder, loc, [&] {
    Folded f = Folded::make({m}, et);
    for (int64_t i = 0; i < m; ++i)
      f.set(i, 1.0);
    return f.toAttr();
  }());
  Value zeros = createConst(builder, loc, Folded::make({m}, et).toAttr());
  Value normalized = builder.create<tern::LayerNormOp>(
      loc, rowsType, rows, ones, zeros,
      builder.getF32FloatAttr(static_cast<float>(epsilon)),
      tern::PrecisionAttr::get(builder.getContext(), tern::Precision::f32));
  Value scaled = mul(normalized, column(*params[0], identity), rowsType);
  Value shifted = builder.create<tosa::AddOp>(
      loc, rowsType, scaled, column(*params[1], identity));
  SmallVector<int64_t> inverse(rank);
  for (int64_t i = 0; i < rank; ++i)
    inverse[perm[i]] = i;
  b.setResult(0, createTranspose(
                     builder, loc,
                     createReshape(builder, loc, shifted, movedShape),
                     inverse));
  if (!b.hasResult(1) && !b.hasResult(2))
    return success();

  // The batch statistics (two passes: the variance of x - mean).
  Value invM = createScalar(builder, loc, et, 1.0 / m, 2);
  Value mean = mul(builder.create<tosa::ReduceSumOp>(
                       loc, colType, rows, builder.getI32IntegerAttr(1)),
                   invM, colType);
  Value d = builder.create<tosa::SubOp>(loc, rowsType, rows, mean);
  Value var = mul(builder.create<tosa::ReduceSumOp>(
                      loc, colType, mul(d, d, rowsType),
                      builder.getI32IntegerAttr(1)),
                  invM, colType);
  Value keep = createScalar(builder, loc, et, 1.0 - momentum, 2);
  auto running = [&](Value stat, const Folded &input) {
    Value update = builder.create<tosa::AddOp>(
        loc, colType, mul(stat, keep, colType),
        column(input, [&](double v) { return v * momentum; }));
    return createReshape(builder, loc, update, {channels});
  };
  if (b.hasResult(1))
    b.setResult(1, running(mean, *params[2]));
  if (b.hasResult(2))
    b.setResult(2, running(var, *params[3]));
  return success();
}

} // namespace

void tern::onnx_import::populateNormalizationHandlers(HandlerRegistry &r) {
  r.onOp("Softmax", 13, softmaxHandler<tern::SoftmaxOp>);
  r.onOp("LogSoftmax", 13, softmaxHandler<tern::LogSoftmaxOp>);
  r.onOp("LayerNormalization", 17, layerNormHandler);
  r.onOp("BatchNormalization", 15, batchNormHandler);
}
