//===- TileBuilder.cpp - building tile programs for tern-to-accel ---------===//

#include "TileBuilder.h"

#include "tern/Conversion/Passes.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "tern/Dialect/Accel/IR/BufferView.h"

using namespace mlir;
using namespace tern;
using namespace tern::accel;

int64_t TileSizes::gemmK(int64_t tm, int64_t tn, int64_t kTotal,
                         unsigned elementBytes) const {
  int64_t byAct = actBytes / kTilesPerScratchpad / (tm * elementBytes);
  int64_t byWgt = wgtBytes / kTilesPerScratchpad / (tn * elementBytes);
  return std::max<int64_t>(1, std::min({k, kTotal, byAct, byWgt}));
}

int64_t TileSizes::rowsPerTile(int64_t rowBytes) const {
  return std::max<int64_t>(
      1, std::min(m, actBytes / kTilesPerScratchpad / rowBytes));
}

int64_t TileSizes::copyRowsPerTile(int64_t rowBytes) const {
  constexpr int64_t kMaxDmaRows = (1 << 12) - 1;
  return std::max<int64_t>(
      1, std::min(kMaxDmaRows, actBytes / kTilesPerScratchpad / rowBytes));
}

int64_t tern::defaultGemmTileN(int64_t arrayRows, int64_t arrayCols,
                               int64_t wgtBytes, int64_t accBytes,
                               int64_t tileK) {
  constexpr int64_t kMaxArrayWidths = 4;
  const int64_t rows = std::max<int64_t>(1, arrayRows);
  const int64_t cols = std::max<int64_t>(1, arrayCols);
  auto fits = [&](int64_t n) {
    return tileK * n * 2 <= wgtBytes / TileSizes::kTilesPerScratchpad &&
           rows * n * 4 <= accBytes / TileSizes::kTilesPerScratchpad;
  };
  int64_t n = cols;
  while (n < kMaxArrayWidths * cols && fits(2 * n))
    n *= 2;
  return n;
}

Value TileBuilder::allocDram(ArrayRef<int64_t> shape, Type elementType) {
  return b.create<memref::AllocOp>(loc, MemRefType::get(shape, elementType));
}

Value TileBuilder::allocTile(ArrayRef<int64_t> shape, Type elementType,
                             MemorySpace space) {
  auto type = MemRefType::get(shape, elementType, MemRefLayoutAttrInterface(),
                              MemorySpaceAttr::get(b.getContext(), space));
  return b.create<memref::AllocOp>(loc, type);
}

Value TileBuilder::asRows(Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  if (type.getRank() >= 2)
    return asMatrix(buffer);
  SmallVector<ReassociationIndices> groups = {{0, 1}};
  return b.create<memref::ExpandShapeOp>(
      loc, MemRefType::get({1, type.getDimSize(0)}, type.getElementType()),
      buffer, groups);
}

Value TileBuilder::asElementwiseRows(Value matrix) {
  auto type = cast<MemRefType>(matrix.getType());
  int64_t rows = type.getDimSize(0), cols = type.getDimSize(1);
  if (cols <= kMaxTileCols)
    return matrix;
  int64_t c = kMaxTileCols;
  while (cols % c)
    --c;
  // [R, C] -> [R, C/c, c] -> [R*C/c, c]; both views keep the layout of a
  // contiguous buffer.
  SmallVector<ReassociationIndices> split = {{0}, {1, 2}};
  Value expanded = b.create<memref::ExpandShapeOp>(
      loc, MemRefType::get({rows, cols / c, c}, type.getElementType()), matrix,
      split);
  SmallVector<ReassociationIndices> merge = {{0, 1}, {2}};
  return b.create<memref::CollapseShapeOp>(loc, expanded, merge);
}

