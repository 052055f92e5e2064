//===- PruneTokens.cpp - EViT-style token pruning after attention ---------===//
//
// Implements tern-prune-tokens (see dialects/Tern/Passes.td for the
// contract): inserts tern.prune_tokens after the attention of the chosen
// layers and shrinks the token dimension of everything after it, so that
// the remaining layers are the same model run on the kept tokens (SEEDS.md
// section 2).
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/Matchers.h"
#include "mlir/IR/TypeUtilities.h"

#include <cmath>

namespace tern {
#define GEN_PASS_DEF_TERNPRUNETOKENS
#include "Tern/TernPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;

namespace mq = mlir::quant;

namespace {

/// One attention layer: its probabilities and the residual addition after
/// its output projection (the hidden state the FFN reads).
struct AttentionLayer {
  tern::SoftmaxOp softmax;
  Operation *residual = nullptr;
};

bool isQuantCast(Operation *op) {
  return isa_and_nonnull<mq::QuantizeCastOp, mq::DequantizeCastOp,
                         mq::StorageCastOp>(op);
}

/// The context product `probs x V` that `softmax` feeds (through quant
/// casts), or null.
tern::MatMulOp contextOf(tern::SoftmaxOp softmax) {
  SmallVector<Value> frontier{softmax.getResult()};
  while (!frontier.empty()) {
    Value v = frontier.pop_back_val();
    for (OpOperand &use : v.getUses()) {
      Operation *user = use.getOwner();
      if (auto mm = dyn_cast<tern::MatMulOp>(user))
        if (use.getOperandNumber() == 0)
          return mm;
      if (isQuantCast(user))
        frontier.push_back(user->getResult(0));
    }
  }
  return nullptr;
}

/// The attention-score product `Q K^T` that `softmax` normalizes (through
/// quant casts), or null.
tern::MatMulOp scoresOf(tern::SoftmaxOp softmax) {
  Value v = softmax->getOperand(0);
  while (Operation *def = v.getDefiningOp()) {
    if (auto mm = dyn_cast<tern::MatMulOp>(def))
      return mm;
    if (!isQuantCast(def))
      return nullptr;
    v = def->getOperand(0);
  }
  return nullptr;
}

/// The residual addition after the attention output: follows single users
/// through merge_heads, the output projection, quant casts and reshapes.
Operation *residualAfter(tern::MatMulOp context) {
  Value v = context.getResult();
  for (int steps = 0; steps < 8; ++steps) {
    if (!v.hasOneUse())
      return nullptr;
    Operation *user = *v.getUsers().begin();
    if (isa<tosa::AddOp, tern::AddOp>(user))
      return user;
    if (!isa<tern::MergeHeadsOp, tern::LinearOp, tosa::ReshapeOp>(user) &&
        !isQuantCast(user))
      return nullptr;
    v = user->getResult(0);
  }
  return nullptr;
}

/// True if `op` reads token 0 alone of a [B, N, D] tensor: a CLS head.
bool readsTokenZero(Operation *op) {
  if (auto gather = dyn_cast<tosa::GatherOp>(op)) {
    DenseIntElementsAttr idx;
    if (!matchPattern(gather.getIndices(), m_Constant(&idx)))
      return false;
    return llvm::all_of(idx.getValues<APInt>(),
                        [](const APInt &v) { return v.isZero(); });
  }
  if (auto slice = dyn_cast<tosa::SliceOp>(op)) {
    auto type = dyn_cast<RankedTensorType>(slice.getInput().getType());
    ArrayRef<int64_t> start = slice.getStart(), size = slice.getSize();
    return type && type.getRank() == 3 && start.size() == 3 &&
           start[1] == 0 && size[1] == 1 && type.getDimSize(1) > 1;
  }
  return false;
}

/// Broadcast of the operand shapes (right-aligned), or failure naming the
/// first operand whose dimension conflicts.
FailureOr<SmallVector<int64_t>> broadcastShapes(Operation *op,
                                                unsigned &badOperand) {
  SmallVector<int64_t> shape;
  for (auto [i, operand] : llvm::enumerate(op->getOperands())) {
    auto type = dyn_cast<RankedTensorType>(operand.getType());
    if (!type)
      continue;
    ArrayRef<int64_t> s = type.getShape();
    if (s.size() > shape.size())
      shape.insert(shape.begin(), s.size() - shape.size(), 1);
    for (size_t d = 0; d < s.size(); ++d) {
      int64_t &r = shape[shape.size() - s.size() + d];
      if (s[d] == 1 || s[d] == r)
        continue;
      if (r != 1) {
        badOperand = i;
        return failure();
      }
      r = s[d];
    }
  }
  return shape;
}

RankedTensorType withShape(Type old, ArrayRef<int64_t> shape) {
  return RankedTensorType::get(shape, getElementTypeOrSelf(old));
}

class TernPruneTokens : public tern::impl::TernPruneTokensBase<TernPruneTokens> {
public:
  using TernPruneTokensBase::TernPruneTokensBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    if (importance != "auto" && importance != "cls" &&
        importance != "all-rows") {
      func.emitError("tern-prune-tokens: importance '")
          << importance << "' is not one of cls, all-rows, auto";
      return signalPassFailure();
    }

