//===- ObserversTest.cpp - calibration observers ---------------------------===//

#include "tern/Quant/Observers.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

using namespace tern::quant;

namespace {

Range rangeOf(const Observer &o) {
  auto r = o.range();
  EXPECT_TRUE(static_cast<bool>(r)) << llvm::toString(r.takeError());
  return r ? *r : Range{};
}

TEST(Observers, MinMaxIsGlobalAndSkipsNonFinite) {
  MinMaxObserver o;
  o.observe({1.0f, 2.0f, 3.0f});
  o.observe({-1.0f, 0.5f, NAN, INFINITY});
  Range r = rangeOf(o);
  EXPECT_DOUBLE_EQ(r.min, -1.0);
  EXPECT_DOUBLE_EQ(r.max, 3.0);
  EXPECT_EQ(o.numNonFinite(), 2);
}

TEST(Observers, NoDataIsAnError) {
  MinMaxObserver o;
  o.observe({NAN});
  auto r = o.range();
  ASSERT_FALSE(static_cast<bool>(r));
  EXPECT_EQ(llvm::toString(r.takeError()), "no finite value was observed");
}

TEST(Observers, MovingAverageUsesMomentum095) {
  MovingAverageMinMaxObserver o;
  o.observe({0.0f, 10.0f});
  o.observe({-10.0f, 20.0f});
  Range r = rangeOf(o);
  // min = 0 * 0.95 + (-10) * 0.05, max = 10 * 0.95 + 20 * 0.05.
  EXPECT_DOUBLE_EQ(r.min, -0.5);
  EXPECT_DOUBLE_EQ(r.max, 10.5);
}

TEST(Observers, PercentileOfUniformDataMatchesClosedForm) {
  // 0, 1, ..., 9999 in two batches (the second widens the histogram).
  std::vector<float> a, b;
  for (int i = 0; i < 5000; ++i)
    a.push_back(static_cast<float>(i));
  for (int i = 5000; i < 10000; ++i)
    b.push_back(static_cast<float>(i));
  PercentileObserver o(99.0);
  o.observe(a);
  o.observe(b);
  Range r = rangeOf(o);
  // The 1% and 99% quantiles of U[0, 9999] are ~100 and ~9899; the
  // histogram is exact to about one bin (9999 / 2048 ~ 4.9).
  EXPECT_NEAR(r.min, 100.0, 10.0);
  EXPECT_NEAR(r.max, 9899.0, 10.0);
}

TEST(Observers, HistogramRebinningKeepsMass) {
  Histogram h(64);
  std::vector<float> v1(100, 0.5f), v2 = {100.0f};
  h.add(v1, 0.5, 0.5);
  h.add(v2, 100.0, 100.0);
  double sum = 0.0;
  for (double c : h.bins())
    sum += c;
  EXPECT_DOUBLE_EQ(sum, 101.0);
  EXPECT_DOUBLE_EQ(h.lo(), 0.5);
  EXPECT_DOUBLE_EQ(h.hi(), 100.0);
  // 100 of 101 values sit in the first bin.
  EXPECT_LT(h.quantile(0.5), 0.5 + h.binWidth());
}

TEST(Observers, MseClipsAnOutlier) {
  std::vector<float> v;
  for (int i = 0; i < 10000; ++i)
    v.push_back(-1.0f + 2.0f * static_cast<float>(i) / 9999.0f);
  v.push_back(100.0f);
  MseOptimalObserver o(8, Scheme::Symmetric);
  o.observe(v);
  Range r = rangeOf(o);
  // Closed form: clipping at c costs (100 - c)^2 for the outlier and
  // 10000 * (c / 127)^2 / 12 of rounding noise for the bulk; the minimum is
  // at c = 100 / (1 + 10000 / (12 * 127^2)) = 95.09.
  EXPECT_NEAR(r.max, 95.09, 0.6);
  EXPECT_LT(o.expectedError(r), o.expectedError({-100.0, 100.0}));
}

TEST(Observers, MseKeepsAnUncontaminatedUniformRange) {
  std::vector<float> v;
  for (int i = 0; i < 10000; ++i)
    v.push_back(-1.0f + 2.0f * static_cast<float>(i) / 9999.0f);
  MseOptimalObserver o(8, Scheme::Symmetric);
  o.observe(v);
  Range r = rangeOf(o);
  // Clipping uniform data costs more than the 8-bit rounding noise saves.
  EXPECT_GT(r.max, 0.97);
}

TEST(Observers, KindNamesRoundTrip) {
  for (auto k : {ObserverKind::MinMax, ObserverKind::MovingAverageMinMax,
                 ObserverKind::Percentile, ObserverKind::MseOptimal}) {
    EXPECT_EQ(parseObserverKind(toString(k)), k);
    EXPECT_NE(createObserver(k), nullptr);
  }
  EXPECT_FALSE(parseObserverKind("kl").has_value());
}

// Every observer on the edge cases (closed forms): an all-zero
// tensor gives [0, 0] (which computeParams turns into scale 1.0), a single
// value v gives [v, v], a negative-only tensor keeps its negative range
// (the asymmetric parameters widen it to contain 0), and tiny magnitudes
// are not flushed.
TEST(Observers, EveryObserverOnEdgeCases) {
  for (ObserverKind kind :
       {ObserverKind::MinMax, ObserverKind::MovingAverageMinMax,
        ObserverKind::Percentile, ObserverKind::MseOptimal}) {
    SCOPED_TRACE(static_cast<int>(kind));
    auto zero = createObserver(kind);
    zero->observe(std::vector<float>(64, 0.0f));
    Range z = rangeOf(*zero);
    EXPECT_EQ(z.min, 0.0);
    EXPECT_EQ(z.max, 0.0);

    auto single = createObserver(kind);
    single->observe({2.5f});
    Range s = rangeOf(*single);
    EXPECT_DOUBLE_EQ(s.min, 2.5);
    EXPECT_DOUBLE_EQ(s.max, 2.5);

    auto negative = createObserver(kind);
    std::vector<float> neg;
    for (int i = 1; i <= 100; ++i)
      neg.push_back(-0.01f * static_cast<float>(i));
    negative->observe(neg);
    Range n = rangeOf(*negative);
    EXPECT_LT(n.max, 0.0);
    EXPECT_GE(n.min, -1.0 - 1e-6);
    EXPECT_LT(n.min, -0.9);

    auto tiny = createObserver(kind);
    tiny->observe({-3e-30f, 1e-30f, 2e-30f});
    Range t = rangeOf(*tiny);
    EXPECT_LT(t.min, 0.0);
    EXPECT_GT(t.max, 0.0);
    EXPECT_LE(t.max, 2e-30 * (1 + 1e-6));
    EXPECT_GE(t.min, -3e-30 * (1 + 1e-6));
  }
}

} // namespace
