//===- ISATest.cpp - ISA table self-test ------------------------------------===//
//
// Opcodes unique, fields inside the word and disjoint, names unique, and
// encode/decode/disassemble/assemble round-trips for random field values of
// every instruction.
//
//===----------------------------------------------------------------------===//

#include "runtime/asm/Assembler.h"
#include "runtime/isa/ISA.h"

#include "gtest/gtest.h"

#include <random>
#include <set>

using namespace tern::rt;
using namespace tern::rt::isa;

TEST(ISA, OpcodesAndMnemonicsAreUnique) {
  std::set<unsigned> opcodes;
  std::set<std::string> names;
  for (const InsnInfo &i : allInsns()) {
    EXPECT_TRUE(opcodes.insert(static_cast<unsigned>(i.opcode)).second)
        << i.mnemonic;
    EXPECT_TRUE(names.insert(i.mnemonic).second) << i.mnemonic;
    EXPECT_NE(static_cast<unsigned>(i.opcode), 0u) << "opcode 0 is reserved";
    EXPECT_EQ(lookup(static_cast<uint8_t>(i.opcode)), &i);
    EXPECT_EQ(lookup(i.mnemonic), &i);
  }
  EXPECT_GE(allInsns().size(), 30u);
}

TEST(ISA, FieldsFitTheWordAndDoNotOverlap) {
  for (const InsnInfo &i : allInsns()) {
    std::vector<bool> used(kWordBits, false);
    for (unsigned b = 0; b < kOpcodeBits; ++b)
      used[b] = true;
    std::set<std::string> names;
    ASSERT_LE(i.fields.size(), kMaxFields) << i.mnemonic;
    for (const FieldInfo &f : i.fields) {
      EXPECT_TRUE(names.insert(f.name).second) << i.mnemonic << "." << f.name;
      EXPECT_GT(f.width, 0u);
      EXPECT_LE(f.width, 64u);
      ASSERT_LE(f.lsb + f.width, kWordBits) << i.mnemonic << "." << f.name;
      for (unsigned b = f.lsb; b < f.lsb + f.width; ++b) {
        EXPECT_FALSE(used[b]) << i.mnemonic << "." << f.name << " bit " << b;
        used[b] = true;
      }
      // Enumerated kinds must be able to encode every name.
      EXPECT_LE(enumNames(f.kind).size(), size_t(1) << f.width);
    }
  }
}

TEST(ISA, RandomRoundTripEveryInstruction) {
  std::mt19937_64 rng(42);
  for (const InsnInfo &i : allInsns()) {
    for (int iter = 0; iter < 200; ++iter) {
      std::vector<uint64_t> vals;
      for (const FieldInfo &f : i.fields) {
        uint64_t mask = f.width >= 64 ? ~0ull : (1ull << f.width) - 1;
        vals.push_back(iter == 0 ? mask : rng() & mask);
      }
      llvm::Expected<Word> w = encode(i, vals);
      ASSERT_TRUE(!!w) << llvm::toString(w.takeError());
      llvm::Expected<Decoded> d = decode(*w);
      ASSERT_TRUE(!!d) << llvm::toString(d.takeError());
      EXPECT_EQ(d->info, &i);
      for (size_t k = 0; k < vals.size(); ++k)
        EXPECT_EQ(d->f[k], vals[k]) << i.mnemonic << "." << i.fields[k].name;
      // The text form re-assembles to the same word.
      std::string text = ".dram 4096\n" + disassemble(*d) + "\n";
      auto img = assembler::assemble(text, "rt.s");
      ASSERT_TRUE(!!img) << llvm::toString(img.takeError()) << "\n" << text;
      ASSERT_EQ(img->code.size(), 1u);
      EXPECT_EQ(img->code[0], *w) << text;
    }
  }
}

TEST(ISA, ValueTooWideIsRejected) {
  const InsnInfo *i = lookup("cfg.len");
  ASSERT_TRUE(i);
  llvm::Expected<Word> w = encode(*i, {0, 1u << 12, 0, 0, 0, 0});
  ASSERT_FALSE(!!w);
  EXPECT_NE(llvm::toString(w.takeError()).find("does not fit the 12-bit field "
                                               "'value'"),
            std::string::npos);
}

TEST(ISA, UnknownOpcodeAndReservedBitsAreRejected) {
  Word w;
  w.lo = 0xEE;
  llvm::Expected<Decoded> d = decode(w);
  ASSERT_FALSE(!!d);
  EXPECT_EQ(llvm::toString(d.takeError()), "unknown opcode 0xee");
  Word end;
  end.lo = static_cast<uint8_t>(Opcode::End);
  end.hi = 1ull << 63;
  llvm::Expected<Decoded> d2 = decode(end);
  ASSERT_FALSE(!!d2);
  EXPECT_NE(llvm::toString(d2.takeError()).find("reserved bits"),
            std::string::npos);
}

TEST(ISA, QueuesAndUnits) {
  auto dec = [](const char *mn, std::vector<uint64_t> v) {
    return *decode(*encode(*lookup(mn), v));
  };
  EXPECT_EQ(queueOf(dec("load", {0, 0, 0, 0, 0, 0, 0})), Queue::Load);
  EXPECT_EQ(queueOf(dec("store", {0, 0, 0, 0, 0, 0, 0})), Queue::Store);
  EXPECT_EQ(queueOf(dec("push", {0, 1})), Queue::Load);
  EXPECT_EQ(queueOf(dec("pop", {0, 1})), Queue::Compute);
  EXPECT_EQ(lookup("gemm")->unit, Unit::Matrix);
  EXPECT_EQ(lookup("tok.select")->unit, Unit::Token);
}
