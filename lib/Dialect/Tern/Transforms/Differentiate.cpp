//===- Differentiate.cpp - reverse-mode differentiation of tern IR --------===//
//
// Implements tern-differentiate (see dialects/Tern/Passes.td for the contract
// and docs/FineTuning.md for the formulas). The adjoint of every operator is
// built from ordinary tern / TOSA operators that convert-tern-to-accel
// already lowers; row reductions are tern.linear products with constant
// all-ones matrices, and the transcendental parts come from the SFU kernels
// (tern.softmax, tern.layer_norm) on constructed rows.
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/Quantization.h"
#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

#include <cmath>
#include <numeric>

namespace tern {
#define GEN_PASS_DEF_TERNDIFFERENTIATE
#include "Tern/TernPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;

namespace {

/// sqrt(2 / pi), the tanh-GELU constant.
constexpr double kGeluC = 0.7978845608028654;
constexpr double kGeluA = 0.044715;

/// Emits the backward operators at one insertion point (before the return).
class Builder {
public:
  explicit Builder(OpBuilder &b) : b(b) {}

  RankedTensorType type(ArrayRef<int64_t> shape) {
    return RankedTensorType::get(shape, b.getF32Type());
  }

  Value constant(Location loc, ArrayRef<int64_t> shape,
                 ArrayRef<float> values) {
    auto t = type(shape);
    DenseElementsAttr attr = values.size() == 1
                                 ? DenseElementsAttr::get(t, values[0])
                                 : DenseElementsAttr::get(t, values);
    return b.create<tosa::ConstOp>(loc, t, attr);
  }

  /// A splat of the given rank (all dimensions 1), broadcast by TOSA.
  Value splat(Location loc, int64_t rank, float v) {
    return constant(loc, SmallVector<int64_t>(rank, 1), {v});
  }

  Value reshape(Location loc, Value v, ArrayRef<int64_t> shape) {
    if (cast<RankedTensorType>(v.getType()).getShape() == shape)
      return v;
    return b.create<tosa::ReshapeOp>(loc, type(shape), v,
                                     b.getDenseI64ArrayAttr(shape));
  }

  Value transpose(Location loc, Value v, ArrayRef<int32_t> perm) {
    auto shape = cast<RankedTensorType>(v.getType()).getShape();
    SmallVector<int64_t> out;
    for (int32_t p : perm)
      out.push_back(shape[p]);
    auto permType =
        RankedTensorType::get({int64_t(perm.size())}, b.getI32Type());
    Value perms = b.create<tosa::ConstOp>(
        loc, permType, DenseIntElementsAttr::get(permType, perm));
    return b.create<tosa::TransposeOp>(loc, type(out), v, perms);
  }

  /// Swaps the last two dimensions.
  Value transposeLast2(Location loc, Value v) {
    int64_t rank = cast<RankedTensorType>(v.getType()).getRank();
    SmallVector<int32_t> perm(rank);
    std::iota(perm.begin(), perm.end(), 0);
    std::swap(perm[rank - 1], perm[rank - 2]);
    return transpose(loc, v, perm);
  }

  Value add(Location loc, Value x, Value y) {
    return b.create<tosa::AddOp>(loc, x.getType(), x, y);
  }
  Value sub(Location loc, Value x, Value y) {
    bool ySplat = cast<RankedTensorType>(y.getType()).getNumElements() == 1;
    return b.create<tosa::SubOp>(loc, ySplat ? x.getType() : y.getType(), x, y);
  }
  Value mul(Location loc, Value x, Value y) {
    Type t = cast<RankedTensorType>(x.getType()).getNumElements() >=
                     cast<RankedTensorType>(y.getType()).getNumElements()
                 ? x.getType()
                 : y.getType();
    return b.create<tosa::MulOp>(loc, t, x, y, b.getI8IntegerAttr(0));
  }
  Value scaleBy(Location loc, Value x, float s) {
    return mul(loc, x,
               splat(loc, cast<RankedTensorType>(x.getType()).getRank(), s));
  }

