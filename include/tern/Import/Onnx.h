//===- Onnx.h - ONNX model importer -----------------------------*- C++ -*-===//
//
// Public entry points of the ONNX importer: a binary (or textual) ONNX model
// becomes a `builtin.module` holding `func.func @main` with TOSA ops (plus
// `tern.layer_norm` / `tern.softmax` for ONNX ops that already are whole
// transformer operators). Failures are reported as MLIR diagnostics located
// at the ONNX node, and the functions return null.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_IMPORT_ONNX_H
#define TERN_IMPORT_ONNX_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/IR/OwningOpRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringRef.h"

#include <string>
#include <vector>

namespace tern {

/// Options of one import.
struct ImportOptions {
  /// Static shapes for graph inputs, by input name; they replace every
  /// dimension of the declared input type (dynamic ones included).
  llvm::StringMap<llvm::SmallVector<int64_t>> inputShapes;
  /// A graph input replaced by a constant initializer before import
  /// (`tern compile --bind-input`): its value as an ONNX TensorProto
  /// data type, dimensions and little-endian raw bytes, and where it came
  /// from (a file name, for messages).
  struct BoundInput {
    int32_t dataType = 0;
    llvm::SmallVector<int64_t> shape;
    std::string rawData;
    std::string source;
  };
  /// Bound inputs by input name. Each must name a graph input that is not
  /// an initializer, and match its declared element type and every static
  /// dimension; the model then has no such input.
  llvm::StringMap<BoundInput> boundInputs;
  /// Initializers with at least this many bytes become `dense_resource`
  /// blobs; smaller ones are inline `dense` attributes.
  size_t resourceThresholdBytes = 1024;
};

/// Parses one `--input-shape` value of the form `name=1x197x768` (a scalar
/// input is `name=`) into `options`. Returns false and sets `error` to a
/// message quoting the malformed text.
bool parseInputShapeSpec(llvm::StringRef spec, ImportOptions &options,
                         std::string &error);

/// Imports the binary ONNX model in the file at `path`. External-data
/// tensors are loaded relative to the model's directory.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxFile(llvm::StringRef path,
                                                 const ImportOptions &options,
                                                 mlir::MLIRContext &context);

/// Imports a binary ONNX model held in memory; `modelPath` names it in
/// diagnostics and anchors external-data paths (it may be empty).
mlir::OwningOpRef<mlir::ModuleOp> importOnnxBuffer(llvm::StringRef bytes,
                                                   llvm::StringRef modelPath,
                                                   const ImportOptions &options,
                                                   mlir::MLIRContext &context);

/// Imports a model written in ONNX's textual syntax (onnx/defs/parser.h),
/// used by tests to carry small models inline.
mlir::OwningOpRef<mlir::ModuleOp> importOnnxText(llvm::StringRef text,
                                                 llvm::StringRef bufferName,
                                                 const ImportOptions &options,
                                                 mlir::MLIRContext &context);

/// The ONNX operator types (default domain) the importer has handlers for,
/// sorted.
std::vector<std::string> getSupportedOnnxOps();

/// Registers the dialects an imported module uses.
void registerImportDialects(mlir::DialectRegistry &registry);

} // namespace tern

#endif // TERN_IMPORT_ONNX_H
