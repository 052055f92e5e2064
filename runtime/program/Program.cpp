//===- Program.cpp - Program image helpers: dtypes, packing, validation -----===//

#include "runtime/program/Program.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/ADT/Twine.h"

using namespace llvm;

namespace tern::rt::program {

StringRef dtypeName(DType t) {
  static const char *const names[] = {"i8",  "u8",   "i16", "i32",
                                      "f32", "bf16", "i4",  "i6"};
  return names[static_cast<unsigned>(t)];
}

std::optional<DType> parseDType(StringRef s) {
  return StringSwitch<std::optional<DType>>(s)
      .Case("i8", DType::I8)
      .Case("u8", DType::U8)
      .Case("i16", DType::I16)
      .Case("i32", DType::I32)
      .Case("f32", DType::F32)
      .Case("bf16", DType::BF16)
      .Case("i4", DType::I4)
      .Case("i6", DType::I6)
      .Default(std::nullopt);
}

namespace {
struct OnnxTypeName {
  int32_t code;
  const char *name;
};
// TensorProto.DataType codes.
constexpr OnnxTypeName kOnnxTypes[] = {
    {2, "uint8"}, {3, "int8"}, {4, "uint16"},  {5, "int16"},
    {7, "int64"}, {9, "bool"}, {12, "uint32"}, {13, "uint64"}};
} // namespace

StringRef onnxTypeName(int32_t onnxType) {
  for (const OnnxTypeName &t : kOnnxTypes)
    if (t.code == onnxType)
      return t.name;
  return "";
}

std::optional<int32_t> parseOnnxType(StringRef name) {
  for (const OnnxTypeName &t : kOnnxTypes)
    if (name == t.name)
      return t.code;
  return std::nullopt;
}

bool onnxTypeHeldBy(int32_t onnxType, DType held) {
  if (onnxTypeName(onnxType).empty())
    return false;
  if (onnxType == 9) // bool: 0 / 1 in bf16 (float graphs) or i32
    return held == DType::BF16 || held == DType::I32;
  return held == DType::I32;
}

unsigned dtypeBytes(DType t) {
  switch (t) {
  case DType::I16:
  case DType::BF16: return 2;
  case DType::I32:
  case DType::F32: return 4;
  default: return 1;
  }
}

uint64_t TensorDesc::numElements() const {
  uint64_t n = 1;
  for (int64_t d : shape)
    n *= static_cast<uint64_t>(d < 0 ? 0 : d);
  return n;
}

uint64_t packedBytes(uint64_t count, unsigned bits) {
  // Same value as (count * bits + 7) / 8, without the overflow of count *
  // bits: a file claiming ~2^61 values must not wrap to a size that matches
  // its few bytes of data.
  return count / 8 * bits + (count % 8 * bits + 7) / 8;
}

Expected<std::vector<uint8_t>> packValues(ArrayRef<int64_t> values,
                                          unsigned bits) {
  if (bits != 8 && bits != 6 && bits != 4)
    return createStringError(inconvertibleErrorCode(),
                             "constant width must be 8, 6 or 4 bits, not %u",
                             bits);
  const int64_t lo = -(int64_t(1) << (bits - 1));
  const int64_t hi = (int64_t(1) << bits) - 1; // allow unsigned 8-bit bytes
  std::vector<uint8_t> out(packedBytes(values.size(), bits), 0);
  for (size_t i = 0; i < values.size(); ++i) {
    int64_t v = values[i];
    if (v < lo || v > (bits == 8 ? hi : -lo - 1))
      return createStringError(inconvertibleErrorCode(),
                               "constant value %lld at index %zu does not fit "
                               "%u bits",
                               (long long)v, i, bits);
    uint64_t u = static_cast<uint64_t>(v) & ((uint64_t(1) << bits) - 1);
    uint64_t bit = i * bits;
    for (unsigned b = 0; b < bits; ++b, ++bit)
      if ((u >> b) & 1)
        out[bit / 8] |= static_cast<uint8_t>(1u << (bit % 8));
  }
  return out;
}

void unpackValues(ArrayRef<uint8_t> packed, unsigned bits, uint64_t count,
                  uint8_t *out) {
  if (bits == 8) {
    std::copy(packed.begin(), packed.begin() + count, out);
    return;
  }
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t v = 0, bit = i * bits;
    for (unsigned b = 0; b < bits; ++b, ++bit)
      v |= static_cast<uint64_t>((packed[bit / 8] >> (bit % 8)) & 1) << b;
    out[i] = static_cast<uint8_t>(isa::signExtend(v, bits));
  }
}

