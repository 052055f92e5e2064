//===- Quantize.cpp - uniform quantized types on int-precision ops --------===//
//
// Implements tern-quantize (see dialects/Tern/Passes.td). Three phases:
// decide which int-precision results stay int8 (all consumers are int
// matrix ops), retype those results and the layout ops between them and
// their consumers, then quantize the remaining float operands with
// quant.qcast (activations from calibrated ranges, weights from their own
// values, bias at the product scale).
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/Quantization.h"
#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"
#include "tern/Quant/IntKernels.h"
#include "tern/Quant/QuantParams.h"

#include "mlir/Dialect/Quant/QuantOps.h"
#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Tosa/IR/TosaOps.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "mlir/IR/Matchers.h"
#include "llvm/Support/GlobPattern.h"

namespace tern {
#define GEN_PASS_DEF_TERNQUANTIZE
#include "Tern/TernPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;

namespace mq = mlir::quant;
namespace tq = tern::quant;

namespace {

bool isIntMatrixOp(Operation *op) {
  if (!isa_and_nonnull<LinearOp, MatMulOp>(op))
    return false;
  auto precision = op->getAttrOfType<PrecisionAttr>("precision");
  return precision && precision.getValue() == Precision::integer;
}

/// Operand positions that carry activations (not weight, bias or mask).
bool isActivationOperand(OpOperand &use) {
  Operation *owner = use.getOwner();
  if (auto linear = dyn_cast<LinearOp>(owner))
    return use.get() == linear.getInput() && use.getOperandNumber() == 0;
  if (isa<MatMulOp>(owner))
    return use.getOperandNumber() < 2;
  return false;
}

/// True if every use of `value`, through layout ops, is an activation
/// operand of an int matrix op (and there is at least one).
bool feedsOnlyIntMatrixOps(Value value) {
  if (value.use_empty())
    return false;
  for (OpOperand &use : value.getUses()) {
    Operation *user = use.getOwner();
    if (isLayoutOp(user)) {
      if (!feedsOnlyIntMatrixOps(user->getResult(0)))
        return false;
      continue;
    }
    if (!isIntMatrixOp(user) || !isActivationOperand(use))
      return false;
  }
  return true;
}

/// Gives `value` and every layout op result downstream of it the element
/// type `elementType`.
void retype(Value value, Type elementType) {
  auto type = cast<RankedTensorType>(value.getType());
  value.setType(type.clone(elementType));
  for (Operation *user : value.getUsers())
    if (isLayoutOp(user))
      retype(user->getResult(0), elementType);
}

/// The f32 values of a constant vector (LayerNorm's gamma and beta).
std::optional<SmallVector<float>> constantVector(Value v) {
  Attribute attr;
  if (!matchPattern(v, m_Constant(&attr)))
    return std::nullopt;
  return readF32Elements(attr);
}

class TernQuantize : public tern::impl::TernQuantizeBase<TernQuantize> {
public:
  using TernQuantizeBase::TernQuantizeBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (weightBits != 4 && weightBits != 6 && weightBits != 8) {
      func.emitError("tern-quantize: ")
          << unsigned(weightBits)
          << "-bit weights: the matrix unit takes 8, 6 or 4 bits";
      return signalPassFailure();
    }
    if (failed(parseWeightBitsOverrides(func)))
      return signalPassFailure();
    // 6- and 4-bit activations: symmetric types of that storage width
    // (i6<-31:31>, i4<-7:7>), produced by cvt.b2i and rq.wide saturating at
    // the width.
    if (activationBits != 4 && activationBits != 6 && activationBits != 8) {
      func.emitError("tern-quantize: ")
          << unsigned(activationBits)
          << "-bit activations: the matrix unit takes 8, 6 or 4 bits";
      return signalPassFailure();
    }
    // The integer-only kernels (I-BERT) read and write int8 / int32 tiles
    // and requantize at int8 or wider: narrow activations are refused there.
    if (activationBits != 8) {
      Operation *kernel = nullptr;
      func.walk([&](Operation *op) {
        if (!kernel && isIntKernelOp(op))
          kernel = op;
      });
      if (kernel) {
        kernel->emitOpError("runs an integer-only kernel, which takes int8 "
                            "activations; ")
            << unsigned(activationBits)
            << "-bit activations are not lowered with integer-only "
               "policies (use a8)";
        return signalPassFailure();
      }
    }
    // Zero points are folded into the bias of an 8-bit linear only; the
    // integer-only kernels (I-BERT) are symmetric.
    if (asymmetricActivations) {
      if (activationBits != 8) {
        func.emitError("tern-quantize: asymmetric activations are 8-bit; ")
            << unsigned(activationBits)
            << "-bit activations are symmetric (asymmetric narrow casts are "
               "not lowered)";
        return signalPassFailure();
      }
      Operation *kernel = nullptr;
      func.walk([&](Operation *op) {
        if (!kernel && isIntKernelOp(op))
          kernel = op;
      });
      if (kernel) {
        kernel->emitOpError("runs an integer-only kernel, which is "
                            "symmetric (I-BERT); asymmetric activations "
                            "are not lowered with integer-only policies "
                            "(use --act-scheme sym)");
        return signalPassFailure();
      }
    }
    SmallVector<Operation *> intOps;
    func.walk([&](Operation *op) {
      if (isIntMatrixOp(op))
        intOps.push_back(op);
    });

