//===- TernOps.cpp - graph-level transformer operators --------------------===//
//
// Verifiers for the rules that relate several operands of a `tern` op.
// Dynamic dimensions are accepted wherever a static one is: the importer
// specializes shapes, and a rule is checked once both sides are known.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/TypeUtilities.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/OpImplementation.h"

using namespace mlir;
using namespace tern;
// ODS type constraints from the quant dialect name this type unqualified.
using mlir::quant::UniformQuantizedType;

namespace {

/// True if two dimension sizes may be equal (either is dynamic, or they are).
bool dimsCompatible(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

/// True if two shapes have the same rank and compatible dimensions.
bool shapesCompatible(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip_equal(a, b))
    if (!dimsCompatible(x, y))
      return false;
  return true;
}

std::string shapeString(ArrayRef<int64_t> shape) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << '[';
  llvm::interleave(
      shape, os,
      [&](int64_t d) {
        if (ShapedType::isDynamic(d))
          os << '?';
        else
          os << d;
      },
      ", ");
  os << ']';
  return s;
}

/// Element-wise ops: the result has the input's shape.
LogicalResult verifySameShape(Operation *op, Value input, Value result) {
  auto in = cast<RankedTensorType>(input.getType()).getShape();
  auto out = cast<RankedTensorType>(result.getType()).getShape();
  if (!shapesCompatible(in, out))
    return op->emitOpError("result shape ")
           << shapeString(out) << " must equal the input shape "
           << shapeString(in);
  return success();
}

/// Quantized operands of a matrix op (tern-quantize): both products'
/// operands quantized or neither, only in int precision, and a quantized
/// result only from quantized operands.
LogicalResult verifyQuantizedProduct(Operation *op, Value lhs, Value rhs,
                                     Value result, Precision precision,
                                     StringRef lhsName, StringRef rhsName) {
  auto quantized = [](Value v) {
    return isa<mlir::quant::QuantizedType>(getElementTypeOrSelf(v.getType()));
  };
  bool l = quantized(lhs), r = quantized(rhs);
  if (l != r)
    return op->emitOpError() << lhsName << " and " << rhsName
                             << " must both be quantized or both be float";
  if (l && precision != Precision::integer)
    return op->emitOpError("quantized operands require precision <int>");
  if (quantized(result) && !l)
    return op->emitOpError("a quantized result requires quantized operands");
  return success();
}

} // namespace

//===----------------------------------------------------------------------===//
// LinearOp
//===----------------------------------------------------------------------===//

