//===- RowOps.cpp - row-wise tern ops to vector / SFU tiles ---------------===//
//
// Softmax and LayerNorm reduce along the last dimension, so their tiles hold
// whole rows: [tile-m x cols]. The element-wise ops (and an exported ReLU,
// tosa.clamp) use the same tiling.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "tern/Dialect/Tern/IR/TernOps.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace tern;
using namespace tern::accel;

namespace {

/// Lowers a row-wise op: for each block of rows, `body(tb, inputs, rows,
/// row0)` receives the loaded input tiles and returns the result tile, which
/// is stored to the op's new DRAM buffer.
template <typename Op>
struct RowLowering : OpConversionPattern<Op> {
  using Base = OpConversionPattern<Op>;
  RowLowering(TypeConverter &converter, MLIRContext *ctx, TileSizes tiles)
      : Base(converter, ctx), tiles(tiles) {}

  /// Builds the computation for one block; `inputs` are the loaded tiles of
  /// the op's tensor operands that take part in row tiling.
  virtual Value buildBlock(Op op, typename Op::Adaptor adaptor,
                           TileBuilder &tb, ArrayRef<Value> inputs,
                           int64_t rows, int64_t cols) const = 0;

  /// Conditions the op must meet, reported on the op before anything is
  /// built.
  virtual LogicalResult check(Op) const { return success(); }

  /// The operands tiled by rows (the others are parameters).
  virtual SmallVector<Value> rowOperands(typename Op::Adaptor adaptor) const {
    return {adaptor.getOperands().front()};
  }

  LogicalResult
  matchAndRewrite(Op op, typename Op::Adaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto resultType = dyn_cast_or_null<MemRefType>(
        this->getTypeConverter()->convertType(op.getType()));
    if (!resultType || resultType.getRank() < 1)
      return rewriter.notifyMatchFailure(op, "result type not convertible");
    if (failed(check(op)))
      return failure();
    TileBuilder tb(rewriter, op.getLoc());
    Value out = tb.allocDram(resultType.getShape(),
                             resultType.getElementType());
    Value outMatrix = tb.asRows(out);
    SmallVector<Value> operands;
    for (Value v : rowOperands(adaptor))
      operands.push_back(tb.asRows(v));
    auto shape = cast<MemRefType>(outMatrix.getType()).getShape();
    int64_t totalRows = shape[0], cols = shape[1];
    int64_t tm = tiles.rowsPerTile(cols * /*bf16*/ 2);
    for (int64_t r0 = 0; r0 < totalRows; r0 += tm) {
      int64_t rows = std::min(tm, totalRows - r0);
      SmallVector<Value> inputs;
      for (Value v : operands)
        inputs.push_back(
            tb.load(tb.block(v, r0, 0, rows, cols), MemorySpace::act));
      Value result = buildBlock(op, adaptor, tb, inputs, rows, cols);
      tb.store(result, tb.block(outMatrix, r0, 0, rows, cols));
    }
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
};

Value newTileLike(TileBuilder &tb, Value tile) {
  auto type = cast<MemRefType>(tile.getType());
  return tb.allocTile(type.getShape(), type.getElementType(),
                      MemorySpace::act);
}

struct SoftmaxLowering : RowLowering<tern::SoftmaxOp> {
  using RowLowering::RowLowering;
  Value buildBlock(tern::SoftmaxOp op, OpAdaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t, int64_t) const override {
    Value out = newTileLike(tb, in[0]);
    tb.builder().create<accel::SoftmaxOp>(op.getLoc(), in[0], out);
    return out;
  }
};

struct GeluLowering : RowLowering<tern::GeluOp> {
  using RowLowering::RowLowering;
  Value buildBlock(tern::GeluOp op, OpAdaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t, int64_t) const override {
    Value out = newTileLike(tb, in[0]);
    tb.builder().create<accel::GeluOp>(op.getLoc(), in[0], out);
    return out;
  }
};

struct ReluLowering : RowLowering<ReluOp> {
  using RowLowering::RowLowering;
  Value buildBlock(ReluOp op, OpAdaptor, TileBuilder &tb, ArrayRef<Value> in,
                   int64_t, int64_t) const override {
    Value out = newTileLike(tb, in[0]);
    tb.builder().create<VectorConstOp>(op.getLoc(), VectorKind::max, in[0],
                                       out, llvm::APFloat(0.0f));
    return out;
  }
};

/// tosa.clamp without an upper bound (an exported ReLU): max(x, min).
struct ClampLowering : RowLowering<tosa::ClampOp> {
  using RowLowering::RowLowering;
  LogicalResult check(tosa::ClampOp op) const override {
    APFloat upper = op.getMaxFp();
    if (upper.isInfinity() ||
        upper.compare(APFloat::getLargest(upper.getSemantics())) ==
            APFloat::cmpEqual)
      return success();
    return op.emitOpError("only a clamp without an upper bound (ReLU) is "
                          "lowered");
  }
  Value buildBlock(tosa::ClampOp op, OpAdaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t, int64_t) const override {
    Value out = newTileLike(tb, in[0]);
    tb.builder().create<VectorConstOp>(op.getLoc(), VectorKind::max, in[0],
                                       out, op.getMinFp());
    return out;
  }
};

struct AddLowering : RowLowering<AddOp> {
  using RowLowering::RowLowering;
  SmallVector<Value> rowOperands(OpAdaptor adaptor) const override {
    return {adaptor.getLhs(), adaptor.getRhs()};
  }
  Value buildBlock(AddOp op, OpAdaptor, TileBuilder &tb, ArrayRef<Value> in,
                   int64_t, int64_t) const override {
    Value out = newTileLike(tb, in[0]);
    tb.builder().create<VectorOp>(op.getLoc(), VectorKind::add, in[0], in[1],
                                  out);
    return out;
  }
};

struct LayerNormLowering : RowLowering<tern::LayerNormOp> {
  using RowLowering::RowLowering;
  Value buildBlock(tern::LayerNormOp op, OpAdaptor adaptor, TileBuilder &tb,
                   ArrayRef<Value> in, int64_t rows,
                   int64_t cols) const override {
    OpBuilder &b = tb.builder();
    Value norm = newTileLike(tb, in[0]);
    b.create<accel::LayerNormOp>(op.getLoc(), in[0], norm,
                                 op.getEpsilonAttr());
    Value gamma =
        tb.loadBroadcast(adaptor.getGamma(), 0, rows, cols, MemorySpace::act);
    b.create<VectorOp>(op.getLoc(), VectorKind::mul, norm, gamma, norm);
    Value beta =
        tb.loadBroadcast(adaptor.getBeta(), 0, rows, cols, MemorySpace::act);
    b.create<VectorOp>(op.getLoc(), VectorKind::add, norm, beta, norm);
    return norm;
  }
};

} // namespace

void tern::populateRowOpLoweringPatterns(TypeConverter &converter,
                                         RewritePatternSet &patterns,
                                         const TileSizes &tiles) {
  patterns.add<SoftmaxLowering, GeluLowering, ReluLowering, AddLowering,
               LayerNormLowering, ClampLowering>(converter,
                                                 patterns.getContext(), tiles);
}