    // Phase 1 and 2: int8 results.
    if (int8Outputs)
      for (Operation *op : intOps) {
        auto matmul = dyn_cast<MatMulOp>(op);
        if (matmul && matmul.getMask())
          continue; // the mask is added in bf16 after conversion
        if (perChannel && isa<LinearOp>(op))
          continue; // one multiplier per tile: per-channel results are float
        Value result = op->getResult(0);
        if (!feedsOnlyIntMatrixOps(result))
          continue;
        FailureOr<mq::UniformQuantizedType> type =
            activationType(result, op, "result");
        if (failed(type))
          return signalPassFailure();
        retype(result, *type);
      }

    // Integer-only kernels (softmax, GELU, LayerNorm, residual add in int):
    // every int op in program order, then dequantization for float users.
    bool integerKernels = false;
    func.walk([&](Operation *op) {
      integerKernels |= isIntKernelOp(op);
    });
    if (integerKernels) {
      if (failed(quantizeIntegerOnly(func)))
        return signalPassFailure();
    } else {
      // Phase 3: operands.
      for (Operation *op : intOps)
        if (failed(quantizeOperands(op)))
          return signalPassFailure();
    }

    // QDQ: a QuantizeLinear right after a quantized product is its result
    // type (one requantization of the accumulator, as onnxruntime's
    // QLinear kernels), and Q -> DQ -> Relu -> Q to the same type after a
    // linear is a fused ReLU.
    if (int8Outputs)
      for (Operation *op : intOps)
        foldResultQuantize(op);

    // A dequantize-requantize round trip to the same type is the identity
    // (both casts are exact on the grid): the int8 value flows on.
    func.walk([&](mq::QuantizeCastOp q) {
      auto d = q.getArg().getDefiningOp<mq::DequantizeCastOp>();
      if (d && d.getArg().getType() == q.getType())
        q.replaceAllUsesWith(d.getArg());
    });

    // QDQ casts whose dequantized values are no longer used (and the
    // transposes of dequantized weights folded above).
    bool erased = true;
    while (erased) {
      erased = false;
      func.walk([&](Operation *op) {
        if (isa<mq::QuantizeCastOp, mq::DequantizeCastOp, mq::StorageCastOp,
                tosa::TransposeOp, tosa::ClampOp, tensor::BitcastOp>(op) &&
            op->use_empty()) {
          op->erase();
          erased = true;
        }
      });
    }

    // The precision boundaries that remain cost a pass of the
    // requantization unit each: count them for users and policies (pass
    // statistics are compiled out of release LLVM builds).
    int64_t conversions = 0;
    func.walk([&](Operation *op) {
      if (isa<mq::QuantizeCastOp, mq::DequantizeCastOp>(op) &&
          !constantRange(op->getOperand(0)))
        ++conversions;
    });
    func->setAttr(kConversionsAttr,
                  IntegerAttr::get(IntegerType::get(&getContext(), 64),
                                   conversions));
  }

private:
  /// A float result whose only use is a quant.qcast to an 8-bit per-tensor
  /// type takes that type (the cast goes); then, for a linear, a following
  /// quant.dcast -> tosa.clamp [0, +inf) -> quant.qcast back to the same
  /// type becomes the linear's `relu`. On the result's grid ReLU is
  /// max(q, zp), which the requantizer applies as its lower clamp, exact
  /// where the float round trip through bf16 is not.
  void foldResultQuantize(Operation *op) {
    Value result = op->getResult(0);
    if (qtype(result) || !result.hasOneUse())
      return;
    if (auto matmul = dyn_cast<MatMulOp>(op); matmul && matmul.getMask())
      return;
    if (isa<mq::UniformQuantizedPerAxisType>(
            getElementTypeOrSelf(op->getOperand(1).getType())))
      return; // per-channel weights: the result is float
    auto q = dyn_cast<mq::QuantizeCastOp>(*result.getUsers().begin());
    auto type = q ? qtype(q.getResult()) : nullptr;
    // A Clip's narrower range (QuantizeLinear -> Clip) stays a run-time
    // cast: the requantizers saturate at int8.
    if (!type || type.getStorageTypeIntegralWidth() != 8 ||
        type.getStorageTypeMax() - type.getStorageTypeMin() != 255 ||
        q.getType() != cast<RankedTensorType>(result.getType()).clone(type))
      return;
    result.setType(q.getType());
    q.replaceAllUsesWith(result);
    q.erase();
    auto linear = dyn_cast<LinearOp>(op);
    if (!linear || !result.hasOneUse())
      return;
    auto d = dyn_cast<mq::DequantizeCastOp>(*result.getUsers().begin());
    if (!d || !d->hasOneUse())
      return;
    auto clamp = dyn_cast<tosa::ClampOp>(*d->getUsers().begin());
    if (!clamp || !clamp->hasOneUse() ||
        clamp.getMinFp().convertToDouble() != 0.0 ||
        clamp.getMaxFp().convertToDouble() <
            (type.getStorageTypeMax() - type.getZeroPoint()) * type.getScale())
      return;
    auto q2 = dyn_cast<mq::QuantizeCastOp>(*clamp->getUsers().begin());
    if (!q2 || q2.getType() != result.getType())
      return;
    linear.setRelu(true);
    q2.replaceAllUsesWith(result);
    q2.erase();
    clamp.erase();
    d.erase();
  }

