//===- RequantTest.cpp - requantization multipliers per variant -----------===//
//
// Expected encodings are worked out by hand from SEEDS.md in the comments; the
// elastic-AI rule is also checked against a brute-force search.
//
//===----------------------------------------------------------------------===//

#include "tern/Quant/Requant.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace tern::quant;

namespace {

Multiplier choose(double m, RequantVariant v) {
  auto r = chooseMultiplier(m, v);
  EXPECT_TRUE(static_cast<bool>(r)) << llvm::toString(r.takeError());
  return r ? *r : Multiplier{};
}

std::string error(double m, RequantVariant v) {
  auto r = chooseMultiplier(m, v);
  return r ? "" : llvm::toString(r.takeError());
}

TEST(Requant, IBertFrexpEncoding) {
  // frexp(0.5) = (0.5, 0): m = 2^30, shift = 31.
  Multiplier half = choose(0.5, RequantVariant::IBert);
  EXPECT_EQ(half.multiplier, int64_t(1) << 30);
  EXPECT_EQ(half.shift, 31u);
  // frexp(0.1) = (0.8, -3): m = round(0.8 * 2^31) = 1717986918, shift = 34.
  Multiplier tenth = choose(0.1, RequantVariant::IBert);
  EXPECT_EQ(tenth.multiplier, 1717986918);
  EXPECT_EQ(tenth.shift, 34u);
  EXPECT_NEAR(tenth.value(), 0.1, 1e-10);
  // frexp(3) = (0.75, 2): m = 0.75 * 2^31, shift = 29.
  Multiplier three = choose(3.0, RequantVariant::IBert);
  EXPECT_EQ(three.multiplier, 1610612736);
  EXPECT_EQ(three.shift, 29u);
}

TEST(Requant, IBertMantissaRoundingUpIsRenormalised) {
  // mantissa 1 - 2^-33 rounds to 2^31, which needs 32 bits: it becomes 2^30
  // with one less shift (M ~= 1 - 2^-33 ~= 2^30 / 2^30).
  double m = 1.0 - std::ldexp(1.0, -33);
  Multiplier r = choose(m, RequantVariant::IBert);
  EXPECT_EQ(r.multiplier, int64_t(1) << 30);
  EXPECT_EQ(r.shift, 30u);
  EXPECT_LT(r.multiplier, int64_t(1) << 31);
}

TEST(Requant, IBertRange) {
  EXPECT_NE(error(std::ldexp(1.0, 31), RequantVariant::IBert)
                .find("negative shift"),
            std::string::npos);
  EXPECT_NE(error(std::ldexp(1.0, -40), RequantVariant::IBert)
                .find("shift above 63"),
            std::string::npos);
}

TEST(Requant, SwiftTronLargestShiftWithin32BitMultiplier) {
  // 0.1 * 2^34 = 1717986918.4 <= 2^31 - 1 < 0.1 * 2^35.
  Multiplier r = choose(0.1, RequantVariant::SwiftTron);
  EXPECT_EQ(r.shift, 34u);
  EXPECT_EQ(r.multiplier, 1717986918);
  // 3 * 2^29 fits, 3 * 2^30 does not.
  Multiplier three = choose(3.0, RequantVariant::SwiftTron);
  EXPECT_EQ(three.shift, 29u);
  EXPECT_EQ(three.multiplier, 3 * (int64_t(1) << 29));
  // Tiny: 2^-70 * 2^63 rounds to 0.
  EXPECT_NE(error(std::ldexp(1.0, -70), RequantVariant::SwiftTron)
                .find("encodes as 0"),
            std::string::npos);
}

TEST(Requant, TataaSixteenBitMantissaFiveBitExponent) {
  // 0.1 * 2^19 = 52428.8 -> 52429 <= 65535 < 0.1 * 2^20.
  Multiplier r = choose(0.1, RequantVariant::Tataa);
  EXPECT_EQ(r.shift, 19u);
  EXPECT_EQ(r.multiplier, 52429);
  // The exponent stops at 31: 2^-20 * 2^31 = 2048.
  Multiplier small = choose(std::ldexp(1.0, -20), RequantVariant::Tataa);
  EXPECT_EQ(small.shift, 31u);
  EXPECT_EQ(small.multiplier, 2048);
  EXPECT_NE(error(70000.0, RequantVariant::Tataa).find("too large"),
            std::string::npos);
  EXPECT_NE(error(1e-12, RequantVariant::Tataa).find("encodes as 0"),
            std::string::npos);
}

TEST(Requant, ElasticAISmallestAccurateShift) {
  // 0.5 is exact at s = 1.
  Multiplier half = choose(0.5, RequantVariant::ElasticAI);
  EXPECT_EQ(half.shift, 1u);
  EXPECT_EQ(half.multiplier, 1);
  // 0.1: s = 15 is the first with |round(0.1 * 2^s) / 2^s - 0.1| <= 1e-5
  // (3277 / 32768 = 0.100006...).
  Multiplier tenth = choose(0.1, RequantVariant::ElasticAI);
  EXPECT_EQ(tenth.shift, 15u);
  EXPECT_EQ(tenth.multiplier, 3277);
}

TEST(Requant, ElasticAIMatchesBruteForce) {
  for (double m : {0.0123, 0.37, 0.999, 1.7, 0.000777, 12.5}) {
    unsigned expected = 31;
    for (unsigned s = 1; s < 32; ++s) {
      double q = std::round(m * std::pow(2.0, s));
      if (q > 0 && std::fabs(q / std::pow(2.0, s) - m) / m <= 1e-4) {
        expected = s;
        break;
      }
    }
    EXPECT_EQ(choose(m, RequantVariant::ElasticAI).shift, expected) << m;
  }
}

TEST(Requant, RejectsNonPositive) {
  for (auto v : {RequantVariant::IBert, RequantVariant::SwiftTron,
                 RequantVariant::Tataa, RequantVariant::ElasticAI}) {
    EXPECT_NE(error(0.0, v), "");
    EXPECT_NE(error(-1.0, v), "");
    EXPECT_NE(error(NAN, v), "");
  }
}

TEST(Requant, VariantNamesRoundTrip) {
  for (auto v : {RequantVariant::IBert, RequantVariant::SwiftTron,
                 RequantVariant::Tataa, RequantVariant::ElasticAI})
    EXPECT_EQ(parseRequantVariant(toString(v)), v);
  EXPECT_FALSE(parseRequantVariant("gemmini").has_value());
}

} // namespace
