//===- Tensor.h - Host tensors read from / written to files ------*- C++
//-*-===//
//
// NumPy .npy (format 1.0-3.0, little-endian, C order) and ONNX TensorProto
// .pb. Writers go through llvm::writeToOutput: a temporary file renamed into
// place, so a failed run never leaves a partial file.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_IO_TENSOR_H
#define TERN_RUNTIME_IO_TENSOR_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace tern::rt::io {

/// Bool: one byte per element, 0 or 1 (numpy's '|b1').
enum class ElemType : uint8_t {
  I8,
  U8,
  I16,
  I32,
  I64,
  F32,
  F64,
  BF16,
  Bool,
  U16,
  U32,
  U64
};
llvm::StringRef elemTypeName(ElemType t);
unsigned elemBytes(ElemType t);

struct Tensor {
  ElemType type = ElemType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data; ///< little-endian, C order
  uint64_t numElements() const;
};

/// Bytes of a C-order tensor of \p shape (non-negative dimensions) and \p t,
/// or nothing when the element count or the byte count overflows 64 bits.
/// Readers check file-supplied shapes with it before trusting or allocating.
std::optional<uint64_t> checkedByteSize(llvm::ArrayRef<int64_t> shape,
                                        ElemType t);

llvm::Expected<Tensor> readNpy(llvm::StringRef path);
/// Parses .npy bytes already in memory; \p origin names them in messages
/// (readNpy passes the path). Used by readNpy and the fuzz targets.
llvm::Expected<Tensor> parseNpy(llvm::ArrayRef<uint8_t> bytes,
                                llvm::StringRef origin);
llvm::Error writeNpy(llvm::StringRef path, const Tensor &t);

/// The ONNX TensorProto::DataType of an element type.
int onnxDataType(ElemType t);

llvm::Expected<Tensor> readTensorPb(llvm::StringRef path);
/// Parses serialised TensorProto bytes; \p origin names them in messages.
llvm::Expected<Tensor> parseTensorPb(llvm::ArrayRef<uint8_t> bytes,
                                     llvm::StringRef origin);
llvm::Error writeTensorPb(llvm::StringRef path, llvm::StringRef name,
                          const Tensor &t);

/// Reads .npy or .pb by extension.
llvm::Expected<Tensor> readTensorFile(llvm::StringRef path);

/// Integer view of an integer tensor (error for float types).
llvm::Expected<std::vector<int64_t>> toInt64(const Tensor &t,
                                             llvm::StringRef what);

std::string shapeString(const std::vector<int64_t> &shape);

} // namespace tern::rt::io

#endif