  /// A QDQ model's int32 bias (DequantizeLinear of an int32 initializer)
  /// at the product scale `scale`: the model's integers as they are when
  /// its scale is the product scale to float precision (torch and
  /// onnxruntime's QDQ convention), else rounded half to even to `scale`
  /// at compile time; null if `bias` is not that form.
  Value givenBias(Value bias, double scale) {
    auto dcast = bias.getDefiningOp<mq::DequantizeCastOp>();
    auto scast =
        dcast ? dcast.getArg().getDefiningOp<mq::StorageCastOp>() : nullptr;
    auto c = scast ? scast.getArg().getDefiningOp<tosa::ConstOp>() : nullptr;
    auto from = scast ? qtype(scast.getResult()) : nullptr;
    auto dense = c ? dyn_cast<DenseIntElementsAttr>(c.getValue()) : nullptr;
    if (!dense || !from || from.getZeroPoint() != 0 ||
        from.getStorageTypeIntegralWidth() != 32)
      return Value();
    double ratio = from.getScale() / scale;
    bool same = std::fabs(ratio - 1.0) <= 1e-6;
    SmallVector<APInt> values;
    for (const APInt &v : dense.getValues<APInt>()) {
      double x = same ? double(v.getSExtValue())
                      : std::nearbyint(double(v.getSExtValue()) * ratio);
      if (x < INT32_MIN || x > INT32_MAX)
        return Value();
      values.push_back(APInt(32, static_cast<uint64_t>(int64_t(x)), true));
    }
    auto tensorType = cast<RankedTensorType>(c.getType());
    OpBuilder b(dcast);
    auto folded = b.create<tosa::ConstOp>(
        c.getLoc(), tensorType, DenseElementsAttr::get(tensorType, values));
    return b.create<mq::StorageCastOp>(
        dcast.getLoc(), tensorType.clone(biasType(&getContext(), scale)),
        folded);
  }

  static bool isInt(Operation *op) {
    auto precision = op->getAttrOfType<PrecisionAttr>("precision");
    return precision && precision.getValue() == Precision::integer;
  }
  /// A non-matrix op with an integer kernel, in int precision.
  static bool isIntKernelOp(Operation *op) {
    return isa<SoftmaxOp, GeluOp, LayerNormOp, AddOp>(op) && isInt(op);
  }
  static mq::UniformQuantizedType qtype(Value v) {
    return dyn_cast<mq::UniformQuantizedType>(
        getElementTypeOrSelf(v.getType()));
  }
  /// A symmetric type of `bits` (8: i8 storage; more: i32 storage with
  /// the narrow range of that width).
  mq::UniformQuantizedType intType(unsigned bits, double scale) {
    MLIRContext *ctx = &getContext();
    int64_t hi = (int64_t(1) << (bits - 1)) - 1;
    return mq::UniformQuantizedType::get(
        mq::QuantizationFlags::Signed,
        IntegerType::get(ctx, bits <= 8 ? 8 : 32), Float32Type::get(ctx),
        scale, 0, -hi, hi);
  }
  mq::UniformQuantizedType i32Type(double scale, int64_t bound) {
    MLIRContext *ctx = &getContext();
    return mq::UniformQuantizedType::get(
        mq::QuantizationFlags::Signed, IntegerType::get(ctx, 32),
        Float32Type::get(ctx), scale, 0, -bound, bound);
  }
  /// max(|min|, |max|) of a value's calibrated range.
  FailureOr<double> absMax(Value value, Operation *user, StringRef what) {
    std::optional<tq::Range> range = findCalibratedRange(value);
    if (!range) {
      user->emitOpError("has no calibrated range for its ")
          << what
          << " (a 'tern.range' attribute on the producer; calibrate with "
             "`tern compile --calib DIR`)";
      return failure();
    }
    double m = std::max(std::fabs(range->min), std::fabs(range->max));
    return m > 0 ? m : 1.0;
  }

