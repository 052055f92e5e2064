//===- MatMulConv.cpp - MatMul, Gemm and Conv -----------------------------===//
//
// Matrix products become rank-3 tosa.matmul ([batch, M, K] x [batch, K, N]),
// the only form TOSA 19 has. A 2-D right operand (a weight) is not broadcast
// over the batch: the left operand's batch folds into M instead, which is the
// shape the linear-raising pass recognizes. Conv (2-D, the patch embedding)
// becomes NHWC tosa.conv2d between transposes.
//
//===----------------------------------------------------------------------===//

#include "../Importer.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace tern::onnx_import;

namespace {

int64_t product(ArrayRef<int64_t> dims) {
  int64_t p = 1;
  for (int64_t d : dims)
    p *= d;
  return p;
}

/// numpy.matmul semantics of ONNX MatMul on static shapes.
FailureOr<Value> buildMatMul(OpBinder &b, Value lhs, Value rhs) {
  OpBuilder &builder = b.builder;
  Location loc = b.loc;
  auto lt = cast<RankedTensorType>(lhs.getType());
  auto rt = cast<RankedTensorType>(rhs.getType());
  if (!isa<FloatType>(lt.getElementType()))
    return b.emitError() << "MatMul on " << lt.getElementType()
                         << " is not supported (quantized products are "
                            "expressed with DequantizeLinear)";
  SmallVector<int64_t> ls(lt.getShape()), rs(rt.getShape());
  if (ls.empty() || rs.empty())
    return b.emitError() << "MatMul operands must have rank >= 1";
  bool lhsVector = ls.size() == 1, rhsVector = rs.size() == 1;
  if (lhsVector) {
    ls.insert(ls.begin(), 1);
    lhs = createReshape(builder, loc, lhs, ls);
  }
  if (rhsVector) {
    rs.push_back(1);
    rhs = createReshape(builder, loc, rhs, rs);
  }
  int64_t m = ls[ls.size() - 2], k = ls.back();
  int64_t rk = rs[rs.size() - 2], n = rs.back();
  if (k != rk)
    return b.emitError() << "MatMul contraction dimensions differ (" << k
                         << " vs " << rk << ")";
  ArrayRef<int64_t> lb = ArrayRef<int64_t>(ls).drop_back(2);
  ArrayRef<int64_t> rb = ArrayRef<int64_t>(rs).drop_back(2);
  Type et = lt.getElementType();
  SmallVector<int64_t> outShape;
  Value product3;
  if (rb.empty()) {
    // [..., M, K] x [K, N]: one [1, P*M, K] x [1, K, N] product.
    int64_t rows = product(lb) * m;
    Value a = createReshape(builder, loc, lhs, {1, rows, k});
    Value w = createReshape(builder, loc, rhs, {1, k, n});
    product3 = builder.create<tosa::MatMulOp>(
        loc, RankedTensorType::get({1, rows, n}, et), a, w);
    outShape.assign(lb.begin(), lb.end());
  } else {
    auto batch = broadcastShapes(lb, rb);
    if (!batch)
      return b.emitError() << "MatMul batch dimensions do not broadcast";
    SmallVector<int64_t> aShape(*batch), bShape(*batch);
    aShape.append({m, k});
    bShape.append({k, n});
    int64_t p = product(*batch);
    Value a = createReshape(builder, loc,
                            broadcastTo(builder, loc, lhs, aShape), {p, m, k});
    Value w = createReshape(builder, loc,
                            broadcastTo(builder, loc, rhs, bShape), {p, k, n});
    product3 = builder.create<tosa::MatMulOp>(
        loc, RankedTensorType::get({p, m, n}, et), a, w);
    outShape.assign(batch->begin(), batch->end());
  }
  if (!lhsVector)
    outShape.push_back(m);
  if (!rhsVector)
    outShape.push_back(n);
  return createReshape(builder, loc, product3, outShape);
}

LogicalResult matMulHandler(OpBinder &b) {
  Value lhs = b.operand(0), rhs = b.operand(1);
  if (!lhs || !rhs)
    return failure();
  FailureOr<Value> result = buildMatMul(b, lhs, rhs);
  if (failed(result))
    return failure();
  b.setResult(0, *result);
  return success();
}

Value scaled(OpBinder &b, Value v, double factor) {
  if (factor == 1.0)
    return v;
  auto t = cast<RankedTensorType>(v.getType());
  Value s =
      createScalar(b.builder, b.loc, t.getElementType(), factor, t.getRank());
  return b.builder.create<tosa::MulOp>(b.loc, t, v, s,
                                       b.builder.getI8IntegerAttr(0));
}

LogicalResult gemmHandler(OpBinder &b) {
  Value a = b.operand(0), w = b.operand(1);
  if (!a || !w)
    return failure();
  if (cast<RankedTensorType>(a.getType()).getRank() != 2 ||
      cast<RankedTensorType>(w.getType()).getRank() != 2)
    return b.emitError() << "Gemm operands A and B must be matrices (rank 2)";
  if (b.getInt("transA", 0))
    a = createTranspose(b.builder, b.loc, a, {1, 0});
  if (b.getInt("transB", 0))
    w = createTranspose(b.builder, b.loc, w, {1, 0});
  FailureOr<Value> product = buildMatMul(b, a, w);
  if (failed(product))
    return failure();
  Value result = scaled(b, *product, b.getFloat("alpha", 1.0f));
  if (b.hasOperand(2)) {
    Value c = scaled(b, b.operand(2), b.getFloat("beta", 1.0f));
    auto rt = cast<RankedTensorType>(result.getType());
    c = expandRank(b.builder, b.loc, c, rt.getRank());
    result = b.builder.create<tosa::AddOp>(b.loc, rt, result, c);
  }
  b.setResult(0, result);
  return success();
}

LogicalResult convHandler(OpBinder &b) {
  Value x = b.operand(0), w = b.operand(1);
  if (!x || !w)
    return failure();
  auto xt = cast<RankedTensorType>(x.getType());
  auto wt = cast<RankedTensorType>(w.getType());
  if (xt.getRank() != 4)
    return b.unsupported("only 2-D convolution (NCHW input) is supported");
  if (b.getInt("group", 1) != 1)
    return b.unsupported(
        "grouped convolution (group = " + Twine(b.getInt("group", 1)) + ")");
  SmallVector<int64_t> strides =
      b.getInts("strides").value_or(SmallVector<int64_t>{1, 1});
  SmallVector<int64_t> dilations =
      b.getInts("dilations").value_or(SmallVector<int64_t>{1, 1});
  SmallVector<int64_t> pads =
      b.getInts("pads").value_or(SmallVector<int64_t>{0, 0, 0, 0});
  if (wt.getRank() != 4 || wt.getDimSize(1) != xt.getDimSize(1))
    return b.emitError() << "Conv weight " << wt
                         << " is not [M, C, kH, kW] for input " << xt;
  auto positive = [](ArrayRef<int64_t> v) {
    return v.size() == 2 && v[0] > 0 && v[1] > 0 && v[0] < (1 << 20) &&
           v[1] < (1 << 20);
  };
  if (!positive(strides) || !positive(dilations))
    return b.emitError() << "Conv strides and dilations must be two positive "
                            "integers below 2^20";
  if (pads.size() != 4 || llvm::any_of(pads, [](int64_t p) {
        return p < 0 || p >= (1 << 20);
      }))
    return b.emitError()
           << "Conv pads must be four non-negative integers below 2^20";
  int64_t kh = wt.getDimSize(2), kw = wt.getDimSize(3);
  int64_t ih = xt.getDimSize(2), iw = xt.getDimSize(3);
  std::string autoPad = b.getString("auto_pad", "NOTSET");
  if (autoPad == "VALID") {
    pads = {0, 0, 0, 0};
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    int64_t in[2] = {ih, iw}, k[2] = {kh, kw};
    for (int i = 0; i < 2; ++i) {
      int64_t out = (in[i] + strides[i] - 1) / strides[i];
      int64_t total = std::max<int64_t>(
          0, (out - 1) * strides[i] + (k[i] - 1) * dilations[i] + 1 - in[i]);
      int64_t small = total / 2, large = total - small;
      pads[i] = autoPad == "SAME_UPPER" ? small : large;
      pads[i + 2] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else if (autoPad != "NOTSET") {
    return b.unsupported("auto_pad = " + autoPad);
  }
  int64_t oh =
      (ih + pads[0] + pads[2] - ((kh - 1) * dilations[0] + 1)) / strides[0] + 1;
  int64_t ow =
      (iw + pads[1] + pads[3] - ((kw - 1) * dilations[1] + 1)) / strides[1] + 1;
  if (oh <= 0 || ow <= 0)
    return b.emitError() << "Conv of " << xt << " with " << wt
                         << " has no output pixels";
  int64_t oc = wt.getDimSize(0);
  Type et = xt.getElementType();
  Value bias;
  if (b.hasOperand(2)) {
    bias = b.operand(2);
  } else {
    Folded zeros = Folded::make({oc}, et);
    bias = createConst(b.builder, b.loc, zeros.toAttr());
  }
  Value nhwc = createTranspose(b.builder, b.loc, x, {0, 2, 3, 1});
  Value ohwi = createTranspose(b.builder, b.loc, w, {0, 2, 3, 1});
  auto outType = RankedTensorType::get({xt.getDimSize(0), oh, ow, oc}, et);
  // TOSA pads are [top, bottom, left, right]; ONNX's [top, left, bottom,
  // right].
  Value conv = b.builder.create<tosa::Conv2DOp>(
      b.loc, outType, nhwc, ohwi, bias,
      b.builder.getDenseI64ArrayAttr({pads[0], pads[2], pads[1], pads[3]}),
      b.builder.getDenseI64ArrayAttr(strides),
      b.builder.getDenseI64ArrayAttr(dilations),
      /*quantization_info=*/nullptr, /*local_bound=*/nullptr);
  b.setResult(0, createTranspose(b.builder, b.loc, conv, {0, 3, 1, 2}));
  return success();
}

} // namespace

void tern::onnx_import::populateMatMulConvHandlers(HandlerRegistry &r) {
  r.onOp("MatMul", 13, matMulHandler);
  r.onOp("Gemm", 13, gemmHandler);
  r.onOp("Conv", 11, convHandler);
}