Value TileBuilder::asMatrix(Value buffer) {
  auto type = cast<MemRefType>(buffer.getType());
  if (type.getRank() == 2)
    return buffer;
  SmallVector<ReassociationIndices> groups(2);
  for (int64_t d = 0; d + 1 < type.getRank(); ++d)
    groups[0].push_back(d);
  groups[1].push_back(type.getRank() - 1);
  return b.create<memref::CollapseShapeOp>(loc, buffer, groups);
}

/// A static memref.subview of `source` whose result type is computed from the
/// source's strides directly (the type MLIR infers: the strided layout of the
/// selected elements, unit dimensions dropped to reach `resultShape`) and
/// built from the static offsets, sizes and strides without going through
/// OpFoldResults. MLIR's inference derives the strides of an identity layout
/// through affine expressions and the OpFoldResult builder uniques an
/// IntegerAttr per value; with one view per tile both dominated the
/// conversion of large models.
MemRefType tern::subviewType(MemRefType source, ArrayRef<int64_t> offsets,
                             ArrayRef<int64_t> sizes, ArrayRef<int64_t> strides,
                             ArrayRef<int64_t> resultShape) {
  SmallVector<int64_t> sourceStrides;
  int64_t sourceOffset;
  if (failed(stridesAndOffset(source, sourceStrides, sourceOffset)) ||
      ShapedType::isDynamic(sourceOffset) ||
      llvm::any_of(sourceStrides, ShapedType::isDynamic)) {
    if (resultShape.size() == sizes.size())
      return cast<MemRefType>(
          memref::SubViewOp::inferResultType(source, offsets, sizes, strides));
    return cast<MemRefType>(memref::SubViewOp::inferRankReducedResultType(
        resultShape, source, offsets, sizes, strides));
  }
  int64_t offset = sourceOffset;
  SmallVector<int64_t> viewStrides;
  for (auto [o, s, st] : llvm::zip_equal(offsets, sourceStrides, strides)) {
    offset += o * s;
    viewStrides.push_back(s * st);
  }
  if (resultShape.size() != sizes.size()) {
    std::optional<llvm::SmallDenseSet<unsigned>> dropped =
        computeRankReductionMask(sizes, resultShape);
    assert(dropped && "invalid rank reduction");
    SmallVector<int64_t> kept;
    for (auto [d, st] : llvm::enumerate(viewStrides))
      if (!dropped->contains(d))
        kept.push_back(st);
    viewStrides = std::move(kept);
  }
  return MemRefType::get(
      resultShape, source.getElementType(),
      StridedLayoutAttr::get(source.getContext(), offset, viewStrides),
      source.getMemorySpace());
}

Value TileBuilder::stridedSource(Value source) {
  auto type = cast<MemRefType>(source.getType());
  if (isa<StridedLayoutAttr>(type.getLayout()) ||
      !type.getLayout().isIdentity() || !type.hasStaticShape() ||
      llvm::any_of(type.getShape(), [](int64_t d) { return d < 1; }))
    return source;
  auto [it, inserted] = stridedSources.try_emplace(source, Value());
  if (!inserted)
    return it->second;
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(stridesAndOffset(type, strides, offset)))
    return it->second = source;
  // Right after the definition: the cast then dominates every later view of
  // the source wherever this builder inserts them.
  OpBuilder::InsertionGuard guard(b);
  if (Operation *def = source.getDefiningOp())
    b.setInsertionPointAfter(def);
  else
    b.setInsertionPointToStart(cast<BlockArgument>(source).getOwner());
  auto stridedType = MemRefType::get(
      type.getShape(), type.getElementType(),
      StridedLayoutAttr::get(b.getContext(), offset, strides),
      type.getMemorySpace());
  return it->second =
             b.create<memref::CastOp>(loc, stridedType, source).getResult();
}