  /// x [..., K] times a constant [K, N] matrix given row-major.
  Value linear(Location loc, Value x, int64_t k, int64_t n, ArrayRef<float> w,
               ArrayRef<float> bias = {}) {
    Value weight = constant(loc, {k, n}, w);
    Value biasV;
    if (!bias.empty())
      biasV = constant(loc, {n}, bias);
    return linearWith(loc, x, weight, biasV);
  }
  Value linearWith(Location loc, Value x, Value weight, Value bias = {}) {
    auto shape =
        llvm::to_vector(cast<RankedTensorType>(x.getType()).getShape());
    shape.back() = cast<RankedTensorType>(weight.getType()).getDimSize(1);
    auto linear =
        b.create<LinearOp>(loc, type(shape), x, weight, bias, Precision::f32);
    // Not a weight of the model: excluded from the program's frozen-weight
    // table (tern::accel::kDerivedWeightAttr, --weight-noise).
    linear->setAttr("tern.derived_weight", b.getUnitAttr());
    return linear;
  }

  Value matmul(Location loc, Value l, Value r, bool transposeRhs,
               double scale) {
    auto ls = cast<RankedTensorType>(l.getType()).getShape();
    auto rs = cast<RankedTensorType>(r.getType()).getShape();
    SmallVector<int64_t> shape(ls.begin(), ls.end());
    shape.back() = transposeRhs ? rs[rs.size() - 2] : rs.back();
    return b.create<MatMulOp>(
        loc, type(shape), l, r, Value(),
        transposeRhs ? b.getUnitAttr() : UnitAttr(), b.getF64FloatAttr(scale),
        PrecisionAttr::get(b.getContext(), Precision::f32));
  }

  Value softmax(Location loc, Value x) {
    return b.create<SoftmaxOp>(loc, x.getType(), x, Precision::f32);
  }
  Value relu(Location loc, Value x) {
    return b.create<ReluOp>(loc, x.getType(), x, Precision::f32);
  }
  Value layerNorm(Location loc, Value x, int64_t n, float eps) {
    Value ones = constant(loc, {n}, {1.0f});
    Value zeros = constant(loc, {n}, {0.0f});
    return b.create<LayerNormOp>(loc, x.getType(), x, ones, zeros, APFloat(eps),
                                 Precision::f32);
  }

