//===- Constants.cpp - ONNX tensors to MLIR attributes --------------------===//
//
// Initializers and Constant values become elements attributes. Large ones are
// `dense_resource` blobs that adopt the protobuf's raw_data string, so the
// weight bytes are held once (by the blob) and never copied per use. Small
// tensors are also kept as `Folded` values for import-time folding.
//
//===----------------------------------------------------------------------===//

#include "Importer.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MathExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

using namespace mlir;
using namespace tern::onnx_import;

//===----------------------------------------------------------------------===//
// Folded
//===----------------------------------------------------------------------===//

int64_t Folded::numElements() const {
  // Saturating: shapes come from the model, and a product that wraps would
  // pass the callers' "small enough to fold" checks.
  int64_t n = 1;
  for (int64_t d : shape)
    if (llvm::MulOverflow(n, d, n))
      return std::numeric_limits<int64_t>::max();
  return n;
}

Folded Folded::make(ArrayRef<int64_t> shape, Type elementType) {
  Folded f;
  for (int64_t d : shape)
    if (d < 0)
      throw InvalidNode("negative dimension " + std::to_string(d));
  f.shape.assign(shape.begin(), shape.end());
  f.elementType = elementType;
  // Storage only up to the folding limit: callers check numElements() before
  // filling, and set() refuses indices beyond the storage, so a model that
  // asks to fold a huge constant gets an error, not a huge allocation.
  int64_t n = f.numElements();
  if (n > kMaxFoldElements)
    return f;
  if (f.isFloat())
    f.fps.assign(n, 0.0);
  else
    f.ints.assign(n, 0);
  return f;
}

/// Index check of set()/setInt(): beyond the storage means a fold of more
/// than kMaxFoldElements (make() allocated nothing).
static void checkFoldIndex(const Folded &f, int64_t i) {
  size_t size = f.isFloat() ? f.fps.size() : f.ints.size();
  if (i < 0 || static_cast<uint64_t>(i) >= size)
    throw InvalidNode("a constant of " + std::to_string(f.numElements()) +
                      " elements is too large to fold at import time "
                      "(limit " +
                      std::to_string(kMaxFoldElements) + ")");
}

void Folded::set(int64_t i, double v) {
  checkFoldIndex(*this, i);
  if (isFloat())
    fps[i] = v;
  else
    ints[i] = static_cast<int64_t>(v);
}

void Folded::setInt(int64_t i, int64_t v) {
  checkFoldIndex(*this, i);
  if (isFloat())
    fps[i] = static_cast<double>(v);
  else
    ints[i] = v;
}

DenseElementsAttr Folded::toAttr() const {
  RankedTensorType type = getType();
  // A constant above the folding limit has no storage (make()).
  if (static_cast<int64_t>(isFloat() ? fps.size() : ints.size()) !=
      numElements())
    throw InvalidNode("a constant of " + std::to_string(numElements()) +
                      " elements is too large to build at import time "
                      "(limit " +
                      std::to_string(kMaxFoldElements) + ")");
  if (auto ft = dyn_cast<FloatType>(elementType)) {
    SmallVector<APFloat> values;
    values.reserve(fps.size());
    for (double d : fps) {
      APFloat f(d);
      bool losesInfo;
      f.convert(ft.getFloatSemantics(), APFloat::rmNearestTiesToEven,
                &losesInfo);
      values.push_back(f);
    }
    return DenseElementsAttr::get(type, values);
  }
  auto it = cast<IntegerType>(elementType);
  if (it.getWidth() == 1) {
    SmallVector<bool> values(ints.begin(), ints.end());
    return DenseElementsAttr::get(type, values);
  }
  SmallVector<APInt> values;
  values.reserve(ints.size());
  for (int64_t v : ints)
    values.push_back(APInt(it.getWidth(), static_cast<uint64_t>(v),
                           /*isSigned=*/!it.isUnsigned()));
  return DenseElementsAttr::get(type, values);
}

std::optional<Folded> Folded::fromAttr(DenseElementsAttr attr) {
  auto type = cast<ShapedType>(attr.getType());
  if (!type.hasStaticShape() || type.getNumElements() > kMaxFoldElements)
    return std::nullopt;
  Folded f = make(type.getShape(), type.getElementType());
  int64_t i = 0;
  if (isa<FloatType>(f.elementType)) {
    for (const APFloat &v : attr.getValues<APFloat>()) {
      APFloat d = v;
      bool losesInfo;
      d.convert(APFloat::IEEEdouble(), APFloat::rmNearestTiesToEven,
                &losesInfo);
      f.fps[i++] = d.convertToDouble();
    }
    return f;
  }
  auto it = dyn_cast<IntegerType>(f.elementType);
  if (!it)
    return std::nullopt;
  if (it.getWidth() == 1) {
    for (bool v : attr.getValues<bool>())
      f.ints[i++] = v;
    return f;
  }
  for (const APInt &v : attr.getValues<APInt>())
    f.ints[i++] = it.isUnsigned() ? static_cast<int64_t>(v.getZExtValue())
                                  : v.getSExtValue();
  return f;
}