Value TileBuilder::subview(Value sourceIn, ArrayRef<int64_t> offsets,
                           ArrayRef<int64_t> sizes, ArrayRef<int64_t> strides,
                           ArrayRef<int64_t> resultShape) {
  Value source = stridedSource(sourceIn);
  MemRefType type = subviewType(cast<MemRefType>(source.getType()), offsets,
                                sizes, strides, resultShape);
  // With a static layout the view is a memref.reinterpret_cast of the
  // source's buffer to that layout: the same type and the same elements,
  // and its verifier only compares the layout with the static fields,
  // where memref.subview's infers the result type again (one view per tile:
  // 400 k views in ViT-B/16 on tataa-u280).
  if (auto layout = dyn_cast<StridedLayoutAttr>(type.getLayout());
      layout && !ShapedType::isDynamic(layout.getOffset()) &&
      llvm::none_of(layout.getStrides(), ShapedType::isDynamic))
    return b.create<memref::ReinterpretCastOp>(
        loc, Type(type), source, ValueRange(), ValueRange(), ValueRange(),
        b.getDenseI64ArrayAttr({layout.getOffset()}),
        b.getDenseI64ArrayAttr(type.getShape()),
        b.getDenseI64ArrayAttr(layout.getStrides()));
  return b.create<memref::SubViewOp>(
      loc, Type(type), source, ValueRange(), ValueRange(), ValueRange(),
      b.getDenseI64ArrayAttr(offsets), b.getDenseI64ArrayAttr(sizes),
      b.getDenseI64ArrayAttr(strides));
}

Value TileBuilder::block(Value matrix, int64_t row, int64_t col, int64_t rows,
                         int64_t cols) {
  auto type = cast<MemRefType>(matrix.getType());
  if (row == 0 && col == 0 && type.getDimSize(0) == rows &&
      type.getDimSize(1) == cols)
    return matrix;
  SmallVector<int64_t> offsets = {row, col}, sizes = {rows, cols},
                       strides = {1, 1};
  return subview(matrix, offsets, sizes, strides, sizes);
}

Value TileBuilder::loadBroadcast(Value vector, int64_t offset, int64_t rows,
                                 int64_t cols, MemorySpace space) {
  auto type = cast<MemRefType>(vector.getType());
  Value tile = allocTile({rows, cols}, type.getElementType(), space);
  broadcastInto(vector, offset, tile);
  return tile;
}

void TileBuilder::broadcastInto(Value vector, int64_t offset, Value tile) {
  auto type = cast<MemRefType>(vector.getType());
  int64_t cols = cast<MemRefType>(tile.getType()).getDimSize(1);
  Value row = vector;
  if (offset != 0 || type.getDimSize(0) != cols)
    row = subview(vector, {offset}, {cols}, {1}, {cols});
  b.create<DmaBroadcastOp>(loc, row, tile);
}

Value TileBuilder::load(Value view, MemorySpace space) {
  auto type = cast<MemRefType>(view.getType());
  Value tile = allocTile(type.getShape(), type.getElementType(), space);
  b.create<DmaLoadOp>(loc, view, tile);
  return tile;
}

void TileBuilder::store(Value tile, Value view) {
  b.create<DmaStoreOp>(loc, tile, view);
}

Value TileBuilder::rawView(Value base, int64_t offset, ArrayRef<int64_t> sizes,
                           ArrayRef<int64_t> strides) {
  auto type = cast<MemRefType>(base.getType());
  auto layout = StridedLayoutAttr::get(b.getContext(), offset, strides);
  auto resultType = MemRefType::get(sizes, type.getElementType(), layout,
                                    type.getMemorySpace());
  return b.create<memref::ReinterpretCastOp>(
      loc, Type(resultType), base, ValueRange(), ValueRange(), ValueRange(),
      b.getDenseI64ArrayAttr({offset}), b.getDenseI64ArrayAttr(sizes),
      b.getDenseI64ArrayAttr(strides));
}

