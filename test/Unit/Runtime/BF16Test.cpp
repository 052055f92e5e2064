//===- BF16Test.cpp - bf16 arithmetic against hand-computed cases -----------===//
//
// Every expected bit pattern below was worked out by hand from the mode's
// definition (BF16.h); the comment on each line shows the arithmetic.
//
//===----------------------------------------------------------------------===//

#include "runtime/sim/functional/kernels/BF16.h"

#include "gtest/gtest.h"

#include <cmath>

using namespace tern::rt::kernels;
constexpr BfMode I = BfMode::Ieee, T = BfMode::Tataa;

TEST(BF16Ieee, RoundToNearestEvenTies) {
  // 1 + 2^-8 lies exactly between 0x3F80 and 0x3F81: ties to even 0x3F80.
  EXPECT_EQ(bfAdd(0x3F80, 0x3B80, I), 0x3F80);
  // 1.0078125 + 2^-8 = 1.01171875 between 0x3F81 and 0x3F82: even 0x3F82.
  EXPECT_EQ(bfAdd(0x3F81, 0x3B80, I), 0x3F82);
  // 1 + 1.9921875 = 2.9921875 = 1.49609375 * 2: 63.5/128 ties to 64 -> 3.0.
  EXPECT_EQ(bfAdd(0x3F80, 0x3FFF, I), 0x4040);
  // 1.5078125^2 = 2.27349853...: 145.5039/128 * 2 rounds to 146 -> 0x4012.
  EXPECT_EQ(bfMul(0x3FC1, 0x3FC1, I), 0x4012);
  // 1 - 0.99609375 = 2^-8 exactly.
  EXPECT_EQ(bfSub(0x3F80, 0x3F7F, I), 0x3B80);
}

TEST(BF16Ieee, OverflowSubnormalNaN) {
  EXPECT_EQ(bfAdd(0x7F7F, 0x7F7F, I), 0x7F80);       // max + max -> +Inf
  EXPECT_EQ(bfMul(0xFF7F, 0x4000, I), 0xFF80);       // -max * 2 -> -Inf
  EXPECT_EQ(bfMul(0x0080, 0x3F00, I), 0x0040);       // 2^-126 * 0.5 subnormal
  EXPECT_EQ(bfMul(0x0040, 0x4000, I), 0x0080);       // and back
  EXPECT_EQ(bfAdd(0x7FC1, 0x3F80, I), 0x7FC0);       // NaN is canonical
  EXPECT_EQ(bfMax(0x7FC0, 0x3F80, I), 0x7FC0);
}

TEST(BF16Tataa, AlignmentShiftAndFlush) {
  // 1 + 2^-8: exponent gap 8 > 7, the smaller operand is flushed.
  EXPECT_EQ(bfAdd(0x3F80, 0x3B80, T), 0x3F80);
  // 1 + 2^-7: gap 7, 0x80 >> 7 = 1 -> significand 0x81.
  EXPECT_EQ(bfAdd(0x3F80, 0x3C00, T), 0x3F81);
  // 1 + 1.9921875: 0x80 + 0xFF = 0x17F, carry: >> 1 truncates to 0xBF.
  EXPECT_EQ(bfAdd(0x3F80, 0x3FFF, T), 0x403F);
  // 1.5078125^2: 193 * 193 = 37249 >= 2^15, >> 8 = 145 (truncated).
  EXPECT_EQ(bfMul(0x3FC1, 0x3FC1, T), 0x4011);
  // 1.5 * 1.5 = 2.25 exactly.
  EXPECT_EQ(bfMul(0x3FC0, 0x3FC0, T), 0x4010);
}

TEST(BF16Tataa, OneBitNormalisation) {
  // 1.5 - 1.0: 0xC0 - 0x80 = 0x40, one left shift -> 0.5.
  EXPECT_EQ(bfSub(0x3FC0, 0x3F80, T), 0x3F00);
  // 1 - 0.99609375: 0x80 - (0xFF >> 1) = 1; one shift is not enough -> 0.
  EXPECT_EQ(bfSub(0x3F80, 0x3F7F, T), 0x0000);
  // x - x = +0.
  EXPECT_EQ(bfSub(0xC1A0, 0xC1A0, T), 0x0000);
}

