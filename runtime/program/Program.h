//===- Program.h - In-memory program and its file format ---------*- C++ -*-===//
//
// ProgramImage is what an assembler or compiler builds and what the writer
// serialises; LoadedProgram is a verified, memory-mapped file whose
// constants are read in place.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_PROGRAM_PROGRAM_H
#define TERN_RUNTIME_PROGRAM_PROGRAM_H

#include "runtime/isa/ISA.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/STLFunctionalExtras.h"
#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"
#include "llvm/Support/MemoryBuffer.h"

#include <atomic>
#include <memory>
#include <string>
#include <vector>

namespace tern::rt::program {

constexpr uint32_t kFormatVersion = 1;

enum class DType : uint8_t { I8 = 0, U8, I16, I32, F32, BF16, I4, I6 };
llvm::StringRef dtypeName(DType t);
std::optional<DType> parseDType(llvm::StringRef s);
/// Bytes per element in DRAM (i4/i6 take one sign-extended byte).
unsigned dtypeBytes(DType t);

/// ONNX element types a program can hold in another type (TensorDesc::
/// onnxType): their TensorProto.DataType codes, names ("uint8", "int8",
/// "uint16", "int16", "int64", "bool") and whether `held` holds one.
llvm::StringRef onnxTypeName(int32_t onnxType);
std::optional<int32_t> parseOnnxType(llvm::StringRef name);
bool onnxTypeHeldBy(int32_t onnxType, DType held);

struct TensorDesc {
  std::string name;
  std::vector<int64_t> shape;
  DType dtype = DType::I8;
  double scale = 1.0;
  int32_t zeroPoint = 0;
  uint64_t dramOffset = 0;
  /// The ONNX TensorProto.DataType the model declares when the program
  /// holds the tensor in another type (an int8 output held in i32, a bool
  /// in bf16 0 / 1): `tern run` writes the output in that type. 0: the
  /// held type.
  int32_t onnxType = 0;
  uint64_t numElements() const;
  uint64_t bytes() const { return numElements() * dtypeBytes(dtype); }
};

struct Segment {
  uint64_t dramOffset = 0;
  unsigned bits = 8;
  uint64_t count = 0;
  std::vector<uint8_t> data; ///< packed
};

/// A debug-map string shared by the entries that hold it: a compiled model
/// repeats one ONNX node's name over thousands of tile instructions (3.5 M
/// entries for ViT-B/16, which as separate strings took ~300 MB).
class DebugLoc {
public:
  DebugLoc() = default;
  DebugLoc(std::string s)
      : s(s.empty() ? nullptr
                    : std::make_shared<const std::string>(std::move(s))) {}
  DebugLoc(const char *s) : DebugLoc(std::string(s)) {}
  const std::string &str() const { return s ? *s : emptyString(); }
  operator const std::string &() const { return str(); }
  bool empty() const { return !s; }
  friend bool operator==(const DebugLoc &a, llvm::StringRef b) {
    return llvm::StringRef(a.str()) == b;
  }
  friend bool operator!=(const DebugLoc &a, llvm::StringRef b) {
    return !(a == b);
  }

private:
  static const std::string &emptyString() {
    static const std::string empty;
    return empty;
  }
  std::shared_ptr<const std::string> s;
};

struct DebugEntry {
  uint32_t insn = 0;
  DebugLoc loc;
};

struct ProgramImage {
  std::string targetName;
  std::string targetJson;
  uint64_t dramSize = 0;
  std::vector<isa::Word> code;
  std::vector<Segment> constants;
  std::vector<TensorDesc> inputs, outputs;
  std::vector<DebugEntry> debug;
  /// Frozen base weights: constant weight tensors of the model's linear
  /// layers (the target of --weight-noise); see Program.fbs.
  std::vector<TensorDesc> weights;
  /// A train step's optimizer ("adam lr=.. beta1=.. ..."); see Program.fbs.
  std::string optimizer;
  /// Where each core's instruction stream starts in `code` (Program.fbs
  /// `core_starts`); empty: one core.
  std::vector<uint32_t> coreStarts;
};

/// The instruction range [begin, end) of each core's stream: one range
/// covering the code when \p coreStarts is empty.
std::vector<std::pair<uint32_t, uint32_t>>
coreRanges(llvm::ArrayRef<uint32_t> coreStarts, size_t codeSize);

/// Checks a partitioned program's streams: starts begin at 0 and increase,
/// every stream ends with `end` (and holds no other), and all streams carry
/// the same sequence of `barrier` ids. Only the opcode byte of each word is
/// read, so this runs before decoding. A one-core program passes.
llvm::Error validateCoreStreams(llvm::ArrayRef<isa::Word> code,
                                llvm::ArrayRef<uint32_t> coreStarts);

/// Packs values (each must fit \p bits as a signed integer) per Program.fbs.
llvm::Expected<std::vector<uint8_t>> packValues(llvm::ArrayRef<int64_t> values,
                                                unsigned bits);
/// Unpacks \p count values into one sign-extended byte each.
void unpackValues(llvm::ArrayRef<uint8_t> packed, unsigned bits, uint64_t count,
                  uint8_t *out);
/// Bytes of packed storage for \p count values.
uint64_t packedBytes(uint64_t count, unsigned bits);

/// Checks internal consistency (segments/I/O inside DRAM, sizes).
llvm::Error validate(const ProgramImage &p);

/// Where a constant segment's values go: `count` bytes at `dramOffset`.
struct ConstantRange {
  uint64_t dramOffset = 0, count = 0;
};
/// validate()'s checks that need only metadata (segments and tensors inside
/// DRAM, tensor shapes), for a loader that checked the segments' data sizes
/// itself and holds no copy of them.
llvm::Error validateLayout(uint64_t dramSize,
                           llvm::ArrayRef<ConstantRange> constants,
                           const std::vector<TensorDesc> &inputs,
                           const std::vector<TensorDesc> &outputs,
                           const std::vector<TensorDesc> &weights);

/// Serialises deterministically: the same image gives the same bytes.
std::vector<uint8_t> serialize(const ProgramImage &p);
/// serialize, handing the finished bytes to `write` in place (no copy of
/// the file in a vector): what `tern compile` uses for large programs.
void serialize(const ProgramImage &p,
               llvm::function_ref<void(llvm::ArrayRef<uint8_t>)> write);

/// A verified program file. The code, the constants and the debug map stay
/// in the (mapped) buffer: loading copies only the small metadata, so a
/// program of millions of instructions loads in the time the verifier takes.
class LoadedProgram {
public:
  static llvm::Expected<std::unique_ptr<LoadedProgram>>
  loadFile(llvm::StringRef path);
  static llvm::Expected<std::unique_ptr<LoadedProgram>>
  loadBuffer(std::unique_ptr<llvm::MemoryBuffer> buf);

