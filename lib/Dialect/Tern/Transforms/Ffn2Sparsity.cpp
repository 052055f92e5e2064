//===- Ffn2Sparsity.cpp - bitmap GEMMs for linears fed by a ReLU ----------===//
//
// Implements tern-ffn2-sparsity (see dialects/Tern/Passes.td for the
// contract): marks the int8 linears whose input is a quantized ReLU output,
// so that the lowering skips the weight rows of hidden channels that are
// zero in a whole tile of tokens (SEEDS.md section 2).
//
//===----------------------------------------------------------------------===//

#include "tern/Dialect/Tern/IR/TernOps.h"
#include "tern/Dialect/Tern/Transforms/Passes.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/IR/TypeUtilities.h"

namespace tern {
#define GEN_PASS_DEF_TERNFFN2SPARSITY
#include "Tern/TernPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;

namespace mq = mlir::quant;

namespace {

/// The attribute the lowering reads (convert-tern-to-accel).
constexpr llvm::StringLiteral kFfn2Attr = "tern.ffn2_sparsity";

/// True for a ReLU: tern.relu, or tosa.clamp whose lower bound is 0 (an
/// exported ReLU or ReLU6), whatever the upper bound.
bool isRelu(Operation *op) {
  if (isa_and_nonnull<ReluOp>(op))
    return true;
  auto clamp = dyn_cast_or_null<tosa::ClampOp>(op);
  if (!clamp)
    return false;
  if (isa<FloatType>(getElementTypeOrSelf(clamp.getType())))
    return clamp.getMinFp().isZero();
  return clamp.getMinInt() == 0;
}

/// True if `linear` is int8 with an input that is a symmetric 8-bit
/// quant.qcast of a ReLU result.
bool isFfn2(LinearOp linear) {
  auto precision = linear->getAttrOfType<PrecisionAttr>("precision");
  if (!precision || precision.getValue() != Precision::integer)
    return false;
  auto type = dyn_cast<mq::UniformQuantizedType>(
      getElementTypeOrSelf(linear.getInput().getType()));
  if (!type || type.getZeroPoint() != 0 ||
      type.getStorageTypeIntegralWidth() != 8)
    return false;
  auto cast = linear.getInput().getDefiningOp<mq::QuantizeCastOp>();
  return cast && isRelu(cast.getArg().getDefiningOp());
}

class TernFfn2Sparsity
    : public tern::impl::TernFfn2SparsityBase<TernFfn2Sparsity> {
public:
  using TernFfn2SparsityBase::TernFfn2SparsityBase;

  void runOnOperation() override {
    func::FuncOp func = getOperation();
    // The vnzmap threshold field holds 7 bits (|int8| <= 127).
    if (threshold > 127) {
      func.emitError("tern-ffn2-sparsity: threshold ")
          << static_cast<uint64_t>(threshold)
          << " is not an int8 magnitude (0..127)";
      return signalPassFailure();
    }
    auto i32 = IntegerType::get(&getContext(), 32);
    func.walk([&](LinearOp linear) {
      if (!isFfn2(linear))
        return;
      linear->setAttr(kFfn2Attr, IntegerAttr::get(i32, threshold));
      ++numMarked;
    });
  }
};

} // namespace
