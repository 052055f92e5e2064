//===- ProgramFileTest.cpp - Program container and assembly round trips ----===//

#include "runtime/asm/Assembler.h"
#include "runtime/driver/Session.h"
#include "runtime/program/Program.h"
#include "runtime/program/Program_generated.h"
#include "runtime/targets/Preset.h"

#include "gtest/gtest.h"

using namespace tern::rt;
using namespace tern::rt::program;

namespace {
const char *kSource = R"(
.target tern-edge
.dram 8192
.input "x", i8, [4, 16], 0x0, scale=0.125, zp=0
.output "y/out:0", i32, [4, 8], 0x1000, scale=0.001953125, zp=-3
.const 0x800, i8, 1, -2, 3, -128, 127
.const 0x900, i4, -8, 7, 1, -1, 0
.const 0xa00, i6, -32, 31, 5, -6
.const 0xb00, bf16, 1.5, -2.0
.loc "encoder/0/matmul"
load spad=act, saddr=0, dram=0x0, rows=4, cols=16, stride=16
push from=load, to=compute
pop from=load, to=compute
.loc ""
cfg.mode mode=tataa
cfg.ireg rd=3, value=-5
end
)";

llvm::Expected<ProgramImage> build() { return assembler::assemble(kSource, "t.s"); }
} // namespace

TEST(ProgramFile, SerialisationIsDeterministic) {
  auto a = build(), b = build();
  ASSERT_TRUE(!!a) << llvm::toString(a.takeError());
  ASSERT_TRUE(!!b) << llvm::toString(b.takeError());
  EXPECT_EQ(serialize(*a), serialize(*b));
  EXPECT_EQ(serialize(*a), serialize(*a));
}

TEST(ProgramFile, AsmDisasmAsmIsByteIdentical) {
  auto a = build();
  ASSERT_TRUE(!!a) << llvm::toString(a.takeError());
  std::string text = assembler::disassemble(*a);
  auto b = assembler::assemble(text, "roundtrip.s");
  ASSERT_TRUE(!!b) << llvm::toString(b.takeError()) << "\n" << text;
  EXPECT_EQ(serialize(*a), serialize(*b)) << text;
  EXPECT_NE(text.find(".loc \"encoder/0/matmul\""), std::string::npos);
}

TEST(ProgramFile, EmbeddedCustomPresetRoundTrips) {
  auto base = tern::rt::targets::loadPreset("tern-edge");
  ASSERT_TRUE(!!base);
  std::string json = base->second;
  json.replace(json.find("\"tern-edge\""), 11, "\"my \\\"edge\\\"\"");
  std::string quoted = "\"";
  for (char c : json) {
    if (c == '"' || c == '\\')
      quoted += '\\';
    if (c == '\n') {
      quoted += "\\n";
      continue;
    }
    quoted += c;
  }
  quoted += "\"";
  auto a = assembler::assemble(".target_json " + quoted + "\n.dram 64\nend\n",
                               "p.s");
  ASSERT_TRUE(!!a) << llvm::toString(a.takeError());
  EXPECT_EQ(a->targetName, "my \"edge\"");
  std::string text = assembler::disassemble(*a);
  EXPECT_EQ(text.rfind(".target_json ", 0), 0u) << text;
  auto b = assembler::assemble(text, "p2.s");
  ASSERT_TRUE(!!b) << llvm::toString(b.takeError()) << text;
  EXPECT_EQ(serialize(*a), serialize(*b));
}