    SmallVector<AttentionLayer> model;
    func.walk([&](tern::SoftmaxOp softmax) {
      if (tern::MatMulOp context = contextOf(softmax))
        model.push_back({softmax, residualAfter(context)});
    });
    const unsigned numLayers = model.size();

    SmallVector<unsigned> chosen;
    if (layers.empty()) {
      for (unsigned l : {3u, 6u, 9u})
        if (l < numLayers)
          chosen.push_back(l);
    } else {
      for (unsigned l : layers) {
        if (l >= numLayers) {
          func.emitError("tern-prune-tokens: layer ")
              << l << " is outside the model, which has " << numLayers
              << " attention layers (0.." << int64_t(numLayers) - 1 << ")";
          return signalPassFailure();
        }
        chosen.push_back(l);
      }
      llvm::sort(chosen);
      chosen.erase(std::unique(chosen.begin(), chosen.end()), chosen.end());
      if (chosen.size() != layers.size()) {
        func.emitError("tern-prune-tokens: a layer is listed twice");
        return signalPassFailure();
      }
    }

    const bool byThreshold = threshold > 0;
    if (threshold != 0 && !keepRates.empty()) {
      func.emitError("tern-prune-tokens: threshold and keep-rate are "
                     "mutually exclusive (give one)");
      return signalPassFailure();
    }
    if (threshold != 0 && fuse) {
      func.emitError("tern-prune-tokens: fuse is not supported with a "
                     "threshold (the token unit fuses a static count)");
      return signalPassFailure();
    }
    // T <= 0 keeps every token (scores are >= 0): a no-op.
    if (threshold < 0)
      return;

    SmallVector<double> rates(keepRates.begin(), keepRates.end());
    if (rates.empty())
      rates.push_back(0.7);
    if (rates.size() != 1 && rates.size() != layers.size()) {
      func.emitError("tern-prune-tokens: ")
          << rates.size() << " keep rates for " << layers.size()
          << " layers (give one rate, or one per layer)";
      return signalPassFailure();
    }
    for (double rho : rates)
      if (!(rho > 0.0 && rho <= 1.0)) {
        func.emitError("tern-prune-tokens: keep rate ")
            << rho << " is outside (0, 1]";
        return signalPassFailure();
      }
    // Per-layer rates follow the order the user gave the layers in.
    DenseMap<unsigned, double> rateOf;
    for (auto [i, l] : llvm::enumerate(layers.empty()
                                           ? ArrayRef<unsigned>(chosen)
                                           : ArrayRef<unsigned>(layers)))
      rateOf[l] = rates.size() == 1 ? rates[0] : rates[i];

    bool allRows = importance == "all-rows";
    if (importance == "auto") {
      bool cls = false;
      func.walk([&](Operation *op) { cls |= readsTokenZero(op); });
      allRows = !cls;
    }

    auto i32 = IntegerType::get(&getContext(), 32);
    SmallVector<std::pair<unsigned, Value>> exposed;
    for (unsigned l : chosen) {
      AttentionLayer &layer = model[l];
      if (!layer.residual) {
        layer.softmax.emitError("tern-prune-tokens: layer ")
            << l << ": no residual addition after the attention output";
        return signalPassFailure();
      }
      Value hidden = layer.residual->getResult(0);
      auto type = dyn_cast<RankedTensorType>(hidden.getType());
      auto probsType =
          dyn_cast<RankedTensorType>(layer.softmax.getResult().getType());
      if (!type || type.getRank() != 3 || !type.hasStaticShape() ||
          !probsType || probsType.getRank() != 4) {
        layer.residual->emitError("tern-prune-tokens: layer ")
            << l << ": expected a static [B, N, D] hidden state and "
            << "[B, H, N, N] probabilities";
        return signalPassFailure();
      }
      int64_t n = type.getDimSize(1);
      if (byThreshold) {
        if (failed(insertThresholdPoint(func, model, l, hidden)))
          return signalPassFailure();
        exposed.push_back({l, lastIndices});
        ++numPruned;
        continue;
      }
      double patches = rateOf[l] * static_cast<double>(n - 1);
      int64_t keep = 1 + static_cast<int64_t>(std::ceil(patches - 1e-9));
      keep = std::min(keep, n);
      if (keep == n)
        continue;

      OpBuilder b(layer.residual->getContext());
      b.setInsertionPointAfter(layer.residual);
      auto resultType = RankedTensorType::get(
          {type.getDimSize(0), keep + (fuse ? 1 : 0), type.getDimSize(2)},
          type.getElementType());
      auto idxType = RankedTensorType::get({type.getDimSize(0), keep}, i32);
      auto prune = b.create<tern::PruneTokensOp>(
          layer.residual->getLoc(), resultType, idxType, /*key_mask=*/Type(),
          hidden, layer.softmax.getResult(), b.getI64IntegerAttr(keep),
          allRows ? b.getUnitAttr() : UnitAttr(),
          fuse ? b.getUnitAttr() : UnitAttr(), /*threshold=*/IntegerAttr());
      hidden.replaceAllUsesExcept(prune.getResult(), prune);
      if (failed(shrinkUsers(func, prune)))
        return signalPassFailure();
      exposed.push_back({l, prune.getIndices()});
      ++numPruned;
    }

