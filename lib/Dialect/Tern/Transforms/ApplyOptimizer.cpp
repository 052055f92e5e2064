//===- ApplyOptimizer.cpp - SGD / Adam update of a train step -------------===//
//
// Implements tern-apply-optimizer (see dialects/Tern/Passes.td for the
// contract and docs/FineTuning.md for the design): the gradients that
// tern-differentiate returns become updated parameters, computed by TOSA
// element-wise operators on the vector unit and, for Adam's denominator, a
// tosa.rsqrt on the SFU (bsfu.isqrt).
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"

#include "llvm/Support/Format.h"

#include <cmath>
#include <cstdio>

namespace tern {
#define GEN_PASS_DEF_TERNAPPLYOPTIMIZER
#include "Tern/TernPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;

namespace {

std::string gNumber(double v) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

class TernApplyOptimizer
    : public tern::impl::TernApplyOptimizerBase<TernApplyOptimizer> {
public:
  using TernApplyOptimizerBase::TernApplyOptimizerBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (failed(checkOptions(func)) || failed(checkTrainStep(func)))
      return signalPassFailure();
    OpBuilder b(&getContext());
    Operation *ret = func.getBody().front().getTerminator();
    b.setInsertionPoint(ret);
    if (accumulate)
      accumulateGradients(func, b, ret);
    if (optimizer == "sgd")
      applySgd(func, b, ret);
    else
      applyAdam(func, b, ret);
    std::string spec;
    llvm::raw_string_ostream os(spec);
    os << optimizer.getValue() << " lr=" << llvm::format("%.9g", lr.getValue());
    if (optimizer == "adam")
      os << " beta1=" << llvm::format("%.9g", beta1.getValue())
         << " beta2=" << llvm::format("%.9g", beta2.getValue())
         << " eps=" << llvm::format("%.9g", eps.getValue());
    if (accumulate)
      os << " accumulate";
    func->setAttr("tern.optimizer", b.getStringAttr(os.str()));
  }

private:
  SmallVector<BlockArgument> params;
  /// Results appended after the optimizer's (the gradient sums).
  SmallVector<Value> extraResults;
  SmallVector<std::string> extraNames;

  LogicalResult checkOptions(func::FuncOp func) {
    auto fail = [&](const Twine &msg) {
      func.emitError("tern-apply-optimizer: ") << msg;
      return failure();
    };
    if (optimizer != "sgd" && optimizer != "adam")
      return fail("unknown optimizer '" + optimizer + "' (sgd or adam)");
    if (!(lr > 0.0) || !std::isfinite(lr))
      return fail("lr must be a positive number (got " + gNumber(lr) + ")");
    if (optimizer == "adam") {
      if (!(beta1 >= 0.0 && beta1 < 1.0))
        return fail("beta1 must be in [0, 1) (got " + gNumber(beta1) + ")");
      if (!(beta2 >= 0.0 && beta2 < 1.0))
        return fail("beta2 must be in [0, 1) (got " + gNumber(beta2) + ")");
      if (!(eps > 0.0) || !std::isfinite(eps))
        return fail("eps must be a positive number (got " + gNumber(eps) + ")");
      if (eps * eps < 1.2e-38)
        return fail("eps must be at least 1.1e-19 (eps^2 is added as a normal "
                    "bf16 number; got " +
                    gNumber(eps) + ")");
    }
    return success();
  }

  LogicalResult checkTrainStep(func::FuncOp func) {
    auto fail = [&](const Twine &why) {
      func.emitError("tern-apply-optimizer: '")
          << func.getSymName() << "' is not a gradient train step: " << why;
      return failure();
    };
    if (!func->hasAttr("tern.loss"))
      return fail("no tern.loss (run tern-differentiate first)");
    if (func->hasAttr("tern.sgd_lr") || func->hasAttr("tern.optimizer"))
      return fail("it already applies an optimizer");
    if (!func.getBody().hasOneBlock())
      return fail("it has more than one block");
    for (BlockArgument arg : func.getArguments())
      if (func.getArgAttr(arg.getArgNumber(), "tern.trainable"))
        params.push_back(arg);
    if (params.empty() || func.getNumResults() != params.size() + 1)
      return fail(Twine(func.getNumResults()) + " results for " +
                  Twine(params.size()) +
                  " trainable arguments (expected the loss and one gradient "
                  "per trainable argument)");
    for (auto [i, p] : llvm::enumerate(params))
      if (func.getResultTypes()[i + 1] != p.getType())
        return fail("result " + Twine(i + 1) +
                    " does not have the type of its parameter");
    return success();
  }