TEST(ProgramFile, LoadReadsBackEverything) {
  auto a = build();
  ASSERT_TRUE(!!a);
  std::vector<uint8_t> bytes = serialize(*a);
  auto buf = llvm::MemoryBuffer::getMemBufferCopy(
      llvm::StringRef(reinterpret_cast<const char *>(bytes.data()),
                      bytes.size()));
  auto p = LoadedProgram::loadBuffer(std::move(buf));
  ASSERT_TRUE(!!p) << llvm::toString(p.takeError());
  EXPECT_EQ((*p)->targetName, "tern-edge");
  EXPECT_EQ((*p)->dramSize, 8192u);
  ASSERT_EQ((*p)->code.size(), 6u);
  EXPECT_EQ((*p)->code, llvm::ArrayRef<tern::rt::isa::Word>(a->code));
  ASSERT_EQ((*p)->outputs.size(), 1u);
  EXPECT_EQ((*p)->outputs[0].name, "y/out:0");
  EXPECT_EQ((*p)->outputs[0].zeroPoint, -3);
  EXPECT_EQ((*p)->locationOf(0), "encoder/0/matmul");
  EXPECT_EQ((*p)->locationOf(3), "");
  ASSERT_EQ((*p)->constants.size(), 4u);
  // 4-bit packing: -8 7 1 -1 0 -> nibbles 8,7,1,F,0 -> bytes 0x78 0xF1 0x00.
  EXPECT_EQ((*p)->constants[1].bits, 4u);
  EXPECT_EQ(std::vector<uint8_t>((*p)->constants[1].data.begin(),
                                 (*p)->constants[1].data.end()),
            (std::vector<uint8_t>{0x78, 0xF1, 0x00}));
  EXPECT_EQ(reinterpret_cast<uintptr_t>((*p)->constants[1].data.data()) % 16,
            0u);
}

// The optimizer record of a train step (absent otherwise): read back as
// written, and left out of files without one (their bytes do not change).
TEST(ProgramFile, OptimizerRecordRoundTrips) {
  auto a = build();
  ASSERT_TRUE(!!a);
  std::vector<uint8_t> plain = serialize(*a);
  a->optimizer = "adam lr=0.001 beta1=0.9 beta2=0.999 eps=1e-08";
  std::vector<uint8_t> bytes = serialize(*a);
  EXPECT_GT(bytes.size(), plain.size());
  for (const std::vector<uint8_t> *file : {&plain, &bytes}) {
    auto p = LoadedProgram::loadBuffer(llvm::MemoryBuffer::getMemBufferCopy(
        llvm::StringRef(reinterpret_cast<const char *>(file->data()),
                        file->size())));
    ASSERT_TRUE(!!p) << llvm::toString(p.takeError());
    EXPECT_EQ((*p)->optimizer, file == &plain ? "" : a->optimizer);
    EXPECT_EQ((*p)->toImage().optimizer, (*p)->optimizer);
  }
}

TEST(ProgramFile, PackUnpackRoundTrip) {
  for (unsigned bits : {4u, 6u, 8u}) {
    std::vector<int64_t> v;
    int64_t lo = -(int64_t(1) << (bits - 1)), hi = -lo - 1;
    for (int64_t x = lo; x <= hi; ++x)
      v.push_back(x);
    auto packed = packValues(v, bits);
    ASSERT_TRUE(!!packed);
    EXPECT_EQ(packed->size(), packedBytes(v.size(), bits));
    std::vector<uint8_t> out(v.size());
    unpackValues(*packed, bits, v.size(), out.data());
    for (size_t i = 0; i < v.size(); ++i)
      EXPECT_EQ(static_cast<int8_t>(out[i]), v[i]) << bits;
  }
  // 6-bit: values 1, 2 -> bits 000001 000010 -> 0x81 0x00.
  auto p6 = packValues({1, 2}, 6);
  ASSERT_TRUE(!!p6);
  EXPECT_EQ(*p6, (std::vector<uint8_t>{0x81, 0x00}));
  EXPECT_FALSE(!!packValues({8}, 4)) << "8 does not fit i4";
}

namespace {
std::string loadError(std::vector<uint8_t> bytes) {
  auto buf = llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(
      reinterpret_cast<const char *>(bytes.data()), bytes.size()));
  auto p = LoadedProgram::loadBuffer(std::move(buf));
  if (p)
    return "";
  return llvm::toString(p.takeError());
}
} // namespace

TEST(ProgramFile, TruncatedAndCorruptedAreRejected) {
  auto a = build();
  ASSERT_TRUE(!!a);
  std::vector<uint8_t> bytes = serialize(*a);
  for (size_t n : {size_t(0), size_t(4), size_t(12), bytes.size() / 2,
                   bytes.size() - 1}) {
    std::vector<uint8_t> t(bytes.begin(), bytes.begin() + n);
    EXPECT_NE(loadError(t), "") << "truncated to " << n;
  }
  std::vector<uint8_t> badId = bytes;
  badId[4] = 'X';
  EXPECT_NE(loadError(badId).find("not a Tern program"), std::string::npos);
  std::vector<uint8_t> badRoot = bytes;
  badRoot[0] = 0xFF;
  badRoot[1] = 0xFF;
  EXPECT_NE(loadError(badRoot).find("corrupted or truncated"),
            std::string::npos);
  // Every single-byte corruption must fail cleanly or load a valid program;
  // never crash (ASan/UBSan builds check the "cleanly").
  for (size_t i = 0; i < bytes.size(); i += 7) {
    std::vector<uint8_t> c = bytes;
    c[i] ^= 0xA5;
    (void)loadError(c);
  }
}

