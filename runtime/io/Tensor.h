//===- Tensor.h - Host tensors read from / written to files ------*- C++ -*-===//
//
// NumPy .npy (format 1.0-3.0, little-endian, C order) and ONNX TensorProto
// .pb. Writers go through llvm::writeToOutput: a temporary file renamed into
// place, so a failed run never leaves a partial file.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_IO_TENSOR_H
#define TERN_RUNTIME_IO_TENSOR_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>
#include <vector>

namespace tern::rt::io {

enum class ElemType : uint8_t { I8, U8, I16, I32, I64, F32, F64, BF16 };
llvm::StringRef elemTypeName(ElemType t);
unsigned elemBytes(ElemType t);

struct Tensor {
  ElemType type = ElemType::F32;
  std::vector<int64_t> shape;
  std::vector<uint8_t> data; ///< little-endian, C order
  uint64_t numElements() const;
};

llvm::Expected<Tensor> readNpy(llvm::StringRef path);
llvm::Error writeNpy(llvm::StringRef path, const Tensor &t);

llvm::Expected<Tensor> readTensorPb(llvm::StringRef path);
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
