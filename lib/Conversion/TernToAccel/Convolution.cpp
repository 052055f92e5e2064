//===- Convolution.cpp - tosa.conv2d as im2col plus a GEMM -----------------===//
//
// A 2-D convolution (NHWC input, OHWI weight) of any stride, padding and
// dilation becomes
//   1. with padding: a zeroed DRAM buffer of the padded input ([N, H + top +
//      bottom, W + left + right, Ci]) with the input copied into its
//      interior, so that the patches below never read outside a buffer;
//   2. im2col: strided DMA copies of the (padded) input into a patch matrix
//      P [N * Ho * Wo, kH * kW * Ci], kernel row by kernel row;
//   3. the existing GEMM tiles: P x W' + bias, W' the weight as [kH * kW *
//      Ci, Co], written as the NHWC result [N, Ho, Wo, Co].
// A constant weight is reordered to W' at compile time; a run-time weight
// ([Co, kH * kW * Ci] in DRAM) is transposed by a gathering copy. The ViT
// patch embedding (stride = kernel, no padding) is the special case whose
// kernel rows of consecutive patches are contiguous.
//
//===----------------------------------------------------------------------===//

#include "Patterns.h"

#include "mlir/Dialect/Tosa/IR/TosaOps.h"

using namespace mlir;
using namespace tern;
using namespace tern::accel;

namespace {

/// Stores zeros into all `count` elements of the contiguous bf16 DRAM
/// buffer `buffer`: a zero row broadcast into an activation tile (one DMA),
/// then stored over the buffer viewed as rows of at most kMaxTileCols.
void fillZeros(TileBuilder &tb, ConversionPatternRewriter &rewriter,
               Operation *op, Value buffer, int64_t count,
               const TileSizes &tiles) {
  int64_t cols = std::min(count, TileBuilder::kMaxTileCols);
  while (count % cols)
    --cols;
  int64_t rows = count / cols;
  int64_t tileRows = std::min(rows, tiles.rowsPerTile(cols * 2));
  Value zeros = makeBf16Global(rewriter, op, {cols},
                               SmallVector<float>(cols, 0.0f), "__tern_zeros");
  Value full = tb.loadBroadcast(zeros, 0, tileRows, cols, MemorySpace::act);
  for (int64_t r0 = 0; r0 < rows; r0 += tileRows) {
    int64_t rr = std::min(tileRows, rows - r0);
    Value tile = rr == tileRows ? full
                                : tb.loadBroadcast(zeros, 0, rr, cols,
                                                   MemorySpace::act);
    tb.store(tile, tb.rawView(buffer, r0 * cols, {rr, cols}, {cols, 1}));
  }
}

struct Conv2DLowering : OpConversionPattern<tosa::Conv2DOp> {
  Conv2DLowering(TypeConverter &converter, MLIRContext *ctx, TileSizes tiles)
      : OpConversionPattern(converter, ctx), tiles(tiles) {}

