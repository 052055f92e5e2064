//===- TensorIOTest.cpp - .npy and TensorProto readers on good and bad files ===//

#include "runtime/io/Tensor.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include "gtest/gtest.h"

using namespace tern::rt::io;

namespace {
class TensorIO : public ::testing::Test {
protected:
  void SetUp() override {
    ASSERT_FALSE(llvm::sys::fs::createUniqueDirectory("tern-io", dir));
  }
  void TearDown() override { llvm::sys::fs::remove_directories(dir); }
  std::string path(const char *name) {
    llvm::SmallString<128> p(dir);
    llvm::sys::path::append(p, name);
    return p.str().str();
  }
  void writeRaw(const std::string &p, const std::string &bytes) {
    std::error_code ec;
    llvm::raw_fd_ostream os(p, ec);
    ASSERT_FALSE(ec);
    os << bytes;
  }
  std::string error(llvm::Expected<Tensor> t) {
    return t ? "" : llvm::toString(t.takeError());
  }
  llvm::SmallString<128> dir;
};

std::string npyHeader(const std::string &dict) {
  std::string h = dict;
  size_t total = 10 + h.size() + 1;
  h.append((64 - total % 64) % 64, ' ');
  h += '\n';
  std::string out = "\x93NUMPY";
  out += char(1);
  out += char(0);
  out += char(h.size() & 0xFF);
  out += char(h.size() >> 8);
  return out + h;
}
} // namespace

TEST_F(TensorIO, NpyRoundTrip) {
  Tensor t;
  t.type = ElemType::I32;
  t.shape = {2, 3};
  for (int32_t v : {1, -2, 3, 400000, -5, 6})
    for (int b = 0; b < 4; ++b)
      t.data.push_back(static_cast<uint8_t>(static_cast<uint32_t>(v) >> (8 * b)));
  ASSERT_FALSE(!!writeNpy(path("a.npy"), t)) ;
  llvm::Expected<Tensor> r = readNpy(path("a.npy"));
  ASSERT_TRUE(!!r) << llvm::toString(r.takeError());
  EXPECT_EQ(r->type, ElemType::I32);
  EXPECT_EQ(r->shape, t.shape);
  EXPECT_EQ(r->data, t.data);
  // 1-D and 0-D shapes.
  Tensor s;
  s.type = ElemType::I8;
  s.shape = {3};
  s.data = {1, 2, 3};
  ASSERT_FALSE(!!writeNpy(path("b.npy"), s));
  auto rs = readNpy(path("b.npy"));
  ASSERT_TRUE(!!rs);
  EXPECT_EQ(rs->shape, std::vector<int64_t>{3});
}

TEST_F(TensorIO, BadNpyFilesAreRejected) {
  writeRaw(path("magic.npy"), "NOTNUMPY at all");
  EXPECT_NE(error(readNpy(path("magic.npy"))).find("missing the \\x93NUMPY"),
            std::string::npos);
  writeRaw(path("trunc.npy"),
           npyHeader("{'descr': '<i4', 'fortran_order': False, 'shape': (4,), }") +
               std::string(6, '\0'));
  EXPECT_NE(error(readNpy(path("trunc.npy"))).find("truncated data"),
            std::string::npos);
  writeRaw(path("fortran.npy"),
           npyHeader("{'descr': '<i4', 'fortran_order': True, 'shape': (1,), }") +
               std::string(4, '\0'));
  EXPECT_NE(error(readNpy(path("fortran.npy"))).find("Fortran-order"),
            std::string::npos);
  writeRaw(path("dtype.npy"),
           npyHeader("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }") +
               std::string(8, '\0'));
  EXPECT_NE(error(readNpy(path("dtype.npy"))).find("unsupported dtype '<c8'"),
            std::string::npos);
  std::string hdr = npyHeader("{'descr': '<i4', 'fortran_order': False, 'shape': (1,), }");
  writeRaw(path("hdr.npy"), hdr.substr(0, 20));
  EXPECT_NE(error(readNpy(path("hdr.npy"))), "");
  EXPECT_NE(error(readNpy(path("missing.npy"))).find("cannot read"),
            std::string::npos);
}

