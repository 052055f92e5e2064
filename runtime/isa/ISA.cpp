//===- ISA.cpp - Instruction table, encoder and decoder ---------------------===//
//
// Expands Instructions.def into the run-time table. Field positions are
// assigned here, packed in declaration order from bit 8; the ISA self-test
// checks that they fit the word and do not overlap.
//
//===----------------------------------------------------------------------===//

#include "runtime/isa/ISA.h"

#include "llvm/ADT/StringMap.h"
#include "llvm/Support/Format.h"
#include "llvm/Support/raw_ostream.h"

#include <array>

using namespace llvm;

namespace tern::rt::isa {
namespace {

// Field lists with lsb = 0; positions are filled in by buildTable().
#define TERN_INSN(Id, Mn, Opc, Unit, Queue, Sem) FieldInfo Id##Fields[] = {
#define TERN_FIELD(Id, Name, Width, Kind) {#Name, 0, Width, FieldKind::Kind},
#define TERN_END(Id)                                                           \
  {nullptr, 0, 0, FieldKind::U}                                                \
  }                                                                            \
  ;
#include "runtime/isa/Instructions.def"

struct Table {
  std::vector<InsnInfo> insns;
  std::array<const InsnInfo *, 256> byOpcode{};
  StringMap<const InsnInfo *> byName;
};

size_t countFields(const FieldInfo *f) {
  size_t n = 0;
  while (f[n].name)
    ++n;
  return n;
}

const Table &table() {
  static const Table t = [] {
    Table t;
#define TERN_INSN(Id, Mn, Opc, UnitV, QueueV, Sem)                             \
  {                                                                            \
    size_t n = countFields(Id##Fields);                                        \
    unsigned lsb = kOpcodeBits;                                                \
    for (size_t i = 0; i < n; ++i) {                                           \
      Id##Fields[i].lsb = lsb;                                                 \
      lsb += Id##Fields[i].width;                                              \
    }                                                                          \
    t.insns.push_back({Opcode::Id, Mn, Unit::UnitV, QueueRule::QueueV, Sem,    \
                       ArrayRef<FieldInfo>(Id##Fields, n)});                   \
  }
#include "runtime/isa/Instructions.def"
    for (const InsnInfo &i : t.insns) {
      t.byOpcode[static_cast<uint8_t>(i.opcode)] = &i;
      t.byName[i.mnemonic] = &i;
    }
    return t;
  }();
  return t;
}

uint64_t extract(Word w, unsigned lsb, unsigned width) {
  unsigned __int128 v = (static_cast<unsigned __int128>(w.hi) << 64) | w.lo;
  v >>= lsb;
  if (width < 64)
    v &= (static_cast<unsigned __int128>(1) << width) - 1;
  return static_cast<uint64_t>(v);
}

void insert(Word &w, unsigned lsb, uint64_t value) {
  unsigned __int128 v = (static_cast<unsigned __int128>(w.hi) << 64) | w.lo;
  v |= static_cast<unsigned __int128>(value) << lsb;
  w.lo = static_cast<uint64_t>(v);
  w.hi = static_cast<uint64_t>(v >> 64);
}

const char *const kSpadNames[] = {"act", "wgt", "acc", "vec"};
const char *const kQueueNames[] = {"load", "compute", "store"};
const char *const kVTypeNames[] = {"i32", "bf16"};
const char *const kSTypeNames[] = {"i8", "i32"};
const char *const kSrcTypeNames[] = {"i8", "i16", "i32", "u32"};
const char *const kWidthNames[] = {"w8", "w6", "w4"};
const char *const kAccModeNames[] = {"i32", "i16"};
const char *const kBfModeNames[] = {"tataa", "ieee"};
const char *const kSelModeNames[] = {"topk", "thresh"};
const char *const kSfuFnNames[] = {"exp", "tanh", "sigmoid", "erf", "log"};
const char *const kBModeNames[] = {"elem", "row", "col"};
const char *const kCmpOpNames[] = {"eq", "ne", "gt", "ge", "lt", "le"};
const char *const kToIntNames[] = {"none", "trunc", "rne"};

} // namespace

int InsnInfo::fieldIndex(StringRef name) const {
  for (size_t i = 0; i < fields.size(); ++i)
    if (name == fields[i].name)
      return static_cast<int>(i);
  return -1;
}

ArrayRef<InsnInfo> allInsns() { return table().insns; }

const InsnInfo *lookup(uint8_t opcode) { return table().byOpcode[opcode]; }

const InsnInfo *lookup(StringRef mnemonic) {
  return table().byName.lookup(mnemonic);
}

StringRef unitName(Unit u) {
  static const char *const names[] = {"config", "dma",     "matrix",
                                      "vector", "requant", "sfu",
                                      "token",  "sync",    "reram"};
  return names[static_cast<unsigned>(u)];
}
StringRef queueName(Queue q) { return kQueueNames[static_cast<unsigned>(q)]; }
StringRef spadName(Spad s) { return kSpadNames[static_cast<unsigned>(s)]; }

StringRef fieldKindName(FieldKind k) {
  static const char *const names[] = {
      "uint",    "sint",  "addr",    "hex",   "spad",    "queue",
      "vtype",   "stype", "srctype", "width", "accmode", "bfmode",
      "selmode", "sfufn", "bmode",   "cmpop", "toint"};
  return names[static_cast<unsigned>(k)];
}

ArrayRef<const char *> enumNames(FieldKind k) {
  switch (k) {
  case FieldKind::Spad: return kSpadNames;
  case FieldKind::Queue: return kQueueNames;
  case FieldKind::VType: return kVTypeNames;
  case FieldKind::SType: return kSTypeNames;
  case FieldKind::SrcType: return kSrcTypeNames;
  case FieldKind::Width: return kWidthNames;
  case FieldKind::AccMode: return kAccModeNames;
  case FieldKind::BfMode: return kBfModeNames;
  case FieldKind::SelMode: return kSelModeNames;
  case FieldKind::SfuFn: return kSfuFnNames;
  case FieldKind::BMode: return kBModeNames;
  case FieldKind::CmpOp: return kCmpOpNames;
  case FieldKind::ToInt:
    return kToIntNames;
  default: return {};
  }
}

Expected<Decoded> decode(Word w) {
  uint8_t opc = static_cast<uint8_t>(w.lo & 0xff);
  const InsnInfo *info = lookup(opc);
  if (!info)
    return createStringError(inconvertibleErrorCode(),
                             "unknown opcode 0x%02x", opc);
  Decoded d;
  d.info = info;
  unsigned end = kOpcodeBits;
  for (size_t i = 0; i < info->fields.size(); ++i) {
    const FieldInfo &f = info->fields[i];
    d.f[i] = extract(w, f.lsb, f.width);
    end = f.lsb + f.width;
  }
  unsigned __int128 all = (static_cast<unsigned __int128>(w.hi) << 64) | w.lo;
  if (end < kWordBits && (all >> end) != 0)
    return createStringError(inconvertibleErrorCode(),
                             "reserved bits set in '%s' word (bits %u..127)",
                             info->mnemonic, end);
  return d;
}

Expected<Word> encode(const InsnInfo &info, ArrayRef<uint64_t> values) {
  if (values.size() != info.fields.size())
    return createStringError(inconvertibleErrorCode(),
                             "'%s' takes %zu fields, got %zu", info.mnemonic,
                             info.fields.size(), values.size());
  Word w;
  insert(w, 0, static_cast<uint8_t>(info.opcode));
  for (size_t i = 0; i < values.size(); ++i) {
    const FieldInfo &f = info.fields[i];
    if (f.width < 64 && (values[i] >> f.width) != 0)
      return createStringError(inconvertibleErrorCode(),
                               "value %llu does not fit the %u-bit field '%s' "
                               "of '%s'",
                               (unsigned long long)values[i], f.width, f.name,
                               info.mnemonic);
    insert(w, f.lsb, values[i]);
  }
  return w;
}

Queue queueOf(const Decoded &d) {
  switch (d.info->queueRule) {
  case QueueRule::Load: return Queue::Load;
  case QueueRule::Compute: return Queue::Compute;
  case QueueRule::Store: return Queue::Store;
  case QueueRule::SyncFrom: return static_cast<Queue>(d.f[0] % kNumQueues);
  case QueueRule::SyncTo: return static_cast<Queue>(d.f[1] % kNumQueues);
  }
  return Queue::Compute;
}

std::string disassemble(const Decoded &d) {
  std::string s;
  raw_string_ostream os(s);
  os << d.info->mnemonic;
  for (size_t i = 0; i < d.info->fields.size(); ++i) {
    const FieldInfo &f = d.info->fields[i];
    os << (i ? ", " : " ") << f.name << '=';
    uint64_t v = d.f[i];
    ArrayRef<const char *> names = enumNames(f.kind);
    if (!names.empty() && v < names.size()) {
      os << names[v];
      continue;
    }
    switch (f.kind) {
    case FieldKind::S: os << signExtend(v, f.width); break;
    case FieldKind::Addr:
    case FieldKind::Hex: os << format_hex(v, 2); break;
    default: os << v; break;
    }
  }
  return os.str();
}

// Typed views: copy the raw values in declaration order.
namespace {
template <FieldKind K> auto fieldValue(uint64_t raw, unsigned width) {
  if constexpr (K == FieldKind::S)
    return signExtend(raw, width);
  else
    return raw;
}
} // namespace

#define TERN_INSN(Id, Mn, Opc, Unit, Queue, Sem)                               \
  Id##F Id##F::of(const Decoded &d) {                                        \
    Id##F r;                                                                   \
    unsigned i = 0;                                                            \
    (void)d;
#define TERN_FIELD(Id, Name, Width, Kind)                                      \
  r.Name = fieldValue<FieldKind::Kind>(d.f[i++], Width);
#define TERN_END(Id)                                                           \
  (void)i;                                                                     \
  return r;                                                                    \
  }
#include "runtime/isa/Instructions.def"

} // namespace tern::rt::isa
