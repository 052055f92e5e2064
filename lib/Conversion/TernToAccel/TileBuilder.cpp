//===- TileBuilder.cpp - building tile programs for tern-to-accel ---------===//

#include "TileBuilder.h"

#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"

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

Value TileBuilder::allocDram(ArrayRef<int64_t> shape, Type elementType) {
  return b.create<memref::AllocOp>(loc, MemRefType::get(shape, elementType));
}

Value TileBuilder::allocTile(ArrayRef<int64_t> shape, Type elementType,
                             MemorySpace space) {
  auto type = MemRefType::get(shape, elementType, MemRefLayoutAttrInterface(),
                              MemorySpaceAttr::get(b.getContext(), space));
  return b.create<memref::AllocOp>(loc, type);
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

Value TileBuilder::block(Value matrix, int64_t row, int64_t col, int64_t rows,
                         int64_t cols) {
  auto type = cast<MemRefType>(matrix.getType());
  if (row == 0 && col == 0 && type.getDimSize(0) == rows &&
      type.getDimSize(1) == cols)
    return matrix;
  SmallVector<int64_t> offsets = {row, col}, sizes = {rows, cols},
                       strides = {1, 1};
  return b.create<memref::SubViewOp>(loc, matrix, offsets, sizes, strides);
}

Value TileBuilder::column(Value matrix, int64_t row, int64_t col,
                          int64_t rows) {
  auto type = cast<MemRefType>(matrix.getType());
  SmallVector<int64_t> offsets = {row, col}, sizes = {rows, 1},
                       strides = {1, 1};
  auto resultType = cast<MemRefType>(
      memref::SubViewOp::inferRankReducedResultType({rows}, type, offsets,
                                                    sizes, strides));
  return b.create<memref::SubViewOp>(loc, resultType, matrix, offsets, sizes,
                                     strides);
}

Value TileBuilder::loadBroadcast(Value vector, int64_t offset, int64_t rows,
                                 int64_t cols, MemorySpace space) {
  auto type = cast<MemRefType>(vector.getType());
  Value row = vector;
  if (offset != 0 || type.getDimSize(0) != cols)
    row = b.create<memref::SubViewOp>(loc, vector, ArrayRef<int64_t>{offset},
                                      ArrayRef<int64_t>{cols},
                                      ArrayRef<int64_t>{1});
  Value tile = allocTile({rows, cols}, type.getElementType(), space);
  b.create<DmaBroadcastOp>(loc, row, tile);
  return tile;
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
