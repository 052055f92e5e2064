//===- Assembler.cpp - Text assembly to program image -----------------------===//

#include "runtime/asm/Assembler.h"

#include "runtime/io/Tensor.h"
#include "runtime/isa/ISA.h"
#include "runtime/sim/functional/kernels/BF16.h"
#include "runtime/targets/Preset.h"

#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>

using namespace llvm;

namespace tern::rt::assembler {

namespace {

enum class Tok { Ident, Number, String, Punct, End };

struct Token {
  Tok kind = Tok::End;
  std::string text; ///< identifier, number spelling, unescaped string, punct
  unsigned col = 0;
};

class Parser {
public:
  Parser(StringRef fileName) : fileName(fileName.str()) {}

  Error err(unsigned col, const Twine &msg) const {
    return createStringError(inconvertibleErrorCode(),
                             fileName + ":" + Twine(lineNo) + ":" + Twine(col) +
                                 ": " + msg);
  }

  /// Splits one line into tokens.
  Error lex(StringRef line) {
    toks.clear();
    pos = 0;
    size_t i = 0;
    while (i < line.size()) {
      char c = line[i];
      if (isSpace(c)) {
        ++i;
        continue;
      }
      if (c == '#' || c == ';' || (c == '/' && line.substr(i).starts_with("//")))
        break;
      Token t;
      t.col = static_cast<unsigned>(i + 1);
      if (c == '"') {
        ++i;
        bool closed = false;
        while (i < line.size()) {
          char d = line[i++];
          if (d == '"') {
            closed = true;
            break;
          }
          if (d == '\\' && i < line.size()) {
            char e = line[i++];
            t.text += e == 'n' ? '\n' : e == 't' ? '\t' : e;
          } else {
            t.text += d;
          }
        }
        if (!closed)
          return err(t.col, "unterminated string");
        t.kind = Tok::String;
      } else if (isDigit(c) || ((c == '-' || c == '+' || c == '.') &&
                                i + 1 < line.size() &&
                                (isDigit(line[i + 1]) || line[i + 1] == '.'))) {
        size_t s = i++;
        while (i < line.size() &&
               (isAlnum(line[i]) || line[i] == '.' ||
                ((line[i] == '-' || line[i] == '+') &&
                 (line[i - 1] == 'e' || line[i - 1] == 'E') &&
                 !line.substr(s, i - s).starts_with("0x"))))
          ++i;
        t.kind = Tok::Number;
        t.text = line.substr(s, i - s).str();
      } else if (isAlpha(c) || c == '_' || c == '.') {
        size_t s = i++;
        while (i < line.size() && (isAlnum(line[i]) || line[i] == '_' ||
                                   line[i] == '.' || line[i] == '-' ||
                                   line[i] == '/'))
          ++i;
        t.kind = Tok::Ident;
        t.text = line.substr(s, i - s).str();
      } else if (c == ',' || c == '=' || c == '[' || c == ']') {
        t.kind = Tok::Punct;
        t.text = std::string(1, c);
        ++i;
      } else {
        return err(t.col, Twine("unexpected character '") + Twine(c) + "'");
      }
      toks.push_back(std::move(t));
    }
    Token end;
    end.col = static_cast<unsigned>(line.size() + 1);
    toks.push_back(end);
    return Error::success();
  }

  const Token &peek() const { return toks[pos]; }
  const Token &next() { return toks[pos < toks.size() - 1 ? pos++ : pos]; }
  bool atEnd() const { return peek().kind == Tok::End; }
  bool isPunct(StringRef p) const {
    return peek().kind == Tok::Punct && peek().text == p;
  }

  Error expectPunct(StringRef p) {
    if (!isPunct(p))
      return err(peek().col, "expected '" + p + "'");
    next();
    return Error::success();
  }
  Error expectEnd() {
    if (!atEnd())
      return err(peek().col, "unexpected '" + peek().text + "'");
    return Error::success();
  }

  Expected<int64_t> integer(const Token &t) {
    if (t.kind != Tok::Number)
      return err(t.col, "expected an integer");
    StringRef s = t.text;
    bool neg = s.consume_front("-");
    s.consume_front("+");
    uint64_t v;
    if (s.getAsInteger(0, v))
      return err(t.col, "invalid integer '" + t.text + "'");
    if (neg && v > uint64_t(INT64_MAX) + 1)
      return err(t.col, "integer out of range");
    return neg ? static_cast<int64_t>(0 - v) : static_cast<int64_t>(v);
  }
  Expected<int64_t> integer() { return integer(next()); }