namespace {
/// load.t's limits (runtime/isa/Instructions.def): a 12-bit row count and
/// 16-bit row bytes.
constexpr int64_t kMaxTransposedRows = (1 << 12) - 1;
constexpr int64_t kMaxTransposedRowBytes = (1 << 16) - 1;

/// Whether a copy that moves the innermost dimension (its source stride is
/// not 1) can move whole blocks with the DMA's transposing load: some other
/// dimension must be contiguous in the source. If so, that dimension
/// becomes the row dimension (second to last; the others are independent
/// outer loops), after merging neighbouring outer dimensions that are laid
/// out alike in source and destination ([H, W] of an NCHW -> NHWC copy
/// becomes one dimension of H*W), so that each block is as tall as the
/// tile budget allows.
bool useTransposedLoads(SmallVectorImpl<int64_t> &shape,
                        SmallVectorImpl<int64_t> &srcStrides,
                        SmallVectorImpl<int64_t> &dstStrides, Type elem) {
  size_t rank = shape.size();
  unsigned bits = elem.isIntOrFloat() ? elem.getIntOrFloatBitWidth() : 0;
  if (rank < 2 || srcStrides.back() == 1 || shape.back() > kMaxTransposedRows ||
      (bits != 8 && bits != 16 && bits != 32))
    return false;
  SmallVector<int64_t> sh, ss, ds;
  for (size_t d = 0; d + 1 < rank; ++d) {
    if (!sh.empty() && ss.back() == srcStrides[d] * shape[d] &&
        ds.back() == dstStrides[d] * shape[d]) {
      sh.back() *= shape[d];
      ss.back() = srcStrides[d];
      ds.back() = dstStrides[d];
      continue;
    }
    sh.push_back(shape[d]);
    ss.push_back(srcStrides[d]);
    ds.push_back(dstStrides[d]);
  }
  auto contiguous = llvm::find(ss, 1);
  if (contiguous == ss.end())
    return false;
  size_t p = contiguous - ss.begin(), last = sh.size() - 1;
  std::swap(sh[p], sh[last]);
  std::swap(ss[p], ss[last]);
  std::swap(ds[p], ds[last]);
  sh.push_back(shape.back());
  ss.push_back(srcStrides.back());
  ds.push_back(dstStrides.back());
  shape.assign(sh.begin(), sh.end());
  srcStrides.assign(ss.begin(), ss.end());
  dstStrides.assign(ds.begin(), ds.end());
  return true;
}
} // namespace

