//===- BufferView.h - where a memref view's bytes are -----------*- C++ -*-===//
//
// The tile programs address DRAM and scratchpads through memref views
// (subview, collapse_shape, expand_shape, reinterpret_cast) of a root buffer
// (a memref.alloc, a function argument or a memref.get_global). Sync
// insertion and emission both need the view's root, its element offset and
// strides relative to the root's base, and its byte footprint.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_DIALECT_ACCEL_IR_BUFFERVIEW_H
#define TERN_DIALECT_ACCEL_IR_BUFFERVIEW_H

#include "tern/Dialect/Accel/IR/AccelDialect.h"

#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/IR/Value.h"
#include "llvm/ADT/SmallVector.h"

namespace tern::accel {

/// Name of the address attribute set by accel-allocate-buffers.
inline constexpr llvm::StringLiteral kAddressAttr = "accel.address";
/// Function attribute: DRAM addresses of the arguments, in order.
inline constexpr llvm::StringLiteral kArgAddressesAttr = "accel.arg_addresses";
/// Module attribute: DRAM bytes the program needs.
inline constexpr llvm::StringLiteral kDramSizeAttr = "accel.dram_size";
/// Function result attribute (convert-tern-to-accel): the integer element
/// type a result had before the conversion (a TypeAttr: i1, ui8, i16, i64,
/// ...), which the buffer may hold in another type (i32, or bf16 0 / 1 for
/// i1); the emitter records it as the ONNX type in the program's output
/// table and `tern run` writes the output in that type.
inline constexpr llvm::StringLiteral kDeclaredTypeAttr = "accel.declared_type";
/// memref.global attribute (convert-tern-to-accel): the constant is a frozen
/// base weight, the weight of one of the model's tern.linear ops; the
/// emitter lists these in the program's weight table (--weight-noise).
inline constexpr llvm::StringLiteral kFrozenWeightAttr = "accel.frozen_weight";
/// tern.linear attribute (tern-differentiate): the constant weight was built
/// by the pass (an all-ones reduction, a selection, a transposed copy), not
/// a weight of the model, so it is no frozen weight.
inline constexpr llvm::StringLiteral kDerivedWeightAttr = "tern.derived_weight";
/// Module attribute: highest byte used in each scratchpad (dictionary keyed
/// by memory space name).
inline constexpr llvm::StringLiteral kScratchpadUseAttr =
    "accel.scratchpad_use";

/// Op attribute (i64): the core of a partitioned program that runs the op
/// (accel-partition-cores); absent: core 0.
inline constexpr llvm::StringLiteral kCoreAttr = "accel.core";
/// Most cores a program may be partitioned across (the simulator's limit).
inline constexpr unsigned kMaxCores = 16;
/// Module attribute (i64): the cores the program is partitioned across.
inline constexpr llvm::StringLiteral kNumCoresAttr = "accel.cores";
/// The core `op` runs on (its kCoreAttr, 0 when absent).
unsigned coreOf(mlir::Operation *op);

struct BufferView {
  mlir::Value root;
  MemorySpace space = MemorySpace::dram;
  int64_t offset = 0; ///< in elements, from the root's first element
  llvm::SmallVector<int64_t> shape;
  llvm::SmallVector<int64_t> strides; ///< in elements
  unsigned elementBytes = 1;

  /// Bytes from the first to one past the last element the view touches.
  int64_t spanBytes() const;
};

/// Bytes one element of `type` takes in memory (sub-byte integers take a
/// whole byte, as the runtime stores them).
unsigned elementBytes(mlir::Type type);

/// mlir::getStridesAndOffset, with a direct path for the identity layout
/// of a static shape (row-major strides, offset 0): MLIR derives those
/// through affine expressions, which dominated the compile of large models
/// (every scratchpad tile and DRAM buffer has the identity layout).
mlir::LogicalResult stridesAndOffset(mlir::MemRefType type,
                                     llvm::SmallVectorImpl<int64_t> &strides,
                                     int64_t &offset);

/// Follows view ops back to the root buffer. Fails on a view whose layout is
/// not static strided, or a root that is not an alloc, argument or global.
mlir::FailureOr<BufferView> resolveView(mlir::Value view);

/// The constant memref.global that `view` (through any chain of view ops)
/// reads, i.e. a pretrained weight, or null when its root is anything else.
mlir::memref::GlobalOp constantGlobalBehindViews(mlir::Value view);

/// The byte address of `root` assigned by accel-allocate-buffers, if any.
std::optional<int64_t> rootAddress(mlir::Value root);

/// One byte range an accel op reads or writes, at its allocated address.
struct ByteAccess {
  MemorySpace space;
  mlir::Value root;
  int64_t begin, end;
  bool write;
};

/// The byte ranges `op` reads and writes (from its memory effects, through
/// the views to the allocated buffers). Fails with an error on the op when
/// it has no memory effects, an operand is not a static view or a buffer
/// has no address (accel-allocate-buffers has not run).
mlir::LogicalResult collectByteAccesses(mlir::Operation *op,
                                        llvm::SmallVectorImpl<ByteAccess> &out);

} // namespace tern::accel

#endif // TERN_DIALECT_ACCEL_IR_BUFFERVIEW_H