TEST_F(TensorIO, TensorProtoRoundTripAndGarbage) {
  Tensor t;
  t.type = ElemType::BF16;
  t.shape = {2};
  t.data = {0x80, 0x3F, 0xC0, 0xBF}; // 1.0, -1.5
  ASSERT_FALSE(!!writeTensorPb(path("t.pb"), "w", t));
  auto r = readTensorPb(path("t.pb"));
  ASSERT_TRUE(!!r) << llvm::toString(r.takeError());
  EXPECT_EQ(r->type, ElemType::BF16);
  EXPECT_EQ(r->data, t.data);
  writeRaw(path("bad.pb"), std::string("\xff\xff\xff\xff\x0f garbage", 13));
  EXPECT_NE(error(readTensorPb(path("bad.pb"))), "");
  auto viaExt = readTensorFile(path("t.pb"));
  EXPECT_TRUE(!!viaExt);
  if (!viaExt)
    llvm::consumeError(viaExt.takeError());
}

//===----------------------------------------------------------------------===//
// Fuzzer findings (test/Fuzz, docs/Fuzzing.md): each input once crashed a
// reader and must now give a clean error.
//===----------------------------------------------------------------------===//

namespace {
llvm::ArrayRef<uint8_t> bytesOf(const std::string &s) {
  return llvm::ArrayRef<uint8_t>(reinterpret_cast<const uint8_t *>(s.data()),
                                 s.size());
}
} // namespace

// fuzz-tensor crash-caa7a6b4: an INT8 TensorProto of 12 bytes with one
// dimension near 2^49 and no data made the reader allocate the whole tensor
// before comparing it with the (empty) payload.
TEST_F(TensorIO, FuzzHugeTensorProtoDimIsRefusedBeforeAllocating) {
  const std::string crash("\x90\x00\x03\x08\x8a\xf0\xf0\xf0\xf0\xf4\xf0\x00",
                          12);
  writeRaw(path("huge.pb"), crash);
  std::string msg = error(readTensorPb(path("huge.pb")));
  EXPECT_NE(msg.find("0 typed values for"), std::string::npos) << msg;
  // raw_data of the wrong size is refused the same way.
  msg = error(parseTensorPb(bytesOf(crash + std::string("\x4a\x01x", 3)),
                            "raw.pb"));
  EXPECT_NE(msg.find("raw_data holds 1 bytes"), std::string::npos) << msg;
}

// Dimensions whose product wraps around 2^64 used to pass the size checks
// with a tiny (wrapped) byte count and a shape claiming 2^124 elements.
TEST_F(TensorIO, ShapesWhoseSizeOverflowsAreRefused) {
  std::string npy =
      npyHeader("{'descr': '|i1', 'fortran_order': False, 'shape': "
                "(4611686018427387904, 4), }");
  std::string msg = error(parseNpy(bytesOf(npy), "wrap.npy"));
  EXPECT_NE(msg.find("overflows 64-bit sizes"), std::string::npos) << msg;
  // dims 2^62 and 4 (tag 0x08, varints), data_type INT8 (tag 0x10).
  std::string pb("\x08\x80\x80\x80\x80\x80\x80\x80\x80\x40\x08\x04\x10\x03",
                 14);
  msg = error(parseTensorPb(bytesOf(pb), "wrap.pb"));
  EXPECT_NE(msg.find("overflows 64-bit sizes"), std::string::npos) << msg;
  // A zero dimension makes any shape empty, not an overflow.
  std::string empty =
      npyHeader("{'descr': '<i4', 'fortran_order': False, 'shape': "
                "(0, 4611686018427387904, 8), }");
  llvm::Expected<Tensor> t = parseNpy(bytesOf(empty), "empty.npy");
  ASSERT_TRUE(!!t) << llvm::toString(t.takeError());
  EXPECT_TRUE(t->data.empty());
}

