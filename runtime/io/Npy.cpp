//===- Npy.cpp - NumPy .npy reader and writer -------------------------------===//

#include "runtime/io/Tensor.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/raw_ostream.h"

#include <cstring>

using namespace llvm;

namespace tern::rt::io {

StringRef elemTypeName(ElemType t) {
  static const char *const n[] = {"int8",  "uint8",   "int16",   "int32",
                                  "int64", "float32", "float64", "bfloat16",
                                  "bool",  "uint16",  "uint32",  "uint64"};
  return n[static_cast<unsigned>(t)];
}

unsigned elemBytes(ElemType t) {
  switch (t) {
  case ElemType::I8:
  case ElemType::U8:
  case ElemType::Bool: return 1;
  case ElemType::I16:
  case ElemType::U16:
  case ElemType::BF16: return 2;
  case ElemType::I32:
  case ElemType::U32:
  case ElemType::F32: return 4;
  default: return 8;
  }
}

uint64_t Tensor::numElements() const {
  uint64_t n = 1;
  for (int64_t d : shape)
    n *= static_cast<uint64_t>(d);
  return n;
}

std::optional<uint64_t> checkedByteSize(ArrayRef<int64_t> shape, ElemType t) {
  // A zero dimension makes the tensor empty whatever the other dimensions
  // are, so it must not be reported as an overflow of their product.
  if (llvm::is_contained(shape, 0))
    return 0;
  uint64_t n = elemBytes(t);
  for (int64_t d : shape)
    if (d < 0 || __builtin_mul_overflow(n, static_cast<uint64_t>(d), &n))
      return std::nullopt;
  return n;
}

std::string shapeString(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

namespace {
Error npyError(StringRef path, const Twine &msg) {
  return createStringError(inconvertibleErrorCode(),
                           "'" + path + "': invalid .npy file: " + msg);
}

/// Value of 'key' in the header dict (the text up to the next ',' or '}' at
/// depth 0, or the parenthesised tuple).
std::optional<StringRef> dictValue(StringRef header, StringRef key) {
  std::string k1 = ("'" + key + "'").str();
  size_t p = header.find(k1);
  if (p == StringRef::npos)
    return std::nullopt;
  StringRef rest = header.drop_front(p + k1.size()).ltrim();
  if (!rest.consume_front(":"))
    return std::nullopt;
  rest = rest.ltrim();
  if (rest.starts_with("(")) {
    size_t e = rest.find(')');
    return e == StringRef::npos ? std::nullopt
                                : std::optional(rest.take_front(e + 1));
  }
  size_t e = rest.find_first_of(",}");
  return rest.take_front(e).trim();
}
} // namespace

Expected<Tensor> readNpy(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buf =
      MemoryBuffer::getFile(path, false, false);
  if (!buf)
    return createStringError(buf.getError(), "cannot read '%s': %s",
                             path.str().c_str(),
                             buf.getError().message().c_str());
  StringRef b = (*buf)->getBuffer();
  return parseNpy(ArrayRef<uint8_t>(
                      reinterpret_cast<const uint8_t *>(b.data()), b.size()),
                  path);
}

Expected<Tensor> parseNpy(ArrayRef<uint8_t> buffer, StringRef path) {
  StringRef b(reinterpret_cast<const char *>(buffer.data()), buffer.size());
  if (b.size() < 10 || !b.starts_with("\x93NUMPY"))
    return npyError(path, "missing the \\x93NUMPY magic");
  unsigned major = static_cast<uint8_t>(b[6]);
  size_t hlen, hstart;
  if (major == 1) {
    hlen = static_cast<uint8_t>(b[8]) | (static_cast<uint8_t>(b[9]) << 8);
    hstart = 10;
  } else if (major == 2 || major == 3) {
    if (b.size() < 12)
      return npyError(path, "truncated header");
    hlen = 0;
    for (int i = 0; i < 4; ++i)
      hlen |= static_cast<size_t>(static_cast<uint8_t>(b[8 + i])) << (8 * i);
    hstart = 12;
  } else {
    return npyError(path, "unsupported format version " + Twine(major));
  }
  if (hstart + hlen > b.size())
    return npyError(path, "truncated header");
  StringRef header = b.substr(hstart, hlen);
  std::optional<StringRef> descr = dictValue(header, "descr");
  std::optional<StringRef> order = dictValue(header, "fortran_order");
  std::optional<StringRef> shape = dictValue(header, "shape");
  if (!descr || !order || !shape)
    return npyError(path, "header lacks descr, fortran_order or shape");
  if (*order != "False")
    return npyError(path, "Fortran-order arrays are not supported");
  StringRef d = descr->trim("'\" ");
  Tensor t;
  if (d == "|i1" || d == "i1") t.type = ElemType::I8;
  else if (d == "|u1" || d == "u1") t.type = ElemType::U8;
  else if (d == "|b1" || d == "b1") t.type = ElemType::Bool;
  else if (d == "<i2") t.type = ElemType::I16;
  else if (d == "<u2") t.type = ElemType::U16;
  else if (d == "<i4") t.type = ElemType::I32;
  else if (d == "<u4")
    t.type = ElemType::U32;
  else if (d == "<u8")
    t.type = ElemType::U64;
  else if (d == "<i8") t.type = ElemType::I64;
  else if (d == "<f4") t.type = ElemType::F32;
  else if (d == "<f8") t.type = ElemType::F64;
  else
    return npyError(path, "unsupported dtype '" + d + "'");
  StringRef dims = shape->trim("() ");
  SmallVector<StringRef> parts;
  dims.split(parts, ',', -1, /*KeepEmpty=*/false);
  for (StringRef p : parts) {
    int64_t v;
    if (p.trim().getAsInteger(10, v) || v < 0)
      return npyError(path, "bad shape '" + *shape + "'");
    t.shape.push_back(v);
  }
  std::optional<uint64_t> size = checkedByteSize(t.shape, t.type);
  if (!size)
    return npyError(path, "shape '" + *shape + "' overflows 64-bit sizes");
  uint64_t bytes = *size;
  if (b.size() - hstart - hlen < bytes)
    return npyError(path, "truncated data: need " + Twine(bytes) +
                              " bytes, have " +
                              Twine(b.size() - hstart - hlen));
  const uint8_t *p =
      reinterpret_cast<const uint8_t *>(b.data()) + hstart + hlen;
  t.data.assign(p, p + bytes);
  if (t.type == ElemType::Bool)
    for (uint64_t i = 0; i < bytes; ++i)
      if (t.data[i] > 1)
        return npyError(path, "bool element " + Twine(i) + " is " +
                                  Twine(unsigned(t.data[i])) + ", not 0 or 1");
  return t;
}

Error writeNpy(StringRef path, const Tensor &t) {
  const char *descr = nullptr;
  switch (t.type) {
  case ElemType::I8: descr = "|i1"; break;
  case ElemType::U8: descr = "|u1"; break;
  case ElemType::Bool: descr = "|b1"; break;
  case ElemType::I16: descr = "<i2"; break;
  case ElemType::U16: descr = "<u2"; break;
  case ElemType::I32: descr = "<i4"; break;
  case ElemType::U32:
    descr = "<u4";
    break;
  case ElemType::I64: descr = "<i8"; break;
  case ElemType::U64:
    descr = "<u8";
    break;
  case ElemType::F32: descr = "<f4"; break;
  case ElemType::F64: descr = "<f8"; break;
  case ElemType::BF16:
    return createStringError(inconvertibleErrorCode(),
                             "'%s': .npy has no bfloat16 dtype",
                             path.str().c_str());
  }
  std::string shape = "(";
  for (int64_t d : t.shape)
    shape += std::to_string(d) + ",";
  if (t.shape.size() > 1)
    shape.pop_back();
  shape += ")";
  std::string header = std::string("{'descr': '") + descr +
                       "', 'fortran_order': False, 'shape': " + shape + ", }";
  size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  return writeToOutput(path, [&](raw_ostream &os) -> Error {
    os << "\x93NUMPY" << char(1) << char(0);
    os << char(header.size() & 0xFF) << char(header.size() >> 8);
    os << header;
    os.write(reinterpret_cast<const char *>(t.data.data()), t.data.size());
    return Error::success();
  });
}

Expected<Tensor> readTensorFile(StringRef path) {
  if (path.ends_with(".pb"))
    return readTensorPb(path);
  return readNpy(path);
}

Expected<std::vector<int64_t>> toInt64(const Tensor &t, StringRef what) {
  std::vector<int64_t> v(t.numElements());
  const uint8_t *p = t.data.data();
  for (uint64_t i = 0; i < v.size(); ++i) {
    switch (t.type) {
    case ElemType::I8: v[i] = static_cast<int8_t>(p[i]); break;
    case ElemType::U8: v[i] = p[i]; break;
    case ElemType::I16: { int16_t x; std::memcpy(&x, p + 2 * i, 2); v[i] = x; break; }
    case ElemType::U16: { uint16_t x; std::memcpy(&x, p + 2 * i, 2); v[i] = x; break; }
    case ElemType::I32: { int32_t x; std::memcpy(&x, p + 4 * i, 4); v[i] = x; break; }
    case ElemType::I64: { int64_t x; std::memcpy(&x, p + 8 * i, 8); v[i] = x; break; }
    case ElemType::U32: {
      uint32_t x;
      std::memcpy(&x, p + 4 * i, 4);
      v[i] = x;
      break;
    }
    case ElemType::U64: {
      uint64_t x;
      std::memcpy(&x, p + 8 * i, 8);
      if (x > uint64_t(INT64_MAX))
        return createStringError(inconvertibleErrorCode(),
                                 "%s: uint64 value %llu at element %llu does "
                                 "not fit int64",
                                 what.str().c_str(), (unsigned long long)x,
                                 (unsigned long long)i);
      v[i] = static_cast<int64_t>(x);
      break;
    }
    default:
      return createStringError(inconvertibleErrorCode(),
                               "%s: expected an integer tensor, got %s",
                               what.str().c_str(),
                               elemTypeName(t.type).str().c_str());
    }
  }
  return v;
}

} // namespace tern::rt::io
