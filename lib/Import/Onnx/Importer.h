//===- Importer.h - ONNX importer internals ---------------------*- C++ -*-===//
//
// Shared between the importer's files: the value table (graph walker), the
// constant-folding representation of small tensors, the op-handler registry
// and the binder handed to each handler. Not installed.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_LIB_IMPORT_ONNX_IMPORTER_H
#define TERN_LIB_IMPORT_ONNX_IMPORTER_H

#include "tern/Import/Onnx.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/BuiltinTypes.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Location.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/StringMap.h"

#include "onnx/onnx_pb.h"

#include <stdexcept>

#include <functional>
#include <map>
#include <optional>
#include <vector>

namespace tern::onnx_import {

//===----------------------------------------------------------------------===//
// Folded: a small tensor known at import time
//===----------------------------------------------------------------------===//

/// A tensor whose value the importer knows, kept outside the IR so that shape
/// subgraphs (Shape -> Gather -> Concat -> Reshape, ConstantOfShape, Range,
/// masks built from them) fold away instead of becoming TOSA ops. Integer and
/// boolean values live in `ints`, floating-point ones in `fps`.
struct Folded {
  llvm::SmallVector<int64_t> shape;
  mlir::Type elementType;
  std::vector<int64_t> ints;
  std::vector<double> fps;

  bool isFloat() const { return mlir::isa<mlir::FloatType>(elementType); }
  int64_t numElements() const;
  double getAsDouble(int64_t i) const { return isFloat() ? fps[i] : ints[i]; }
  int64_t getAsInt(int64_t i) const {
    return isFloat() ? static_cast<int64_t>(fps[i]) : ints[i];
  }
  /// An empty tensor of `shape` and `elementType`, storage sized.
  static Folded make(llvm::ArrayRef<int64_t> shape, mlir::Type elementType);
  void set(int64_t i, double v);
  void setInt(int64_t i, int64_t v);

  mlir::RankedTensorType getType() const {
    return mlir::RankedTensorType::get(shape, elementType);
  }
  mlir::DenseElementsAttr toAttr() const;
  static std::optional<Folded> fromAttr(mlir::DenseElementsAttr attr);
};

/// Largest tensor the importer folds (elements); bigger ones stay in the IR.
constexpr int64_t kMaxFoldElements = 1 << 20;

/// Tensors of this many bytes or more are refused: the ISA's DRAM addresses
/// are 40 bits wide, so no program could hold one.
constexpr uint64_t kMaxTensorBytes = uint64_t(1) << 40;

/// Models with more nodes than this are refused before they are checked:
/// the largest real transformer exports have tens of thousands, and every
/// later stage (checker, shape inference, import, passes) is at least linear
/// in the node count.
constexpr int kMaxNodes = 200000;

/// Refuses a shape with a negative dimension, a size that overflows, or
/// kMaxTensorBytes or more of `elementType`; `what` names the tensor in the
/// diagnostic (e.g. "graph input 'x'").
mlir::LogicalResult checkTensorSize(llvm::ArrayRef<int64_t> shape,
                                    mlir::Type elementType, mlir::Location loc,
                                    const llvm::Twine &what);

/// Row-major strides of `shape`.
llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape);

/// ONNX multidirectional broadcast of two shapes; nullopt if incompatible.
std::optional<llvm::SmallVector<int64_t>>
broadcastShapes(llvm::ArrayRef<int64_t> a, llvm::ArrayRef<int64_t> b);

/// Element of a broadcast operand at output index `linear` (row-major over
/// `outShape`).
int64_t broadcastIndex(llvm::ArrayRef<int64_t> inShape,
                       llvm::ArrayRef<int64_t> outShape, int64_t linear);

/// Reports `diag` and returns the null module every failed import returns.
inline mlir::OwningOpRef<mlir::ModuleOp>
reportError(mlir::InFlightDiagnostic &&diag) {
  diag.report();
  return nullptr;
}

//===----------------------------------------------------------------------===//
// Constants (Constants.cpp)
//===----------------------------------------------------------------------===//

/// MLIR element type of an ONNX TensorProto data type, or null.
mlir::Type convertElementType(int32_t onnxType, mlir::MLIRContext *ctx);

/// Reads an external-data tensor's bytes (file relative to `baseDir`) into
/// its raw_data field; emits at `loc` naming a missing or short file.
mlir::LogicalResult loadExternalData(onnx::TensorProto &tensor,
                                     mlir::Location loc,
                                     llvm::StringRef baseDir);

/// Turns a TensorProto into an elements attribute. Tensors of at least
/// `resourceThreshold` bytes become one `dense_resource` blob that takes over
/// the protobuf's raw_data string (no copy); `tensor` may be modified.
/// `baseDir` anchors external data. Returns null after emitting at `loc`.
mlir::ElementsAttr tensorToAttr(onnx::TensorProto &tensor, mlir::Location loc,
                                size_t resourceThreshold,
                                llvm::StringRef baseDir);