LogicalResult LinearOp::verify() {
  auto in = getInput().getType().getShape();
  auto w = getWeight().getType().getShape();
  auto out = getResult().getType().getShape();
  if (!dimsCompatible(in.back(), w[0]))
    return emitOpError("weight rows (")
           << w[0] << ") must equal the input's last dimension (" << in.back()
           << ")";
  if (getBias()) {
    int64_t n = getBias().getType().getDimSize(0);
    if (!dimsCompatible(n, w[1]))
      return emitOpError("bias size (")
             << n << ") must equal the weight's columns (" << w[1] << ")";
  }
  SmallVector<int64_t> expected(in.drop_back());
  expected.push_back(w[1]);
  if (!shapesCompatible(out, expected))
    return emitOpError("result shape ")
           << shapeString(out) << " must be " << shapeString(expected);
  if (failed(verifyQuantizedProduct(*this, getInput(), getWeight(),
                                    getResult(), getPrecision(), "input",
                                    "weight")))
    return failure();
  if (getRelu()) {
    auto q = dyn_cast<mlir::quant::UniformQuantizedType>(
        getElementTypeOrSelf(getResult().getType()));
    if (!q || q.getStorageTypeIntegralWidth() != 8)
      return emitOpError("'relu' needs an int8 quantized result (the "
                         "requantizer applies it), got ")
             << getResult().getType();
  }
  Type wElement = getElementTypeOrSelf(getWeight().getType());
  if (auto perAxis = dyn_cast<mlir::quant::UniformQuantizedPerAxisType>(wElement)) {
    if (perAxis.getQuantizedDimension() != 1 ||
        perAxis.getScales().size() != size_t(w[1]))
      return emitOpError("a per-channel weight must have one scale per "
                         "output column (quantized dimension 1, ")
             << w[1] << " scales)";
    if (isa<mlir::quant::QuantizedType>(
            getElementTypeOrSelf(getResult().getType())))
      return emitOpError("a per-channel weight requires a float result "
                         "(the requantization unit takes one multiplier "
                         "per tile)");
  }
  if (Value bias = getBias()) {
    Type bElement = getElementTypeOrSelf(bias.getType());
    if (!isa<mlir::quant::QuantizedType>(bElement))
      return success();
    if (!isa<mlir::quant::QuantizedType>(
            getElementTypeOrSelf(getInput().getType())))
      return emitOpError("a quantized bias requires quantized input and "
                         "weight");
    // Both are quantized (checked above); the input is per tensor (ODS).
    double inScale = cast<mlir::quant::UniformQuantizedType>(
                         getElementTypeOrSelf(getInput().getType()))
                         .getScale();
    auto expected = [&](size_t c) -> double {
      if (auto t = dyn_cast<mlir::quant::UniformQuantizedType>(wElement))
        return inScale * t.getScale();
      return inScale *
             cast<mlir::quant::UniformQuantizedPerAxisType>(wElement)
                 .getScales()[c];
    };
    auto bad = [&](double product, Type got) {
      return emitOpError("a quantized bias must be i32 at the product scale ")
             << product << " (input scale x weight scale), got " << got;
    };
    auto storageBits =
        cast<mlir::quant::QuantizedType>(bElement).getStorageTypeIntegralWidth();
    if (auto t = dyn_cast<mlir::quant::UniformQuantizedType>(bElement)) {
      double product = expected(0);
      if (storageBits != 32 || isa<mlir::quant::UniformQuantizedPerAxisType>(wElement) ||
          std::abs(t.getScale() - product) > 1e-6 * product)
        return bad(product, bElement);
    } else {
      auto perAxis = cast<mlir::quant::UniformQuantizedPerAxisType>(bElement);
      if (!isa<mlir::quant::UniformQuantizedPerAxisType>(wElement) ||
          storageBits != 32 || perAxis.getScales().size() != size_t(w[1]))
        return bad(expected(0), bElement);
      for (size_t c = 0; c < perAxis.getScales().size(); ++c)
        if (std::abs(perAxis.getScales()[c] - expected(c)) >
            1e-6 * expected(c))
          return bad(expected(c), bElement);
    }
  }
  return success();
}