    if (exposeIndices && !exposed.empty()) {
      Operation *ret = func.getBody().front().getTerminator();
      for (auto [l, idx] : exposed) {
        unsigned pos = func.getNumResults();
        func.insertResult(
            pos, idx.getType(),
            DictionaryAttr::get(
                &getContext(),
                {NamedAttribute(
                    StringAttr::get(&getContext(), "onnx.name"),
                    StringAttr::get(&getContext(),
                                    "kept_tokens_" + std::to_string(l)))}));
        ret->insertOperands(ret->getNumOperands(), idx);
      }
    }
  }

private:
  Value lastIndices;

  /// Threshold selection after layer `l`: the tensors keep their token
  /// count N, the pruning op zeroes the rows past the run-time count and its
  /// key mask becomes the mask of the attention products of every later
  /// layer (replacing an earlier pruning point's mask).
  LogicalResult insertThresholdPoint(func::FuncOp func,
                                     MutableArrayRef<AttentionLayer> model,
                                     unsigned l, Value hidden) {
    AttentionLayer &layer = model[l];
    auto type = cast<RankedTensorType>(hidden.getType());
    int64_t b = type.getDimSize(0), n = type.getDimSize(1);
    bool allRows = importance == "all-rows";
    if (importance == "auto") {
      bool cls = false;
      func.walk([&](Operation *op) { cls |= readsTokenZero(op); });
      allRows = !cls;
    }
    // The later attention products, checked before anything changes.
    SmallVector<tern::MatMulOp> later;
    for (unsigned k = l + 1; k < model.size(); ++k) {
      tern::MatMulOp mm = scoresOf(model[k].softmax);
      if (!mm) {
        model[k].softmax.emitError("tern-prune-tokens: layer ")
            << k << ": the softmax input is not a tern.matmul (Q K^T), "
            << "which a threshold needs to mask";
        return failure();
      }
      if (Value m = mm.getMask();
          m && !m.getDefiningOp<tern::PruneTokensOp>()) {
        mm.emitError("tern-prune-tokens: layer ")
            << k << ": the attention product already has a mask; a "
            << "threshold would need to combine them (not supported)";
        return failure();
      }
      if (isa<mq::QuantizedType>(getElementTypeOrSelf(mm.getType()))) {
        mm.emitError("tern-prune-tokens: layer ")
            << k << ": a threshold masks the attention scores, which are "
            << "quantized here (a masked product needs a float result)";
        return failure();
      }
      later.push_back(mm);
    }
    OpBuilder builder(layer.residual->getContext());
    builder.setInsertionPointAfter(layer.residual);
    auto i32 = builder.getIntegerType(32);
    auto prune = builder.create<tern::PruneTokensOp>(
        layer.residual->getLoc(), type, RankedTensorType::get({b, n}, i32),
        RankedTensorType::get({b, 1, 1, n}, builder.getF32Type()), hidden,
        layer.softmax.getResult(), builder.getI64IntegerAttr(n),
        allRows ? builder.getUnitAttr() : UnitAttr(), UnitAttr(),
        builder.getI64IntegerAttr(threshold));
    hidden.replaceAllUsesExcept(prune.getResult(), prune);
    for (tern::MatMulOp mm : later)
      mm.getMaskMutable().assign(prune.getKeyMask());
    lastIndices = prune.getIndices();
    return success();
  }