  OpBuilder &b;
};

std::optional<std::pair<int64_t, int64_t>> rowsCols(Value v) {
  auto t = cast<RankedTensorType>(v.getType());
  int64_t n = t.getShape().back();
  return std::make_pair(t.getNumElements() / n, n);
}

class TernDifferentiate
    : public tern::impl::TernDifferentiateBase<TernDifferentiate> {
public:
  using TernDifferentiateBase::TernDifferentiateBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    MLIRContext *ctx = &getContext();
    if (loss != "mse" && loss != "ce") {
      func.emitError("tern-differentiate: unknown loss '")
          << loss << "' (mse or ce)";
      return signalPassFailure();
    }
    if (sgdLr < 0.0) {
      func.emitError("tern-differentiate: sgd-lr must not be negative (got ")
          << sgdLr.getValue() << ")";
      return signalPassFailure();
    }
    if (func.getNumResults() != 1) {
      func.emitError("tern-differentiate: '")
          << func.getSymName() << "' has " << func.getNumResults()
          << " results; a train step is built from a function with exactly "
             "one result (the prediction)";
      return signalPassFailure();
    }
    if (!func.getBody().hasOneBlock()) {
      func.emitError("tern-differentiate: needs a function with one block");
      return signalPassFailure();
    }
    Block &body = func.getBody().front();
    SmallVector<BlockArgument> params;
    for (BlockArgument arg : body.getArguments())
      if (func.getArgAttr(arg.getArgNumber(), "tern.trainable"))
        params.push_back(arg);
    if (params.empty()) {
      func.emitError("tern-differentiate: '")
          << func.getSymName()
          << "' has no argument marked tern.trainable (run tern-insert-lora "
             "first)";
      return signalPassFailure();
    }

    // Values that depend on a trainable parameter.
    for (BlockArgument p : params)
      active.insert(p);
    SmallVector<Operation *> forward;
    for (Operation &op : body.without_terminator()) {
      forward.push_back(&op);
      if (llvm::any_of(op.getOperands(),
                       [&](Value v) { return active.contains(v); }))
        for (Value r : op.getResults())
          active.insert(r);
    }
    Operation *ret = body.getTerminator();
    Value prediction = ret->getOperand(0);
    if (!active.contains(prediction)) {
      func.emitError("tern-differentiate: the result of '")
          << func.getSymName() << "' does not depend on a trainable argument";
      return signalPassFailure();
    }
    auto predType = dyn_cast<RankedTensorType>(prediction.getType());
    if (!predType || !predType.getElementType().isF32()) {
      func.emitError("tern-differentiate: the prediction must be an f32 "
                     "tensor (differentiate before quantization)");
      return signalPassFailure();
    }

    OpBuilder ob(ctx);
    ob.setInsertionPoint(ret);
    Builder b(ob);
    Location loc = func.getLoc();

    // The label argument and the loss.
    unsigned labelPos = func.getNumArguments();
    func.insertArgument(
        labelPos, predType,
        ob.getDictionaryAttr(
            {ob.getNamedAttr("tern.label", ob.getUnitAttr()),
             ob.getNamedAttr("onnx.name", ob.getStringAttr("label"))}),
        loc);
    Value label = func.getArgument(labelPos);
    int64_t numel = predType.getNumElements();
    int64_t rank = predType.getRank();
    Value first, seed;
    if (loss == "mse") {
      Value diff = b.sub(loc, prediction, label);
      Value sq = b.mul(loc, diff, diff);
      Value flat = b.reshape(loc, sq, {1, numel});
      first = b.linear(loc, flat, numel, 1,
                       {static_cast<float>(1.0 / double(numel))});
      seed = b.scaleBy(loc, diff, static_cast<float>(2.0 / double(numel)));
    } else {
      auto [rows, cols] = *rowsCols(prediction);
      (void)cols;
      Value probs = b.softmax(loc, prediction);
      first = probs;
      seed = b.scaleBy(loc, b.sub(loc, probs, label),
                       static_cast<float>(1.0 / double(rows)));
    }
    (void)rank;
    adjoint[prediction] = seed;

    // Reverse sweep.
    for (Operation *op : llvm::reverse(forward)) {
      if (op->getNumResults() == 0)
        continue;
      bool onPath = llvm::any_of(
          op->getResults(), [&](Value r) { return adjoint.count(r) != 0; });
      if (!onPath)
        continue;
      if (failed(differentiate(op, b)))
        return signalPassFailure();
    }

    // New results: loss (or probabilities), then the gradients.
    SmallVector<Value> results{first};
    for (BlockArgument p : params) {
      Value g = adjoint.lookup(p);
      if (!g) // The parameter does not reach the prediction.
        g = b.constant(loc, cast<RankedTensorType>(p.getType()).getShape(),
                       {0.0f});
      if (sgdLr > 0.0)
        g = b.sub(loc, p, b.scaleBy(loc, g, static_cast<float>(sgdLr)));
      results.push_back(g);
    }
    ret->setOperands(results);
    SmallVector<Type> resultTypes;
    for (Value v : results)
      resultTypes.push_back(v.getType());
    func.setFunctionType(
        FunctionType::get(ctx, func.getArgumentTypes(), resultTypes));
    SmallVector<DictionaryAttr> resultAttrs;
    resultAttrs.push_back(ob.getDictionaryAttr({ob.getNamedAttr(
        "onnx.name", ob.getStringAttr(loss == "mse" ? "loss" : "probs"))}));
    for (BlockArgument p : params) {
      // SGD: the updated parameter keeps the parameter's name.
      std::string name = sgdLr > 0.0 ? "" : "grad";
      if (auto n =
              func.getArgAttrOfType<StringAttr>(p.getArgNumber(), "onnx.name"))
        name += (name.empty() ? "" : "_") + n.str();
      else
        name +=
            (name.empty() ? "param" : "") + std::to_string(p.getArgNumber());
      resultAttrs.push_back(ob.getDictionaryAttr(
          {ob.getNamedAttr("onnx.name", ob.getStringAttr(name))}));
    }
    func.setAllResultAttrs(resultAttrs);
    func->setAttr("tern.loss", ob.getStringAttr(loss));
    if (sgdLr > 0.0)
      func->setAttr("tern.sgd_lr", ob.getF64FloatAttr(sgdLr));
  }

private:
  void accumulate(Builder &b, Location loc, Value v, Value g) {
    if (!active.contains(v))
      return;
    auto it = adjoint.find(v);
    if (it == adjoint.end()) {
      adjoint[v] = g;
      return;
    }
    it->second = b.add(loc, it->second, g);
  }