//===----------------------------------------------------------------------===//
// MatMulOp
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  auto lhs = getLhs().getType().getShape();
  auto rhs = getRhs().getType().getShape();
  auto out = getResult().getType().getShape();
  if (lhs.size() != rhs.size())
    return emitOpError("operands must have the same rank (")
           << lhs.size() << " vs " << rhs.size() << ")";
  size_t rank = lhs.size();
  auto batch = lhs.take_front(rank - 2);
  if (!shapesCompatible(batch, rhs.take_front(rank - 2)))
    return emitOpError("batch dimensions ")
           << shapeString(batch) << " and "
           << shapeString(rhs.take_front(rank - 2)) << " must match";
  int64_t m = lhs[rank - 2], k = lhs[rank - 1];
  int64_t rhsK = getTransposeRhs() ? rhs[rank - 1] : rhs[rank - 2];
  int64_t n = getTransposeRhs() ? rhs[rank - 2] : rhs[rank - 1];
  if (!dimsCompatible(k, rhsK))
    return emitOpError("contraction dimensions must match (")
           << k << " vs " << rhsK << ")";
  SmallVector<int64_t> expected(batch);
  expected.append({m, n});
  if (!shapesCompatible(out, expected))
    return emitOpError("result shape ")
           << shapeString(out) << " must be " << shapeString(expected);
  if (!(getScale().convertToDouble() > 0.0))
    return emitOpError("scale must be positive");
  if (failed(verifyQuantizedProduct(*this, getLhs(), getRhs(), getResult(),
                                    getPrecision(), "lhs", "rhs")))
    return failure();
  if (getMask() && isa<mlir::quant::QuantizedType>(
                       getElementTypeOrSelf(getResult().getType())))
    return emitOpError("a masked product must have a float result (the mask "
                       "is added after conversion)");
  if (Value mask = getMask()) {
    auto maskShape = cast<RankedTensorType>(mask.getType()).getShape();
    if (maskShape.size() != out.size())
      return emitOpError("mask rank (")
             << maskShape.size() << ") must equal the result rank ("
             << out.size() << ")";
    for (auto [m, r] : llvm::zip_equal(maskShape, out))
      if (m != 1 && !dimsCompatible(m, r))
        return emitOpError("mask shape ")
               << shapeString(maskShape)
               << " must broadcast to the result shape " << shapeString(out);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// SplitHeadsOp, MergeHeadsOp
//===----------------------------------------------------------------------===//

LogicalResult SplitHeadsOp::verify() {
  auto in = getInput().getType().getShape();
  auto out = getResult().getType().getShape();
  int64_t heads = getHeads();
  if (!ShapedType::isDynamic(in[2]) && in[2] % heads != 0)
    return emitOpError("feature dimension (")
           << in[2] << ") must be a multiple of the head count (" << heads
           << ")";
  int64_t dh = ShapedType::isDynamic(in[2]) ? ShapedType::kDynamic
                                            : in[2] / heads;
  SmallVector<int64_t> expected{in[0], heads, in[1], dh};
  if (!shapesCompatible(out, expected))
    return emitOpError("result shape ")
           << shapeString(out) << " must be " << shapeString(expected);
  return success();
}

LogicalResult PruneTokensOp::verify() {
  auto in = getHidden().getType().getShape();
  auto probs = getProbs().getType().getShape();
  auto out = getResult().getType().getShape();
  auto idx = getIndices().getType().getShape();
  int64_t keep = getKeep();
  if (!dimsCompatible(probs[0], in[0]) || !dimsCompatible(probs[2], in[1]) ||
      !dimsCompatible(probs[3], in[1]))
    return emitOpError("attention probabilities ")
           << shapeString(probs) << " must be [B, H, N, N] for the hidden "
           << "state " << shapeString(in);
  if (!ShapedType::isDynamic(in[1]) && keep > in[1])
    return emitOpError("keeps ") << keep << " tokens of only " << in[1];
  // Threshold selection: a run-time count of up to N rows.
  if (!getThreshold() && getKeyMask())
    return emitOpError("has a key_mask result but no threshold (the count "
                       "is static)");
  if (getThreshold()) {
    if (!getKeyMask())
      return emitOpError("with a threshold needs the key_mask result");
    if (getFuse())
      return emitOpError("fuse is not supported with a threshold");
    if (!ShapedType::isDynamic(in[1]) && keep != in[1])
      return emitOpError("with a threshold keeps a run-time count of up to "
                         "all ")
             << in[1] << " tokens: keep must be " << in[1] << ", got " << keep;
  }
  if (getFuse() && !ShapedType::isDynamic(in[1]) && keep == in[1])
    return emitOpError("fuses the pruned tokens but keeps all ")
           << keep << " (nothing to fuse)";
  SmallVector<int64_t> expected{in[0], keep + (getFuse() ? 1 : 0), in[2]};
  if (!shapesCompatible(out, expected))
    return emitOpError("result shape ")
           << shapeString(out) << " must be " << shapeString(expected);
  if (getResult().getType().getElementType() !=
      getHidden().getType().getElementType())
    return emitOpError("result element type must equal the hidden state's");
  SmallVector<int64_t> expectedIdx{in[0], keep};
  if (!shapesCompatible(idx, expectedIdx))
    return emitOpError("indices shape ")
           << shapeString(idx) << " must be " << shapeString(expectedIdx);
  Value mask = getKeyMask();
  if (!getThreshold())
    return success();
  auto maskShape = cast<ShapedType>(mask.getType()).getShape();
  SmallVector<int64_t> expectedMask{in[0], 1, 1, keep};
  if (!shapesCompatible(maskShape, expectedMask))
    return emitOpError("key_mask shape ")
           << shapeString(maskShape) << " must be "
           << shapeString(expectedMask);
  return success();
}

LogicalResult MergeHeadsOp::verify() {
  auto in = getInput().getType().getShape();
  auto out = getResult().getType().getShape();
  int64_t features = ShapedType::isDynamic(in[1]) || ShapedType::isDynamic(in[3])
                         ? ShapedType::kDynamic
                         : in[1] * in[3];
  SmallVector<int64_t> expected{in[0], in[2], features};
  if (!shapesCompatible(out, expected))
    return emitOpError("result shape ")
           << shapeString(out) << " must be " << shapeString(expected);
  return success();
}

//===----------------------------------------------------------------------===//
// LayerNormOp, SoftmaxOp, element-wise ops
//===----------------------------------------------------------------------===//

LogicalResult LayerNormOp::verify() {
  auto in = getInput().getType().getShape();
  if (in.empty())
    return emitOpError("input must have rank >= 1");
  for (Value param : {getGamma(), getBeta()}) {
    int64_t n = cast<RankedTensorType>(param.getType()).getDimSize(0);
    if (!dimsCompatible(n, in.back()))
      return emitOpError("gamma and beta must have the size of the "
                         "normalized (last) dimension (")
             << in.back() << "), got " << n;
  }
  return verifySameShape(*this, getInput(), getResult());
}

LogicalResult SoftmaxOp::verify() {
  if (getInput().getType().getRank() == 0)
    return emitOpError("input must have rank >= 1");
  return verifySameShape(*this, getInput(), getResult());
}

LogicalResult LogSoftmaxOp::verify() {
  if (getInput().getType().getRank() == 0)
    return emitOpError("input must have rank >= 1");
  return verifySameShape(*this, getInput(), getResult());
}

LogicalResult GeluOp::verify() {
  return verifySameShape(*this, getInput(), getResult());
}

LogicalResult ReluOp::verify() {
  return verifySameShape(*this, getInput(), getResult());
}

LogicalResult ToIntOp::verify() {
  auto lhs = cast<RankedTensorType>(getInput1().getType()),
       rhs = cast<RankedTensorType>(getInput2().getType()),
       out = cast<RankedTensorType>(getResult().getType());
  Type r = out.getElementType();
  if (!r.isSignlessInteger(32) && !r.isSignlessInteger(64))
    return emitOpError("result must be an int32 or int64 tensor, got ") << r;
  if (!isa<FloatType>(rhs.getElementType()))
    return emitOpError("input2 must be a float tensor, got ")
           << rhs.getElementType();
  Type l = lhs.getElementType();
  if (!isa<FloatType>(l) &&
      !(getKind() == ToIntKind::pow && isa<IntegerType>(l)))
    return emitOpError("input1 must be a float tensor (an integer base is "
                       "pow's only), got ")
           << l;
  for (RankedTensorType t : {lhs, rhs}) {
    bool broadcasts = t.getRank() == out.getRank();
    for (int64_t d = 0; broadcasts && d < t.getRank(); ++d)
      broadcasts = t.getDimSize(d) == 1 || t.getDimSize(d) == out.getDimSize(d);
    if (!broadcasts)
      return emitOpError("operand ")
             << t << " does not broadcast to the result " << out
             << " (equal ranks, each dimension equal or 1)";
  }
  return success();
}

LogicalResult RequantizeOp::verify() {
  for (Value v : {getInput(), getResult()}) {
    auto q = dyn_cast<mlir::quant::UniformQuantizedType>(
        getElementTypeOrSelf(v.getType()));
    if (!q || q.getZeroPoint() != 0 || !q.isSigned() ||
        (q.getStorageTypeIntegralWidth() != 8 &&
         q.getStorageTypeIntegralWidth() != 32))
      return emitOpError("operand and result must be symmetric (zero point "
                         "0) per-tensor quantized i8 or i32, got ")
             << getElementTypeOrSelf(v.getType());
  }
  return success();
}

#define GET_OP_CLASSES
#include "Tern/TernOps.cpp.inc"
