//===- IntKernelsTest.cpp - I-BERT kernel constants vs SEEDS.md -----------===//
//
// Expected values are the SEEDS.md section 0 closed forms worked out by hand
// in the comments (S = 0.05 for i-exp, S = 0.01 for i-GELU).
//
//===----------------------------------------------------------------------===//

#include "tern/Quant/IntKernels.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace tern::quant;

namespace {

template <typename T> T ok(llvm::Expected<T> r) {
  EXPECT_TRUE(static_cast<bool>(r)) << llvm::toString(r.takeError());
  return r ? *r : T{};
}

template <typename T> std::string error(llvm::Expected<T> r) {
  return r ? "" : llvm::toString(r.takeError());
}

TEST(IntKernels, IExpClosedForm) {
  // S = 0.05: x0 = floor(-0.6931 / 0.05) = floor(-13.862) = -14;
  // b = 0.96963238 / 0.35815147 = 2.70732..., b_i = floor(54.146) = 54;
  // c = 1 / 0.35815147 = 2.79211..., c_i = floor(2.79211 / 0.0025) = 1116.
  ISoftmaxConstants k = ok(iSoftmaxConstants(0.05));
  EXPECT_EQ(k.exp.x0, -14);
  EXPECT_EQ(k.exp.bI, 54);
  EXPECT_EQ(k.exp.cI, 1116);
  // max i-exp = 1116 * 2^30 has 11 + 30 = 41 bits: >> 25 leaves 16 bits.
  EXPECT_EQ(k.shift16, 25u);
  EXPECT_EQ(ISoftmaxConstants::kOutputScale, 1.0 / 256);
}

TEST(IntKernels, SoftmaxShiftKeeps16Bits) {
  for (double s : {1e-4, 3e-3, 0.02, 0.3, 1.0}) {
    ISoftmaxConstants k = ok(iSoftmaxConstants(s));
    uint64_t top = static_cast<uint64_t>(k.exp.cI) << 30;
    EXPECT_LT(top >> k.shift16, uint64_t(1) << 16) << s;
    if (k.shift16 > 0) {
      EXPECT_GE(top >> (k.shift16 - 1), uint64_t(1) << 16) << s;
    }
  }
}

TEST(IntKernels, SoftmaxRefusesScalesBeyond32Bits) {
  // c / S^2 = 2.79 / 1e-12 does not fit a P register.
  EXPECT_NE(error(iSoftmaxConstants(1e-6)).find("c_i"), std::string::npos);
  // x0 = floor(-0.6931 / 10) = -1, fine; S = 1000 gives x0 = -1 too, but
  // c_i = floor(2.79e-6) = 0: the exponential would vanish.
  EXPECT_NE(error(iSoftmaxConstants(1000.0)).find("c_i"), std::string::npos);
  EXPECT_NE(error(iSoftmaxConstants(0.0)).find("not positive"),
            std::string::npos);
}

TEST(IntKernels, IGeluClosedForm) {
  // S = 0.01, S' = S / sqrt(2) = 0.0070711, S'^2 = 5e-5:
  // b_i = floor(-1.769 / S') = floor(-250.174) = -251;
  // c_i = floor((1 / -0.2888) / 5e-5) = floor(-69252.08) = -69253;
  // S_erf = 5e-5 * -0.2888 * 2^14 = -0.23658496, one_i = floor(-4.2268) = -5;
  // output scale S * S_erf / 2 = -0.0011829248.
  IGeluConstants k = ok(iGeluConstants(0.01, 1000));
  EXPECT_EQ(k.bI, -251);
  EXPECT_EQ(k.cI, -69253);
  EXPECT_EQ(k.oneI, -5);
  EXPECT_NEAR(k.outputScale, -0.0011829248, 1e-12);
}

TEST(IntKernels, IGeluRefusesOverflowingResults) {
  // At S = 1e-4, |one_i| = 1/|S_erf| ~ 4.2e4 and |c_i| / 2^14 ~ 4.2e4:
  // an input of 10 (1e5 integers) gives ~8e9, beyond 32 bits.
  EXPECT_NE(error(iGeluConstants(1e-4, 100000)).find("beyond 32 bits"),
            std::string::npos);
  // c / S'^2 at S = 1e-6 is ~7e12.
  EXPECT_NE(error(iGeluConstants(1e-6, 1)).find("c_i"), std::string::npos);
}

TEST(IntKernels, LayerNormShift) {
  // 64 columns of |x| <= 1000: |y| <= 2000, 64 * 2000^2 = 2.56e8 < 2^31.
  ILayerNormConstants small = ok(iLayerNormConstants(1000, 64));
  EXPECT_EQ(small.k, 0u);
  EXPECT_DOUBLE_EQ(small.outputScale, 8.0 / 1073741824.0);
  // |x| <= 2^21: |y| <= 2^22; 64 * (2^22 >> k)^2 <= 2^31 - 1 needs
  // 2^(6 + 44 - 2k) < 2^31, i.e. k >= 10.
  ILayerNormConstants wide = ok(iLayerNormConstants(int64_t(1) << 21, 64));
  EXPECT_EQ(wide.k, 10u);
  EXPECT_NE(error(iLayerNormConstants(10, 0)).find("columns"),
            std::string::npos);
}

TEST(IntKernels, WideMultiplierSign) {
  // frexp(0.1) = (0.8, -3): 1717986918 / 2^34 (I-BERT), negated for -0.1.
  Multiplier pos = ok(wideMultiplier(0.1)), neg = ok(wideMultiplier(-0.1));
  EXPECT_EQ(pos.multiplier, 1717986918);
  EXPECT_EQ(pos.shift, 34u);
  EXPECT_EQ(neg.multiplier, -1717986918);
  EXPECT_EQ(neg.shift, 34u);
  EXPECT_FALSE(error(wideMultiplier(0.0)).empty());
}

} // namespace

namespace {
TEST(IntKernels, LayerNormAffineIntegers) {
  // gamma = {2, -1, 0.5}: gammaScale = 2 / 32767, gamma_int = {32767,
  // round(-16383.5) = -16384 (ties to even), round(8191.75) = 8192};
  // normScale = sqrt(3) / 2^15; beta_int = round(beta / (normScale *
  // gammaScale)).
  std::vector<float> gamma = {2.0f, -1.0f, 0.5f}, beta = {0.0f, 1e-3f, -2e-3f};
  ILayerNormAffine a = ok(iLayerNormAffine(gamma, beta));
  EXPECT_DOUBLE_EQ(a.gammaScale, 2.0 / 32767);
  EXPECT_DOUBLE_EQ(a.normScale, std::sqrt(3.0) / 32768);
  EXPECT_EQ(a.gamma, (std::vector<int32_t>{32767, -16384, 8192}));
  double out = std::sqrt(3.0) / 32768 * 2.0 / 32767;
  EXPECT_DOUBLE_EQ(a.outputScale, out);
  EXPECT_EQ(a.beta[0], 0);
  EXPECT_EQ(a.beta[1], static_cast<int32_t>(std::nearbyint(1e-3f / out)));
  EXPECT_EQ(a.beta[2], static_cast<int32_t>(std::nearbyint(-2e-3f / out)));
  // A beta far beyond the product's range (gamma tiny) is refused.
  std::vector<float> tiny = {1e-6f}, big = {1e3f};
  EXPECT_NE(error(iLayerNormAffine(tiny, big)).find("beta[0]"),
            std::string::npos);
}
} // namespace
