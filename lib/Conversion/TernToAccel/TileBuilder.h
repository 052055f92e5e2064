//===- TileBuilder.h - building tile programs for tern-to-accel -*- C++ -*-===//
//
// Small helpers shared by the conversion patterns: views of DRAM buffers,
// scratchpad allocation, DMA in and out. They keep the patterns about tiling
// decisions rather than about memref plumbing.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_LIB_CONVERSION_TERNTOACCEL_TILEBUILDER_H
#define TERN_LIB_CONVERSION_TERNTOACCEL_TILEBUILDER_H

#include "tern/Dialect/Accel/IR/AccelOps.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Builders.h"

#include <optional>

namespace tern {

/// Tile sizes and scratchpad capacities of the conversion (the pass
/// options). A tile may take at most a quarter of its scratchpad, so that the
/// allocator can keep the previous tile while the next one loads.
struct TileSizes {
  int64_t m = 32;
  int64_t n = 64;
  int64_t k = 256;
  int64_t actBytes = 262144;
  int64_t wgtBytes = 262144;
  int64_t accBytes = 262144;
  /// The bf16 lanes truncate (TATAA's arithmetic): x - y of nearby values
  /// cancels to 0, so no lowering may rely on such a difference.
  bool truncatingLanes = false;

  static constexpr int64_t kTilesPerScratchpad = 4;

  /// Contraction slice for an [m x k] x [k x n] GEMM tile of `elementBytes`
  /// operands that fits the activation and weight budgets.
  int64_t gemmK(int64_t tm, int64_t tn, int64_t k, unsigned elementBytes) const;
  /// Rows per tile of a row-wise op over rows of `rowBytes`.
  int64_t rowsPerTile(int64_t rowBytes) const;
  /// Rows per tile of a copy through the activation scratchpad: no unit
  /// computes on it, so only the tile budget and the DMA's 12-bit row
  /// count bound it, not the array's rows.
  int64_t copyRowsPerTile(int64_t rowBytes) const;
};

/// The result type MLIR infers for a static memref.subview of `source`
/// (memref::SubViewOp::inferResultType, or inferRankReducedResultType when
/// `resultShape` drops unit dimensions of `sizes`), computed from the
/// source's strides without affine expressions.
mlir::MemRefType subviewType(mlir::MemRefType source,
                             llvm::ArrayRef<int64_t> offsets,
                             llvm::ArrayRef<int64_t> sizes,
                             llvm::ArrayRef<int64_t> strides,
                             llvm::ArrayRef<int64_t> resultShape);

class TileBuilder {
public:
  TileBuilder(mlir::OpBuilder &builder, mlir::Location loc)
      : b(builder), loc(loc) {}

  /// A new DRAM buffer of `shape` x `elementType`.
  mlir::Value allocDram(llvm::ArrayRef<int64_t> shape, mlir::Type elementType);

  /// A packed tile in scratchpad `space`.
  mlir::Value allocTile(llvm::ArrayRef<int64_t> shape, mlir::Type elementType,
                        accel::MemorySpace space);

  /// `buffer` (contiguous, rank >= 2) viewed as [rows, lastDim] by
  /// collapsing the leading dimensions; rank-2 buffers are returned as is.
  mlir::Value asMatrix(mlir::Value buffer);

  /// Like asMatrix, and a rank-1 buffer becomes one row [1, n]: the view
  /// row-wise operators tile.
  mlir::Value asRows(mlir::Value buffer);

  /// The instruction fields that count columns are 12 bits wide. For an
  /// element-wise op, a contiguous [R x C] matrix with C > kMaxTileCols is
  /// viewed as [R*C/c x c] with c the largest divisor of C that fits (the
  /// same bytes in the same order); other matrices are returned unchanged.
  static constexpr int64_t kMaxTileCols = 4095;
  mlir::Value asElementwiseRows(mlir::Value matrix);

  /// The static memref.subview [offsets, offsets + sizes) with `strides` of
  /// `source`, of shape `resultShape` (`sizes`, or `sizes` without unit
  /// dimensions); its type is subviewType's.
  mlir::Value subview(mlir::Value source, llvm::ArrayRef<int64_t> offsets,
                      llvm::ArrayRef<int64_t> sizes,
                      llvm::ArrayRef<int64_t> strides,
                      llvm::ArrayRef<int64_t> resultShape);

  /// The static sub-block [offsets, offsets + sizes) of a rank-2 view.
  mlir::Value block(mlir::Value matrix, int64_t row, int64_t col,
                    int64_t rows, int64_t cols);

  /// Loads elements [offset, offset + cols) of a rank-1 buffer into every
  /// row of a new [rows x cols] tile in `space` (a bias or LayerNorm
  /// parameter broadcast over tokens).
  mlir::Value loadBroadcast(mlir::Value vector, int64_t offset, int64_t rows,
                            int64_t cols, accel::MemorySpace space);

  /// Loads elements [offset, offset + cols) of a rank-1 buffer into every
  /// row of the existing [rows x cols] `tile` (e.g. a bias preloaded into an
  /// accumulator).
  void broadcastInto(mlir::Value vector, int64_t offset, mlir::Value tile);

