//===- Reductions.cpp - ReduceMean / ReduceSum / ReduceMax / ReduceMin ----===//
//
// TOSA reduces one axis at a time and keeps it (size 1); several axes become
// a chain, keepdims = 0 a final reshape, and ReduceMean a sum times 1/count
// (TOSA 19 has no reduce_mean).
//
//===----------------------------------------------------------------------===//

#include "../Importer.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace tern::onnx_import;

namespace {

enum class ReduceKind { Sum, Mean, Max, Min };

template <ReduceKind kind> LogicalResult reduceHandler(OpBinder &b) {
  Value x = b.operand(0);
  if (!x)
    return failure();
  auto t = cast<RankedTensorType>(x.getType());
  int64_t rank = t.getRank();
  // ReduceSum takes its axes as an operand since opset 13, the others as an
  // attribute until opset 18.
  std::optional<SmallVector<int64_t>> axes;
  if (kind == ReduceKind::Sum && b.hasOperand(1)) {
    axes = b.constInts(1);
    if (!axes)
      return b.unsupported("axes that are not known at import time");
  } else if (kind != ReduceKind::Sum) {
    axes = b.getInts("axes");
  }
  if (!axes || axes->empty()) {
    if (kind == ReduceKind::Sum && b.getInt("noop_with_empty_axes", 0)) {
      b.setResult(0, x);
      return success();
    }
    axes.emplace();
    for (int64_t i = 0; i < rank; ++i)
      axes->push_back(i);
  }
  for (int64_t &a : *axes)
    a = normalizeAxis(a, rank);
  llvm::sort(*axes);
  axes->erase(std::unique(axes->begin(), axes->end()), axes->end());

  SmallVector<int64_t> shape(t.getShape());
  Value result = x;
  int64_t count = 1;
  for (int64_t a : *axes) {
    count *= shape[a];
    shape[a] = 1;
    auto type = withShape(x, shape);
    auto axisAttr = b.builder.getI32IntegerAttr(a);
    if (kind == ReduceKind::Max)
      result =
          b.builder.create<tosa::ReduceMaxOp>(b.loc, type, result, axisAttr);
    else if (kind == ReduceKind::Min)
      result =
          b.builder.create<tosa::ReduceMinOp>(b.loc, type, result, axisAttr);
    else
      result =
          b.builder.create<tosa::ReduceSumOp>(b.loc, type, result, axisAttr);
  }
  if (kind == ReduceKind::Mean) {
    if (!isa<FloatType>(t.getElementType()))
      return b.unsupported("ReduceMean of integers");
    Value inv = createScalar(b.builder, b.loc, t.getElementType(),
                             1.0 / static_cast<double>(count), rank);
    result = b.builder.create<tosa::MulOp>(b.loc, result.getType(), result, inv,
                                           b.builder.getI8IntegerAttr(0));
  }
  if (!b.getInt("keepdims", 1)) {
    SmallVector<int64_t> kept;
    for (int64_t i = 0; i < rank; ++i)
      if (!llvm::is_contained(*axes, i))
        kept.push_back(shape[i]);
    result = createReshape(b.builder, b.loc, result, kept);
  }
  b.setResult(0, result);
  return success();
}

} // namespace

void tern::onnx_import::populateReductionHandlers(HandlerRegistry &r) {
  r.onOp("ReduceSum", 13, reduceHandler<ReduceKind::Sum>);
  r.onOp("ReduceMean", 13, reduceHandler<ReduceKind::Mean>);
  r.onOp("ReduceMax", 13, reduceHandler<ReduceKind::Max>);
  r.onOp("ReduceMin", 13, reduceHandler<ReduceKind::Min>);
}