  /// `value` as `type`: a quant.qcast of a float value (a conversion) or a
  /// tern.requantize of a quantized one, shared per (value, type) and
  /// placed after the value's definition.
  Value asType(Value value, Type elementType) {
    if (getElementTypeOrSelf(value.getType()) == elementType)
      return value;
    auto key = std::make_pair(value, elementType);
    if (Value cached = qcasts.lookup(key))
      return cached;
    OpBuilder b(&getContext());
    if (Operation *def = value.getDefiningOp())
      b.setInsertionPointAfter(def);
    else
      b.setInsertionPointToStart(value.getParentBlock());
    auto type = cast<RankedTensorType>(value.getType()).clone(elementType);
    Value cast;
    if (qtype(value))
      cast = b.create<RequantizeOp>(value.getLoc(), type, value);
    else
      cast = b.create<mq::QuantizeCastOp>(value.getLoc(), type, value);
    qcasts[key] = cast;
    return cast;
  }

  /// An int8 operand for a matrix op: at the value's calibrated scale.
  LogicalResult toInt8(Operation *op, OpOperand &operand, StringRef what) {
    Value v = operand.get();
    auto q = qtype(v);
    if (q && q.getStorageTypeIntegralWidth() == 8)
      return success();
    if (!q) {
      // Float producers (and QDQ models) as in the matrix-only path.
      return quantizeActivation(op, operand, what);
    }
    FailureOr<double> m = absMax(v, op, what);
    if (failed(m))
      return failure();
    operand.set(asType(v, intType(8, *m / 127.0)));
    return success();
  }

  /// A 32-bit operand at any scale (LayerNorm, and the starting point of
  /// the others): int32 values as they are; int8 widened; a float value
  /// quantized to int8 (a conversion) and widened.
  FailureOr<Value> toInt32(Operation *op, Value v, StringRef what) {
    auto q = qtype(v);
    if (!q) {
      FailureOr<double> m = absMax(v, op, what);
      if (failed(m))
        return failure();
      v = asType(v, intType(8, *m / 127.0));
      q = qtype(v);
    }
    if (q.getStorageTypeIntegralWidth() == 32)
      return v;
    return asType(v, i32Type(q.getScale(), q.getStorageTypeMax()));
  }

  /// Sets an int op's result type; layout ops and data movement (CLS
  /// gather, slices) after it follow: they copy integers as they are.
  void setResult(Operation *op, mq::UniformQuantizedType type) {
    retypeThrough(op->getResult(0), type);
  }
  static void retypeThrough(Value value, Type elementType) {
    auto type = cast<RankedTensorType>(value.getType());
    value.setType(type.clone(elementType));
    for (OpOperand &use : value.getUses()) {
      Operation *user = use.getOwner();
      if (isLayoutOp(user) || isa<tosa::SliceOp>(user) ||
          (isa<tosa::GatherOp>(user) && use.getOperandNumber() == 0))
        retypeThrough(user->getResult(0), elementType);
    }
  }

  /// One `weight-bits-overrides` entry.
  struct WeightBitsOverride {
    std::string text;
    llvm::GlobPattern pattern;
    unsigned bits;
    bool used = false;
  };
  SmallVector<WeightBitsOverride> bitsOverrides;

  /// Parses the overrides and checks that each names at least one linear
  /// that will be quantized, before anything changes.
  LogicalResult parseWeightBitsOverrides(func::FuncOp func) {
    for (const std::string &text : weightBitsOverrides) {
      auto [name, bitsText] = StringRef(text).rsplit('=');
      unsigned bits = 0;
      auto pattern = llvm::GlobPattern::create(name);
      if (name.empty() || !StringRef(text).contains('=') ||
          bitsText.getAsInteger(10, bits) ||
          (bits != 4 && bits != 6 && bits != 8) || !pattern) {
        if (!pattern)
          llvm::consumeError(pattern.takeError());
        return func.emitError("tern-quantize: weight-bits override '")
               << text
               << "' is not NAME=BITS with a glob NAME and BITS 8, 6 or 4";
      }
      bitsOverrides.push_back({text, std::move(*pattern), bits});
    }
    func.walk([&](LinearOp linear) {
      if (!isIntMatrixOp(linear))
        return;
      std::string name = operatorName(linear);
      for (WeightBitsOverride &o : bitsOverrides)
        o.used |= o.pattern.match(name);
    });
    for (const WeightBitsOverride &o : bitsOverrides)
      if (!o.used)
        return func.emitError("tern-quantize: weight-bits override '")
               << o.text << "' names no int8 linear of '" << func.getName()
               << "'";
    return success();
  }

  /// Weight width of one linear: `weight-bits`, or the last override that
  /// matches its ONNX node name.
  unsigned weightBitsOf(Operation *linear) const {
    unsigned bits = weightBits;
    std::string name = operatorName(linear);
    for (const WeightBitsOverride &o : bitsOverrides)
      if (o.pattern.match(name))
        bits = o.bits;
    return bits;
  }

