//===- TernToAccel.cpp - the convert-tern-to-accel pass -------------------===//
//
// Bufferizes the function boundary and the weights (tensors become bf16 DRAM
// memrefs) and runs the tiling patterns of MatrixOps.cpp and RowOps.cpp as a
// full conversion, so no tern op or tensor reaches emission.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "tern/Conversion/Passes.h"
#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/Transforms/FuncConversions.h"
#include "mlir/IR/SymbolTable.h"

namespace tern {
#define GEN_PASS_DEF_CONVERTTERNTOACCEL
#include "Conversion/ConversionPasses.h.inc"
} // namespace tern

using namespace mlir;
using namespace tern;

namespace {

/// Static float tensors become bf16 DRAM buffers of the same shape.
class BufferTypeConverter : public TypeConverter {
public:
  BufferTypeConverter() {
    addConversion([](Type type) { return type; });
    addConversion([](RankedTensorType type) -> std::optional<Type> {
      if (!type.hasStaticShape() || !isa<FloatType>(type.getElementType()))
        return std::nullopt;
      return MemRefType::get(type.getShape(),
                             BFloat16Type::get(type.getContext()));
    });
  }
};

/// The f32 values of a dense or dense_resource constant.
FailureOr<SmallVector<float>> getF32Values(Attribute attr) {
  if (auto dense = dyn_cast<DenseElementsAttr>(attr)) {
    if (!dense.getElementType().isF32())
      return failure();
    auto values = dense.getValues<float>();
    return SmallVector<float>(values.begin(), values.end());
  }
  if (auto resource = dyn_cast<DenseF32ResourceElementsAttr>(attr)) {
    std::optional<ArrayRef<float>> data = resource.tryGetAsArrayRef();
    if (!data)
      return failure();
    return SmallVector<float>(data->begin(), data->end());
  }
  return failure();
}

/// arith.constant tensor -> memref.global (bf16, rounded to nearest even) +
/// memref.get_global.
struct ConstantLowering : OpConversionPattern<arith::ConstantOp> {
  ConstantLowering(TypeConverter &converter, MLIRContext *ctx,
                   SymbolTable &symbols)
      : OpConversionPattern(converter, ctx), symbols(symbols) {}

  LogicalResult
  matchAndRewrite(arith::ConstantOp op, OpAdaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto tensorType = dyn_cast<RankedTensorType>(op.getType());
    if (!tensorType)
      return failure();
    auto memrefType = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(tensorType));
    if (!memrefType)
      return rewriter.notifyMatchFailure(op, "not a static float tensor");
    FailureOr<SmallVector<float>> values = getF32Values(op.getValue());
    if (failed(values))
      return rewriter.notifyMatchFailure(op, "constant is not readable f32");

    SmallVector<APFloat> rounded;
    rounded.reserve(values->size());
    for (float v : *values) {
      APFloat f(v);
      bool losesInfo;
      f.convert(APFloat::BFloat(), APFloat::rmNearestTiesToEven, &losesInfo);
      rounded.push_back(f);
    }
    auto initType =
        RankedTensorType::get(tensorType.getShape(), rewriter.getBF16Type());
    auto init = DenseElementsAttr::get(initType, rounded);

    memref::GlobalOp global;
    {
      OpBuilder::InsertionGuard guard(rewriter);
      rewriter.setInsertionPointToStart(
          op->getParentOfType<ModuleOp>().getBody());
      global = rewriter.create<memref::GlobalOp>(
          op.getLoc(), "__tern_constant", rewriter.getStringAttr("private"),
          memrefType, init, /*constant=*/true, /*alignment=*/IntegerAttr());
      symbols.insert(global); // renames to a unique symbol
    }
    rewriter.replaceOpWithNewOp<memref::GetGlobalOp>(op, memrefType,
                                                     global.getSymName());
    return success();
  }

  SymbolTable &symbols;
};

class ConvertTernToAccel
    : public tern::impl::ConvertTernToAccelBase<ConvertTernToAccel> {
public:
  using ConvertTernToAccelBase::ConvertTernToAccelBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    if (failed(checkSupported(module)))
      return signalPassFailure();

    MLIRContext *ctx = &getContext();
    BufferTypeConverter converter;
    TileSizes tiles{tileM, tileN, tileK, actBytes, wgtBytes, accBytes};
    SymbolTable symbols(module);

    RewritePatternSet patterns(ctx);
    populateFunctionOpInterfaceTypeConversionPattern<func::FuncOp>(patterns,
                                                                   converter);
    populateReturnOpTypeConversionPattern(patterns, converter);
    patterns.add<ConstantLowering>(converter, ctx, symbols);
    populateMatrixOpLoweringPatterns(converter, patterns, tiles);
    populateRowOpLoweringPatterns(converter, patterns, tiles);

    ConversionTarget target(*ctx);
    target.addLegalDialect<accel::AccelDialect, memref::MemRefDialect>();
    target.addLegalOp<ModuleOp>();
    target.addDynamicallyLegalOp<func::FuncOp>([&](func::FuncOp f) {
      return converter.isSignatureLegal(f.getFunctionType()) &&
             converter.isLegal(&f.getBody());
    });
    target.addDynamicallyLegalOp<func::ReturnOp>(
        [&](func::ReturnOp r) { return converter.isLegal(r); });
    target.addDynamicallyLegalOp<arith::ConstantOp>(
        [](arith::ConstantOp c) { return !isa<TensorType>(c.getType()); });

    if (failed(applyFullConversion(module, target, std::move(patterns))))
      signalPassFailure();
  }

private:
  /// Names every op the conversion cannot lower, with its location (the
  /// ONNX node), before trying: one error per op, not only the first.
  LogicalResult checkSupported(ModuleOp module) {
    bool ok = true;
    module.walk([&](Operation *op) {
      if (isa<ModuleOp, func::FuncOp, func::ReturnOp, arith::ConstantOp>(op))
        return;
      if (op->getDialect() &&
          op->getDialect()->getNamespace() == TernDialect::getDialectNamespace()) {
        auto precision = op->getAttrOfType<PrecisionAttr>("precision");
        if (!precision || precision.getValue() != Precision::bf16) {
          op->emitError("no lowering to accel for '")
              << op->getName() << "' in precision <"
              << (precision ? stringifyPrecision(precision.getValue())
                            : StringRef("?"))
              << ">; this lowering handles bf16 (run tern-select-precision)";
          ok = false;
        }
        if (llvm::any_of(op->getResultTypes(), [](Type t) {
              auto shaped = dyn_cast<ShapedType>(t);
              return !shaped || !shaped.hasStaticShape();
            })) {
          op->emitError("no lowering to accel for '")
              << op->getName() << "' with a dynamic shape";
          ok = false;
        }
        return;
      }
      op->emitError("no lowering to accel for '") << op->getName() << "'";
      ok = false;
    });
    return success(ok);
  }
};

} // namespace