// fuzz-tensor crash-a7a6daab: a FLOAT TensorProto with dims [0] handed
// memcpy the null storage of the empty tensor. Empty tensors parse, with or
// without an (empty) raw_data field; non-empty data for them is refused.
TEST_F(TensorIO, EmptyTensorProtoParses) {
  const std::string crash("\x90\x00\x01\x08\x00", 5);
  for (const std::string &pb : {crash, crash + std::string("\x4a\x00", 2)}) {
    llvm::Expected<Tensor> t = parseTensorPb(bytesOf(pb), "empty.pb");
    ASSERT_TRUE(!!t) << llvm::toString(t.takeError());
    EXPECT_EQ(t->type, ElemType::F32);
    EXPECT_EQ(t->shape, std::vector<int64_t>{0});
    EXPECT_TRUE(t->data.empty());
  }
  std::string msg = error(
      parseTensorPb(bytesOf(crash + std::string("\x4a\x01x", 3)), "e.pb"));
  EXPECT_NE(msg.find("raw_data holds 1 bytes, shape needs 0"),
            std::string::npos)
      << msg;
}

// BOOL TensorProtos (ONNX's boolean inputs, e.g. a Where condition) read as
// one byte per element, from raw_data or int32_data; a value other than 0
// or 1 is refused with the element's index.
TEST_F(TensorIO, BoolTensorProtoReadsAndChecksValues) {
  // dims [3] (tag 0x08), data_type BOOL = 9 (tag 0x10).
  const std::string head("\x08\x03\x10\x09", 4);
  // raw_data (field 9, tag 0x4a) and packed int32_data (field 5, tag 0x2a).
  for (const std::string &payload : {std::string("\x4a\x03\x01\x00\x01", 5),
                                     std::string("\x2a\x03\x01\x00\x01", 5)}) {
    llvm::Expected<Tensor> t = parseTensorPb(bytesOf(head + payload), "b.pb");
    ASSERT_TRUE(!!t) << llvm::toString(t.takeError());
    EXPECT_EQ(t->type, ElemType::Bool);
    EXPECT_EQ(t->data, (std::vector<uint8_t>{1, 0, 1}));
  }
  std::string msg = error(parseTensorPb(
      bytesOf(head + std::string("\x4a\x03\x01\x02\x01", 5)), "raw.pb"));
  EXPECT_NE(msg.find("bool element 1 is 2 (not 0 or 1)"), std::string::npos)
      << msg;
  msg = error(parseTensorPb(
      bytesOf(head + std::string("\x2a\x03\x00\x00\x07", 5)), "i32.pb"));
  EXPECT_NE(msg.find("bool element 2 is 7 (not 0 or 1)"), std::string::npos)
      << msg;
  // What writeTensorPb writes for a Bool tensor reads back unchanged.
  Tensor b;
  b.type = ElemType::Bool;
  b.shape = {2, 2};
  b.data = {0, 1, 1, 0};
  ASSERT_FALSE(!!writeTensorPb(path("b.pb"), "c", b));
  llvm::Expected<Tensor> r = readTensorPb(path("b.pb"));
  ASSERT_TRUE(!!r) << llvm::toString(r.takeError());
  EXPECT_EQ(r->type, ElemType::Bool);
  EXPECT_EQ(r->data, b.data);
}

