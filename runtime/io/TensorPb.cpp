//===- TensorPb.cpp - ONNX TensorProto (.pb) reader and writer
//--------------===//
//
// Uses the onnx::TensorProto class from libonnx (protobuf), so the files are
// exactly what ONNX's own tools and the backend test data use.
//
//===----------------------------------------------------------------------===//

#include "runtime/io/Tensor.h"

#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include "onnx/onnx_pb.h"

#include <cstring>

using namespace llvm;

namespace tern::rt::io {

namespace {
std::optional<ElemType> fromOnnx(int t) {
  switch (t) {
  case onnx::TensorProto::INT8:
    return ElemType::I8;
  case onnx::TensorProto::UINT8:
    return ElemType::U8;
  case onnx::TensorProto::INT16:
    return ElemType::I16;
  case onnx::TensorProto::UINT16:
    return ElemType::U16;
  case onnx::TensorProto::INT32:
    return ElemType::I32;
  case onnx::TensorProto::UINT32:
    return ElemType::U32;
  case onnx::TensorProto::UINT64:
    return ElemType::U64;
  case onnx::TensorProto::INT64:
    return ElemType::I64;
  case onnx::TensorProto::FLOAT:
    return ElemType::F32;
  case onnx::TensorProto::DOUBLE:
    return ElemType::F64;
  case onnx::TensorProto::BFLOAT16:
    return ElemType::BF16;
  case onnx::TensorProto::BOOL:
    return ElemType::Bool;
  default:
    return std::nullopt;
  }
}
} // namespace

int onnxDataType(ElemType t) {
  switch (t) {
  case ElemType::I8:
    return onnx::TensorProto::INT8;
  case ElemType::U8:
    return onnx::TensorProto::UINT8;
  case ElemType::I16:
    return onnx::TensorProto::INT16;
  case ElemType::U16:
    return onnx::TensorProto::UINT16;
  case ElemType::I32:
    return onnx::TensorProto::INT32;
  case ElemType::U32:
    return onnx::TensorProto::UINT32;
  case ElemType::U64:
    return onnx::TensorProto::UINT64;
  case ElemType::I64:
    return onnx::TensorProto::INT64;
  case ElemType::F32:
    return onnx::TensorProto::FLOAT;
  case ElemType::F64:
    return onnx::TensorProto::DOUBLE;
  case ElemType::BF16:
    return onnx::TensorProto::BFLOAT16;
  case ElemType::Bool:
    return onnx::TensorProto::BOOL;
  }
  return 0;
}

Expected<Tensor> readTensorPb(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buf =
      MemoryBuffer::getFile(path, false, false);
  if (!buf)
    return createStringError(buf.getError(), "cannot read '%s': %s",
                             path.str().c_str(),
                             buf.getError().message().c_str());
  return parseTensorPb(ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(
                                             (*buf)->getBufferStart()),
                                         (*buf)->getBufferSize()),
                       path);
}

namespace {
/// A bool tensor's bytes must be 0 or 1 (ONNX and numpy's '|b1').
Expected<Tensor> checkBools(Tensor t, StringRef path) {
  if (t.type == ElemType::Bool)
    for (size_t i = 0; i < t.data.size(); ++i)
      if (t.data[i] > 1)
        return createStringError(inconvertibleErrorCode(),
                                 "'%s': bool element %zu is %u (not 0 or 1)",
                                 path.str().c_str(), i, unsigned(t.data[i]));
  return std::move(t);
}
} // namespace