  /// Gives every op after `prune` that (transitively) reads its result the
  /// types of the kept token count. Fails on an op it cannot carry the
  /// shrunk dimension through.
  LogicalResult shrinkUsers(func::FuncOp func, tern::PruneTokensOp prune) {
    // Changed values and their type before the pass.
    DenseMap<Value, Type> changed;
    changed[prune.getResult()] = prune.getHidden().getType();
    for (Operation *op = prune->getNextNode(); op; op = op->getNextNode()) {
      if (llvm::none_of(op->getOperands(),
                        [&](Value v) { return changed.contains(v); }))
        continue;
      if (isa<func::ReturnOp>(op)) {
        func.setFunctionType(FunctionType::get(
            func.getContext(), func.getArgumentTypes(), op->getOperandTypes()));
        continue;
      }
      FailureOr<SmallVector<Type>> types = shrunkResultTypes(op, changed);
      if (failed(types))
        return failure();
      for (auto [result, type] : llvm::zip_equal(op->getResults(), *types))
        if (result.getType() != type) {
          changed[result] = result.getType();
          result.setType(type);
        }
    }
    return success();
  }

  static InFlightDiagnostic cannot(Operation *op, StringRef why) {
    return op->emitError("tern-prune-tokens: cannot shrink the token "
                         "dimension through '")
           << op->getName() << "': " << why;
  }

  FailureOr<SmallVector<Type>>
  shrunkResultTypes(Operation *op, const DenseMap<Value, Type> &changed) {
    auto shapeOf = [](Value v) {
      return cast<RankedTensorType>(v.getType()).getShape();
    };
    Type old = op->getNumResults() ? op->getResult(0).getType() : Type();
    if (auto linear = dyn_cast<tern::LinearOp>(op)) {
      SmallVector<int64_t> s(shapeOf(linear.getInput()));
      s.back() = shapeOf(linear.getWeight())[1];
      return SmallVector<Type>{withShape(old, s)};
    }
    if (auto split = dyn_cast<tern::SplitHeadsOp>(op)) {
      auto in = shapeOf(split.getInput());
      int64_t h = split.getHeads();
      return SmallVector<Type>{withShape(old, {in[0], h, in[1], in[2] / h})};
    }
    if (auto merge = dyn_cast<tern::MergeHeadsOp>(op)) {
      auto in = shapeOf(merge.getInput());
      return SmallVector<Type>{withShape(old, {in[0], in[2], in[1] * in[3]})};
    }
    if (auto mm = dyn_cast<tern::MatMulOp>(op)) {
      if (mm.getMask())
        return cannot(op, "a masked product (the mask is not pruned)");
      auto lhs = shapeOf(mm.getLhs()), rhs = shapeOf(mm.getRhs());
      SmallVector<int64_t> s(lhs.drop_back());
      s.push_back(mm.getTransposeRhs() ? rhs[rhs.size() - 2] : rhs.back());
      return SmallVector<Type>{withShape(old, s)};
    }
    if (auto gather = dyn_cast<tosa::GatherOp>(op)) {
      if (changed.contains(gather.getIndices()) || !readsTokenZero(op))
        return cannot(op, "it reads tokens other than token 0 (CLS), "
                          "which pruning renumbers");
      return SmallVector<Type>{old};
    }
    if (auto slice = dyn_cast<tosa::SliceOp>(op)) {
      auto in = shapeOf(slice.getInput());
      ArrayRef<int64_t> start = slice.getStart(), size = slice.getSize();
      for (size_t d = 0; d < in.size(); ++d)
        if (start[d] + size[d] > in[d])
          return cannot(op, "the slice reaches past the kept tokens");
      return SmallVector<Type>{old};
    }
    if (isa<tosa::ReduceSumOp, tosa::ReduceMaxOp, tosa::ReduceMinOp,
            tosa::ReduceProdOp>(op)) {
      auto axis = op->getAttrOfType<IntegerAttr>("axis");
      Value input = op->getOperand(0);
      auto in = shapeOf(input);
      auto it = changed.find(input);
      auto was = it == changed.end()
                     ? in
                     : cast<RankedTensorType>(it->second).getShape();
      if (!axis || in[axis.getInt()] != was[axis.getInt()])
        return cannot(op, "a reduction over the pruned token axis (e.g. "
                          "mean pooling) is not supported");
      SmallVector<int64_t> s(in);
      s[axis.getInt()] = 1;
      return SmallVector<Type>{withShape(old, s)};
    }
    bool elementwise =
        op->hasTrait<OpTrait::ResultsBroadcastableShape>() ||
        op->hasTrait<OpTrait::SameOperandsAndResultShape>() ||
        op->hasTrait<OpTrait::Elementwise>() || isQuantCast(op) ||
        isa<tern::LayerNormOp, tern::SoftmaxOp, tern::GeluOp, tern::ReluOp,
            tern::AddOp, tosa::ClampOp>(op);
    if (!elementwise || op->getNumResults() != 1)
      return cannot(op, "no rule for this operator");
    unsigned bad = 0;
    FailureOr<SmallVector<int64_t>> s = broadcastShapes(op, bad);
    if (failed(s))
      return cannot(op, "operand #" + std::to_string(bad) +
                            " keeps the unpruned token count");
    return SmallVector<Type>{withShape(old, *s)};
  }
};

} // namespace