  LogicalResult
  matchAndRewrite(tosa::Conv2DOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto type = dyn_cast_or_null<MemRefType>(
        getTypeConverter()->convertType(op.getType()));
    auto inType = cast<MemRefType>(adaptor.getInput().getType());
    auto wMemType = cast<MemRefType>(adaptor.getWeight().getType());
    auto bMemType = cast<MemRefType>(adaptor.getBias().getType());
    Type bf16 = rewriter.getBF16Type();
    if (!type || !type.getElementType().isBF16() ||
        !inType.getElementType().isBF16() ||
        !wMemType.getElementType().isBF16() ||
        !bMemType.getElementType().isBF16())
      return op.emitOpError("a convolution of ")
             << getElementTypeOrSelf(op.getInput().getType()) << " by "
             << getElementTypeOrSelf(op.getWeight().getType())
             << " is not lowered (float tensors, held as bf16, only)";
    auto wType = cast<RankedTensorType>(op.getWeight().getType());
    ArrayRef<int64_t> inShape = inType.getShape();
    ArrayRef<int64_t> stride = op.getStride(), pad = op.getPad(),
                      dilation = op.getDilation();
    int64_t co = wType.getDimSize(0), kh = wType.getDimSize(1),
            kw = wType.getDimSize(2), ci = wType.getDimSize(3);
    int64_t n = inShape[0], h = inShape[1], w = inShape[2];
    int64_t ho = type.getDimSize(1), wo = type.getDimSize(2);
    int64_t patch = kh * kw * ci, pixels = n * ho * wo;
    // TOSA's pad order: top, bottom, left, right.
    int64_t top = pad[0], bottom = pad[1], left = pad[2], right = pad[3];
    int64_t sh = stride[0], sw = stride[1], dh = dilation[0], dw = dilation[1];
    TileBuilder tb(rewriter, op.getLoc());

    // 1. The padded input (the input itself when there is no padding).
    Value src = adaptor.getInput();
    int64_t hp = h + top + bottom, wp = w + left + right;
    if (top || bottom || left || right) {
      Value padded = tb.allocDram({n, hp, wp, ci}, bf16);
      fillZeros(tb, rewriter, op, padded, n * hp * wp * ci, tiles);
      tb.copy(src, 0, {h * w * ci, w * ci, 1}, padded,
              (top * wp + left) * ci, {hp * wp * ci, wp * ci, 1},
              {n, h, w * ci}, tiles);
      src = padded;
    }

    // 2. im2col: row (b, oh, ow) of P holds the patch, kernel row by kernel
    // row. Without dilation the kW * Ci elements of one kernel row of a patch
    // are contiguous: one copy per (b, oh, kernel row) of Wo such runs,
    // Sw * Ci apart, when they do not overlap (Sw >= kW: a DMA row stride
    // is at least its row length). Otherwise one copy per kernel element,
    // of Wo runs of Ci elements.
    Value p = tb.allocDram({pixels, patch}, bf16);
    bool wholeRows = dw == 1 && sw >= kw;
    int64_t run = wholeRows ? kw * ci : ci;
    int64_t runsPerRow = wholeRows ? 1 : kw;
    for (int64_t b = 0; b < n; ++b)
      for (int64_t oh = 0; oh < ho; ++oh)
        for (int64_t r = 0; r < kh; ++r)
          for (int64_t s = 0; s < runsPerRow; ++s) {
            int64_t row = oh * sh + r * dh;
            tb.copy(src, ((b * hp + row) * wp + s * dw) * ci, {sw * ci, 1}, p,
                    (b * ho * wo + oh * wo) * patch + (r * kw + s) * ci,
                    {patch, 1}, {wo, run}, tiles);
          }

    // 3. The weight as [kH * kW * Ci, Co].
    Value wMatrix;
    if (FailureOr<SmallVector<float>> weight = constantFloats(op.getWeight());
        succeeded(weight)) {
      SmallVector<float> gemmWeight(patch * co);
      for (int64_t o = 0; o < co; ++o)
        for (int64_t j = 0; j < patch; ++j)
          gemmWeight[j * co + o] = (*weight)[o * patch + j];
      wMatrix = makeBf16Global(rewriter, op, {patch, co}, gemmWeight,
                               "__tern_reordered_weight");
    } else {
      // OHWI in DRAM is [Co, patch] row-major: column j of it, gathered,
      // is row j of W'.
      wMatrix = tb.allocDram({patch, co}, bf16);
      tb.copy(adaptor.getWeight(), 0, {1, patch}, wMatrix, 0, {co, 1},
              {patch, co}, tiles);
    }
    Value bias;
    if (FailureOr<SmallVector<float>> b = constantFloats(op.getBias());
        succeeded(b)) {
      // A zero bias (ONNX Conv without B) adds nothing.
      if (llvm::any_of(*b, [](float v) { return v != 0.0f; }))
        bias = makeBf16Global(rewriter, op, {co}, *b,
                              "__tern_reordered_weight");
    } else {
      bias = adaptor.getBias();
    }

    Value out = tb.allocDram(type.getShape(), bf16);
    Value outMatrix = tb.rawView(out, 0, {pixels, co}, {co, 1});
    emitGemmBlocks(tb, p, 0, outMatrix, 0, pixels, patch, co, 1.0, bias, tiles,
                   [&](int64_t k0, int64_t kr, int64_t n0, int64_t nr) {
                     return tb.load(tb.block(wMatrix, k0, n0, kr, nr),
                                    MemorySpace::wgt);
                   });
    rewriter.replaceOp(op, out);
    return success();
  }

  TileSizes tiles;
};

} // namespace

void tern::populateConvolutionLoweringPatterns(TypeConverter &converter,
                                               RewritePatternSet &patterns,
                                               const TileSizes &tiles) {
  patterns.add<Conv2DLowering>(converter, patterns.getContext(), tiles);
}