SmallVector<int64_t> tern::onnx_import::stridesOf(ArrayRef<int64_t> shape) {
  SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t i = static_cast<int64_t>(shape.size()) - 2; i >= 0; --i)
    strides[i] = strides[i + 1] * shape[i + 1];
  return strides;
}

std::optional<SmallVector<int64_t>>
tern::onnx_import::broadcastShapes(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  size_t rank = std::max(a.size(), b.size());
  SmallVector<int64_t> out(rank);
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < rank - a.size() ? 1 : a[i - (rank - a.size())];
    int64_t db = i < rank - b.size() ? 1 : b[i - (rank - b.size())];
    if (da != db && da != 1 && db != 1)
      return std::nullopt;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

int64_t tern::onnx_import::broadcastIndex(ArrayRef<int64_t> inShape,
                                          ArrayRef<int64_t> outShape,
                                          int64_t linear) {
  SmallVector<int64_t> outStrides = stridesOf(outShape);
  SmallVector<int64_t> inStrides = stridesOf(inShape);
  size_t offset = outShape.size() - inShape.size();
  int64_t index = 0;
  for (size_t d = 0; d < outShape.size(); ++d) {
    int64_t coord = (linear / outStrides[d]) % outShape[d];
    if (d >= offset && inShape[d - offset] != 1)
      index += coord * inStrides[d - offset];
  }
  return index;
}

//===----------------------------------------------------------------------===//
// TensorProto -> attribute
//===----------------------------------------------------------------------===//

Type tern::onnx_import::convertElementType(int32_t onnxType, MLIRContext *ctx) {
  Builder b(ctx);
  switch (onnxType) {
  case onnx::TensorProto::FLOAT:
    return b.getF32Type();
  case onnx::TensorProto::DOUBLE:
    return b.getF64Type();
  case onnx::TensorProto::FLOAT16:
    return b.getF16Type();
  case onnx::TensorProto::BFLOAT16:
    return b.getBF16Type();
  case onnx::TensorProto::BOOL:
    return b.getI1Type();
  case onnx::TensorProto::INT8:
    return b.getI8Type();
  case onnx::TensorProto::INT16:
    return b.getI16Type();
  case onnx::TensorProto::INT32:
    return b.getI32Type();
  case onnx::TensorProto::INT64:
    return b.getI64Type();
  case onnx::TensorProto::UINT8:
    return IntegerType::get(ctx, 8, IntegerType::Unsigned);
  case onnx::TensorProto::UINT16:
    return IntegerType::get(ctx, 16, IntegerType::Unsigned);
  case onnx::TensorProto::UINT32:
    return IntegerType::get(ctx, 32, IntegerType::Unsigned);
  case onnx::TensorProto::UINT64:
    return IntegerType::get(ctx, 64, IntegerType::Unsigned);
  default:
    return {};
  }
}

namespace {

/// Storage bytes of one element (i1 is one byte in ONNX raw data).
size_t elementBytes(Type type) {
  return std::max<size_t>(1, type.getIntOrFloatBitWidth() / 8);
}

} // namespace

LogicalResult tern::onnx_import::loadExternalData(onnx::TensorProto &tensor,
                                                  Location loc,
                                                  StringRef baseDir) {
  std::string location;
  uint64_t offset = 0;
  std::optional<uint64_t> length;
  for (const auto &entry : tensor.external_data()) {
    uint64_t value = 0;
    bool isNumber = entry.key() == "offset" || entry.key() == "length";
    if (isNumber && StringRef(entry.value()).getAsInteger(10, value))
      return emitError(loc) << "tensor '" << tensor.name() << "' has external "
                            << entry.key() << " '" << entry.value()
                            << "', which is not a non-negative integer";
    if (entry.key() == "location")
      location = entry.value();
    else if (entry.key() == "offset")
      offset = value;
    else if (entry.key() == "length")
      length = value;
  }
  if (location.empty())
    return emitError(loc) << "tensor '" << tensor.name()
                          << "' has external data without a location";
  // The ONNX spec makes locations relative to the model's directory; like
  // onnxruntime, refuse any that would leave it, so a downloaded model cannot
  // make Tern read arbitrary host files (or block on a device).
  if (llvm::sys::path::is_absolute(location) ||
      llvm::is_contained(llvm::make_range(
                             llvm::sys::path::begin(location),
                             llvm::sys::path::end(location)),
                         ".."))
    return emitError(loc) << "external data location '" << location
                          << "' of tensor '" << tensor.name()
                          << "' is outside the model's directory (absolute "
                             "or containing '..')";
  SmallString<256> path(baseDir);
  llvm::sys::path::append(path, location);
  // A FIFO or device would block or never end; a directory is no data.
  llvm::sys::fs::file_status status;
  if (!llvm::sys::fs::status(path, status) &&
      status.type() != llvm::sys::fs::file_type::regular_file)
    return emitError(loc) << "external data file '" << path << "' of tensor '"
                          << tensor.name() << "' is not a regular file";
  auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                            /*RequiresNullTerminator=*/false);
  if (!buffer)
    return emitError(loc) << "external data file '" << path << "' of tensor '"
                          << tensor.name() << "' cannot be read: "
                          << buffer.getError().message();
  StringRef bytes = (*buffer)->getBuffer();
  uint64_t size = length
                      ? *length
                      : bytes.size() - std::min<uint64_t>(offset, bytes.size());
  if (offset > bytes.size() || size > bytes.size() - offset)
    return emitError(loc) << "external data file '" << path
                          << "' is too short for tensor '" << tensor.name()
                          << "' (needs " << size << " bytes at offset "
                          << offset << ", has " << bytes.size() << ")";
  tensor.set_raw_data(bytes.substr(offset, size).str());
  tensor.clear_external_data();
  tensor.set_data_location(onnx::TensorProto::DEFAULT);
  return success();
}

