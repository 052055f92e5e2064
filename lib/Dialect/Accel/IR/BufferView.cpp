//===- BufferView.cpp - where a memref view's bytes are -------------------===//

#include "tern/Dialect/Accel/IR/BufferView.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/SymbolTable.h"
#include "mlir/Interfaces/SideEffectInterfaces.h"
#include "mlir/Interfaces/ViewLikeInterface.h"

using namespace mlir;
using namespace tern::accel;

unsigned tern::accel::elementBytes(Type type) {
  unsigned bits = type.getIntOrFloatBitWidth();
  return bits < 8 ? 1 : bits / 8;
}

int64_t BufferView::spanBytes() const {
  int64_t last = 0;
  for (auto [size, stride] : llvm::zip_equal(shape, strides))
    last += (size - 1) * stride;
  return (last + 1) * elementBytes;
}

LogicalResult tern::accel::stridesAndOffset(MemRefType type,
                                            SmallVectorImpl<int64_t> &strides,
                                            int64_t &offset) {
  // A strided layout holds them (its isIdentity() builds an affine map).
  if (auto strided = dyn_cast<StridedLayoutAttr>(type.getLayout())) {
    strides.assign(strided.getStrides().begin(), strided.getStrides().end());
    offset = strided.getOffset();
    return success();
  }
  ArrayRef<int64_t> shape = type.getShape();
  // Sizes below 1 (dynamic or empty) take MLIR's path.
  if (!type.getLayout().isIdentity() ||
      llvm::any_of(shape, [](int64_t d) { return d < 1; }))
    return getStridesAndOffset(type, strides, offset);
  strides.assign(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  offset = 0;
  return success();
}

FailureOr<BufferView> tern::accel::resolveView(Value view) {
  auto type = dyn_cast<MemRefType>(view.getType());
  if (!type)
    return failure();
  BufferView result;
  if (failed(stridesAndOffset(type, result.strides, result.offset)) ||
      ShapedType::isDynamic(result.offset) ||
      llvm::any_of(result.strides, ShapedType::isDynamic))
    return failure();
  result.shape.assign(type.getShape().begin(), type.getShape().end());
  result.elementBytes = elementBytes(type.getElementType());
  result.space = getMemorySpace(type);

  Value root = view;
  while (Operation *def = root.getDefiningOp()) {
    if (auto sv = dyn_cast<memref::SubViewOp>(def))
      root = sv.getSource();
    else if (auto cs = dyn_cast<memref::CollapseShapeOp>(def))
      root = cs.getSrc();
    else if (auto es = dyn_cast<memref::ExpandShapeOp>(def))
      root = es.getSrc();
    else if (auto rc = dyn_cast<memref::ReinterpretCastOp>(def))
      root = rc.getSource();
    else if (auto cast = dyn_cast<memref::CastOp>(def))
      root = cast.getSource();
    else if (isa<memref::AllocOp, memref::GetGlobalOp>(def))
      break;
    else
      return failure();
  }
  result.root = root;
  return result;
}

std::optional<int64_t> tern::accel::rootAddress(Value root) {
  if (auto arg = dyn_cast<BlockArgument>(root)) {
    auto func = dyn_cast<func::FuncOp>(arg.getOwner()->getParentOp());
    if (!func)
      return std::nullopt;
    auto addresses = func->getAttrOfType<ArrayAttr>(kArgAddressesAttr);
    if (!addresses || arg.getArgNumber() >= addresses.size())
      return std::nullopt;
    return cast<IntegerAttr>(addresses[arg.getArgNumber()]).getInt();
  }
  Operation *def = root.getDefiningOp();
  if (auto get = dyn_cast_or_null<memref::GetGlobalOp>(def)) {
    auto global = SymbolTable::lookupNearestSymbolFrom<memref::GlobalOp>(
        get, get.getNameAttr());
    def = global;
  }
  if (!def)
    return std::nullopt;
  if (auto address = def->getAttrOfType<IntegerAttr>(kAddressAttr))
    return address.getInt();
  return std::nullopt;
}

mlir::memref::GlobalOp
tern::accel::constantGlobalBehindViews(mlir::Value view) {
  mlir::Value root = view;
  while (mlir::Operation *def = root.getDefiningOp()) {
    auto viewOp = llvm::dyn_cast<mlir::ViewLikeOpInterface>(def);
    if (!viewOp)
      break;
    root = viewOp.getViewSource();
  }
  auto get = root.getDefiningOp<mlir::memref::GetGlobalOp>();
  if (!get)
    return nullptr;
  auto global =
      mlir::SymbolTable::lookupNearestSymbolFrom<mlir::memref::GlobalOp>(
          get, get.getNameAttr());
  return global && global.getConstant() ? global : nullptr;
}

unsigned tern::accel::coreOf(Operation *op) {
  if (auto core = op->getAttrOfType<IntegerAttr>(kCoreAttr))
    return static_cast<unsigned>(core.getInt());
  return 0;
}

LogicalResult
tern::accel::collectByteAccesses(Operation *op,
                                 SmallVectorImpl<ByteAccess> &out) {
  auto effects = dyn_cast<MemoryEffectOpInterface>(op);
  if (!effects)
    return op->emitOpError("has no memory effects to order accesses by");
  SmallVector<MemoryEffects::EffectInstance> list;
  effects.getEffects(list);
  for (auto &effect : list) {
    Value value = effect.getValue();
    if (!value)
      continue;
    bool write = isa<MemoryEffects::Write>(effect.getEffect());
    if (!write && !isa<MemoryEffects::Read>(effect.getEffect()))
      continue;
    FailureOr<BufferView> view = resolveView(value);
    if (failed(view))
      return op->emitOpError("operand is not a static view of a buffer");
    std::optional<int64_t> base = rootAddress(view->root);
    if (!base)
      return op->emitOpError(
          "operand's buffer has no address; run accel-allocate-buffers");
    int64_t begin = *base + view->offset * view->elementBytes;
    out.push_back(
        {view->space, view->root, begin, begin + view->spanBytes(), write});
  }
  return success();
}