namespace {
std::string shapeText(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

Error inDram(uint64_t off, uint64_t bytes, uint64_t dram, const Twine &what) {
  if (off > dram || bytes > dram - off)
    return createStringError(inconvertibleErrorCode(),
                             what + " occupies DRAM [" + Twine(off) + ", " +
                                 Twine(off + bytes) +
                                 ") outside the program's DRAM size " +
                                 Twine(dram));
  return Error::success();
}
} // namespace

Error validate(const ProgramImage &p) {
  for (size_t i = 0; i < p.constants.size(); ++i) {
    const Segment &s = p.constants[i];
    if (s.bits != 8 && s.bits != 6 && s.bits != 4)
      return createStringError(inconvertibleErrorCode(),
                               "constant segment %zu: width %u is not 8, 6 or "
                               "4 bits",
                               i, s.bits);
    if (s.data.size() != packedBytes(s.count, s.bits))
      return createStringError(inconvertibleErrorCode(),
                               "constant segment %zu: %zu bytes of data for "
                               "%llu values of %u bits",
                               i, s.data.size(), (unsigned long long)s.count,
                               s.bits);
  }
  if (Error e = validateCoreStreams(p.code, p.coreStarts))
    return e;
  std::vector<ConstantRange> ranges;
  ranges.reserve(p.constants.size());
  for (const Segment &s : p.constants)
    ranges.push_back({s.dramOffset, s.count});
  return validateLayout(p.dramSize, ranges, p.inputs, p.outputs, p.weights);
}

std::vector<std::pair<uint32_t, uint32_t>>
coreRanges(ArrayRef<uint32_t> coreStarts, size_t codeSize) {
  std::vector<std::pair<uint32_t, uint32_t>> ranges;
  if (coreStarts.empty())
    ranges.push_back({0, static_cast<uint32_t>(codeSize)});
  for (size_t c = 0; c < coreStarts.size(); ++c)
    ranges.push_back({coreStarts[c], c + 1 < coreStarts.size()
                                         ? coreStarts[c + 1]
                                         : static_cast<uint32_t>(codeSize)});
  return ranges;
}

Error validateCoreStreams(ArrayRef<isa::Word> code,
                          ArrayRef<uint32_t> coreStarts) {
  if (coreStarts.empty())
    return Error::success();
  if (coreStarts.front() != 0)
    return createStringError(inconvertibleErrorCode(),
                             "core 0's stream starts at instruction %u, not 0",
                             coreStarts.front());
  for (size_t c = 1; c < coreStarts.size(); ++c)
    if (coreStarts[c] <= coreStarts[c - 1] || coreStarts[c] >= code.size())
      return createStringError(
          inconvertibleErrorCode(),
          "core %zu's stream starts at instruction %u: starts must increase "
          "and lie inside the %zu instructions",
          c, coreStarts[c], code.size());
  auto opcodeAt = [&](uint32_t i) { return uint8_t(code[i].lo & 0xFF); };
  const auto barrier = static_cast<uint8_t>(isa::Opcode::Barrier);
  const auto end = static_cast<uint8_t>(isa::Opcode::End);
  std::vector<uint64_t> barriers0;
  auto ranges = coreRanges(coreStarts, code.size());
  for (size_t c = 0; c < ranges.size(); ++c) {
    auto [begin, stop] = ranges[c];
    std::vector<uint64_t> ids;
    for (uint32_t i = begin; i < stop; ++i) {
      uint8_t op = opcodeAt(i);
      if (op == end && i + 1 != stop)
        return createStringError(inconvertibleErrorCode(),
                                 "core %zu's stream has 'end' at instruction "
                                 "%u before its last instruction %u",
                                 c, i, stop - 1);
      if (op == barrier)
        ids.push_back((code[i].lo >> 8) & 0xFFFF);
    }
    if (opcodeAt(stop - 1) != end)
      return createStringError(inconvertibleErrorCode(),
                               "core %zu's stream (instructions %u..%u) does "
                               "not end with 'end'",
                               c, begin, stop - 1);
    if (c == 0) {
      barriers0 = std::move(ids);
      continue;
    }
    size_t n = std::min(ids.size(), barriers0.size());
    for (size_t b = 0; b < n; ++b)
      if (ids[b] != barriers0[b])
        return createStringError(inconvertibleErrorCode(),
                                 "core %zu's barrier %zu has id %llu, core "
                                 "0's has id %llu",
                                 c, b, (unsigned long long)ids[b],
                                 (unsigned long long)barriers0[b]);
    if (ids.size() != barriers0.size())
      return createStringError(inconvertibleErrorCode(),
                               "core %zu reaches %zu barriers, core 0 %zu: "
                               "the cores would deadlock",
                               c, ids.size(), barriers0.size());
  }
  return Error::success();
}

Error validateLayout(uint64_t dramSize, ArrayRef<ConstantRange> constants,
                     const std::vector<TensorDesc> &inputs,
                     const std::vector<TensorDesc> &outputs,
                     const std::vector<TensorDesc> &weights) {
  for (size_t i = 0; i < constants.size(); ++i)
    if (Error e = inDram(constants[i].dramOffset, constants[i].count, dramSize,
                         "constant segment " + Twine(i)))
      return e;
  for (const auto *list : {&inputs, &outputs, &weights})
    for (const TensorDesc &t : *list) {
      for (int64_t d : t.shape)
        if (d < 0)
          return createStringError(inconvertibleErrorCode(),
                                   "tensor '%s' has a negative dimension",
                                   t.name.c_str());
      // numElements() wraps: a shape whose size overflows 64 bits would
      // otherwise pass the DRAM check below with its wrapped size.
      if (!llvm::is_contained(t.shape, 0)) {
        uint64_t bytes = dtypeBytes(t.dtype);
        for (int64_t d : t.shape)
          if (__builtin_mul_overflow(bytes, static_cast<uint64_t>(d), &bytes))
            return createStringError(inconvertibleErrorCode(),
                                     "tensor '%s': the size of shape %s "
                                     "overflows 64 bits",
                                     t.name.c_str(),
                                     shapeText(t.shape).c_str());
      }
      if (Error e = inDram(t.dramOffset, t.bytes(), dramSize,
                           "tensor '" + t.name + "'"))
        return e;
    }
  return Error::success();
}

} // namespace tern::rt::program
