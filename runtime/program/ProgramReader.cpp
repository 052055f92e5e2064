//===- ProgramReader.cpp - Verify and load a program file -------------------===//
//
// Order matters: the identifier and the FlatBuffers Verifier run before any
// field is read, then the version, then semantic checks (validate()). The
// file is memory-mapped and constant segments stay views into it.
//
//===----------------------------------------------------------------------===//

#include "runtime/program/Program.h"
#include "runtime/program/Program_generated.h"

#include "llvm/Support/SwapByteOrder.h"

#include <algorithm>
#include <limits>

using namespace llvm;

namespace tern::rt::program {

namespace {
/// FlatBuffers 2.0.8's Verifier checks a vector only for the alignment of its
/// 4-byte length field, so a crafted file can put a [long]/[ulong] vector at
/// an address that is not 8-aligned, and every read of it is then undefined
/// behaviour (UBSan: misaligned load; a trap on strict-alignment hosts).
/// Checked before any element is read. An empty vector has nothing to read
/// and FlatBuffers does not align it (a scalar tensor's shape).
template <typename T> bool isAligned(const flatbuffers::Vector<T> *v) {
  return !v || v->size() == 0 ||
         reinterpret_cast<uintptr_t>(v->data()) % alignof(T) == 0;
}

Error misaligned(StringRef what) {
  return createStringError(inconvertibleErrorCode(),
                           "corrupted program file (%s is not aligned to 8 "
                           "bytes)",
                           what.str().c_str());
}
} // namespace

Expected<std::unique_ptr<LoadedProgram>>
LoadedProgram::loadFile(StringRef path) {
  ErrorOr<std::unique_ptr<MemoryBuffer>> buf =
      MemoryBuffer::getFile(path, /*IsText=*/false,
                            /*RequiresNullTerminator=*/false);
  if (!buf)
    return createStringError(buf.getError(), "cannot read program '%s': %s",
                             path.str().c_str(),
                             buf.getError().message().c_str());
  Expected<std::unique_ptr<LoadedProgram>> p = loadBuffer(std::move(*buf));
  if (!p)
    return createStringError(inconvertibleErrorCode(), "%s: %s",
                             path.str().c_str(),
                             toString(p.takeError()).c_str());
  return p;
}

Expected<std::unique_ptr<LoadedProgram>>
LoadedProgram::loadBuffer(std::unique_ptr<MemoryBuffer> buf) {
  const auto *bytes = reinterpret_cast<const uint8_t *>(buf->getBufferStart());
  size_t size = buf->getBufferSize();
  if (size < 8 || !fb::ProgramBufferHasIdentifier(bytes))
    return createStringError(inconvertibleErrorCode(),
                             "not a Tern program (missing 'TERN' file "
                             "identifier; truncated or corrupted?)");
  // FlatBuffers' default limit of 10^6 tables bounds verification time; a
  // compiled ViT-B/16 has 3.5 M debug entries (one table each). Every table
  // takes at least 4 bytes, so size / 4 keeps the bound linear in the file.
  flatbuffers::Verifier::Options options;
  options.max_tables = static_cast<flatbuffers::uoffset_t>(
      std::min<size_t>(std::max<size_t>(options.max_tables, size / 4),
                       std::numeric_limits<flatbuffers::uoffset_t>::max()));
  flatbuffers::Verifier verifier(bytes, size, options);
  if (!fb::VerifyProgramBuffer(verifier))
    return createStringError(inconvertibleErrorCode(),
                             "corrupted or truncated program file "
                             "(FlatBuffers verification failed)");
  const fb::Program *root = fb::GetProgram(bytes);
  if (root->version() != kFormatVersion)
    return createStringError(inconvertibleErrorCode(),
                             "unsupported program format version %u (this "
                             "runtime reads version %u)",
                             root->version(), kFormatVersion);
  auto p = std::unique_ptr<LoadedProgram>(new LoadedProgram());
  p->targetName = root->target_name() ? root->target_name()->str() : "";
  p->targetJson = root->target_json() ? root->target_json()->str() : "";
  p->dramSize = root->dram_size();
  if (const auto *code = root->code()) {
    if (!isAligned(code))
      return misaligned("the code section");
    if (code->size() % 2)
      return createStringError(inconvertibleErrorCode(),
                               "code section has an odd number of 64-bit "
                               "halves (%u)",
                               code->size());
    static_assert(sizeof(isa::Word) == 16 && alignof(isa::Word) == 8,
                  "a Word is the file's two ulongs");
    if (llvm::sys::IsLittleEndianHost) {
      p->code = ArrayRef<isa::Word>(
          reinterpret_cast<const isa::Word *>(code->data()), code->size() / 2);
    } else {
      p->codeCopy.reserve(code->size() / 2);
      for (unsigned i = 0; i < code->size(); i += 2)
        p->codeCopy.push_back({code->Get(i), code->Get(i + 1)});
      p->code = p->codeCopy;
    }
  }
  std::vector<ConstantRange> ranges; // for validateLayout(); sizes checked here
  if (const auto *segs = root->constants())
    for (unsigned i = 0; i < segs->size(); ++i) {
      const fb::Segment *s = segs->Get(i);
      ArrayRef<uint8_t> data;
      if (s->data())
        data = ArrayRef<uint8_t>(s->data()->data(), s->data()->size());
      if (s->bits() != 8 && s->bits() != 6 && s->bits() != 4)
        return createStringError(inconvertibleErrorCode(),
                                 "constant segment %u: width %u is not 8, 6 "
                                 "or 4 bits",
                                 i, s->bits());
      if (data.size() != packedBytes(s->count(), s->bits()))
        return createStringError(inconvertibleErrorCode(),
                                 "constant segment %u: %zu bytes of data for "
                                 "%llu values of %u bits",
                                 i, data.size(),
                                 (unsigned long long)s->count(), s->bits());
      p->constants.push_back({s->dram_offset(), s->bits(), s->count(), data});
      ranges.push_back({s->dram_offset(), s->count()});
    }
  auto readTensors = [&](const flatbuffers::Vector<
                             flatbuffers::Offset<fb::TensorDesc>> *list,
                         std::vector<TensorDesc> &out) -> Error {
    if (!list)
      return Error::success();
    for (unsigned i = 0; i < list->size(); ++i) {
      const fb::TensorDesc *t = list->Get(i);
      TensorDesc d;
      d.name = t->name() ? t->name()->str() : "";
      if (!isAligned(t->shape()))
        return misaligned("the shape of tensor '" + d.name + "'");
      if (t->shape())
        d.shape.assign(t->shape()->begin(), t->shape()->end());
      if (static_cast<unsigned>(t->dtype()) > static_cast<unsigned>(DType::I6))
        return createStringError(inconvertibleErrorCode(),
                                 "tensor '%s' has unknown dtype %u",
                                 d.name.c_str(), unsigned(t->dtype()));
      d.dtype = static_cast<DType>(t->dtype());
      d.scale = t->scale();
      d.zeroPoint = t->zero_point();
      d.dramOffset = t->dram_offset();
      d.onnxType = t->onnx_type();
      if (d.onnxType != 0 && !onnxTypeHeldBy(d.onnxType, d.dtype))
        return createStringError(
            inconvertibleErrorCode(),
            "tensor '%s' declares ONNX element type %d, which a program "
            "cannot hold in %s",
            d.name.c_str(), int(d.onnxType), dtypeName(d.dtype).str().c_str());
      out.push_back(std::move(d));
    }
    return Error::success();
  };
  if (Error e = readTensors(root->inputs(), p->inputs))
    return std::move(e);
  if (Error e = readTensors(root->outputs(), p->outputs))
    return std::move(e);
  if (Error e = readTensors(root->weights(), p->weights))
    return std::move(e);
  if (root->optimizer())
    p->optimizer = root->optimizer()->str();
  if (const auto *starts = root->core_starts()) {
    if (!isAligned(starts))
      return misaligned("the core start table");
    p->coreStarts.assign(starts->begin(), starts->end());
  }
  if (Error e = validateCoreStreams(p->code, p->coreStarts))
    return std::move(e);
  if (const auto *dbg = root->debug()) {
    // Compilers and the assembler write the map in instruction order; only
    // a file that is not gets an index (lookups stay binary searches).
    p->debugTable = dbg;
    bool sorted = true;
    for (unsigned i = 1; i < dbg->size() && sorted; ++i)
      sorted = dbg->Get(i - 1)->insn() <= dbg->Get(i)->insn();
    if (!sorted) {
      p->debugOrder.resize(dbg->size());
      for (unsigned i = 0; i < dbg->size(); ++i)
        p->debugOrder[i] = i;
      std::stable_sort(p->debugOrder.begin(), p->debugOrder.end(),
                       [dbg](uint32_t a, uint32_t b) {
                         return dbg->Get(a)->insn() < dbg->Get(b)->insn();
                       });
    }
  }
  if (Error e = validateLayout(p->dramSize, ranges, p->inputs, p->outputs,
                               p->weights))
    return std::move(e);
  p->buffer = std::move(buf);
  return p;
}

ProgramImage LoadedProgram::toImage() const {
  ProgramImage img;
  img.targetName = targetName;
  img.targetJson = targetJson;
  img.dramSize = dramSize;
  img.code.assign(code.begin(), code.end());
  for (const SegmentView &s : constants)
    img.constants.push_back(
        {s.dramOffset, s.bits, s.count, std::vector<uint8_t>(s.data.begin(),
                                                             s.data.end())});
  img.inputs = inputs;
  img.outputs = outputs;
  img.debug.reserve(debugSize());
  for (size_t i = 0; i < debugSize(); ++i) {
    DebugRef d = debugEntry(i);
    img.debug.push_back({d.insn, d.loc.str()});
  }
  img.weights = weights;
  img.optimizer = optimizer;
  img.coreStarts = coreStarts;
  return img;
}

namespace {
using DebugTable = flatbuffers::Vector<flatbuffers::Offset<fb::DebugEntry>>;
} // namespace

size_t LoadedProgram::debugSize() const {
  return debugTable ? static_cast<const DebugTable *>(debugTable)->size() : 0;
}

LoadedProgram::DebugRef LoadedProgram::debugEntry(size_t i) const {
  const fb::DebugEntry *e = static_cast<const DebugTable *>(debugTable)
                                ->Get(static_cast<flatbuffers::uoffset_t>(i));
  StringRef loc;
  if (const flatbuffers::String *s = e->loc())
    loc = StringRef(s->c_str(), s->size());
  return {e->insn(), loc};
}

StringRef LoadedProgram::locationRef(uint32_t insn) const {
  size_t n = debugSize();
  if (!n)
    return "";
  const auto *table = static_cast<const DebugTable *>(debugTable);
  auto entry = [&](size_t k) {
    return debugOrder.empty() ? static_cast<uint32_t>(k) : debugOrder[k];
  };
  auto insnAt = [&](size_t k) { return table->Get(entry(k))->insn(); };
  // First position whose entry's instruction is >= insn: `at` is it when
  // the entry before it (if any) is < insn and its own (if any) >= insn.
  auto isLowerBound = [&](size_t at) {
    return at <= n && (at == 0 || insnAt(at - 1) < insn) &&
           (at == n || insnAt(at) >= insn);
  };
  size_t hint = debugCursor.load(std::memory_order_relaxed);
  size_t lo;
  if (isLowerBound(hint)) {
    lo = hint;
  } else if (isLowerBound(hint + 1)) {
    lo = hint + 1;
  } else {
    lo = 0;
    size_t hi = n;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (insnAt(mid) < insn)
        lo = mid + 1;
      else
        hi = mid;
    }
  }
  debugCursor.store(lo, std::memory_order_relaxed);
  if (lo == n || table->Get(entry(lo))->insn() != insn)
    return "";
  return debugEntry(entry(lo)).loc;
}

} // namespace tern::rt::program