namespace {

/// Packs the typed repeated fields of `tensor` into little-endian bytes.
std::string packTypedData(const onnx::TensorProto &tensor, Type elementType) {
  std::string bytes;
  auto append = [&](const auto &value) {
    bytes.append(reinterpret_cast<const char *>(&value), sizeof(value));
  };
  switch (tensor.data_type()) {
  case onnx::TensorProto::FLOAT:
    for (float v : tensor.float_data())
      append(v);
    break;
  case onnx::TensorProto::DOUBLE:
    for (double v : tensor.double_data())
      append(v);
    break;
  case onnx::TensorProto::INT64:
    for (int64_t v : tensor.int64_data())
      append(v);
    break;
  case onnx::TensorProto::UINT32:
  case onnx::TensorProto::UINT64: {
    size_t width = elementBytes(elementType);
    for (uint64_t v : tensor.uint64_data())
      bytes.append(reinterpret_cast<const char *>(&v), width);
    break;
  }
  default: {
    // int32_data holds every narrower integer, bool and the bit patterns of
    // float16 / bfloat16.
    size_t width = elementBytes(elementType);
    for (int32_t v : tensor.int32_data())
      bytes.append(reinterpret_cast<const char *>(&v), width);
    break;
  }
  }
  return bytes;
}

} // namespace

ElementsAttr tern::onnx_import::tensorToAttr(onnx::TensorProto &tensor,
                                             Location loc,
                                             size_t resourceThreshold,
                                             StringRef baseDir) {
  MLIRContext *ctx = loc.getContext();
  Type elementType = convertElementType(tensor.data_type(), ctx);
  if (!elementType) {
    emitError(loc) << "tensor '" << tensor.name() << "' has data type "
                   << onnx::TensorProto::DataType_Name(
                          static_cast<onnx::TensorProto::DataType>(
                              tensor.data_type()))
                   << ", which Tern does not import";
    return {};
  }
  SmallVector<int64_t> shape(tensor.dims().begin(), tensor.dims().end());
  if (failed(checkTensorSize(shape, elementType, loc,
                             "tensor '" + tensor.name() + "'")))
    return {};
  auto type = RankedTensorType::get(shape, elementType);

  if (tensor.data_location() == onnx::TensorProto::EXTERNAL &&
      failed(loadExternalData(tensor, loc, baseDir)))
    return {};

  size_t width = elementBytes(elementType);
  size_t expected = type.getNumElements() * width;
  if (!tensor.has_raw_data()) {
    std::string packed = packTypedData(tensor, elementType);
    tensor.set_raw_data(std::move(packed));
  }
  if (tensor.raw_data().size() != expected) {
    emitError(loc) << "tensor '" << tensor.name() << "' holds "
                   << tensor.raw_data().size()
                   << " bytes of data, but its type " << type << " needs "
                   << expected;
    return {};
  }

  if (elementType.isInteger(1)) {
    // DenseElementsAttr packs booleans; ONNX stores one byte each.
    SmallVector<bool> values;
    for (char c : tensor.raw_data())
      values.push_back(c != 0);
    return DenseElementsAttr::get(type, values);
  }

  if (expected >= resourceThreshold) {
    // Adopt the protobuf's string: the blob's deleter frees it, so the bytes
    // exist exactly once.
    std::string *raw = tensor.release_raw_data();
    ArrayRef<char> data(raw->data(), raw->size());
    AsmResourceBlob blob(
        data, /*dataAlignment=*/width,
        [raw](void *, size_t, size_t) { delete raw; },
        /*dataIsMutable=*/false);
    // Blob keys are printed bare, so they must be identifiers: ONNX names
    // such as "onnx::MatMul_397" or "/blocks.0/Constant" are sanitized (the
    // blob manager makes clashing keys unique).
    std::string name = tensor.name().empty() ? "onnx_const" : tensor.name();
    for (char &c : name)
      if (!llvm::isAlnum(c) && c != '_' && c != '.')
        c = '_';
    if (!llvm::isAlpha(name[0]) && name[0] != '_')
      name.insert(name.begin(), '_');
    return DenseResourceElementsAttr::get(type, name, std::move(blob));
  }
  ArrayRef<char> data(tensor.raw_data().data(), tensor.raw_data().size());
  return DenseElementsAttr::getFromRawBuffer(type, data);
}