//===----------------------------------------------------------------------===//
// Handlers
//===----------------------------------------------------------------------===//

class GraphImporter;

/// What a handler sees of one ONNX node: its operands (materialized on
/// demand, or folded if known), attributes, location and builder.
class OpBinder {
public:
  OpBinder(GraphImporter &importer, const onnx::NodeProto &node,
           mlir::Location loc, int64_t opset, mlir::OpBuilder &builder)
      : importer(importer), node(node), loc(loc), opset(opset),
        builder(builder) {}

  GraphImporter &importer;
  const onnx::NodeProto &node;
  mlir::Location loc;
  int64_t opset;
  mlir::OpBuilder &builder;

  unsigned getNumOperands() const { return node.input_size(); }
  /// True if operand `i` exists and is not the empty (omitted) name.
  bool hasOperand(unsigned i) const {
    return (int)i < node.input_size() && !node.input(i).empty();
  }
  /// Operand `i` as an SSA value (a folded one is materialized as tosa.const).
  /// Never null: a missing or omitted operand throws InvalidNode, one that
  /// cannot be materialized throws AlreadyReported.
  mlir::Value operand(unsigned i);
  /// Operand `i`'s type (without materializing a folded value); never null,
  /// as operand().
  mlir::RankedTensorType operandType(unsigned i);
  /// Operand `i` if it is known at import time.
  const Folded *folded(unsigned i);
  /// Operand `i` if it is a constant (initializer, Constant or folded value),
  /// whatever its size up to kMaxFoldElements: for parameter vectors that a
  /// handler folds into other constants (BatchNormalization's statistics).
  const Folded *foldedParam(unsigned i);
  /// Operand `i` as integers if known (for shape-like operands).
  std::optional<llvm::SmallVector<int64_t>> constInts(unsigned i);

  unsigned getNumResults() const { return node.output_size(); }
  bool hasResult(unsigned i) const {
    return (int)i < node.output_size() && !node.output(i).empty();
  }
  void setResult(unsigned i, mlir::Value v);
  void setFolded(unsigned i, Folded f);

  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  int64_t getInt(llvm::StringRef name, int64_t dflt) const;
  float getFloat(llvm::StringRef name, float dflt) const;
  std::string getString(llvm::StringRef name, llvm::StringRef dflt) const;
  std::optional<llvm::SmallVector<int64_t>> getInts(llvm::StringRef name) const;

  mlir::InFlightDiagnostic emitError() const { return mlir::emitError(loc); }
  /// Emits "unsupported <what>" at the node and returns failure.
  mlir::LogicalResult unsupported(const llvm::Twine &what) const;
};

using Handler = std::function<mlir::LogicalResult(OpBinder &)>;

/// Handlers by ONNX op type (default domain), each valid from `sinceVersion`
/// on, as torch-mlir's `onOp("Add", 7, ...)`. Models are converted to opset
/// 17 before import, so lookups use 17; older entries document what each
/// handler accepts.
class HandlerRegistry {
public:
  void onOp(llvm::StringRef opType, int64_t sinceVersion, Handler handler);
  /// The handler for `opType` with the highest since-version <= `opset`.
  const Handler *lookup(llvm::StringRef opType, int64_t opset) const;
  /// Every registered op type (for docs and the conformance runner).
  std::vector<std::string> opTypes() const;

private:
  llvm::StringMap<std::map<int64_t, Handler>> handlers;
};

/// A float unary op: folded with `fn` (over doubles) when its operand is
/// known at import time (integer values too: shape arithmetic), else built
/// by `build(binder, operand)`; a non-float run-time operand is refused.
template <typename Build, typename FoldFn>
Handler unaryHandler(Build build, FoldFn fn) {
  return [build, fn](OpBinder &b) -> mlir::LogicalResult {
    if (const Folded *in = b.folded(0)) {
      Folded out = *in;
      for (double &v : out.fps)
        v = fn(v);
      for (int64_t &v : out.ints)
        v = static_cast<int64_t>(fn(static_cast<double>(v)));
      b.setFolded(0, std::move(out));
      return mlir::success();
    }
    mlir::Value x = b.operand(0);
    if (!x)
      return mlir::failure();
    if (!mlir::isa<mlir::FloatType>(
            mlir::cast<mlir::ShapedType>(x.getType()).getElementType()))
      return b.unsupported("non-float operand");
    b.setResult(0, build(b, x));
    return mlir::success();
  };
}

void populateElementwiseHandlers(HandlerRegistry &registry);
void populateMatMulConvHandlers(HandlerRegistry &registry);
void populateNormalizationHandlers(HandlerRegistry &registry);
void populateActivationHandlers(HandlerRegistry &registry);
void populateShapeHandlers(HandlerRegistry &registry);
void populateReductionHandlers(HandlerRegistry &registry);
void populateQuantizationHandlers(HandlerRegistry &registry);

/// The registry with every handler (built once).
const HandlerRegistry &getHandlerRegistry();