  LogicalResult unsupported(Operation *op, StringRef why) {
    return op->emitOpError("(node '")
           << operatorName(op) << "') has no adjoint in tern-differentiate"
           << (why.empty() ? "" : ": ") << why;
  }

  /// The operand must not need a gradient.
  bool needs(Value v) const { return active.contains(v); }

  LogicalResult differentiate(Operation *op, Builder &b) {
    Location loc = op->getLoc();
    Value g =
        op->getNumResults() == 1 ? adjoint.lookup(op->getResult(0)) : Value();
    for (Value operand : op->getOperands())
      if (auto t = dyn_cast<RankedTensorType>(operand.getType());
          needs(operand) && (!t || !t.getElementType().isF32()))
        return unsupported(op, "a differentiated operand is not an f32 "
                               "tensor (differentiate before quantization)");

    if (auto linear = dyn_cast<LinearOp>(op)) {
      if (needs(linear.getWeight()) ||
          (linear.getBias() && needs(linear.getBias())))
        return unsupported(op, "its weight or bias is trainable (adapters "
                               "are tern.matmul products)");
      if (needs(linear.getInput()))
        accumulate(
            b, loc, linear.getInput(),
            b.linearWith(loc, g, b.transpose(loc, linear.getWeight(), {1, 0})));
      return success();
    }
    if (auto mm = dyn_cast<MatMulOp>(op)) {
      if (mm.getMask() && needs(mm.getMask()))
        return unsupported(op, "its mask depends on a trainable parameter");
      double s = mm.getScale().convertToDouble();
      Value l = mm.getLhs(), r = mm.getRhs();
      if (!mm.getTransposeRhs()) {
        // y = s l r: dl = s g r^T, dr = s l^T g.
        if (needs(l))
          accumulate(b, loc, l, b.matmul(loc, g, r, true, s));
        if (needs(r))
          accumulate(b, loc, r,
                     b.matmul(loc, b.transposeLast2(loc, l), g, false, s));
      } else {
        // y = s l r^T: dl = s g r, dr = s g^T l.
        if (needs(l))
          accumulate(b, loc, l, b.matmul(loc, g, r, false, s));
        if (needs(r))
          accumulate(b, loc, r,
                     b.matmul(loc, b.transposeLast2(loc, g), l, false, s));
      }
      return success();
    }
    if (isa<AddOp, tosa::AddOp, tosa::SubOp>(op)) {
      Value x = op->getOperand(0), y = op->getOperand(1);
      for (Value v : {x, y})
        if (needs(v) && v.getType() != g.getType())
          return unsupported(op, "a broadcast operand depends on a trainable "
                                 "parameter");
      accumulate(b, loc, x, g);
      if (needs(y))
        accumulate(b, loc, y,
                   isa<tosa::SubOp>(op) ? b.scaleBy(loc, g, -1.0f) : g);
      return success();
    }
    if (auto m = dyn_cast<tosa::MulOp>(op)) {
      if (m.getShift() != 0)
        return unsupported(op, "an integer shift");
      Value x = m.getInput1(), y = m.getInput2();
      for (Value v : {x, y})
        if (needs(v) && v.getType() != g.getType())
          return unsupported(op, "a broadcast operand depends on a trainable "
                                 "parameter");
      if (needs(x))
        accumulate(b, loc, x, b.mul(loc, g, y));
      if (needs(y))
        accumulate(b, loc, y, b.mul(loc, g, x));
      return success();
    }
    if (auto r = dyn_cast<tosa::ReshapeOp>(op)) {
      accumulate(
          b, loc, r.getInput1(),
          b.reshape(
              loc, g,
              cast<RankedTensorType>(r.getInput1().getType()).getShape()));
      return success();
    }
    if (auto t = dyn_cast<tosa::TransposeOp>(op)) {
      SmallVector<int64_t> perm;
      if (failed(t.getConstantPerms(perm)))
        return unsupported(op, "a run-time permutation");
      SmallVector<int32_t> inverse(perm.size());
      for (size_t i = 0; i < perm.size(); ++i)
        inverse[perm[i]] = static_cast<int32_t>(i);
      accumulate(b, loc, t.getInput1(), b.transpose(loc, g, inverse));
      return success();
    }
    if (auto gather = dyn_cast<tosa::GatherOp>(op)) {
      // values [N, K, C], constant indices [N, W] -> [N, W, C]. The adjoint
      // scatters g back: d_values[n] = S^T g[n] with the one-hot S [W, K],
      // i.e. transpose(linear(transpose(g), S)) (the CLS token of a
      // classifier head).
      if (needs(gather.getIndices()))
        return unsupported(op, "run-time indices");
      DenseIntElementsAttr idx;
      if (!matchPattern(gather.getIndices(), m_Constant(&idx)))
        return unsupported(op, "run-time indices");
      auto vt = cast<RankedTensorType>(gather.getValues().getType());
      int64_t n = vt.getDimSize(0), k = vt.getDimSize(1);
      auto it = cast<RankedTensorType>(gather.getIndices().getType());
      int64_t w = it.getDimSize(1);
      SmallVector<int64_t> values;
      for (const APInt &v : idx.getValues<APInt>())
        values.push_back(v.getSExtValue());
      for (int64_t bi = 1; bi < n; ++bi)
        for (int64_t j = 0; j < w; ++j)
          if (values[bi * w + j] != values[j])
            return unsupported(op, "indices that differ between batches");
      SmallVector<float> select(w * k, 0.0f);
      for (int64_t j = 0; j < w; ++j) {
        if (values[j] < 0 || values[j] >= k)
          return unsupported(op, "an index outside the gathered axis");
        select[j * k + values[j]] = 1.0f;
      }
      Value gt = b.transpose(loc, g, {0, 2, 1});
      Value scattered = b.linear(loc, gt, w, k, select);
      accumulate(b, loc, gather.getValues(),
                 b.transpose(loc, scattered, {0, 2, 1}));
      return success();
    }
    if (auto s = dyn_cast<SplitHeadsOp>(op)) {
      accumulate(b, loc, s.getInput(),
                 b.b.create<MergeHeadsOp>(loc, s.getInput().getType(), g));
      return success();
    }
    if (auto m = dyn_cast<MergeHeadsOp>(op)) {
      auto in = cast<RankedTensorType>(m.getInput().getType());
      accumulate(b, loc, m.getInput(),
                 b.b.create<SplitHeadsOp>(loc, in, g, in.getDimSize(1)));
      return success();
    }
    if (auto sm = dyn_cast<SoftmaxOp>(op)) {
      // dx = y * (g - rowsum(g * y)); the row sum is broadcast back by the
      // all-ones [n, n] product.
      auto [rows, n] = *rowsCols(sm.getResult());
      (void)rows;
      Value y = sm.getResult();
      Value sum = b.linear(loc, b.mul(loc, g, y), n, n,
                           SmallVector<float>(n * n, 1.0f));
      accumulate(b, loc, sm.getInput(), b.mul(loc, y, b.sub(loc, g, sum)));
      return success();
    }
    if (auto lsm = dyn_cast<LogSoftmaxOp>(op)) {
      // y = x - logsumexp(x): dx = g - softmax(x) * rowsum(g), the row sum
      // broadcast back by the all-ones [n, n] product.
      auto [rows, n] = *rowsCols(lsm.getResult());
      (void)rows;
      Value p = b.softmax(loc, lsm.getInput());
      Value sum = b.linear(loc, g, n, n, SmallVector<float>(n * n, 1.0f));
      accumulate(b, loc, lsm.getInput(), b.sub(loc, g, b.mul(loc, p, sum)));
      return success();
    }
    if (auto relu = dyn_cast<ReluOp>(op)) {
      accumulate(b, loc, relu.getInput(),
                 b.mul(loc, g, step(b, loc, relu.getResult())));
      return success();
    }
    if (auto clamp = dyn_cast<tosa::ClampOp>(op)) {
      // ONNX Relu: clamp(x, 0, max float).
      if (clamp.getMinFp().convertToDouble() != 0.0 ||
          clamp.getMaxFp().convertToDouble() < 3.0e38)
        return unsupported(op, "a clamp other than ReLU (min 0, no max)");
      accumulate(b, loc, clamp.getInput(),
                 b.mul(loc, g, step(b, loc, clamp.getResult())));
      return success();
    }
    if (auto gelu = dyn_cast<GeluOp>(op)) {
      accumulate(b, loc, gelu.getInput(),
                 b.mul(loc, g, geluDerivative(b, loc, gelu.getInput())));
      return success();
    }
    if (auto ln = dyn_cast<LayerNormOp>(op)) {
      if (needs(ln.getGamma()) || needs(ln.getBeta()))
        return unsupported(op, "a trainable gamma or beta");
      accumulate(b, loc, ln.getInput(), layerNormAdjoint(b, ln, g));
      return success();
    }
    if (op->hasTrait<OpTrait::ConstantLike>())
      return success();
    return unsupported(op, "");
  }