  static RankedTensorType f32(ArrayRef<int64_t> shape, MLIRContext *ctx) {
    return RankedTensorType::get(shape, Float32Type::get(ctx));
  }
  static Value splat(OpBuilder &b, Location loc, int64_t rank, double v) {
    auto t = f32(SmallVector<int64_t>(rank, 1), b.getContext());
    return b.create<tosa::ConstOp>(
        loc, t, DenseElementsAttr::get(t, static_cast<float>(v)));
  }
  static Value add(OpBuilder &b, Location loc, Value x, Value y) {
    return b.create<tosa::AddOp>(loc, x.getType(), x, y);
  }
  static Value sub(OpBuilder &b, Location loc, Value x, Value y) {
    return b.create<tosa::SubOp>(loc, x.getType(), x, y);
  }
  /// x * y with y of x's shape or broadcasting to it.
  static Value mul(OpBuilder &b, Location loc, Value x, Value y) {
    return b.create<tosa::MulOp>(loc, x.getType(), x, y, b.getI8IntegerAttr(0));
  }
  static Value scale(OpBuilder &b, Location loc, Value x, double s) {
    return mul(b, loc, x,
               splat(b, loc, cast<RankedTensorType>(x.getType()).getRank(), s));
  }
  static Value reshape(OpBuilder &b, Location loc, Value v,
                       ArrayRef<int64_t> shape) {
    if (cast<RankedTensorType>(v.getType()).getShape() == shape)
      return v;
    return b.create<tosa::ReshapeOp>(loc, f32(shape, b.getContext()), v,
                                     b.getDenseI64ArrayAttr(shape));
  }

  std::string paramName(func::FuncOp func, BlockArgument p) {
    if (auto n =
            func.getArgAttrOfType<StringAttr>(p.getArgNumber(), "onnx.name"))
      return n.str();
    return "param" + std::to_string(p.getArgNumber());
  }

  void setResults(func::FuncOp func, OpBuilder &b, Operation *ret,
                  ArrayRef<Value> values, ArrayRef<std::string> names) {
    SmallVector<Value> results{ret->getOperand(0)};
    results.append(values.begin(), values.end());
    results.append(extraResults.begin(), extraResults.end());
    DictionaryAttr first = func.getResultAttrDict(0);
    ret->setOperands(results);
    SmallVector<Type> types;
    for (Value v : results)
      types.push_back(v.getType());
    func.setFunctionType(
        FunctionType::get(&getContext(), func.getArgumentTypes(), types));
    SmallVector<DictionaryAttr> attrs{first ? first : b.getDictionaryAttr({})};
    SmallVector<std::string> allNames(names.begin(), names.end());
    allNames.append(extraNames.begin(), extraNames.end());
    for (const std::string &n : allNames)
      attrs.push_back(b.getDictionaryAttr(
          {b.getNamedAttr("onnx.name", b.getStringAttr(n))}));
    func.setAllResultAttrs(attrs);
  }

  /// Gradient accumulation: arguments `grad_acc_<param>` (the sum of the
  /// batch's earlier gradients) and `grad_scale` ([1, 1], 1 / B); the
  /// optimizer gets (grad_acc + g) * grad_scale, and the program returns
  /// grad_acc + g under the accumulator's name.
  void accumulateGradients(func::FuncOp func, OpBuilder &b, Operation *ret) {
    Location loc = func.getLoc();
    SmallVector<BlockArgument> accs;
    for (BlockArgument p : params) {
      unsigned pos = func.getNumArguments();
      std::string name = "grad_acc_" + paramName(func, p);
      func.insertArgument(
          pos, p.getType(),
          b.getDictionaryAttr(
              {b.getNamedAttr("onnx.name", b.getStringAttr(name)),
               b.getNamedAttr("tern.grad_accumulator", b.getUnitAttr())}),
          loc);
      accs.push_back(func.getArgument(pos));
      extraNames.push_back(name);
    }
    unsigned pos = func.getNumArguments();
    func.insertArgument(
        pos, f32({1, 1}, &getContext()),
        b.getDictionaryAttr(
            {b.getNamedAttr("onnx.name", b.getStringAttr("grad_scale")),
             b.getNamedAttr("tern.grad_scale", b.getUnitAttr())}),
        loc);
    Value gradScale = func.getArgument(pos);
    for (auto [i, acc] : llvm::enumerate(accs)) {
      Value g = ret->getOperand(i + 1);
      Location l = g.getLoc();
      auto shape = cast<RankedTensorType>(acc.getType()).getShape();
      int64_t numel = cast<RankedTensorType>(acc.getType()).getNumElements();
      Value sum = add(b, l, acc, g);
      extraResults.push_back(sum);
      Value mean = mul(b, l, reshape(b, l, sum, {numel, 1}), gradScale);
      ret->setOperand(i + 1, reshape(b, l, mean, shape));
    }
  }