TEST(ProgramFile, WrongVersionIsRejected) {
  flatbuffers::FlatBufferBuilder fbb;
  auto root = fb::CreateProgram(fbb, kFormatVersion + 1);
  fb::FinishProgramBuffer(fbb, root);
  std::vector<uint8_t> bytes(fbb.GetBufferPointer(),
                             fbb.GetBufferPointer() + fbb.GetSize());
  EXPECT_NE(loadError(bytes).find("unsupported program format version 2"),
            std::string::npos)
      << loadError(bytes);
}

// An output's declared ONNX type round trips; one its held type cannot
// hold (written past the assembler, which refuses it) is refused on load,
// naming the tensor.
TEST(ProgramFile, DeclaredOnnxTypeIsCheckedOnLoad) {
  auto img = assembler::assemble(".output \"y\", i32, [2], 0x0, onnx=int64\n"
                                 "end\n",
                                 "o.s");
  ASSERT_TRUE(!!img) << llvm::toString(img.takeError());
  EXPECT_EQ(img->outputs[0].onnxType, 7);
  EXPECT_EQ(loadError(serialize(*img)), "");
  img->outputs[0].dtype = DType::F32;
  EXPECT_NE(loadError(serialize(*img))
                .find("tensor 'y' declares ONNX element type 7, which a "
                      "program cannot hold in f32"),
            std::string::npos)
      << loadError(serialize(*img));
}

// A partitioned program's streams are checked when the file is loaded
// (files not written by the assembler, which checks the same).
TEST(ProgramFile, CoreStreamsAreCheckedOnLoad) {
  auto img = assembler::assemble(".core 0\nbarrier id=0\nend\n"
                                 ".core 1\nbarrier id=0\nend\n",
                                 "cores.s");
  ASSERT_TRUE(!!img) << llvm::toString(img.takeError());
  ASSERT_EQ(img->coreStarts, (std::vector<uint32_t>{0, 2}));
  EXPECT_EQ(loadError(serialize(*img)), "");
  auto errorWith = [&](std::vector<uint32_t> starts) {
    ProgramImage bad = *img;
    bad.coreStarts = std::move(starts);
    return loadError(serialize(bad));
  };
  EXPECT_NE(errorWith({1, 2}).find("core 0's stream starts at instruction 1, "
                                   "not 0"),
            std::string::npos);
  EXPECT_NE(errorWith({0, 4}).find("core 1's stream starts at instruction 4: "
                                   "starts must increase and lie inside the 4 "
                                   "instructions"),
            std::string::npos);
  EXPECT_NE(errorWith({0, 1}).find("core 0's stream (instructions 0..0) does "
                                   "not end with 'end'"),
            std::string::npos);
  EXPECT_NE(errorWith({0, 3}).find("core 0's stream has 'end' at instruction 1 "
                                   "before its last instruction 2"),
            std::string::npos);
}

TEST(ProgramFile, ConstantOutsideDramIsRejected) {
  auto img = assembler::assemble(".dram 16\n.const 0x10, i8, 1\nend\n", "c.s");
  ASSERT_FALSE(!!img);
  EXPECT_NE(llvm::toString(img.takeError()).find("outside the program's DRAM"),
            std::string::npos);
}