  LogicalResult quantizeIntegerOnly(func::FuncOp func) {
    SmallVector<Operation *> ops;
    func.walk([&](Operation *op) {
      if ((isIntMatrixOp(op) || isIntKernelOp(op)))
        ops.push_back(op);
    });
    for (Operation *op : ops)
      if (failed(quantizeIntOp(op)))
        return failure();
    // Float users of integer values get a dequantizing conversion; data
    // movement (gather, slice) carries the integer type through.
    SmallVector<OpOperand *> floatUses;
    func.walk([&](Operation *op) {
      if (isIntMatrixOp(op) || isIntKernelOp(op) || isLayoutOp(op) ||
          isa<RequantizeOp, mq::QuantizeCastOp, mq::DequantizeCastOp,
              mq::StorageCastOp>(op))
        return;
      if (isa<tosa::SliceOp, tosa::GatherOp>(op) && qtype(op->getResult(0)))
        return;
      for (OpOperand &use : op->getOpOperands())
        if (qtype(use.get()))
          floatUses.push_back(&use);
    });
    for (OpOperand *use : floatUses) {
      Value v = use->get();
      auto key = std::make_pair(v, Type());
      Value d = qcasts.lookup(key);
      if (!d) {
        OpBuilder b(&getContext());
        b.setInsertionPointAfterValue(v);
        d = b.create<mq::DequantizeCastOp>(
            v.getLoc(),
            cast<RankedTensorType>(v.getType())
                .clone(qtype(v).getExpressedType()),
            v);
        qcasts[key] = d;
      }
      use->set(d);
    }
    return success();
  }

  LogicalResult quantizeIntOp(Operation *op) {
    MLIRContext *ctx = &getContext();
    if (auto matmul = dyn_cast<MatMulOp>(op)) {
      if (failed(toInt8(op, matmul.getLhsMutable(), "lhs")) ||
          failed(toInt8(op, matmul.getRhsMutable(), "rhs")))
        return failure();
      if (qtype(matmul.getResult()))
        return success(); // int8 (phase 1)
      double s = qtype(matmul.getLhs()).getScale() *
                 qtype(matmul.getRhs()).getScale() *
                 matmul.getScale().convertToDouble();
      setResult(op, i32Type(s, std::numeric_limits<int32_t>::max()));
      return success();
    }
    if (auto linear = dyn_cast<LinearOp>(op)) {
      if (failed(toInt8(op, linear.getInputMutable(), "input")) ||
          failed(quantizeOperands(op)))
        return failure();
      if (qtype(linear.getResult()))
        return success();
      auto w = qtype(linear.getWeight());
      if (!w)
        return linear.emitOpError(
            "needs per-tensor weights under the integer-only policies "
            "(--per-channel results are float)");
      double s = qtype(linear.getInput()).getScale() * w.getScale();
      setResult(op, i32Type(s, std::numeric_limits<int32_t>::max()));
      return success();
    }
    if (auto softmax = dyn_cast<SoftmaxOp>(op)) {
      FailureOr<Value> in = toInt32(op, softmax.getInput(), "input");
      if (failed(in))
        return failure();
      // I-BERT feeds the product's int32 directly; a scale too fine for
      // 32-bit constants is requantized to the widest width that works.
      Value v = *in;
      if (!tq::iSoftmaxConstants(qtype(v).getScale())) {
        FailureOr<double> m = absMax(softmax.getInput(), op, "input");
        if (failed(m))
          return failure();
        Value chosen;
        for (unsigned bits = 22; bits >= 8 && !chosen; --bits) {
          double s = *m / ((int64_t(1) << (bits - 1)) - 1);
          auto k = tq::iSoftmaxConstants(s);
          if (k)
            chosen = asType(v, intType(std::max(bits, 9u), s));
          else
            llvm::consumeError(k.takeError());
        }
        if (!chosen)
          return op->emitOpError("input range [-")
                 << *m << ", " << *m
                 << "] has no width whose i-exp constants fit 32 bits";
        v = chosen;
      } else {
        llvm::consumeError(
            tq::iSoftmaxConstants(qtype(v).getScale()).takeError());
      }
      softmax.getInputMutable().set(v);
      setResult(op, i32Type(tq::ISoftmaxConstants::kOutputScale, 256));
      return success();
    }
    if (auto gelu = dyn_cast<GeluOp>(op)) {
      FailureOr<double> m = absMax(gelu.getInput(), op, "input");
      if (failed(m))
        return failure();
      FailureOr<Value> in = toInt32(op, gelu.getInput(), "input");
      if (failed(in))
        return failure();
      // The widest input whose result provably fits 32 bits.
      for (unsigned bits = 22; bits >= 8; --bits) {
        int64_t hi = (int64_t(1) << (bits - 1)) - 1;
        double s = *m / hi;
        auto k = tq::iGeluConstants(s, hi);
        if (!k) {
          llvm::consumeError(k.takeError());
          continue;
        }
        gelu.getInputMutable().set(asType(*in, intType(std::max(bits, 9u), s)));
        setResult(op, i32Type(std::fabs(k->outputScale),
                              std::numeric_limits<int32_t>::max()));
        return success();
      }
      return op->emitOpError("input range [-")
             << *m << ", " << *m
             << "] has no width whose i-GELU result fits 32 bits";
    }
    if (auto ln = dyn_cast<LayerNormOp>(op)) {
      FailureOr<Value> in = toInt32(op, ln.getInput(), "input");
      if (failed(in))
        return failure();
      ln.getInputMutable().set(*in);
      std::optional<SmallVector<float>> gamma = constantVector(ln.getGamma()),
                                        beta = constantVector(ln.getBeta());
      if (!gamma || !beta)
        return ln.emitOpError("needs constant gamma and beta for the integer "
                              "LayerNorm (they are folded at compile time)");
      auto affine = tq::iLayerNormAffine(*gamma, *beta);
      if (!affine)
        return ln.emitOpError("cannot fold gamma and beta: ")
               << llvm::toString(affine.takeError());
      setResult(op, i32Type(affine->outputScale,
                            std::numeric_limits<int32_t>::max()));
      return success();
    }
    auto add = cast<AddOp>(op);
    // I-BERT: both branches requantized to the output scale, a 22-bit
    // residual sum into the next LayerNorm.
    FailureOr<double> m = absMax(add.getResult(), op, "result");
    if (failed(m))
      return failure();
    constexpr unsigned kResidualBits = 22;
    double s = *m / ((int64_t(1) << (kResidualBits - 1)) - 1);
    for (OpOperand *operand : {&add.getLhsMutable(), &add.getRhsMutable()}) {
      FailureOr<Value> in = toInt32(op, operand->get(), "operand");
      if (failed(in))
        return failure();
      operand->set(asType(*in, intType(kResidualBits, s)));
    }
    (void)ctx;
    setResult(op, i32Type(s, 2 * ((int64_t(1) << (kResidualBits - 1)) - 1)));
    return success();
  }