// UINT32 / UINT64 TensorProtos (test_max_uint32's inputs) read from raw_data
// or uint64_data (field 11), .npy '<u4' / '<u8' round-trip; a uint32 element
// past 32 bits in uint64_data is refused, and toInt64 refuses a uint64 past
// int64.
TEST_F(TensorIO, Uint32AndUint64TensorProtoAndNpy) {
  // dims [3], data_type UINT32 = 12 / UINT64 = 13.
  const std::string u32("\x08\x03\x10\x0c", 4), u64("\x08\x03\x10\x0d", 4);
  // 4294967295, 0, 3000000000 as packed uint64_data varints (tag 0x5a).
  const std::string typed(
      "\x5a\x0b\xff\xff\xff\xff\x0f\x00\x80\xbc\xc1\x96\x0b", 13);
  const std::vector<int64_t> values = {4294967295, 0, 3000000000};
  for (const std::string &head : {u32, u64}) {
    llvm::Expected<Tensor> t = parseTensorPb(bytesOf(head + typed), "u.pb");
    ASSERT_TRUE(!!t) << llvm::toString(t.takeError());
    EXPECT_EQ(t->type, head == u32 ? ElemType::U32 : ElemType::U64);
    EXPECT_EQ(t->data.size(), head == u32 ? 12u : 24u);
    llvm::Expected<std::vector<int64_t>> v = toInt64(*t, "u");
    ASSERT_TRUE(!!v) << llvm::toString(v.takeError());
    EXPECT_EQ(*v, values);
    EXPECT_EQ(elemTypeName(t->type), head == u32 ? "uint32" : "uint64");
    ASSERT_FALSE(!!writeNpy(path("u.npy"), *t));
    llvm::Expected<Tensor> r = readNpy(path("u.npy"));
    ASSERT_TRUE(!!r) << llvm::toString(r.takeError());
    EXPECT_EQ(r->type, t->type);
    EXPECT_EQ(r->data, t->data);
    ASSERT_FALSE(!!writeTensorPb(path("u.pb"), "u", *t));
    llvm::Expected<Tensor> p = readTensorPb(path("u.pb"));
    ASSERT_TRUE(!!p) << llvm::toString(p.takeError());
    EXPECT_EQ(p->type, t->type);
    EXPECT_EQ(p->data, t->data);
  }
  // 2^32 as a uint32 element; 2^64 - 1 (raw) as a uint64 for toInt64.
  llvm::Expected<Tensor> big = parseTensorPb(
      bytesOf(std::string("\x08\x01\x10\x0c\x5a\x05\x80\x80\x80\x80\x10", 11)),
      "big.pb");
  ASSERT_FALSE(!!big);
  EXPECT_NE(
      llvm::toString(big.takeError()).find("uint32 element 0 is 4294967296"),
      std::string::npos);
  Tensor huge;
  huge.type = ElemType::U64;
  huge.shape = {1};
  huge.data.assign(8, 0xff);
  llvm::Expected<std::vector<int64_t>> h = toInt64(huge, "h");
  ASSERT_FALSE(!!h);
  EXPECT_NE(llvm::toString(h.takeError())
                .find("uint64 value 18446744073709551615 at element 0 does "
                      "not fit int64"),
            std::string::npos);
}

// UINT16 TensorProtos (ONNX's uint16 tensors, e.g. test_max_uint16's inputs)
// read as two little-endian bytes per element from raw_data or int32_data,
// and .npy '<u2' arrays round-trip; toInt64 reads them unsigned.
TEST_F(TensorIO, Uint16TensorProtoAndNpy) {
  // dims [3] (tag 0x08), data_type UINT16 = 4 (tag 0x10).
  const std::string head("\x08\x03\x10\x04", 4);
  // 65535, 0, 40000: raw_data (field 9, tag 0x4a) little-endian, and packed
  // int32_data (field 5, tag 0x2a) varints ff ff 03, 00, c0 b8 02.
  const std::string raw("\x4a\x06\xff\xff\x00\x00\x40\x9c", 8);
  const std::string i32("\x2a\x07\xff\xff\x03\x00\xc0\xb8\x02", 9);
  for (const std::string &payload : {raw, i32}) {
    llvm::Expected<Tensor> t = parseTensorPb(bytesOf(head + payload), "u.pb");
    ASSERT_TRUE(!!t) << llvm::toString(t.takeError());
    EXPECT_EQ(t->type, ElemType::U16);
    EXPECT_EQ(t->data,
              (std::vector<uint8_t>{0xff, 0xff, 0x00, 0x00, 0x40, 0x9c}));
    llvm::Expected<std::vector<int64_t>> v = toInt64(*t, "u");
    ASSERT_TRUE(!!v) << llvm::toString(v.takeError());
    EXPECT_EQ(*v, (std::vector<int64_t>{65535, 0, 40000}));
    EXPECT_EQ(elemTypeName(t->type), "uint16");
    ASSERT_FALSE(!!writeNpy(path("u.npy"), *t));
    llvm::Expected<Tensor> r = readNpy(path("u.npy"));
    ASSERT_TRUE(!!r) << llvm::toString(r.takeError());
    EXPECT_EQ(r->type, ElemType::U16);
    EXPECT_EQ(r->data, t->data);
    ASSERT_FALSE(!!writeTensorPb(path("u.pb"), "u", *t));
    llvm::Expected<Tensor> p = readTensorPb(path("u.pb"));
    ASSERT_TRUE(!!p) << llvm::toString(p.takeError());
    EXPECT_EQ(p->type, ElemType::U16);
    EXPECT_EQ(p->data, t->data);
  }
}