TEST(Assembler, ErrorsNameFileLineColumn) {
  struct Case {
    const char *src, *msg;
  } cases[] = {
      {"end\nfoo x=1\n", "bad.s:2:1: unknown instruction 'foo'"},
      {"gemm dst=0, bogus=1\n", "bad.s:1:13: 'gemm' has no field 'bogus'"},
      {"cfg.len rd=0, value=5000\n",
       "bad.s:1:21: value 5000 does not fit the 12-bit field 'value'"},
      {"load spad=foo\n", "bad.s:1:11: 'foo' is not a valid value of field "
                          "'spad'"},
      {".target nowhere\n", "bad.s:1:9: unknown target preset 'nowhere'"},
      {"cfg.len rd=0, rd=1\n", "bad.s:1:15: field 'rd' given twice"},
      {".const 0x0, i8, 300\n", "bad.s:1:13: i8 constant out of range"},
  };
  for (const Case &c : cases) {
    auto img = assembler::assemble(c.src, "bad.s");
    ASSERT_FALSE(!!img) << c.src;
    std::string msg = llvm::toString(img.takeError());
    EXPECT_NE(msg.find(c.msg), std::string::npos) << msg;
  }
}

//===----------------------------------------------------------------------===//
// Fuzzer findings (test/Fuzz, docs/Fuzzing.md).
//===----------------------------------------------------------------------===//

// A shape whose size wraps to 0 modulo 2^64 used to pass the DRAM check with
// its wrapped size.
TEST(ProgramFile, ShapeSizeOverflowIsRejected) {
  ProgramImage img;
  img.targetName = "tern-edge";
  img.dramSize = 4096;
  img.code = {{0, 0}};
  TensorDesc t;
  t.name = "x";
  t.shape = {int64_t(1) << 33, int64_t(1) << 31};
  img.inputs.push_back(t);
  llvm::Error e = validate(img);
  ASSERT_TRUE(!!e);
  std::string msg = llvm::toString(std::move(e));
  EXPECT_NE(msg.find("tensor 'x': the size of shape [8589934592, 2147483648] "
                     "overflows 64 bits"),
            std::string::npos)
      << msg;
  EXPECT_NE(loadError(serialize(img)).find("overflows 64 bits"),
            std::string::npos);
}

// fuzz-program crash-8b15cb07: an input with a zero dimension reached
// memcpy with a null source (UBSan in the sanitizer build); an empty input
// must bind and run.
TEST(ProgramFile, EmptyInputRuns) {
  auto img = assembler::assemble(".target tern-edge\n.dram 4096\n"
                                 ".input \"x\", i8, [0, 4], 0x0\nend\n",
                                 "e.s");
  ASSERT_TRUE(!!img) << llvm::toString(img.takeError());
  std::vector<uint8_t> bytes = serialize(*img);
  auto loaded = LoadedProgram::loadBuffer(llvm::MemoryBuffer::getMemBufferCopy(
      llvm::StringRef(reinterpret_cast<const char *>(bytes.data()),
                      bytes.size())));
  ASSERT_TRUE(!!loaded) << llvm::toString(loaded.takeError());
  auto session = driver::Session::create(std::move(*loaded));
  ASSERT_TRUE(!!session) << llvm::toString(session.takeError());
  llvm::StringMap<io::Tensor> inputs;
  io::Tensor x;
  x.type = io::ElemType::I8;
  x.shape = {0, 4};
  inputs["x"] = x;
  auto out = (*session)->run(inputs);
  EXPECT_TRUE(!!out) << llvm::toString(out.takeError());
}

// FlatBuffers leaves an empty vector unaligned: a rank-0 tensor's shape must
// not be taken for a misaligned (corrupted) one.
TEST(ProgramFile, ScalarTensorLoads) {
  auto img = assembler::assemble(".target tern-edge\n.dram 4096\n"
                                 ".input \"x\", bf16, [3], 0x0\n"
                                 ".input \"r\", bf16, [], 0x80\n"
                                 ".output \"y\", bf16, [3], 0x0\nend\n",
                                 "s.s");
  ASSERT_TRUE(!!img) << llvm::toString(img.takeError());
  // Try both parities of the vector's placement.
  for (const char *name : {"r", "rr"}) {
    img->inputs[1].name = name;
    std::vector<uint8_t> bytes = serialize(*img);
    auto loaded = LoadedProgram::loadBuffer(
        llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(
            reinterpret_cast<const char *>(bytes.data()), bytes.size())));
    ASSERT_TRUE(!!loaded) << llvm::toString(loaded.takeError());
    ASSERT_EQ((*loaded)->inputs.size(), 2u);
    EXPECT_TRUE((*loaded)->inputs[1].shape.empty());
  }
}