  /// The quantized type of activation `value` from its calibrated range.
  FailureOr<mq::UniformQuantizedType>
  activationType(Value value, Operation *user, StringRef what,
                 tq::Scheme scheme = tq::Scheme::Symmetric) {
    std::optional<tq::Range> range = findCalibratedRange(value);
    if (!range) {
      user->emitOpError("has no calibrated range for its ")
          << what
          << " (a 'tern.range' attribute on the producer; calibrate with "
             "`tern compile --calib DIR`)";
      return failure();
    }
    auto params = tq::computeParams(*range, activationBits, scheme);
    if (!params) {
      user->emitOpError("cannot quantize its ")
          << what << ": " << llvm::toString(params.takeError());
      return failure();
    }
    return uniformType(&getContext(), *params);
  }

  /// A quant.qcast of `value` to `type`, shared per (value, type) and placed
  /// right after the value's definition.
  Value castAfterDefinition(Value value, Type elementType) {
    auto key = std::make_pair(value, elementType);
    if (Value cached = qcasts.lookup(key))
      return cached;
    OpBuilder b(&getContext());
    if (Operation *def = value.getDefiningOp())
      b.setInsertionPointAfter(def);
    else
      b.setInsertionPointToStart(value.getParentBlock());
    auto type = cast<RankedTensorType>(value.getType()).clone(elementType);
    Value cast =
        b.create<mq::QuantizeCastOp>(value.getLoc(), type, value);
    qcasts[key] = cast;
    return cast;
  }

  /// A QDQ weight dequantized behind a 2-D transpose (a Gemm's transB:
  /// tosa.transpose(quant.dcast(quant.scast(int constant [N, K])))): the
  /// transposed integer constant [K, N] with the same scale (a per-axis
  /// type's axis permuted), as a quantized value; null if `value` is not
  /// that form.
  Value transposedQuantizedConstant(Value value) {
    auto transpose = value.getDefiningOp<tosa::TransposeOp>();
    auto dcast = transpose ? transpose.getInput1()
                                 .getDefiningOp<mq::DequantizeCastOp>()
                           : nullptr;
    auto scast =
        dcast ? dcast.getArg().getDefiningOp<mq::StorageCastOp>() : nullptr;
    auto c = scast ? scast.getArg().getDefiningOp<tosa::ConstOp>() : nullptr;
    SmallVector<int64_t> perms;
    if (!c || failed(transpose.getConstantPerms(perms)) ||
        perms != SmallVector<int64_t>{1, 0})
      return Value();
    auto srcType = cast<RankedTensorType>(c.getType());
    auto storage = dyn_cast<IntegerType>(srcType.getElementType());
    if (!storage || srcType.getRank() != 2)
      return Value();
    SmallVector<APInt> values;
    if (auto dense = dyn_cast<DenseIntElementsAttr>(c.getValue())) {
      values.assign(dense.getValues<APInt>().begin(),
                    dense.getValues<APInt>().end());
    } else if (auto blob =
                   dyn_cast<DenseI8ResourceElementsAttr>(c.getValue())) {
      std::optional<ArrayRef<int8_t>> data = blob.tryGetAsArrayRef();
      if (!data)
        return Value();
      for (int8_t v : *data)
        values.push_back(APInt(8, static_cast<uint64_t>(v), true));
    } else {
      return Value();
    }
    int64_t rows = srcType.getDimSize(0), cols = srcType.getDimSize(1);
    SmallVector<APInt> transposed;
    transposed.reserve(values.size());
    for (int64_t j = 0; j < cols; ++j)
      for (int64_t i = 0; i < rows; ++i)
        transposed.push_back(values[i * cols + j]);
    auto type = RankedTensorType::get({cols, rows}, storage);
    Type element = getElementTypeOrSelf(dcast.getArg().getType());
    if (auto perAxis = dyn_cast<mq::UniformQuantizedPerAxisType>(element))
      element = mq::UniformQuantizedPerAxisType::get(
          perAxis.getFlags(), perAxis.getStorageType(),
          perAxis.getExpressedType(), perAxis.getScales(),
          perAxis.getZeroPoints(), 1 - perAxis.getQuantizedDimension(),
          perAxis.getStorageTypeMin(), perAxis.getStorageTypeMax());
    OpBuilder b(transpose);
    auto folded = b.create<tosa::ConstOp>(
        c.getLoc(), type, DenseElementsAttr::get(type, transposed));
    return b.create<mq::StorageCastOp>(transpose.getLoc(),
                                       type.clone(element), folded);
  }