//===----------------------------------------------------------------------===//
// Graph importer (GraphImporter.cpp)
//===----------------------------------------------------------------------===//

/// One value of the ONNX graph: an SSA value, a folded constant, or an
/// initializer not yet materialized (so unused or shape-only initializers
/// never reach the IR, and a used one is materialized once).
struct ValueEntry {
  mlir::Value value;
  std::optional<Folded> folded;
  onnx::TensorProto *initializer = nullptr;
};

class GraphImporter {
public:
  GraphImporter(onnx::ModelProto &model, const ImportOptions &options,
                llvm::StringRef modelPath, mlir::MLIRContext &context);

  /// Builds the module; null after diagnostics.
  mlir::OwningOpRef<mlir::ModuleOp> run();

  mlir::MLIRContext &getContext() { return context; }
  ValueEntry *lookup(llvm::StringRef name);
  mlir::Value materialize(ValueEntry &entry, mlir::Location loc);
  mlir::RankedTensorType typeOf(ValueEntry &entry, mlir::Location loc);
  /// The folded value of `entry`, if known. Initializers are folded when
  /// below the blob threshold, or up to kMaxFoldElements with `anySize`.
  const Folded *foldedOf(ValueEntry &entry, mlir::Location loc,
                         bool anySize = false);
  void define(llvm::StringRef name, ValueEntry entry);
  mlir::Location nodeLoc(const onnx::NodeProto &node) const;
  /// Where constants are materialized (function entry).
  mlir::OpBuilder &constBuilder() { return *entryBuilder; }

  /// Reports every node without a handler (all of them) and fails if any.
  mlir::LogicalResult checkSupported();
  /// Attributes libonnx's shape inference trusts and would crash on (a zero
  /// Conv stride divides by zero in convPoolShapeInference): refused at the
  /// node before libonnx sees them.
  mlir::LogicalResult checkAttributesForLibonnx();

private:
  mlir::FailureOr<mlir::RankedTensorType>
  inputType(const onnx::ValueInfoProto &info);

  onnx::ModelProto &model;
  const ImportOptions &options;
  std::string modelPath;
  std::string baseDir;
  mlir::MLIRContext &context;
  int64_t opset = 17;
  llvm::StringMap<ValueEntry> values;
  std::unique_ptr<mlir::OpBuilder> entryBuilder;
};

//===----------------------------------------------------------------------===//
// TOSA building helpers (TosaHelpers.cpp)
//===----------------------------------------------------------------------===//

mlir::Value createConst(mlir::OpBuilder &b, mlir::Location loc,
                        mlir::ElementsAttr attr);
/// tosa.clamp of `x` to [lo, hi] (float and integer bounds; infinite ones
/// saturate to the type's range).
mlir::Value createClamp(mlir::OpBuilder &b, mlir::Location loc, mlir::Value x,
                        double lo, double hi);
/// A splat constant of `elementType` and rank `rank` (all dims 1).
mlir::Value createScalar(mlir::OpBuilder &b, mlir::Location loc,
                         mlir::Type elementType, double value, int64_t rank);
mlir::Value createReshape(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                          llvm::ArrayRef<int64_t> shape);
/// Prepends size-1 dimensions up to `rank`.
mlir::Value expandRank(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       int64_t rank);
mlir::Value createTranspose(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value v, llvm::ArrayRef<int64_t> perm);
/// Broadcasts `v` to `shape` (ONNX rules) with reshape + tosa.tile.
mlir::Value broadcastTo(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                        llvm::ArrayRef<int64_t> shape);
mlir::Value createSlice(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                        llvm::ArrayRef<int64_t> start,
                        llvm::ArrayRef<int64_t> size);
/// Picks `indices` (in range, non-negative) along `axis` with tosa.gather.
mlir::Value gatherAlongAxis(mlir::OpBuilder &b, mlir::Location loc,
                            mlir::Value v, int64_t axis,
                            llvm::ArrayRef<int64_t> indices);
mlir::Value createCast(mlir::OpBuilder &b, mlir::Location loc, mlir::Value v,
                       mlir::Type elementType);
mlir::RankedTensorType withShape(mlir::Value v, llvm::ArrayRef<int64_t> shape);
/// `axis` in [0, rank) (a negative one counts from the end). An axis outside
/// [-rank, rank) throws InvalidNode: every handler reads axes, and libonnx's
/// non-strict shape inference lets invalid ones through.
int64_t normalizeAxis(int64_t axis, int64_t rank);

/// Thrown by helpers that find a node's attributes or operands invalid in a
/// way the handler cannot continue from (an axis out of range). The graph
/// walk catches it and reports it at the node, as one diagnostic; handlers
/// otherwise return failure() after emitting their own.
struct InvalidNode : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Thrown where a node cannot go on because a diagnostic was already
/// emitted for it (an operand of an element type Tern does not import): the
/// graph walk stops without a second message.
struct AlreadyReported {};

} // namespace tern::onnx_import

#endif // TERN_LIB_IMPORT_ONNX_IMPORTER_H