TEST(BF16Tataa, SaturationAndNoSubnormals) {
  EXPECT_EQ(bfAdd(0x7F7F, 0x7F7F, T), 0x7F7F);  // saturates, no Inf
  EXPECT_EQ(bfMul(0xFF7F, 0x4000, T), 0xFF7F);  // -max * 2 -> -max
  EXPECT_EQ(bfMul(0x0080, 0x3F00, T), 0x0000);  // underflow flushes
  EXPECT_EQ(bfAdd(0x0001, 0x3F80, T), 0x3F80);  // subnormal input reads 0
  EXPECT_EQ(bfMul(0x0040, 0x4000, T), 0x0000);
}

TEST(BF16, IntConversions) {
  // 259 lies between 258 (0x4381) and 260 (0x4382): RNE -> 260; TATAA
  // truncates -> 258.
  EXPECT_EQ(bfFromInt(259, I), 0x4382);
  EXPECT_EQ(bfFromInt(259, T), 0x4381);
  EXPECT_EQ(bfFromInt(-3, I), 0xC040);
  EXPECT_EQ(bfFromInt(0, T), 0x0000);
  // 2.5 -> 2 (even) / 2 (trunc); 3.5 -> 4 / 3; -3.5 -> -4 / -3.
  EXPECT_EQ(bfToInt8(0x4020, I), 2);
  EXPECT_EQ(bfToInt8(0x4060, I), 4);
  EXPECT_EQ(bfToInt8(0x4060, T), 3);
  EXPECT_EQ(bfToInt8(0xC060, I), -4);
  EXPECT_EQ(bfToInt8(0xC060, T), -3);
  EXPECT_EQ(bfToInt8(0x4348, I), 127);  // 200 saturates
  EXPECT_EQ(bfToInt8(0xC348, T), -128); // -200 saturates
}

TEST(BF16, Pow2AndFloor) {
  EXPECT_EQ(bfPow2(0, I), 0x3F80);
  EXPECT_EQ(bfPow2(-3, T), 0x3E00);
  EXPECT_EQ(bfPow2(-130, I), 0x0008); // subnormal 2^-130 = 8 * 2^-133
  EXPECT_EQ(bfPow2(-130, T), 0x0000);
  EXPECT_EQ(bfFloor(0xBFC0, I), -2); // floor(-1.5)
  EXPECT_EQ(bfFloor(0x4060, T), 3);
}

TEST(BF16, NonlinearApproximationsAreClose) {
  for (BfMode m : {I, T}) {
    for (float y : {0.25f, 1.0f, 2.0f, 4.0f, 10.0f, 1000.0f}) {
      float r = bfToFloat(bfIsqrt(floatToBf(y), m));
      EXPECT_NEAR(r, 1.0f / std::sqrt(y), 0.03f / std::sqrt(y)) << y;
      float q = bfToFloat(bfDiv(floatToBf(3.0f), floatToBf(y), m));
      EXPECT_NEAR(q, 3.0f / y, 0.06f * 3.0f / y) << y;
    }
    for (float x : {-3.0f, -1.0f, -0.5f, 0.0f, 0.5f, 1.0f, 2.0f, 4.0f}) {
      if (m == T && x < 0 && x > -2.5f)
        continue; // 1 + tanh(u) cancels by 2+ bits: see TataaGeluCancellation
      float g = bfToFloat(bfGelu(floatToBf(x), m));
      float ref = 0.5f * x * (1.0f + std::erf(x / std::sqrt(2.0f)));
      EXPECT_NEAR(g, ref, 0.05f + 0.03f * std::fabs(ref)) << x;
    }
  }
  // The magic constant: t = 0x5F37 - (0x4080 >> 1) = 0x3EF7 for y = 4.
  EXPECT_EQ(static_cast<bf16>(kBfMagic - (0x4080 >> 1)), 0x3EF7);
}

TEST(BF16, TataaGeluCancellation) {
  // At x = -1, tanh(u) ~ -0.69 and 1 + tanh(u) needs a 2-bit left shift,
  // more than the lane's one-bit normaliser: the TATAA lane flushes it to 0
  // (documented in BF16.h); IEEE mode keeps ~-0.159.
  EXPECT_EQ(bfGelu(0xBF80, T), 0x0000);
  EXPECT_NEAR(bfToFloat(bfGelu(0xBF80, I)), -0.1587f, 0.01f);
}