  /// A QDQ model's own quantized value behind `dcast`, checked to be a form
  /// the lowering executes; null if `value` is not dequantized.
  FailureOr<Value> givenQuantized(Operation *op, Value value, StringRef what) {
    auto dcast = value.getDefiningOp<mq::DequantizeCastOp>();
    Value transposed;
    if (!dcast && what == "weight" && isa<LinearOp>(op))
      transposed = transposedQuantizedConstant(value);
    if (!dcast && !transposed)
      return Value();
    Value q = transposed ? transposed : dcast.getArg();
    Type element = getElementTypeOrSelf(q.getType());
    // Per-axis weights: symmetric int8, one scale per output column of the
    // [K, N] weight (the per-channel path of `--per-channel`).
    if (auto perAxis = dyn_cast<mq::UniformQuantizedPerAxisType>(element)) {
      auto shaped = cast<RankedTensorType>(q.getType());
      bool symmetric = llvm::all_of(perAxis.getZeroPoints(),
                                    [](int64_t z) { return z == 0; });
      if (isa<LinearOp>(op) && what == "weight" && symmetric &&
          perAxis.isSigned() && perAxis.getStorageTypeIntegralWidth() == 8 &&
          shaped.getRank() == 2 && perAxis.getQuantizedDimension() == 1)
        return q;
      return op->emitOpError("takes a QDQ-quantized ")
             << what << " of type " << element
             << "; per-axis types are lowered only for a linear's weight: "
                "symmetric int8 (zero points 0), one scale per output column "
                "(axis 1 of the [K, N] weight)";
    }
    auto type = dyn_cast<mq::UniformQuantizedType>(element);
    // A linear's input may be asymmetric (uint8, or a zero point): the
    // lowering folds -Zx * colsum(W) into the int32 bias. Weights and the
    // operands of run-time products must be symmetric.
    bool asymmetricOk = isa<LinearOp>(op) && what == "input";
    if (!type || type.getStorageTypeIntegralWidth() != 8 ||
        (type.getZeroPoint() != 0 && !asymmetricOk))
      return op->emitOpError("takes a QDQ-quantized ")
             << what << " of type " << element
             << "; the lowering executes symmetric (zero point 0) per-tensor "
                "int8"
             << (isa<LinearOp>(op)
                     ? " weights (a linear's input may be asymmetric 8-bit)"
                     : " operands of a product of two run-time tensors");
    // QuantizeLinear -> Clip -> DequantizeLinear: a narrower saturation
    // range of the codes (QAT activations below 8 bits).
    if (auto scast = q.getDefiningOp<mq::StorageCastOp>())
      if (auto clamp = scast.getArg().getDefiningOp<tosa::ClampOp>())
        return clippedQuantized(op, dcast, clamp, type, what);
    return q;
  }

  /// A QDQ `QuantizeLinear -> Clip -> DequantizeLinear` (`dcast` of the
  /// clamped codes): folded by foldQdqClip, or refused naming the form.
  FailureOr<Value> clippedQuantized(Operation *op, mq::DequantizeCastOp dcast,
                                    tosa::ClampOp clamp,
                                    mq::UniformQuantizedType type,
                                    StringRef what) {
    std::string why;
    FailureOr<Value> folded = foldQdqClip(dcast, clamp, why);
    if (failed(folded))
      return op->emitOpError("takes a QDQ ") << what << " " << why;
    return *folded;
  }

  LogicalResult quantizeActivation(Operation *op, OpOperand &operand,
                                   StringRef what) {
    Value value = operand.get();
    if (isa<mq::QuantizedType>(getElementTypeOrSelf(value.getType())))
      return success();
    FailureOr<Value> given = givenQuantized(op, value, what);
    if (failed(given))
      return failure();
    if (*given) {
      operand.set(*given);
      return success();
    }
    // A linear's input may carry a zero point (folded into its bias).
    tq::Scheme scheme = asymmetricActivations && isa<LinearOp>(op) &&
                                what == "input"
                            ? tq::Scheme::Asymmetric
                            : tq::Scheme::Symmetric;
    FailureOr<mq::UniformQuantizedType> type =
        activationType(value, op, what, scheme);
    if (failed(type))
      return failure();
    operand.set(castAfterDefinition(value, *type));
    return success();
  }

