//===- WeightNoiseTest.cpp - --weight-noise statistics and determinism ----===//
//
// The perturbation is checked against its closed form: on a large tensor the
// differences w' - w have mean 0 and standard deviation sigma * max|w| within
// sampling error (the standard error of a sample mean is std / sqrt(n), of a
// sample std about std / sqrt(2n); the bounds below are 5 standard errors).
//
//===----------------------------------------------------------------------===//

#include "runtime/sim/functional/WeightNoise.h"
#include "runtime/program/Program.h"
#include "runtime/sim/functional/kernels/BF16.h"

#include "gtest/gtest.h"

#include <cmath>
#include <cstring>
#include <vector>

using namespace tern::rt;
using namespace tern::rt::sim;

namespace {

struct Moments {
  double mean = 0, std = 0;
};

Moments moments(const std::vector<double> &d) {
  Moments m;
  for (double v : d)
    m.mean += v;
  m.mean /= d.size();
  for (double v : d)
    m.std += (v - m.mean) * (v - m.mean);
  m.std = std::sqrt(m.std / (d.size() - 1));
  return m;
}

std::vector<uint8_t> bf16Tensor(uint64_t n, float maxAbs) {
  std::vector<uint8_t> bytes(2 * n);
  for (uint64_t i = 0; i < n; ++i) {
    // A ramp in [-maxAbs, maxAbs] (both ends exact in bf16 for 0.5).
    float v = maxAbs * (2.0f * float(i) / float(n - 1) - 1.0f);
    uint16_t b = kernels::floatToBf(v);
    std::memcpy(bytes.data() + 2 * i, &b, 2);
  }
  return bytes;
}

float bfAt(const std::vector<uint8_t> &bytes, uint64_t i) {
  uint16_t b;
  std::memcpy(&b, bytes.data() + 2 * i, 2);
  return kernels::bfToFloat(b);
}

TEST(WeightNoise, Bf16StatisticsMatchTheClosedForm) {
  const uint64_t n = 200000;
  const double sigma = 0.05, maxAbs = 0.5;
  std::vector<uint8_t> w = bf16Tensor(n, float(maxAbs));
  std::vector<uint8_t> orig = w;
  applyWeightNoise({{w.data(), n, NoisyWeight::BF16}}, sigma, 7, 0);
  std::vector<double> d(n);
  for (uint64_t i = 0; i < n; ++i)
    d[i] = double(bfAt(w, i)) - double(bfAt(orig, i));
  Moments m = moments(d);
  const double want = sigma * maxAbs; // 0.025
  EXPECT_LT(std::fabs(m.mean), 5 * want / std::sqrt(double(n)));
  // bf16 rounding of w + e adds at most half an ulp (2^-9 relative at
  // |w| <= 0.5: variance <= (2^-10)^2 / 3), negligible against 0.025.
  EXPECT_NEAR(m.std, want, 5 * want / std::sqrt(2.0 * n) + 1e-4);
}

TEST(WeightNoise, Int8StatisticsAndClamping) {
  const uint64_t n = 200000;
  const double sigma = 0.02;
  std::vector<uint8_t> w(n);
  for (uint64_t i = 0; i < n; ++i)
    w[i] = uint8_t(int8_t(int(i % 201) - 100)); // -100 .. 100: max |w| 100
  std::vector<uint8_t> orig = w;
  applyWeightNoise({{w.data(), n, NoisyWeight::Int}}, sigma, 3, 0);
  std::vector<double> d(n);
  for (uint64_t i = 0; i < n; ++i)
    d[i] = double(int8_t(w[i])) - double(int8_t(orig[i]));
  Moments m = moments(d);
  // Rounding a N(0, 2^2) difference to an integer adds variance 1/12.
  const double want = std::sqrt(2.0 * 2.0 + 1.0 / 12);
  EXPECT_LT(std::fabs(m.mean), 5 * want / std::sqrt(double(n)));
  EXPECT_NEAR(m.std, want, 5 * want / std::sqrt(2.0 * n));

  // 4-bit values stay 4-bit: large noise clamps to [-8, 7].
  std::vector<uint8_t> narrow(1000);
  for (size_t i = 0; i < narrow.size(); ++i)
    narrow[i] = uint8_t(int8_t(int(i % 16) - 8));
  applyWeightNoise({{narrow.data(), narrow.size(), NoisyWeight::Int}}, 1.0, 1,
                   0);
  int lo = 0, hi = 0;
  for (uint8_t b : narrow) {
    lo = std::min(lo, int(int8_t(b)));
    hi = std::max(hi, int(int8_t(b)));
  }
  EXPECT_EQ(lo, -8);
  EXPECT_EQ(hi, 7);
}

TEST(WeightNoise, DeterministicPerSeedAndDraw) {
  const uint64_t n = 4096;
  std::vector<uint8_t> base = bf16Tensor(n, 0.5f);
  auto noisy = [&](uint64_t seed, uint64_t draw) {
    std::vector<uint8_t> w = base;
    applyWeightNoise({{w.data(), n, NoisyWeight::BF16}}, 0.05, seed, draw);
    return w;
  };
  EXPECT_EQ(noisy(5, 0), noisy(5, 0));
  EXPECT_NE(noisy(5, 0), noisy(6, 0));
  EXPECT_NE(noisy(5, 0), noisy(5, 1));
  // sigma 0 leaves every byte alone.
  std::vector<uint8_t> w = base;
  applyWeightNoise({{w.data(), n, NoisyWeight::BF16}}, 0.0, 5, 0);
  EXPECT_EQ(w, base);
  // Two tensors in one call get independent draws.
  std::vector<uint8_t> a = base, b = base;
  applyWeightNoise(
      {{a.data(), n, NoisyWeight::BF16}, {b.data(), n, NoisyWeight::BF16}},
      0.05, 5, 0);
  EXPECT_NE(a, b);
}

TEST(WeightNoise, GaussianStreamIsStandardNormal) {
  GaussianStream g(11, 0);
  const int n = 400000;
  std::vector<double> d(n);
  double beyond2 = 0;
  for (double &v : d) {
    v = g.next();
    beyond2 += std::fabs(v) > 2;
  }
  Moments m = moments(d);
  EXPECT_LT(std::fabs(m.mean), 5 / std::sqrt(double(n)));
  EXPECT_NEAR(m.std, 1.0, 5 / std::sqrt(2.0 * n));
  // P(|Z| > 2) = erfc(2 / sqrt 2) = 0.0455; binomial standard error.
  double p = std::erfc(2 / std::sqrt(2.0));
  EXPECT_NEAR(beyond2 / n, p, 5 * std::sqrt(p * (1 - p) / n));
}

TEST(WeightNoise, ProgramFileCarriesTheWeightTable) {
  program::ProgramImage img;
  img.targetName = "tern-edge";
  img.dramSize = 4096;
  img.code.push_back({0, 0});
  program::TensorDesc w;
  w.name = "w0";
  w.shape = {4, 8};
  w.dtype = program::DType::BF16;
  w.dramOffset = 128;
  img.weights.push_back(w);
  std::vector<uint8_t> bytes = program::serialize(img);
  auto p = program::LoadedProgram::loadBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(llvm::StringRef(
          reinterpret_cast<const char *>(bytes.data()), bytes.size())));
  ASSERT_TRUE(!!p) << llvm::toString(p.takeError());
  ASSERT_EQ((*p)->weights.size(), 1u);
  EXPECT_EQ((*p)->weights[0].name, "w0");
  EXPECT_EQ((*p)->weights[0].shape, (std::vector<int64_t>{4, 8}));
  EXPECT_EQ((*p)->weights[0].dtype, program::DType::BF16);
  EXPECT_EQ((*p)->weights[0].dramOffset, 128u);
  // A weight outside DRAM is refused like any tensor.
  img.weights[0].dramOffset = 4090;
  llvm::Error e = program::validate(img);
  EXPECT_TRUE(!!e);
  llvm::consumeError(std::move(e));
}

} // namespace
