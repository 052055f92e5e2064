//===- RequantTest.cpp - The four requant variants vs the numpy reference ---===//

#include "VectorFile.h"

#include "runtime/sim/functional/kernels/Requant.h"

using namespace tern::rt::kernels;
using llvm::json::Object;

namespace {
template <typename Fn> void forCases(const char *file, Fn fn) {
  llvm::json::Value v = loadVectors(file);
  ASSERT_TRUE(v.getAsArray()) << file;
  for (const auto &c : *v.getAsArray()) {
    const Object &o = *c.getAsObject();
    std::vector<int64_t> q = ints(o.get("q")), out = ints(o.get("out"));
    ASSERT_EQ(q.size(), out.size());
    fn(o, q, out);
  }
}
} // namespace

TEST(Requant, IBertParamsAndValues) {
  forCases("rq_ibert", [](const Object &o, auto &q, auto &out) {
    auto p = iBertParams(*o.getNumber("M"));
    ASSERT_TRUE(p);
    ASSERT_EQ(p->mult, intField(o, "mult"));
    ASSERT_EQ(p->shift, intField(o, "shift"));
    for (size_t i = 0; i < q.size(); ++i)
      EXPECT_EQ(requantIBert(static_cast<int32_t>(q[i]), p->mult, p->shift),
                out[i])
          << "q=" << q[i];
  });
}

TEST(Requant, IBertRoundsTiesToEvenAndSaturates) {
  llvm::json::Value v = loadVectors("rq_ibert_ties");
  const Object &o = *v.getAsObject();
  std::vector<int64_t> q = ints(o.get("q")), out = ints(o.get("out"));
  for (size_t i = 0; i < q.size(); ++i)
    EXPECT_EQ(requantIBert(static_cast<int32_t>(q[i]), 1, 1), out[i]) << q[i];
  // By hand: 2.5 -> 2, 3.5 -> 4, -2.5 -> -2, 127.5 -> 127 (saturate), -129 ->
  // -128.
  EXPECT_EQ(requantIBert(5, 1, 1), 2);
  EXPECT_EQ(requantIBert(7, 1, 1), 4);
  EXPECT_EQ(requantIBert(-5, 1, 1), -2);
  EXPECT_EQ(requantIBert(255, 1, 1), 127);
  EXPECT_EQ(requantIBert(-258, 1, 1), -128);
}

TEST(Requant, IBertZeroPointAfterRoundingBeforeSaturation) {
  // onnxruntime's order: round half to even, add the zero point, saturate.
  // 2.5 -> 2, + 11 = 13; 3.5 -> 4, - 43 = -39; 127 - 43 = 84 (not 127 - 43
  // of a saturated 127: the sum saturates, the product does not);
  // 200 + (-128) = 72; -100 - 43 = -143 -> -128.
  EXPECT_EQ(requantIBert(5, 1, 1, 11), 13);
  EXPECT_EQ(requantIBert(7, 1, 1, -43), -39);
  EXPECT_EQ(requantIBert(254, 1, 1, -43), 84);
  EXPECT_EQ(requantIBert(400, 1, 1, -128), 72);
  EXPECT_EQ(requantIBert(-200, 1, 1, -43), -128);
  EXPECT_EQ(requantIBert(300, 1, 1, 11), 127);
  // zp 0 is I-BERT's own rule.
  for (int32_t q : {-300, -5, 0, 5, 7, 300})
    EXPECT_EQ(requantIBert(q, 1, 1, 0), requantIBert(q, 1, 1)) << q;
}

