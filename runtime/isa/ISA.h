//===- ISA.h - Tern accelerator instruction set ------------------*- C++ -*-===//
//
// Everything here is expanded from Instructions.def: opcodes, the per-opcode
// field layout, typed field structs for the semantics, encode/decode and the
// textual form of one instruction.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_ISA_ISA_H
#define TERN_RUNTIME_ISA_ISA_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <string>

namespace tern::rt::isa {

enum class Opcode : uint8_t {
#define TERN_INSN(Id, Mn, Opc, Unit, Queue, Sem) Id = Opc,
#include "runtime/isa/Instructions.def"
};

/// Resource class: the functional unit an instruction occupies. Timing models
/// key their latency/throughput tables on this.
enum class Unit : uint8_t {
  Config,
  Dma,
  Matrix,
  Vector,
  Requant,
  Sfu,
  Token,
  Sync,
  Reram ///< the ReRAM crossbar tier (atleus-3d)
};
constexpr unsigned kNumUnits = 9;

/// The three in-order instruction queues (VTA's load / compute / store).
enum class Queue : uint8_t { Load = 0, Compute = 1, Store = 2 };
constexpr unsigned kNumQueues = 3;

/// How an instruction's queue is chosen (SyncFrom/SyncTo read a field).
enum class QueueRule : uint8_t { Load, Compute, Store, SyncFrom, SyncTo };

/// Scratchpad ids as encoded in Spad fields.
enum class Spad : uint8_t { Act = 0, Wgt = 1, Acc = 2, Vec = 3 };
constexpr unsigned kNumSpads = 4;

/// How a field is written in assembly (and read by the semantics).
enum class FieldKind : uint8_t {
  U,       ///< unsigned decimal
  S,       ///< signed two's complement
  Addr,    ///< unsigned, printed in hex
  Hex,     ///< raw bits, printed in hex
  Spad,    ///< act | wgt | acc | vec
  Queue,   ///< load | compute | store
  VType,   ///< i32 | bf16
  SType,   ///< i8 | i32 (token score input)
  SrcType, ///< i8 | i16 | i32 | u32
  Width,   ///< w8 | w6 | w4
  AccMode, ///< i32 | i16
  BfMode,  ///< tataa | ieee
  SelMode, ///< topk | thresh
  SfuFn,   ///< exp | tanh | sigmoid | erf | log (rsfu.fn)
  BMode,   ///< elem | row | col (vector operand b's broadcast)
  CmpOp,   ///< eq | ne | gt | ge | lt | le (vcmp)
  ToInt,   ///< none | trunc | rne (rsfu.pow / rsfu.div int32 result)
};

struct FieldInfo {
  const char *name;
  unsigned lsb;
  unsigned width;
  FieldKind kind;
};

constexpr unsigned kWordBits = 128;
constexpr unsigned kOpcodeBits = 8;
constexpr unsigned kMaxFields = 20;

struct InsnInfo {
  Opcode opcode;
  const char *mnemonic;
  Unit unit;
  QueueRule queueRule;
  const char *semantics;
  llvm::ArrayRef<FieldInfo> fields;

  /// Index of the field called \p name, or -1.
  int fieldIndex(llvm::StringRef name) const;
};

/// A 128-bit instruction word, stored little-endian as two 64-bit halves.
struct Word {
  uint64_t lo = 0, hi = 0;
  bool operator==(const Word &o) const { return lo == o.lo && hi == o.hi; }
};

/// A decoded instruction: its table row and raw (zero-extended) field values.
struct Decoded {
  const InsnInfo *info = nullptr;
  uint64_t f[kMaxFields] = {};
  Opcode opcode() const { return info->opcode; }
};

/// The dimensions one instruction actually ran with where run-time lengths
/// (`lensel`, `nsel`, `ksel`, `csel`) or a K-row bitmap (`bmap`) made them
/// smaller than its static fields; -1 keeps the static field. The
/// functional model records them per instruction, the timing model charges
/// them (`tern run --mode both`).
struct ExecutedDims {
  int32_t rows = -1; ///< `rows`, or `m` of a GEMM
  int32_t n = -1, k = -1, cols = -1;
  bool any() const { return rows >= 0 || n >= 0 || k >= 0 || cols >= 0; }
};

llvm::ArrayRef<InsnInfo> allInsns();
const InsnInfo *lookup(uint8_t opcode);
const InsnInfo *lookup(llvm::StringRef mnemonic);

llvm::StringRef unitName(Unit u);
llvm::StringRef queueName(Queue q);
llvm::StringRef spadName(Spad s);
llvm::StringRef fieldKindName(FieldKind k);

/// Symbolic names of an enumerated field kind (empty for numeric kinds).
llvm::ArrayRef<const char *> enumNames(FieldKind k);

/// Checks the opcode and that no reserved bit is set.
llvm::Expected<Decoded> decode(Word w);
/// Fails if a value does not fit its field (or a value is missing).
llvm::Expected<Word> encode(const InsnInfo &info, llvm::ArrayRef<uint64_t> values);
/// The queue the instruction runs on (sync instructions name it in a field).
Queue queueOf(const Decoded &d);
/// `mnemonic field=value, ...`: every field, so the text re-assembles exactly.
std::string disassemble(const Decoded &d);

inline int64_t signExtend(uint64_t v, unsigned width) {
  if (width >= 64)
    return static_cast<int64_t>(v);
  uint64_t m = uint64_t(1) << (width - 1);
  v &= (uint64_t(1) << width) - 1;
  return static_cast<int64_t>((v ^ m) - m);
}

//===----------------------------------------------------------------------===//
// Typed field views, one struct per instruction: `isa::GemmF::of(d).k`.
// Signed fields are sign-extended; all others are zero-extended.
//===----------------------------------------------------------------------===//

namespace detail {
template <FieldKind K> struct FieldType { using type = uint64_t; };
template <> struct FieldType<FieldKind::S> { using type = int64_t; };
} // namespace detail

#define TERN_INSN(Id, Mn, Opc, Unit, Queue, Sem)                               \
  struct Id##F {                                                               \
    static Id##F of(const Decoded &d);
#define TERN_FIELD(Id, Name, Width, Kind)                                      \
  detail::FieldType<FieldKind::Kind>::type Name = 0;
#define TERN_END(Id)                                                           \
  }                                                                            \
  ;
#include "runtime/isa/Instructions.def"

} // namespace tern::rt::isa

#endif // TERN_RUNTIME_ISA_ISA_H