void TileBuilder::copy(Value src, int64_t srcOffset,
                       ArrayRef<int64_t> srcStridesIn, Value dst,
                       int64_t dstOffset, ArrayRef<int64_t> dstStridesIn,
                       ArrayRef<int64_t> shapeIn, const TileSizes &tiles) {
  // Unit dimensions move nothing: dropping them lets [17, 1, 48] copy as
  // one [17, 48] block instead of 17 single rows.
  SmallVector<int64_t> shape, srcStrides, dstStrides;
  for (size_t d = 0; d < shapeIn.size(); ++d)
    if (shapeIn[d] != 1 || d + 1 == shapeIn.size()) {
      shape.push_back(shapeIn[d]);
      srcStrides.push_back(srcStridesIn[d]);
      dstStrides.push_back(dstStridesIn[d]);
    }
  Type elem = cast<MemRefType>(src.getType()).getElementType();
  unsigned eb = elementBytes(elem);
  bool transposed = useTransposedLoads(shape, srcStrides, dstStrides, elem);
  size_t rank = shape.size();
  int64_t cols = shape.back();
  int64_t rows = rank >= 2 ? shape[rank - 2] : 1;
  int64_t srcRowStride = rank >= 2 ? srcStrides[rank - 2] : 0;
  int64_t dstRowStride = rank >= 2 ? dstStrides[rank - 2] : 0;
  bool gather = !transposed && srcStrides.back() != 1 && cols > 1;
  int64_t chunk = tiles.copyRowsPerTile(cols * eb);
  if (transposed) // load.t's source rows (one per column) hold `chunk` elements
    chunk = std::min(
        {chunk, kMaxTransposedRowBytes / int64_t(eb), srcStrides.back()});

  // Every index of the dimensions in front of the last two.
  SmallVector<int64_t> outer(rank > 2 ? rank - 2 : 0, 0);
  auto outerOffsets = [&](ArrayRef<int64_t> strides) {
    int64_t off = 0;
    for (size_t d = 0; d < outer.size(); ++d)
      off += outer[d] * strides[d];
    return off;
  };
  while (true) {
    int64_t srcBase = srcOffset + outerOffsets(srcStrides);
    int64_t dstBase = dstOffset + outerOffsets(dstStrides);
    for (int64_t r0 = 0; r0 < rows; r0 += gather ? 1 : chunk) {
      int64_t rr = gather ? 1 : std::min(chunk, rows - r0);
      int64_t s = srcBase + r0 * srcRowStride, d = dstBase + r0 * dstRowStride;
      Value tile;
      if (transposed) {
        // Rows r0.. of the output are contiguous in the source; its
        // columns are source rows `srcStrides.back()` apart.
        tile = allocTile({rr, cols}, elem, MemorySpace::act);
        b.create<DmaLoadTransposedOp>(
            loc, rawView(src, s, {cols, rr}, {srcStrides.back(), 1}), tile);
        b.create<DmaStoreOp>(
            loc, tile,
            rawView(dst, d, {rr, cols},
                    {std::max<int64_t>(dstRowStride, cols), 1}));
        continue;
      }
      if (gather) {
        tile = allocTile({cols}, elem, MemorySpace::act);
        b.create<DmaLoadOp>(loc, rawView(src, s, {cols}, {srcStrides.back()}),
                            tile);
        b.create<DmaStoreOp>(loc, tile, rawView(dst, d, {cols}, {1}));
        continue;
      }
      tile = allocTile({rr, cols}, elem, MemorySpace::act);
      b.create<DmaLoadOp>(
          loc, rawView(src, s, {rr, cols}, {std::max<int64_t>(srcRowStride, cols), 1}),
          tile);
      b.create<DmaStoreOp>(
          loc, tile,
          rawView(dst, d, {rr, cols}, {std::max<int64_t>(dstRowStride, cols), 1}));
    }
    // Next outer index (odometer order).
    int64_t d = static_cast<int64_t>(outer.size()) - 1;
    while (d >= 0 && ++outer[d] == shape[d])
      outer[d--] = 0;
    if (d < 0)
      break;
  }
}

std::optional<int64_t> tern::tokenPoint(Operation *op, StringRef attr) {
  if (auto a = op->getAttrOfType<IntegerAttr>(attr))
    return a.getInt();
  return std::nullopt;
}

TokenRowGroups tern::tokenRowGroups(Operation *op, ArrayRef<int64_t> shape,
                                    int64_t rows, int64_t cols) {
  std::optional<int64_t> point = tokenPoint(op, kTokenRows);
  if (point && shape.size() >= 2 && cols == shape.back() &&
      rows % shape[shape.size() - 2] == 0)
    return {point, shape[shape.size() - 2]};
  return {std::nullopt, rows};
}

OpMark tern::markOps(OpBuilder &b) {
  Block *block = b.getInsertionBlock();
  Block::iterator ip = b.getInsertionPoint();
  return {block, ip == block->begin() ? nullptr : &*std::prev(ip)};
}

void tern::tagOpsSince(OpBuilder &b, OpMark mark, StringRef name,
                       int64_t point, int64_t offset, int64_t cap,
                       function_ref<bool(Operation *)> filter) {
  if (!mark.block || mark.block != b.getInsertionBlock())
    return;
  Block::iterator it =
      mark.prev ? std::next(mark.prev->getIterator()) : mark.block->begin();
  auto value = b.getDenseI64ArrayAttr({point, offset, cap});
  for (; it != b.getInsertionPoint(); ++it) {
    Operation *op = &*it;
    if (op->getDialect() &&
        op->getDialect()->getNamespace() ==
            accel::AccelDialect::getDialectNamespace() &&
        (!filter || filter(op)))
      op->setAttr(name, value);
  }
}