  /// A static strided view of the contiguous buffer `base` (the root's
  /// elements): `sizes` and `strides` in elements, `offset` from the root's
  /// first element. Strides must be positive.
  mlir::Value rawView(mlir::Value base, int64_t offset,
                      llvm::ArrayRef<int64_t> sizes,
                      llvm::ArrayRef<int64_t> strides);

  /// Copies a block of `shape` from `src` (at `srcOffset`, `srcStrides`) to
  /// `dst` (at `dstOffset`, `dstStrides`) through the activation scratchpad.
  /// Both are contiguous DRAM buffers; `dstStrides` must end in 1. Rows
  /// whose source elements are not contiguous are gathered element-wise.
  void copy(mlir::Value src, int64_t srcOffset,
            llvm::ArrayRef<int64_t> srcStrides, mlir::Value dst,
            int64_t dstOffset, llvm::ArrayRef<int64_t> dstStrides,
            llvm::ArrayRef<int64_t> shape, const TileSizes &tiles);

  /// Allocates a tile in `space` shaped like `view` and DMAs `view` into it.
  mlir::Value load(mlir::Value view, accel::MemorySpace space);

  /// DMAs `tile` into the DRAM view.
  void store(mlir::Value tile, mlir::Value view);

  mlir::OpBuilder &builder() { return b; }
  mlir::Location location() const { return loc; }

  /// `source` itself unless it is a static buffer with the identity layout
  /// (a DRAM tensor or a scratchpad tile), else one memref.cast of it
  /// to the same layout written as strides, created right after its
  /// definition and reused for every view this builder makes of it. The
  /// verifier of memref.subview derives the source's strides for each view:
  /// from an identity layout through affine expressions (~10% of a ViT-B/16
  /// compile), from explicit strides directly.
  mlir::Value stridedSource(mlir::Value source);

private:
  mlir::OpBuilder &b;
  mlir::Location loc;
  llvm::DenseMap<mlir::Value, mlir::Value> stridedSources;
};

//===----------------------------------------------------------------------===//
// Run-time token counts (threshold token pruning)
//===----------------------------------------------------------------------===//
//
// After a threshold pruning point only the first L rows of the token
// dimension hold tokens, L known at run time (the point's length register).
// markTokenLengths (TernToAccel.cpp) marks the tern ops whose result rows
// (kTokenRows), columns (kTokenCols, the attention scores' keys) or matmul
// contraction (kTokenK) are those tokens with the point's ordinal; the
// patterns then tag the accel ops of each tile with the tile's position in
// the token dimension (kLen*: [point, offset, capacity]) and the program
// emitter turns a tag into the instruction's lensel / nsel / ksel / csel.

inline constexpr llvm::StringLiteral kTokenRows = "tern.token_rows";
inline constexpr llvm::StringLiteral kTokenCols = "tern.token_cols";
inline constexpr llvm::StringLiteral kTokenK = "tern.token_k";
inline constexpr llvm::StringLiteral kLenRows = "accel.len_rows";
inline constexpr llvm::StringLiteral kLenCols = "accel.len_cols";
inline constexpr llvm::StringLiteral kLenN = "accel.len_n";
inline constexpr llvm::StringLiteral kLenK = "accel.len_k";
/// On a weight tile's loads for a row tile that starts at token t0 > 0:
/// [point, t0, 0]: all rows if the row tile holds a kept token, else none.
inline constexpr llvm::StringLiteral kLenGate = "accel.len_gate";

/// The pruning point whose kept tokens are `attr` of `op`, if marked.
std::optional<int64_t> tokenPoint(mlir::Operation *op, llvm::StringRef attr);

/// How a row tiling of `op`'s result (`rows` x `cols` as a matrix, `shape`
/// its tensor shape) meets run-time kept token rows (threshold pruning):
/// tiles start at each group of N token rows (one per head and batch), so
/// that a tile's rows are tokens [t0, t0 + rows) and its run-time count is
/// min(rows, L - t0). `point` is unset (and `group` = `rows`) when `op`'s rows
/// are not kept tokens or the matrix does not split into groups of N rows.
struct TokenRowGroups {
  std::optional<int64_t> point;
  int64_t group;
};
TokenRowGroups tokenRowGroups(mlir::Operation *op,
                              llvm::ArrayRef<int64_t> shape, int64_t rows,
                              int64_t cols);

/// The ops a tile loop iteration creates: remember where it starts, then tag
/// what was built since.
struct OpMark {
  mlir::Block *block = nullptr;
  mlir::Operation *prev = nullptr; ///< null: the block's start
};
OpMark markOps(mlir::OpBuilder &b);
/// Sets `name` = [point, offset, cap] on the accel ops built since `mark`
/// (only those of type OpTy when given a filter).
void tagOpsSince(mlir::OpBuilder &b, OpMark mark, llvm::StringRef name,
                 int64_t point, int64_t offset, int64_t cap,
                 llvm::function_ref<bool(mlir::Operation *)> filter = nullptr);

/// Row-major strides (in elements) of a contiguous buffer of `shape`.
inline llvm::SmallVector<int64_t> contiguousStrides(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// Number of blocks of `tile` needed to cover `size`.
inline int64_t ceilDiv(int64_t size, int64_t tile) {
  return (size + tile - 1) / tile;
}

} // namespace tern

#endif // TERN_LIB_CONVERSION_TERNTOACCEL_TILEBUILDER_H