  /// Segment data are views into the buffer.
  struct SegmentView {
    uint64_t dramOffset;
    unsigned bits;
    uint64_t count;
    llvm::ArrayRef<uint8_t> data;
  };
  std::string targetName, targetJson;
  uint64_t dramSize = 0;
  /// The code section: a view into the buffer (a copy on a big-endian
  /// host, the file being little-endian).
  llvm::ArrayRef<isa::Word> code;
  std::vector<SegmentView> constants;
  std::vector<TensorDesc> inputs, outputs;
  std::vector<TensorDesc> weights;
  std::string optimizer;
  std::vector<uint32_t> coreStarts; ///< ProgramImage::coreStarts
  uint64_t fileSize() const { return buffer->getBufferSize(); }

  /// The debug map, read in place, in file order (which need not be by
  /// instruction).
  struct DebugRef {
    uint32_t insn;
    llvm::StringRef loc;
  };
  size_t debugSize() const;
  DebugRef debugEntry(size_t i) const;
  /// The location (layer) of instruction `insn`, "" when the map has none;
  /// of several entries for one instruction, the first in file order.
  /// Binary search over the entries (or, when the file's entries are not in
  /// instruction order, over an index sorted once at load), after trying
  /// the previous answer and the position after it.
  llvm::StringRef locationRef(uint32_t insn) const;
  std::string locationOf(uint32_t insn) const {
    return locationRef(insn).str();
  }

  /// Copies the whole program (constant bytes included) into an image.
  ProgramImage toImage() const;

private:
  std::unique_ptr<llvm::MemoryBuffer> buffer;
  /// The file's debug vector (a FlatBuffers vector of DebugEntry tables).
  const void *debugTable = nullptr;
  /// Entry indices stably sorted by instruction, only when the file's
  /// entries are not already in instruction order.
  std::vector<uint32_t> debugOrder;
  std::vector<isa::Word> codeCopy; ///< big-endian hosts only
  /// Where the last lookup landed: walks in instruction order (traces,
  /// statistics) find the next answer there without a search.
  mutable std::atomic<size_t> debugCursor{0};
};

} // namespace tern::rt::program

#endif
