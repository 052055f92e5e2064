//===- RaiseUtils.cpp - matching helpers for the raising passes -----------===//

#include "RaiseUtils.h"

#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

bool tern::raise::isConstantLike(Value v) {
  for (int depth = 0; depth < 16; ++depth) {
    Operation *op = v.getDefiningOp();
    if (!op)
      return false;
    if (isa<tosa::ConstOp>(op))
      return true;
    if (!isa<tosa::ReshapeOp, tosa::TransposeOp, tosa::CastOp,
             quant::DequantizeCastOp, quant::StorageCastOp,
             quant::QuantizeCastOp, tensor::BitcastOp>(op))
      return false;
    // tosa.transpose's permutation operand is itself a constant.
    v = op->getOperand(0);
  }
  return false;
}

Value tern::raise::asVector(PatternRewriter &rewriter, Location loc, Value v,
                            int64_t n) {
  auto t = cast<RankedTensorType>(v.getType());
  if (t.getRank() == 1)
    return v;
  if (auto r = v.getDefiningOp<tosa::ReshapeOp>())
    if (cast<RankedTensorType>(r.getInput1().getType()).getRank() == 1)
      return r.getInput1();
  auto type = RankedTensorType::get({n}, t.getElementType());
  if (auto cst = v.getDefiningOp<tosa::ConstOp>())
    if (auto dense = dyn_cast<DenseElementsAttr>(cst.getValue()))
      return rewriter.create<tosa::ConstOp>(loc, type, dense.reshape(type));
  return rewriter.create<tosa::ReshapeOp>(loc, type, v,
                                          rewriter.getDenseI64ArrayAttr({n}));
}

Value tern::raise::createSplat(PatternRewriter &rewriter, Location loc,
                               RankedTensorType type, double value) {
  auto ft = cast<FloatType>(type.getElementType());
  APFloat f(value);
  bool losesInfo;
  f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven, &losesInfo);
  return rewriter.create<tosa::ConstOp>(loc, type,
                                        DenseElementsAttr::get(type, f));
}