TEST(Requant, SwiftTronTruncatesAndWraps) {
  forCases("rq_swift", [](const Object &o, auto &q, auto &out) {
    int32_t m = static_cast<int32_t>(intField(o, "mult"));
    unsigned c = static_cast<unsigned>(intField(o, "shift"));
    for (size_t i = 0; i < q.size(); ++i)
      EXPECT_EQ(requantSwift(static_cast<int32_t>(q[i]), m, c), out[i])
          << "q=" << q[i] << " m=" << m << " c=" << c;
  });
  EXPECT_EQ(requantSwift(128, 1, 0), -128); // wrap, no saturation
  EXPECT_EQ(requantSwift(-1, 1, 1), -1);    // arithmetic shift floors
  EXPECT_EQ(requantSwift(3, 1, 1), 1);      // 1.5 truncates to 1
}

TEST(Requant, TataaTruncatesAndWraps) {
  forCases("rq_tataa", [](const Object &o, auto &q, auto &out) {
    uint16_t man = static_cast<uint16_t>(intField(o, "mult"));
    unsigned e = static_cast<unsigned>(intField(o, "shift"));
    for (size_t i = 0; i < q.size(); ++i)
      EXPECT_EQ(requantTataa(static_cast<int16_t>(q[i]), man, e), out[i])
          << "p=" << q[i];
  });
  EXPECT_EQ(requantTataa(200, 1, 0), -56); // low 8 bits of 200
}

TEST(Requant, ElasticRoundsHalfUpWithZeroPoint) {
  forCases("rq_elastic", [](const Object &o, auto &q, auto &out) {
    uint32_t mq = static_cast<uint32_t>(intField(o, "mult"));
    unsigned s = static_cast<unsigned>(intField(o, "shift"));
    int32_t zp = static_cast<int32_t>(intField(o, "zp"));
    if (!o.get("no_derive")) {
      auto p = elasticParams(*o.getNumber("M"));
      ASSERT_TRUE(p);
      ASSERT_EQ(p->mult, mq);
      ASSERT_EQ(p->shift, s);
    }
    for (size_t i = 0; i < q.size(); ++i)
      EXPECT_EQ(requantElastic(static_cast<int32_t>(q[i]), mq, s, zp), out[i])
          << "acc=" << q[i];
  });
  EXPECT_EQ(requantElastic(5, 1, 1, 0), 3);   // 2.5 -> 3 (half up)
  EXPECT_EQ(requantElastic(-5, 1, 1, 0), -2); // -2.5 -> -2 (half up)
  EXPECT_EQ(requantElastic(300, 1, 1, 0), 127);
  EXPECT_EQ(requantElastic(0, 1, 1, -128), -128);
}

TEST(Requant, WideRoundsHalfEvenSignedSaturatesAtWidth) {
  // m / 2^shift = 1/2: ties go to even.
  EXPECT_EQ(requantWide(5, 1, 1, 22), 2);   // 2.5 -> 2
  EXPECT_EQ(requantWide(7, 1, 1, 22), 4);   // 3.5 -> 4
  EXPECT_EQ(requantWide(-5, 1, 1, 22), -2); // -2.5 -> -2
  // A negative multiplier flips the sign: -3 * 5 / 2 = -7.5 -> -8.
  EXPECT_EQ(requantWide(5, -3, 1, 22), -8);
  // Symmetric saturation at 2^(bits-1) - 1.
  EXPECT_EQ(requantWide(1 << 30, 1, 0, 22), (1 << 21) - 1);
  EXPECT_EQ(requantWide(-(1 << 30), 1, 0, 22), -((1 << 21) - 1));
  EXPECT_EQ(requantWide(300, 1, 0, 8), 127);
  EXPECT_EQ(requantWide(-300, 1, 0, 8), -127);
  EXPECT_EQ(requantWide(INT32_MIN, 1, 0, 32), -INT32_MAX);
  // The identity (multiplier 1, shift 0) widens exactly.
  EXPECT_EQ(requantWide(-128, 1, 0, 32), -128);
  // I-BERT's 31-bit encoding of 0.1 (1717986918 / 2^34): 1000 -> 100.
  EXPECT_EQ(requantWide(1000, 1717986918, 34, 16), 100);
}