  /// step(y) = 1 for y > 0, else 0, for y = relu(x) >= 0:
  /// 1 - max(1 - y * 2^100, 0) (no comparison is lowered; a positive bf16 y
  /// below 2^-100 would count as 0).
  Value step(Builder &b, Location loc, Value y) {
    int64_t rank = cast<RankedTensorType>(y.getType()).getRank();
    Value big = b.scaleBy(loc, y, std::ldexp(1.0f, 100));
    Value one = b.splat(loc, rank, 1.0f);
    Value clipped = b.relu(loc, b.sub(loc, one, big));
    return b.sub(loc, b.splat(loc, rank, 1.0f), clipped);
  }

  /// d/dx of tanh-GELU: s + x z' s (1 - s), z = 2c (x + a x^3),
  /// z' = 2c (1 + 3a x^2), s = sigmoid(z). s and 1 - s are the two columns
  /// of softmax([z, 0]), so neither is computed as a difference.
  Value geluDerivative(Builder &b, Location loc, Value x) {
    auto shape = cast<RankedTensorType>(x.getType()).getShape();
    int64_t rank = shape.size();
    int64_t numel = cast<RankedTensorType>(x.getType()).getNumElements();
    Value x2 = b.mul(loc, x, x);
    Value x3 = b.mul(loc, x2, x);
    Value z = b.add(loc, b.scaleBy(loc, x, 2 * kGeluC),
                    b.scaleBy(loc, x3, 2 * kGeluC * kGeluA));
    Value zc = b.reshape(loc, z, {numel, 1});
    Value pair = b.linear(loc, zc, 1, 2, {1.0f, 0.0f});
    Value sm = b.softmax(loc, pair);
    Value s = b.reshape(loc, b.linear(loc, sm, 2, 1, {1.0f, 0.0f}), shape);
    Value sc = b.reshape(loc, b.linear(loc, sm, 2, 1, {0.0f, 1.0f}), shape);
    Value dz = b.add(loc, b.scaleBy(loc, x2, 6 * kGeluC * kGeluA),
                     b.splat(loc, rank, 2 * kGeluC));
    Value tail = b.mul(loc, b.mul(loc, x, dz), b.mul(loc, s, sc));
    return b.add(loc, s, tail);
  }

