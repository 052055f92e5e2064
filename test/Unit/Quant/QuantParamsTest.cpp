//===- QuantParamsTest.cpp - scales and zero points at their edges --------===//
//
// Expected values are closed forms of SEEDS.md's formulas, computed by hand
// in the comments.
//
//===----------------------------------------------------------------------===//

#include "tern/Quant/QuantParams.h"

#include <gtest/gtest.h>

#include <cfloat>
#include <cmath>

using namespace tern::quant;

namespace {

QuantParams params(Range r, unsigned bits, Scheme s) {
  auto p = computeParams(r, bits, s);
  EXPECT_TRUE(static_cast<bool>(p)) << llvm::toString(p.takeError());
  return p ? *p : QuantParams{};
}

std::string error(Range r, unsigned bits, Scheme s) {
  auto p = computeParams(r, bits, s);
  if (p)
    return "";
  return llvm::toString(p.takeError());
}

TEST(QuantParams, SymmetricUsesNarrowRangeAndAbsMax) {
  // S = max(|-1|, |0.5|) / 127.
  QuantParams p = params({-1.0, 0.5}, 8, Scheme::Symmetric);
  EXPECT_DOUBLE_EQ(p.scale, 1.0 / 127.0);
  EXPECT_EQ(p.zeroPoint, 0);
  EXPECT_EQ(p.qmin, -127);
  EXPECT_EQ(p.qmax, 127);
  EXPECT_EQ(p.quantize(1.0), 127);
  EXPECT_EQ(p.quantize(-5.0), -127); // saturates at the narrow bound
}

TEST(QuantParams, RoundsTiesToEven) {
  QuantParams p = params({-1.0, 1.0}, 8, Scheme::Symmetric);
  EXPECT_EQ(p.quantize(0.5 * p.scale), 0);
  EXPECT_EQ(p.quantize(1.5 * p.scale), 2);
  EXPECT_EQ(p.quantize(2.5 * p.scale), 2);
  EXPECT_EQ(p.quantize(-2.5 * p.scale), -2);
}

TEST(QuantParams, FourAndSixBitRanges) {
  QuantParams p4 = params({-7.0, 7.0}, 4, Scheme::Symmetric);
  EXPECT_EQ(p4.qmax, 7);
  EXPECT_DOUBLE_EQ(p4.scale, 1.0);
  QuantParams p6 = params({-2.0, 1.0}, 6, Scheme::Asymmetric);
  EXPECT_EQ(p6.qmin, -32);
  EXPECT_EQ(p6.qmax, 31);
  EXPECT_DOUBLE_EQ(p6.scale, 3.0 / 63.0);
}

TEST(QuantParams, AllZeroTensorQuantizesToExactZero) {
  for (Scheme s : {Scheme::Symmetric, Scheme::Asymmetric}) {
    QuantParams p = params({0.0, 0.0}, 8, s);
    EXPECT_DOUBLE_EQ(p.scale, 1.0);
    EXPECT_EQ(p.zeroPoint, 0);
    EXPECT_EQ(p.quantize(0.0), 0);
    EXPECT_DOUBLE_EQ(p.dequantize(p.quantize(0.0)), 0.0);
  }
}

TEST(QuantParams, SingleValueMapsToTheIntegerBound) {
  QuantParams p = params({5.0, 5.0}, 8, Scheme::Symmetric);
  EXPECT_DOUBLE_EQ(p.scale, 5.0 / 127.0);
  EXPECT_EQ(p.quantize(5.0), 127);
  // Asymmetric widens to [0, 5]: S = 5/255, zero point -128.
  QuantParams a = params({5.0, 5.0}, 8, Scheme::Asymmetric);
  EXPECT_DOUBLE_EQ(a.scale, 5.0 / 255.0);
  EXPECT_EQ(a.zeroPoint, -128);
  EXPECT_EQ(a.quantize(5.0), 127);
}

TEST(QuantParams, NegativeOnlyAsymmetricRangeKeepsZeroExact) {
  // [-3, -1] widens to [-3, 0]: S = 3/255, zp = round(-128 + 255) = 127.
  QuantParams p = params({-3.0, -1.0}, 8, Scheme::Asymmetric);
  EXPECT_DOUBLE_EQ(p.scale, 3.0 / 255.0);
  EXPECT_EQ(p.zeroPoint, 127);
  EXPECT_EQ(p.quantize(0.0), 127);
  EXPECT_EQ(p.quantize(-3.0), -128);
  EXPECT_DOUBLE_EQ(p.dequantize(127), 0.0);
}

TEST(QuantParams, TinyScales) {
  // 1e-30 / 127 is a normal float32; 1e-40 / 127 is not.
  QuantParams p = params({-1e-30, 1e-30}, 8, Scheme::Symmetric);
  EXPECT_DOUBLE_EQ(p.scale, 1e-30 / 127.0);
  EXPECT_EQ(p.quantize(1e-30), 127);
  EXPECT_NE(error({-1e-40, 1e-40}, 8, Scheme::Symmetric).find(
                "underflows float32"),
            std::string::npos);
}

TEST(QuantParams, RejectsBadRanges) {
  EXPECT_NE(error({1.0, -1.0}, 8, Scheme::Symmetric), "");
  EXPECT_NE(error({NAN, 1.0}, 8, Scheme::Symmetric), "");
  EXPECT_NE(error({-INFINITY, 1.0}, 8, Scheme::Asymmetric), "");
  EXPECT_NE(error({-1.0, 1.0}, 1, Scheme::Symmetric), "");
  EXPECT_NE(error({-1.0, 1.0}, 17, Scheme::Symmetric), "");
}

TEST(QuantParams, PerChannelUsesEachColumnsRange) {
  // [K=2, N=3]: columns {1,-2}, {0.5,0.25}, {0,0}.
  std::vector<float> w = {1.0f, 0.5f, 0.0f, -2.0f, 0.25f, 0.0f};
  auto ps = computePerChannelParams(w, 2, 3, 8, Scheme::Symmetric);
  ASSERT_TRUE(static_cast<bool>(ps));
  ASSERT_EQ(ps->size(), 3u);
  EXPECT_DOUBLE_EQ((*ps)[0].scale, 2.0 / 127.0);
  EXPECT_DOUBLE_EQ((*ps)[1].scale, 0.5 / 127.0);
  EXPECT_DOUBLE_EQ((*ps)[2].scale, 1.0);
  auto bad = computePerChannelParams(w, 4, 3, 8, Scheme::Symmetric);
  ASSERT_FALSE(static_cast<bool>(bad));
  EXPECT_EQ(llvm::toString(bad.takeError()), "weight of 6 values is not 4x3");
}

TEST(QuantParams, BiasScaleIsProductOfScales) {
  QuantParams x = params({-1.0, 1.0}, 8, Scheme::Symmetric);
  QuantParams w = params({-0.5, 0.5}, 8, Scheme::Symmetric);
  QuantParams b = biasParams(x, w);
  EXPECT_DOUBLE_EQ(b.scale, (1.0 / 127.0) * (0.5 / 127.0));
  EXPECT_EQ(b.zeroPoint, 0);
  EXPECT_EQ(b.bits, 32u);
  EXPECT_EQ(b.qmax, INT32_MAX);
}

// The exact quantizer's saturation ranges (cvt.f2i bits / sym): int8,
// two's complement [-2^(b-1), 2^(b-1)-1] and symmetric +-(2^(b-1)-1).
TEST(QuantParams, SaturationBitsOfClipRanges) {
  auto check = [](int64_t lo, int64_t hi, unsigned bits, bool sym) {
    std::optional<SaturationBits> s = saturationBits(lo, hi);
    ASSERT_TRUE(s.has_value()) << lo << " " << hi;
    EXPECT_EQ(s->bits, bits) << lo << " " << hi;
    EXPECT_EQ(s->symmetric, sym) << lo << " " << hi;
  };
  check(-128, 127, 0, false);
  check(-8, 7, 4, false);
  check(-7, 7, 4, true);
  check(-32, 31, 6, false);
  check(-31, 31, 6, true);
  check(-2, 1, 2, false);
  check(-1, 1, 2, true);
  check(-64, 63, 7, false);
  check(-63, 63, 7, true);
  check(-127, 127, 8, true); // the symmetric int8 types i8<-127:127>
  // Not expressible: asymmetric, shifted (uint8 held as int8), empty,
  // wider than int8, 1 bit.
  for (auto [lo, hi] : std::vector<std::pair<int64_t, int64_t>>{{-5, 9},
                                                                {-128, -113},
                                                                {0, 15},
                                                                {-126, 127},
                                                                {3, 2},
                                                                {-300, 300},
                                                                {-1, 0},
                                                                {0, 0}})
    EXPECT_FALSE(saturationBits(lo, hi).has_value()) << lo << " " << hi;
}

} // namespace