  LogicalResult quantizeOperands(Operation *op) {
    if (auto matmul = dyn_cast<MatMulOp>(op))
      return success(
          succeeded(quantizeActivation(op, matmul.getLhsMutable(), "lhs")) &&
          succeeded(quantizeActivation(op, matmul.getRhsMutable(), "rhs")));

    auto linear = cast<LinearOp>(op);
    if (failed(quantizeActivation(op, linear.getInputMutable(), "input")))
      return failure();
    auto weightType = cast<RankedTensorType>(linear.getWeight().getType());
    auto inputType = cast<mq::UniformQuantizedType>(
        getElementTypeOrSelf(linear.getInput().getType()));
    Type weightQType, biasQType;
    FailureOr<Value> givenWeight =
        givenQuantized(op, linear.getWeight(), "weight");
    if (failed(givenWeight))
      return failure();
    if (*givenWeight)
      linear.getWeightMutable().set(*givenWeight);
    if (auto wType = dyn_cast<mq::UniformQuantizedType>(
            getElementTypeOrSelf(linear.getWeight().getType()))) {
      // The model's own weight quantization (DequantizeLinear of an int8
      // initializer), or a weight quantized before this pass, per tensor.
      if (Value bias = linear.getBias();
          bias && !isa<mq::QuantizedType>(getElementTypeOrSelf(bias.getType()))) {
        if (Value given =
                givenBias(bias, inputType.getScale() * wType.getScale())) {
          linear.getBiasMutable().assign(given);
          return success();
        }
        OpBuilder b(op);
        auto biasTensor = cast<RankedTensorType>(bias.getType());
        linear.getBiasMutable().assign(b.create<mq::QuantizeCastOp>(
            op->getLoc(),
            biasTensor.clone(
                biasType(&getContext(), inputType.getScale() * wType.getScale())),
            bias));
      }
      return success();
    }
    if (auto wType = dyn_cast<mq::UniformQuantizedPerAxisType>(
            getElementTypeOrSelf(linear.getWeight().getType()))) {
      // The model's own per-axis weight (DequantizeLinear with an axis):
      // the bias per column at S_x * S_w[c].
      if (Value bias = linear.getBias();
          bias &&
          !isa<mq::QuantizedType>(getElementTypeOrSelf(bias.getType()))) {
        SmallVector<double> biasScales;
        for (double sw : wType.getScales())
          biasScales.push_back(inputType.getScale() * sw);
        OpBuilder b(op);
        auto biasTensor = cast<RankedTensorType>(bias.getType());
        linear.getBiasMutable().assign(b.create<mq::QuantizeCastOp>(
            op->getLoc(),
            biasTensor.clone(perColumnBiasType(&getContext(), biasScales)),
            bias));
      }
      return success();
    }
    if (perChannel) {
      std::optional<SmallVector<float>> values =
          constantMatrix(linear.getWeight());
      if (!values)
        return linear.emitOpError(
            "has a weight that is not a readable f32 constant matrix; "
            "per-channel quantization needs its values");
      auto columns = tq::computePerChannelParams(
          *values, weightType.getDimSize(0), weightType.getDimSize(1),
          weightBitsOf(op), tq::Scheme::Symmetric);
      if (!columns)
        return linear.emitOpError("cannot quantize its weight: ")
               << llvm::toString(columns.takeError());
      weightQType = perColumnType(&getContext(), *columns);
      SmallVector<double> biasScales;
      for (const tq::QuantParams &c : *columns)
        biasScales.push_back(inputType.getScale() * c.scale);
      biasQType = perColumnBiasType(&getContext(), biasScales);
    } else {
      std::optional<tq::Range> weightRange = constantRange(linear.getWeight());
      if (!weightRange)
        return linear.emitOpError(
            "has a weight that is not a readable f32 constant; int "
            "precision needs static weights");
      auto params = tq::computeParams(*weightRange, weightBitsOf(op),
                                      tq::Scheme::Symmetric);
      if (!params)
        return linear.emitOpError("cannot quantize its weight: ")
               << llvm::toString(params.takeError());
      weightQType = uniformType(&getContext(), *params);
      biasQType = biasType(&getContext(), inputType.getScale() * params->scale);
    }
    OpBuilder b(op);
    linear.getWeightMutable().set(b.create<mq::QuantizeCastOp>(
        op->getLoc(), weightType.clone(weightQType), linear.getWeight()));
    if (Value bias = linear.getBias()) {
      auto biasTensor = cast<RankedTensorType>(bias.getType());
      linear.getBiasMutable().assign(b.create<mq::QuantizeCastOp>(
          op->getLoc(), biasTensor.clone(biasQType), bias));
    }
    return success();
  }

  llvm::DenseMap<std::pair<Value, Type>, Value> qcasts;
};

} // namespace