  Expected<double> real() {
    const Token &t = next();
    if (t.kind != Tok::Number)
      return err(t.col, "expected a number");
    double d;
    if (StringRef(t.text).getAsDouble(d))
      return err(t.col, "invalid number '" + t.text + "'");
    return d;
  }

  Expected<std::string> name() {
    const Token &t = next();
    if (t.kind != Tok::String && t.kind != Tok::Ident)
      return err(t.col, "expected a name");
    return t.text;
  }

  std::string fileName;
  unsigned lineNo = 0;
  std::vector<Token> toks;
  size_t pos = 0;
};

Expected<uint64_t> fieldValue(Parser &P, const isa::InsnInfo &info,
                              const isa::FieldInfo &f) {
  const Token &t = P.next();
  ArrayRef<const char *> names = isa::enumNames(f.kind);
  if (t.kind == Tok::Ident) {
    for (size_t i = 0; i < names.size(); ++i)
      if (t.text == names[i])
        return i;
    std::string list;
    for (const char *n : names)
      list += (list.empty() ? "" : ", ") + std::string(n);
    return P.err(t.col, "'" + t.text + "' is not a valid value of field '" +
                            f.name + "' of '" + info.mnemonic + "'" +
                            (list.empty() ? "" : " (one of " + list + ")"));
  }
  Expected<int64_t> v = P.integer(t);
  if (!v)
    return v.takeError();
  const int64_t lo = -(int64_t(1) << (f.width - 1));
  const uint64_t mask =
      f.width >= 64 ? ~uint64_t(0) : (uint64_t(1) << f.width) - 1;
  if (*v < 0) {
    // Negative values are two's complement in any field (so a signed
    // 32-bit multiplier can be written as -5 in a U field).
    if (*v < lo)
      return P.err(t.col, "value " + t.text + " does not fit the " +
                              Twine(f.width) + "-bit field '" + f.name + "'");
    return static_cast<uint64_t>(*v) & mask;
  }
  uint64_t u = static_cast<uint64_t>(*v);
  if (f.kind == isa::FieldKind::S ? u > mask >> 1 : u > mask)
    return P.err(t.col, "value " + t.text + " does not fit the " +
                            Twine(f.width) + "-bit field '" + f.name + "'" +
                            (f.kind == isa::FieldKind::S ? " (signed)" : ""));
  return u;
}

Error parseInstruction(Parser &P, program::ProgramImage &img,
                       const std::string &loc) {
  const Token &mn = P.next();
  const isa::InsnInfo *info = isa::lookup(mn.text);
  if (!info)
    return P.err(mn.col, "unknown instruction '" + mn.text + "'");
  std::vector<uint64_t> vals(info->fields.size(), 0);
  std::vector<bool> seen(info->fields.size(), false);
  while (!P.atEnd()) {
    const Token &fn = P.next();
    if (fn.kind != Tok::Ident)
      return P.err(fn.col, "expected a field name");
    int idx = info->fieldIndex(fn.text);
    if (idx < 0) {
      std::string list;
      for (const isa::FieldInfo &f : info->fields)
        list += (list.empty() ? "" : ", ") + std::string(f.name);
      return P.err(fn.col, "'" + Twine(info->mnemonic) + "' has no field '" +
                               fn.text + "' (fields: " +
                               (list.empty() ? "none" : list) + ")");
    }
    if (seen[idx])
      return P.err(fn.col, "field '" + fn.text + "' given twice");
    seen[idx] = true;
    if (Error e = P.expectPunct("="))
      return e;
    Expected<uint64_t> v = fieldValue(P, *info, info->fields[idx]);
    if (!v)
      return v.takeError();
    vals[idx] = *v;
    if (!P.atEnd())
      if (Error e = P.expectPunct(","))
        return e;
  }
  Expected<isa::Word> w = isa::encode(*info, vals);
  if (!w)
    return P.err(mn.col, toString(w.takeError()));
  if (!loc.empty())
    img.debug.push_back({static_cast<uint32_t>(img.code.size()), loc});
  img.code.push_back(*w);
  return Error::success();
}

Error parseTensor(Parser &P, std::vector<program::TensorDesc> &list) {
  program::TensorDesc t;
  Expected<std::string> n = P.name();
  if (!n)
    return n.takeError();
  t.name = *n;
  for (const program::TensorDesc &o : list)
    if (o.name == t.name)
      return P.err(P.toks[P.pos - 1].col, "duplicate tensor '" + t.name + "'");
  if (Error e = P.expectPunct(","))
    return e;
  const Token &ty = P.next();
  std::optional<program::DType> dt = program::parseDType(ty.text);
  if (!dt)
    return P.err(ty.col, "unknown dtype '" + ty.text + "'");
  t.dtype = *dt;
  if (Error e = P.expectPunct(","))
    return e;
  if (Error e = P.expectPunct("["))
    return e;
  while (!P.isPunct("]")) {
    Expected<int64_t> d = P.integer();
    if (!d)
      return d.takeError();
    if (*d < 0)
      return P.err(P.toks[P.pos - 1].col, "negative dimension");
    t.shape.push_back(*d);
    if (!P.isPunct("]"))
      if (Error e = P.expectPunct(","))
        return e;
  }
  P.next();
  if (Error e = P.expectPunct(","))
    return e;
  Expected<int64_t> off = P.integer();
  if (!off)
    return off.takeError();
  t.dramOffset = static_cast<uint64_t>(*off);
  while (!P.atEnd()) {
    if (Error e = P.expectPunct(","))
      return e;
    const Token &k = P.next();
    if (Error e = P.expectPunct("="))
      return e;
    if (k.text == "scale") {
      Expected<double> s = P.real();
      if (!s)
        return s.takeError();
      t.scale = *s;
    } else if (k.text == "zp") {
      Expected<int64_t> z = P.integer();
      if (!z)
        return z.takeError();
      t.zeroPoint = static_cast<int32_t>(*z);
    } else if (k.text == "onnx") {
      const Token &v = P.next();
      std::optional<int32_t> o = program::parseOnnxType(v.text);
      if (!o)
        return P.err(v.col,
                     "unknown ONNX element type '" + v.text +
                         "' (uint8, int8, uint16, int16, int64, bool, uint32, "
                         "uint64)");
      if (!program::onnxTypeHeldBy(*o, t.dtype))
        return P.err(v.col, "ONNX element type '" + v.text +
                                "' cannot be held in " +
                                program::dtypeName(t.dtype).str());
      t.onnxType = *o;
    } else {
      return P.err(k.col, "unknown tensor attribute '" + k.text +
                              "' (scale, zp, onnx)");
    }
  }
  list.push_back(std::move(t));
  return Error::success();
}

/// Appends little-endian bytes of one value of a wide type.
Error appendWide(Parser &P, const Token &t, StringRef ty,
                 std::vector<uint8_t> &out) {
  auto put = [&](const void *p, size_t n) {
    const uint8_t *b = static_cast<const uint8_t *>(p);
    out.insert(out.end(), b, b + n);
  };
  if (ty == "bf16" || ty == "f32") {
    double d;
    if (t.kind != Tok::Number || StringRef(t.text).getAsDouble(d))
      return P.err(t.col, "expected a number");
    float f = static_cast<float>(d);
    if (ty == "f32") {
      put(&f, 4);
    } else {
      uint16_t b = kernels::floatToBf(f);
      put(&b, 2);
    }
    return Error::success();
  }
  Expected<int64_t> v = P.integer(t);
  if (!v)
    return v.takeError();
  if (ty == "i16") {
    if (*v < INT16_MIN || *v > UINT16_MAX)
      return P.err(t.col, "value does not fit i16");
    int16_t x = static_cast<int16_t>(*v);
    put(&x, 2);
  } else {
    if (*v < INT32_MIN || *v > UINT32_MAX)
      return P.err(t.col, "value does not fit i32");
    int32_t x = static_cast<int32_t>(*v);
    put(&x, 4);
  }
  return Error::success();
}

Error parseConst(Parser &P, program::ProgramImage &img) {
  Expected<int64_t> off = P.integer();
  if (!off)
    return off.takeError();
  if (Error e = P.expectPunct(","))
    return e;
  const Token &tyTok = P.next();
  StringRef ty = tyTok.text;
  unsigned bits;
  bool wide = false;
  if (ty == "i8" || ty == "u8") bits = 8;
  else if (ty == "i6") bits = 6;
  else if (ty == "i4") bits = 4;
  else if (ty == "i16" || ty == "i32" || ty == "bf16" || ty == "f32") {
    bits = 8;
    wide = true;
  } else
    return P.err(tyTok.col, "unknown constant type '" + ty +
                                "' (i8 u8 i6 i4 i16 i32 bf16 f32)");
  program::Segment seg;
  seg.dramOffset = static_cast<uint64_t>(*off);
  seg.bits = bits;
  if (Error e = P.expectPunct(","))
    return e;
  std::optional<uint64_t> count;
  if (P.peek().kind == Tok::Ident && P.peek().text == "count") {
    P.next();
    if (Error e = P.expectPunct("="))
      return e;
    Expected<int64_t> c = P.integer();
    if (!c)
      return c.takeError();
    count = static_cast<uint64_t>(*c);
    if (Error e = P.expectPunct(","))
      return e;
  }
  if (P.peek().kind == Tok::Ident && P.peek().text == "hex") {
    P.next();
    const Token &h = P.next();
    if (h.kind != Tok::String)
      return P.err(h.col, "expected a quoted hex string");
    if (h.text.size() % 2 || !all_of(h.text, isHexDigit))
      return P.err(h.col, "hex data must be an even number of hex digits");
    std::string raw = fromHex(h.text);
    seg.data.assign(raw.begin(), raw.end());
    if (bits == 8)
      seg.count = count.value_or(seg.data.size());
    else if (!count)
      return P.err(h.col, "packed " + ty + " hex data needs count=N");
    else
      seg.count = *count;
    if (program::packedBytes(seg.count, bits) != seg.data.size())
      return P.err(h.col, Twine(seg.data.size()) + " bytes of hex data for " +
                              Twine(seg.count) + " values of " + Twine(bits) +
                              " bits");
    img.constants.push_back(std::move(seg));
    return P.expectEnd();
  }
  std::vector<int64_t> values;
  std::vector<uint8_t> bytes;
  if (P.peek().kind == Tok::Ident && P.peek().text == "file") {
    P.next();
    const Token &f = P.next();
    if (f.kind != Tok::String)
      return P.err(f.col, "expected a quoted .npy path");
    SmallString<256> path(f.text);
    if (!sys::path::is_absolute(path)) {
      path = sys::path::parent_path(P.fileName);
      sys::path::append(path, f.text);
    }
    Expected<io::Tensor> t = io::readNpy(path);
    if (!t)
      return P.err(f.col, toString(t.takeError()));
    if (wide) {
      // Wide constants are stored as their little-endian bytes; the file
      // must already have the exact type.
      bool ok = (ty == "i16" && t->type == io::ElemType::I16) ||
                (ty == "i32" && t->type == io::ElemType::I32) ||
                (ty == "f32" && t->type == io::ElemType::F32);
      if (ty == "bf16" && t->type == io::ElemType::F32) {
        for (uint64_t i = 0; i < t->numElements(); ++i) {
          float x;
          std::memcpy(&x, t->data.data() + 4 * i, 4);
          uint16_t b = kernels::floatToBf(x);
          bytes.push_back(b & 0xFF);
          bytes.push_back(b >> 8);
        }
      } else if (ok) {
        bytes = t->data;
      } else {
        return P.err(f.col, "'" + f.text + "' has dtype " +
                                io::elemTypeName(t->type) + ", not " + ty);
      }
    } else {
      Expected<std::vector<int64_t>> v = io::toInt64(*t, f.text);
      if (!v)
        return P.err(f.col, toString(v.takeError()));
      values = std::move(*v);
    }
  } else {
    while (!P.atEnd()) {
      const Token &t = P.next();
      if (wide) {
        if (Error e = appendWide(P, t, ty, bytes))
          return e;
      } else {
        Expected<int64_t> v = P.integer(t);
        if (!v)
          return v.takeError();
        values.push_back(*v);
      }
      if (!P.atEnd())
        if (Error e = P.expectPunct(","))
          return e;
    }
  }
  if (wide) {
    seg.data = std::move(bytes);
    seg.count = seg.data.size();
  } else {
    if (ty == "u8")
      for (int64_t v : values)
        if (v < 0 || v > 255)
          return P.err(tyTok.col, "u8 constant out of range: " + Twine(v));
    if (ty == "i8")
      for (int64_t v : values)
        if (v < -128 || v > 127)
          return P.err(tyTok.col, "i8 constant out of range: " + Twine(v));
    Expected<std::vector<uint8_t>> packed = program::packValues(values, bits);
    if (!packed)
      return P.err(tyTok.col, toString(packed.takeError()));
    seg.data = std::move(*packed);
    seg.count = values.size();
  }
  img.constants.push_back(std::move(seg));
  return P.expectEnd();
}

} // namespace

Expected<program::ProgramImage> assemble(StringRef text, StringRef fileName) {
  Parser P(fileName);
  program::ProgramImage img;
  bool haveTarget = false, haveDram = false;
  std::string loc;
  SmallVector<StringRef> lines;
  text.split(lines, '\n');
  for (StringRef line : lines) {
    ++P.lineNo;
    if (Error e = P.lex(line.rtrim("\r")))
      return std::move(e);
    if (P.atEnd())
      continue;
    const Token &first = P.peek();
    if (first.kind == Tok::Ident && first.text[0] == '.' &&
        !isa::lookup(first.text)) {
      P.next();
      StringRef d = first.text;
      Error e = Error::success();
      if (d == ".target" || d == ".target_json") {
        const Token &t = P.next();
        if (t.kind != Tok::Ident && t.kind != Tok::String)
          return P.err(t.col, "expected a preset name");
        if (d == ".target") {
          // A preset file path is relative to the .s file, like .const.
          std::string ref = t.text;
          if ((StringRef(ref).contains('/') || StringRef(ref).ends_with(".json")) &&
              !sys::path::is_absolute(ref)) {
            SmallString<256> p = sys::path::parent_path(P.fileName);
            sys::path::append(p, ref);
            ref = p.str().str();
          }
          auto preset = targets::loadPreset(ref);
          if (!preset)
            return P.err(t.col, toString(preset.takeError()));
          img.targetName = preset->first.name;
          img.targetJson = preset->second;
        } else {
          Expected<targets::Preset> preset =
              targets::parsePreset(t.text, "embedded");
          if (!preset)
            return P.err(t.col, toString(preset.takeError()));
          img.targetName = preset->name;
          img.targetJson = t.text;
        }
        haveTarget = true;
        e = P.expectEnd();
      } else if (d == ".dram") {
        Expected<int64_t> v = P.integer();
        if (!v)
          return v.takeError();
        if (*v <= 0)
          return P.err(first.col, "DRAM size must be positive");
        img.dramSize = static_cast<uint64_t>(*v);
        haveDram = true;
        e = P.expectEnd();
      } else if (d == ".input") {
        e = parseTensor(P, img.inputs);
      } else if (d == ".output") {
        e = parseTensor(P, img.outputs);
      } else if (d == ".weight") {
        // A frozen-weight table entry (--weight-noise), same syntax.
        e = parseTensor(P, img.weights);
      } else if (d == ".const") {
        e = parseConst(P, img);
      } else if (d == ".core") {
        // `.core N` starts core N's stream (a partitioned program): N counts
        // up from 0, and core 0's stream starts at the first instruction.
        Expected<int64_t> v = P.integer();
        if (!v)
          return v.takeError();
        if (*v != static_cast<int64_t>(img.coreStarts.size()))
          return P.err(first.col, "expected '.core " +
                                      Twine(img.coreStarts.size()) +
                                      "' (cores are numbered in order)");
        if (*v == 0 && !img.code.empty())
          return P.err(first.col,
                       "'.core 0' must come before the first instruction");
        if (*v > 0 && img.code.size() == img.coreStarts.back())
          return P.err(first.col, "core " + Twine(*v - 1) +
                                      "'s stream has no instructions");
        img.coreStarts.push_back(static_cast<uint32_t>(img.code.size()));
        e = P.expectEnd();
      } else if (d == ".loc") {
        const Token &t = P.next();
        if (t.kind != Tok::String)
          return P.err(t.col, "expected a quoted location");
        loc = t.text;
        e = P.expectEnd();
      } else {
        return P.err(first.col, "unknown directive '" + d + "'");
      }
      if (e)
        return std::move(e);
      continue;
    }
    if (Error e = parseInstruction(P, img, loc))
      return std::move(e);
  }
  if (!haveTarget) {
    auto preset = targets::loadPreset("tern-edge");
    if (!preset)
      return preset.takeError();
    img.targetName = preset->first.name;
    img.targetJson = preset->second;
  }
  if (!haveDram) {
    uint64_t end = 0;
    for (const program::Segment &s : img.constants)
      end = std::max(end, s.dramOffset + s.count);
    for (const auto *l : {&img.inputs, &img.outputs})
      for (const program::TensorDesc &t : *l)
        end = std::max(end, t.dramOffset + t.bytes());
    img.dramSize = std::max<uint64_t>(4096, (end + 4095) / 4096 * 4096);
  }
  if (Error e = program::validate(img))
    return createStringError(inconvertibleErrorCode(), "%s: %s",
                             fileName.str().c_str(),
                             toString(std::move(e)).c_str());
  return img;
}

} // namespace tern::rt::assembler