Expected<Tensor> parseTensorPb(ArrayRef<uint8_t> buffer, StringRef path) {
  onnx::TensorProto tp;
  if (!tp.ParseFromArray(buffer.data(), static_cast<int>(buffer.size())))
    return createStringError(inconvertibleErrorCode(),
                             "'%s': not a valid ONNX TensorProto",
                             path.str().c_str());
  std::optional<ElemType> et = fromOnnx(tp.data_type());
  if (!et)
    return createStringError(inconvertibleErrorCode(),
                             "'%s': unsupported TensorProto data_type %d",
                             path.str().c_str(), tp.data_type());
  Tensor t;
  t.type = *et;
  for (int64_t d : tp.dims()) {
    if (d < 0)
      return createStringError(inconvertibleErrorCode(),
                               "'%s': negative dimension", path.str().c_str());
    t.shape.push_back(d);
  }
  // The shape comes from the file: check it against the payload before
  // allocating, so a few bytes claiming 2^40 elements are refused, not
  // allocated.
  if (!checkedByteSize(t.shape, t.type))
    return createStringError(inconvertibleErrorCode(),
                             "'%s': shape %s overflows 64-bit sizes",
                             path.str().c_str(), shapeString(t.shape).c_str());
  const uint64_t n = t.numElements(), eb = elemBytes(t.type);
  if (tp.has_raw_data()) {
    if (tp.raw_data().size() != n * eb)
      return createStringError(inconvertibleErrorCode(),
                               "'%s': raw_data holds %zu bytes, shape needs "
                               "%llu",
                               path.str().c_str(), tp.raw_data().size(),
                               (unsigned long long)(n * eb));
    t.data.assign(tp.raw_data().begin(), tp.raw_data().end());
    return checkBools(std::move(t), path);
  }
  auto sizeErr = [&](size_t have) {
    return createStringError(inconvertibleErrorCode(),
                             "'%s': %zu typed values for %llu elements",
                             path.str().c_str(), have, (unsigned long long)n);
  };
  auto typedCount = [&]() -> uint64_t {
    switch (t.type) {
    case ElemType::F32:
      return tp.float_data_size();
    case ElemType::F64:
      return tp.double_data_size();
    case ElemType::I64:
      return tp.int64_data_size();
    case ElemType::U32:
    case ElemType::U64:
      return tp.uint64_data_size();
    default:
      return tp.int32_data_size();
    }
  };
  if (typedCount() != n)
    return sizeErr(typedCount());
  // An empty tensor has no storage to hand to memcpy.
  if (n == 0)
    return t;
  t.data.resize(n * eb);
  switch (t.type) {
  case ElemType::F32:
    std::memcpy(t.data.data(), tp.float_data().data(), n * 4);
    break;
  case ElemType::F64:
    std::memcpy(t.data.data(), tp.double_data().data(), n * 8);
    break;
  case ElemType::I64:
    std::memcpy(t.data.data(), tp.int64_data().data(), n * 8);
    break;
  case ElemType::U64:
    std::memcpy(t.data.data(), tp.uint64_data().data(), n * 8);
    break;
  case ElemType::U32: // uint64_data, one uint32 each
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t v = tp.uint64_data(static_cast<int>(i));
      if (v > UINT32_MAX)
        return createStringError(
            inconvertibleErrorCode(), "'%s': uint32 element %llu is %llu",
            path.str().c_str(), (unsigned long long)i, (unsigned long long)v);
      uint32_t w = static_cast<uint32_t>(v);
      std::memcpy(t.data.data() + i * 4, &w, 4);
    }
    break;
  default: // int8/uint8/int16/uint16/int32/bf16/bool live in int32_data
    for (uint64_t i = 0; i < n; ++i) {
      int32_t v = tp.int32_data(static_cast<int>(i));
      if (t.type == ElemType::Bool && v != 0 && v != 1)
        return createStringError(inconvertibleErrorCode(),
                                 "'%s': bool element %llu is %d (not 0 or 1)",
                                 path.str().c_str(), (unsigned long long)i, v);
      std::memcpy(t.data.data() + i * eb, &v, eb); // little-endian low bytes
    }
  }
  return t;
}

Error writeTensorPb(StringRef path, StringRef name, const Tensor &t) {
  onnx::TensorProto tp;
  tp.set_name(name.str());
  tp.set_data_type(onnxDataType(t.type));
  for (int64_t d : t.shape)
    tp.add_dims(d);
  tp.set_raw_data(t.data.data(), t.data.size());
  std::string bytes;
  if (!tp.SerializeToString(&bytes))
    return createStringError(inconvertibleErrorCode(),
                             "cannot serialise tensor '%s'",
                             name.str().c_str());
  return writeToOutput(path, [&](raw_ostream &os) -> Error {
    os << bytes;
    return Error::success();
  });
}

} // namespace tern::rt::io
