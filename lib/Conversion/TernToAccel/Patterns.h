//===- Patterns.h - tern-to-accel conversion patterns -----------*- C++ -*-===//

#ifndef TERN_LIB_CONVERSION_TERNTOACCEL_PATTERNS_H
#define TERN_LIB_CONVERSION_TERNTOACCEL_PATTERNS_H

#include "TileBuilder.h"

#include "mlir/Dialect/Quant/QuantTypes.h"
#include "mlir/Transforms/DialectConversion.h"

#include "mlir/IR/SymbolTable.h"

#include <functional>

namespace mlir::tosa {
class SelectOp;
} // namespace mlir::tosa
#include <optional>

namespace tern {

/// Loads the [kr x nr] slice of a GEMM's right operand at (k0, n0) into the
/// weight scratchpad and returns the tile.
using LoadRhsFn =
    std::function<mlir::Value(int64_t k0, int64_t kr, int64_t n0, int64_t nr)>;

/// Loads the [rows x cols] tile at (row0, col0) of something added to a GEMM
/// result (an attention mask) into the activation scratchpad.
using LoadAddendFn = std::function<mlir::Value(int64_t row0, int64_t rows,
                                               int64_t col0, int64_t cols)>;

/// The integer datapath of a GEMM (quantized operands): an i32 (or, for
/// TATAA's partial-sum lanes, i16) accumulator preloaded with the bias, and
/// either requantization to int8 or conversion to bf16.
struct IntegerGemm {
  /// Accumulator element type: i32, or i16 with the TATAA variant.
  mlir::Type accType;
  /// Set: the result is int8 through the requantization unit.
  std::optional<accel::RequantVariant> variant;
  int64_t multiplier = 0;
  unsigned shift = 0;
  /// The int8 result's zero point, added by the requantizer (ibert /
  /// elastic); an asymmetric input's is folded into the bias instead.
  int32_t zeroPoint = 0;
  /// Set (tern.linear `relu`): the requantizer clamps below at zeroPoint.
  bool relu = false;
  /// Per-channel weights: a bf16 DRAM vector of per-column scales that
  /// multiplies the converted result (the conversion applies S_x only).
  mlir::Value columnScales;
  /// Integer-only policies: the result is the i32 accumulator itself
  /// (`wideMultiplier` unset: the result type's scale is the product scale)
  /// or the accumulator rescaled by rq.wide to `wideBits`.
  bool wideResult = false;
  std::optional<std::pair<int32_t, unsigned>> wideMultiplier;
  unsigned wideBits = 32;
  /// Set (i6 / i4): a 6- or 4-bit activation result, rq.wide saturating at
  /// `wideBits` into a tile of this type, whatever the requant variant.
  mlir::Type narrowStorage;
  /// Set (tern-ffn2-sparsity): every activation tile gets a bitmap of its
  /// columns with some |value| above this threshold, and the GEMM skips the
  /// weight rows whose bit is 0.
  std::optional<int32_t> nonzeroThreshold;
  /// Set: the product runs on the ReRAM crossbar tier (accel.xbar_gemm)
  /// against the constant weight block this returns (a DRAM view of the
  /// [kr x nr] slice at (k0, n0)), in output blocks of `crossbarTileN`
  /// columns, instead of loading weight tiles for the matrix unit.
  std::function<mlir::Value(int64_t k0, int64_t kr, int64_t n0, int64_t nr)>
      crossbarWeights;
  int64_t crossbarTileN = 0;
};

/// out[outRow0 + i, j] = scale * sum_k lhs[lhsRow0 + i, k] * rhs[k, j]
/// (+ bias[j]) (+ addend[i, j]) for i < m, j < n, tiled per `tiles`. `lhs`
/// and `out` are rank-2 DRAM views, `bias` a rank-1 DRAM buffer or null.
/// With `integer`, operands are int8, the bias is in the accumulator's
/// type (at the product scale) and is preloaded into the accumulator, and
/// the result is requantized (int8 `out`) or converted with `scale` (bf16).
/// Which GEMM dimensions are run-time kept tokens of a threshold pruning
/// point (the tiles' accel ops get kLen* tags); rows count from the lhs's
/// row 0 (lhsRow0 is a batch's first row).
struct GemmTokens {
  std::optional<int64_t> rows, n, k; ///< the pruning point of each
};

void emitGemmBlocks(TileBuilder &tb, mlir::Value lhs, int64_t lhsRow0,
                    mlir::Value out, int64_t outRow0, int64_t m, int64_t k,
                    int64_t n, double scale, mlir::Value bias,
                    const TileSizes &tiles, const LoadRhsFn &loadRhs,
                    const LoadAddendFn &loadAddend = nullptr,
                    const std::optional<IntegerGemm> &integer = std::nullopt,
                    const GemmTokens &tokens = {});

/// Options of the integer lowering (from the pass options).
struct QuantLowering {
  accel::RequantVariant variant = accel::RequantVariant::ibert;
  /// Map int8 linear layers with constant weights to the ReRAM crossbar
  /// tier (`reram` pass option), in output blocks of `reramTileN` columns.
  bool reram = false;
  int64_t reramTileN = 128;
  /// i32, or i16 for the TATAA variant.
  mlir::Type accType(mlir::MLIRContext *ctx) const;
};

/// An ONNX int8 / uint8 / int16 / uint16 element type (signless i8 / i16,
/// unsigned ui8 / ui16), held as i32: its width and signedness.
struct NarrowInteger {
  unsigned bits;
  bool isSigned;
};
std::optional<NarrowInteger> narrowInteger(mlir::Type elementType);

/// An ONNX uint32 / uint64 element type (ui32 / ui64), held as 32-bit words
/// ordered as uint32 (accel `uint`).
bool wideUnsigned(mlir::Type elementType);

/// If `elementType` is a narrow integer type, wraps the i32 tile `tile` in
/// place to its range modulo 2^bits (accel.wrap): the narrow type's result
/// of the i32 add / sub / mul or integer cast that wrote the tile.
void wrapToNarrow(mlir::OpBuilder &b, mlir::Location loc, mlir::Value tile,
                  mlir::Type elementType);

/// Rewrites the importer's integer Pow, cast<int>(pow(cast<float>(x),
/// cast<float>(y))) with x and y of integer types held as i32, into an i32
/// tosa.pow of x and y (rsfu.pow ty=i32: exact) and a cast to the result
/// type (IntegerPow.cpp).
void foldIntegerPows(mlir::ModuleOp module);

/// The storage type of a quantized element type; other types unchanged.
mlir::Type storageType(mlir::Type elementType);

/// The zero point of a uniform 8-bit (or narrower) type as Tern holds it in
/// int8: Z for signed storage, Z - 128 for unsigned (uint8 shifted by 128).
int64_t int8ZeroPoint(mlir::quant::UniformQuantizedType type);

/// quant.qcast / quant.dcast: int8 constants at compile time, and row tiles
/// through the requantization unit's format conversions at run time.
void populateQuantLoweringPatterns(mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns,
                                   const TileSizes &tiles,
                                   mlir::SymbolTable &symbols,
                                   bool exactQuantize);

/// The f32 values of a constant tensor operand (dense or dense_resource; a
/// splat is expanded to every element), if it is one.
mlir::FailureOr<llvm::SmallVector<float>> constantFloats(mlir::Value v);

/// A new private constant global `type` = `init` in the module of `op`,
/// named `<stem>_<n>` (the first free n), and its memref.get_global at `op`.
mlir::Value makeConstantGlobal(mlir::ConversionPatternRewriter &rewriter,
                               mlir::Operation *op, llvm::StringRef stem,
                               mlir::MemRefType type,
                               mlir::DenseElementsAttr init);

/// A new private bf16 DRAM constant (values rounded to nearest even) in the
/// module of `op`, named `<prefix>_<n>`, and its memref.get_global at `op`.
mlir::Value makeBf16Global(mlir::ConversionPatternRewriter &rewriter,
                           mlir::Operation *op, llvm::ArrayRef<int64_t> shape,
                           llvm::ArrayRef<float> values,
                           llvm::StringRef prefix);

/// A float tosa.mul(x, reciprocal(d)) (either operand order), the
/// importer's x / d, with x of the product's full shape and not itself such
/// a reciprocal (and d not the importer's sqrt, reciprocal(rsqrt)): the
/// index of the reciprocal operand, which the product then reads as a
/// correctly rounded division x / d (rsfu.div) from d's buffer; else -1.
int divisionOperand(mlir::Operation *mul);

/// True if every use of `reciprocal` (a tosa.reciprocal) is such a division
/// (divisionOperand): it then computes nothing, its result is d's buffer.
bool fusesIntoDivision(mlir::Operation *reciprocal);

/// tosa.reshape / transpose / slice / concat / gather: DRAM views and copies.
void populateDataMovementLoweringPatterns(mlir::TypeConverter &converter,
                                          mlir::RewritePatternSet &patterns,
                                          const TileSizes &tiles);

/// tosa.add / sub / mul / maximum (row, splat and constant broadcasts).
void populateTosaComputeLoweringPatterns(mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns,
                                         const TileSizes &tiles);

/// tosa.conv2d (any stride, padding and dilation): a zero-padded input
/// copy, im2col copies and GEMM tiles (Convolution.cpp).
void populateConvolutionLoweringPatterns(mlir::TypeConverter &converter,
                                         mlir::RewritePatternSet &patterns,
                                         const TileSizes &tiles);

/// tosa.select(pred, a, b) element by element on the vector unit (vsel):
/// `pred` (bf16 0 / 1), `a` and `b` (bf16 or i32) are the converted
/// operands, each the result's shape, a constant that broadcasts to it
/// (expanded at compile time) or a run-time operand broadcast along leading
/// dimensions or along the last one (one value per row, spread by a column
/// multiply with ones). Replaces `op`, or names what it cannot lower.
mlir::LogicalResult lowerElementwiseSelect(
    mlir::tosa::SelectOp op, mlir::Value pred, mlir::Value onTrue,
    mlir::Value onFalse, mlir::MemRefType type,
    mlir::ConversionPatternRewriter &rewriter, const TileSizes &tiles);

/// tosa.reduce_sum: sums over an axis as GEMMs against a ones vector (f32
/// accumulation, one rounding).
void populateReductionLoweringPatterns(mlir::TypeConverter &converter,
                                       mlir::RewritePatternSet &patterns,
                                       const TileSizes &tiles);

/// Folds a constant splat factor of a tosa.reduce_sum's only use (a mean's
/// 1/count) into the sum, which applies it in f32 before its one rounding.
void populateReductionFoldingPatterns(mlir::RewritePatternSet &patterns);

/// Replaces tosa.transpose of constants by transposed constants, so weight
/// layouts are fixed at compile time rather than by DMA; moves transposes
/// past element-wise ops with a constant operand and merges consecutive
/// transposes, so that `transpose -> x * a + c -> transpose` around
/// per-channel constants (an exported BatchNorm1d) cancels.
void populateConstantFoldingPatterns(mlir::RewritePatternSet &patterns);

/// Evaluates tosa.slice / tosa.equal / tosa.select on constant operands
/// (compile-time attention masks such as a sliced causal triangle).
void populateMaskFoldingPatterns(mlir::RewritePatternSet &patterns);

/// tosa.tile (DMA copies) and tosa.select of a run-time boolean between
/// constant splats (a key-padding mask made additive on the vector unit).
void populateMaskLoweringPatterns(mlir::TypeConverter &converter,
                                  mlir::RewritePatternSet &patterns,
                                  const TileSizes &tiles);

/// tern.linear and tern.matmul: GEMM tiles on the matrix unit.
void populateMatrixOpLoweringPatterns(mlir::TypeConverter &converter,
                                      mlir::RewritePatternSet &patterns,
                                      const TileSizes &tiles,
                                      const QuantLowering &quant);

/// tern.softmax, layer_norm, gelu, relu, add: row tiles on the vector unit
/// and special-function unit.
void populateRowOpLoweringPatterns(mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns,
                                   const TileSizes &tiles);

/// Whether a row of `cols` elements of `elementBytes` is wider than one tile
/// of a row kernel: more columns than the instructions' 12-bit fields, or
/// more bytes than a tile's share of the activation scratchpad.
bool rowWiderThanTile(const TileSizes &tiles, int64_t cols,
                      unsigned elementBytes);

/// Softmax of each row of the bf16 [R x C] matrix `in` into `out`, for rows
/// wider than a tile (WideRows.cpp): the SFU's softmax of each column
/// chunk, then each chunk scaled by its share of the row (a softmax over
/// the chunks' maxima, weighted by their sums). `op` is the softmax.
void lowerWideSoftmax(mlir::Operation *op, TileBuilder &tb, mlir::Value in,
                      mlir::Value out, const TileSizes &tiles);

/// Log-softmax of each row of the bf16 [R x C] matrix `in` into `out`, for
/// rows wider than a tile (WideRows.cpp): the SFU's log-softmax of each
/// column chunk plus the logarithm of the chunk's weight in the row (the
/// two-level softmax's weights). `op` is the log-softmax.
void lowerWideLogSoftmax(mlir::Operation *op, TileBuilder &tb, mlir::Value in,
                         mlir::Value out, const TileSizes &tiles);

/// LayerNorm of each row of the bf16 [R x C] matrix `in` with the rank-1
/// `gamma` and `beta` into `out`, for rows wider than a tile (WideRows.cpp):
/// row sums in f32 on the matrix unit over column chunks, the variance
/// about the bf16-rounded mean, then each chunk normalized.
void lowerWideLayerNorm(mlir::Operation *op,
                        mlir::ConversionPatternRewriter &rewriter,
                        TileBuilder &tb, mlir::Value in, mlir::Value gamma,
                        mlir::Value beta, mlir::Value out, float epsilon,
                        const TileSizes &tiles);

/// tern.prune_tokens: tok.score / tok.select / tok.gather on the token unit.
void populateTokenLoweringPatterns(mlir::TypeConverter &converter,
                                   mlir::RewritePatternSet &patterns,
                                   const TileSizes &tiles);

} // namespace tern

#endif // TERN_LIB_CONVERSION_TERNTOACCEL_PATTERNS_H