  /// dx = (g' - mean(g') - xhat * mean(g' * xhat)) / sigma, g' = g * gamma,
  /// sigma = sqrt(var(x) + eps).
  ///
  /// 1/sigma: the row centred (x - mean, by a constant [n, n] product;
  /// twice when 1/n is not exact in bf16) and extended by the columns
  /// +c and -c keeps mean 0 and has variance (n var + 2 c^2) / (n + 2);
  /// with c^2 <= n eps / 2 and epsilon (n eps - 2 c^2) / (n + 2) a layer
  /// norm maps columns n and n + 1 to +-c / sqrt(n / (n + 2) (var + eps)),
  /// which a product with a constant [n + 2, n] matrix scales to 1/sigma,
  /// broadcast over the row.
  Value layerNormAdjoint(Builder &b, LayerNormOp ln, Value g) {
    Location loc = ln.getLoc();
    auto shape = cast<RankedTensorType>(ln.getType()).getShape();
    auto [p, n] = *rowsCols(ln.getResult());
    float eps = ln.getEpsilon().convertToFloat();
    Value x = b.reshape(loc, ln.getInput(), {p, n});
    Value gr = b.reshape(loc, g, {p, n});
    Value gamma = b.reshape(loc, ln.getGamma(), {1, n});
    Value gg = b.mul(loc, gr, gamma);
    Value xhat = b.layerNorm(loc, x, n, eps);
    SmallVector<float> mean(n * n, static_cast<float>(1.0 / double(n)));
    Value m1 = b.linear(loc, gg, n, n, mean);
    Value m2 = b.linear(loc, b.mul(loc, gg, xhat), n, n, mean);
    Value t = b.sub(loc, b.sub(loc, gg, m1), b.mul(loc, xhat, m2));

    // 1/sigma.
    bool exactMean = llvm::isPowerOf2_64(n);
    SmallVector<float> centre(n * n);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j)
        centre[i * n + j] =
            static_cast<float>((i == j ? 1.0 : 0.0) - 1.0 / double(n));
    Value xc = x;
    if (!exactMean)
      xc = b.linear(loc, xc, n, n, centre);
    // c: a power of two (exact in bf16) with c^2 <= n eps / 2.
    double cIdeal =
        eps > 0 ? std::sqrt(double(n) * eps / 2.0) : std::ldexp(1.0, -20);
    double c = std::ldexp(1.0, static_cast<int>(std::floor(std::log2(cIdeal))));
    double eps2 =
        std::max(0.0, (double(n) * eps - 2.0 * c * c) / double(n + 2));
    SmallVector<float> ext(n * (n + 2), 0.0f);
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < n; ++j)
        ext[i * (n + 2) + j] = centre[i * n + j];
    SmallVector<float> extBias(n + 2, 0.0f);
    extBias[n] = static_cast<float>(c);
    extBias[n + 1] = static_cast<float>(-c);
    Value row = b.linear(loc, xc, n, n + 2, ext, extBias);
    Value normed = b.layerNorm(loc, row, n + 2, static_cast<float>(eps2));
    SmallVector<float> pick((n + 2) * n, 0.0f);
    float k = static_cast<float>(std::sqrt(double(n) / double(n + 2)) / c);
    // Half the difference of the two columns: the row mean the kernel
    // subtracts (not exactly 0 after the bf16 rounding of x - mean, and not
    // small against c) cancels.
    for (int64_t j = 0; j < n; ++j) {
      pick[n * n + j] = k / 2;
      pick[(n + 1) * n + j] = -k / 2;
    }
    Value inv = b.linear(loc, normed, n + 2, n, pick);
    return b.reshape(loc, b.mul(loc, t, inv), shape);
  }

  DenseSet<Value> active;
  DenseMap<Value, Value> adjoint;
};

} // namespace