  void applySgd(func::FuncOp func, OpBuilder &b, Operation *ret) {
    SmallVector<Value> updated;
    SmallVector<std::string> names;
    for (auto [i, p] : llvm::enumerate(params)) {
      Location loc = ret->getOperand(i + 1).getLoc();
      Value g = ret->getOperand(i + 1);
      updated.push_back(sub(b, loc, p, scale(b, loc, g, lr)));
      names.push_back(paramName(func, p));
    }
    setResults(func, b, ret, updated, names);
  }

  void applyAdam(func::FuncOp func, OpBuilder &b, Operation *ret) {
    MLIRContext *ctx = &getContext();
    Location loc = func.getLoc();
    auto argAttrs = [&](StringRef name, StringRef role) {
      return b.getDictionaryAttr(
          {b.getNamedAttr("onnx.name", b.getStringAttr(name)),
           b.getNamedAttr(role, b.getUnitAttr())});
    };
    // New arguments: every parameter's m, then every v, then c1, c2.
    SmallVector<BlockArgument> ms, vs;
    for (StringRef kind : {"m", "v"})
      for (BlockArgument p : params) {
        unsigned pos = func.getNumArguments();
        std::string name = ("adam_" + kind + "_").str() + paramName(func, p);
        func.insertArgument(pos, p.getType(),
                            argAttrs(name, "tern.optimizer_state"), loc);
        (kind == "m" ? ms : vs).push_back(func.getArgument(pos));
      }
    auto scalarType = f32({1, 1}, ctx);
    unsigned c1Pos = func.getNumArguments();
    func.insertArgument(c1Pos, scalarType,
                        argAttrs("adam_c1", "tern.bias_correction"), loc);
    func.insertArgument(c1Pos + 1, scalarType,
                        argAttrs("adam_c2", "tern.bias_correction"), loc);
    Value c1 = func.getArgument(c1Pos), c2 = func.getArgument(c1Pos + 1);

    SmallVector<Value> updated, newM, newV;
    SmallVector<std::string> names, mNames, vNames;
    for (auto [i, p] : llvm::enumerate(params)) {
      Value g = ret->getOperand(i + 1);
      Location l = g.getLoc();
      auto shape = cast<RankedTensorType>(p.getType()).getShape();
      int64_t numel = cast<RankedTensorType>(p.getType()).getNumElements();
      Value m = ms[i], v = vs[i];
      Value m2 = add(b, l, m, scale(b, l, sub(b, l, g, m), 1.0 - beta1));
      Value v2 =
          add(b, l, v, scale(b, l, sub(b, l, mul(b, l, g, g), v), 1.0 - beta2));
      Value mHat = mul(b, l, reshape(b, l, m2, {numel, 1}), c1);
      Value vHat = mul(b, l, reshape(b, l, v2, {numel, 1}), c2);
      Value denom = add(b, l, vHat, splat(b, l, 2, eps.getValue() * eps));
      Value inv = b.create<tosa::RsqrtOp>(l, denom.getType(), denom);
      Value step = scale(b, l, mul(b, l, mHat, inv), lr);
      updated.push_back(sub(b, l, p, reshape(b, l, step, shape)));
      newM.push_back(m2);
      newV.push_back(v2);
      std::string name = paramName(func, p);
      names.push_back(name);
      mNames.push_back("adam_m_" + name);
      vNames.push_back("adam_v_" + name);
    }
    updated.append(newM);
    updated.append(newV);
    names.append(mNames);
    names.append(vNames);
    setResults(func, b, ret, updated, names);
  }
};

} // namespace