// More tables than FlatBuffers' default verifier limit (10^6): one debug
// entry per instruction, as in a compiled ViT-B/16 (3.5 M).
TEST(ProgramFile, MoreThanAMillionDebugEntriesLoad) {
  auto img = build();
  ASSERT_TRUE(!!img);
  const uint32_t n = 1100000;
  img->debug.clear();
  img->debug.reserve(n);
  for (uint32_t i = 0; i < n; ++i)
    img->debug.push_back({i % 6, "n"});
  std::vector<uint8_t> bytes = serialize(*img);
  auto loaded = LoadedProgram::loadBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(
          reinterpret_cast<const char *>(bytes.data()), bytes.size())));
  ASSERT_TRUE(!!loaded) << llvm::toString(loaded.takeError());
  EXPECT_EQ((*loaded)->debugSize(), n);
}

// The debug map is read in place; a file whose entries are not in
// instruction order (written by hand or by another tool) still answers every
// lookup, the first entry in file order winning among duplicates, and the
// entries read back in file order.
TEST(ProgramFile, UnsortedDebugEntriesLookUpInOrder) {
  auto img = build();
  ASSERT_TRUE(!!img);
  img->debug = {{4, "d"}, {1, "b"}, {5, "e"}, {1, "b2"}, {0, "a"}, {2, ""}};
  std::vector<uint8_t> bytes = serialize(*img);
  auto loaded = LoadedProgram::loadBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(
          reinterpret_cast<const char *>(bytes.data()), bytes.size())));
  ASSERT_TRUE(!!loaded) << llvm::toString(loaded.takeError());
  const LoadedProgram &p = **loaded;
  ASSERT_EQ(p.debugSize(), 6u);
  EXPECT_EQ(p.debugEntry(0).insn, 4u);
  EXPECT_EQ(p.debugEntry(0).loc, "d");
  EXPECT_EQ(p.debugEntry(3).loc, "b2");
  EXPECT_EQ(p.locationOf(0), "a");
  EXPECT_EQ(p.locationOf(1), "b");
  EXPECT_EQ(p.locationRef(2), "");
  EXPECT_EQ(p.locationOf(3), "");
  EXPECT_EQ(p.locationOf(4), "d");
  EXPECT_EQ(p.locationOf(5), "e");
  EXPECT_EQ(p.locationOf(6), "");
  // The same answers in any order of lookups (a lookup starts where the
  // previous one landed).
  const char *expected[] = {"a", "b", "", "", "d", "e", ""};
  for (uint32_t i : {6u, 5u, 4u, 3u, 2u, 1u, 0u, 4u, 4u, 1u, 5u, 0u, 6u})
    EXPECT_EQ(p.locationOf(i), expected[i]) << "instruction " << i;
  // toImage() keeps the file's order.
  ProgramImage back = p.toImage();
  ASSERT_EQ(back.debug.size(), 6u);
  EXPECT_EQ(back.debug[1].loc, "b");
  EXPECT_EQ(back.debug[3].loc, "b2");

  // In order (as compilers write it), and a program without a map.
  img->debug = {{0, "a"}, {0, "a2"}, {3, "c"}};
  bytes = serialize(*img);
  loaded = LoadedProgram::loadBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(
          reinterpret_cast<const char *>(bytes.data()), bytes.size())));
  ASSERT_TRUE(!!loaded) << llvm::toString(loaded.takeError());
  EXPECT_EQ((*loaded)->locationOf(0), "a");
  EXPECT_EQ((*loaded)->locationOf(1), "");
  EXPECT_EQ((*loaded)->locationOf(3), "c");
  EXPECT_EQ((*loaded)->locationOf(4), "");
  for (uint32_t i : {4u, 3u, 0u, 0u, 2u, 1u, 3u})
    EXPECT_EQ((*loaded)->locationOf(i), i == 0   ? "a"
                                        : i == 3 ? "c"
                                                 : "")
        << "instruction " << i;
  img->debug.clear();
  bytes = serialize(*img);
  loaded = LoadedProgram::loadBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(
          reinterpret_cast<const char *>(bytes.data()), bytes.size())));
  ASSERT_TRUE(!!loaded) << llvm::toString(loaded.takeError());
  EXPECT_EQ((*loaded)->debugSize(), 0u);
  EXPECT_EQ((*loaded)->locationOf(0), "");
}
