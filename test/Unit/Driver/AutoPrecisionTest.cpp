//===- AutoPrecisionTest.cpp - the auto policy's selection ----------------===//
//
// Synthetic costs and errors where the right answer is known: costs add,
// errors add in quadrature, and one candidate saves only once its
// neighbour is in int8 (an attention product fed by int8 Q / K).
//
//===----------------------------------------------------------------------===//

#include "tern/Driver/AutoPrecision.h"

#include "gtest/gtest.h"

#include <cmath>
#include <set>

using namespace tern;

namespace {

struct Synthetic {
  std::vector<PrecisionCandidate> candidates;
  double baseline = 1000;
  /// Extra saving of candidate `second` when `first` is chosen too.
  int first = -1, second = -1;
  double bonus = 0;
  int calls = 0;

  llvm::Expected<PrecisionTrial> operator()(llvm::ArrayRef<size_t> set) {
    ++calls;
    std::set<size_t> in(set.begin(), set.end());
    PrecisionTrial t{baseline, 0};
    double e2 = 0;
    for (size_t i : in) {
      t.cost -= candidates[i].saving;
      e2 += candidates[i].error * candidates[i].error;
    }
    if (first >= 0 && in.count(first) && in.count(second))
      t.cost -= bonus;
    t.error = std::sqrt(e2);
    return t;
  }
};

std::set<size_t> run(Synthetic &s, double budget) {
  auto chosen = selectPrecisionGreedy(
      s.candidates, budget, s.baseline,
      [&](llvm::ArrayRef<size_t> set) { return s(set); });
  EXPECT_TRUE(static_cast<bool>(chosen));
  if (!chosen) {
    llvm::consumeError(chosen.takeError());
    return {};
  }
  return std::set<size_t>(chosen->begin(), chosen->end());
}

TEST(AutoPrecision, PicksBestSavingPerErrorWithinBudget) {
  Synthetic s;
  s.candidates = {{"a", 0.03, 100}, {"b", 0.01, 100}, {"c", 0.01, 10},
                  {"d", 0.02, 300}};
  // Budget 0.025: b (ratio 1e6), d (7.5e5) give sqrt(0.01^2+0.02^2) =
  // 0.0224; adding c would reach 0.0245, still inside; a never fits.
  EXPECT_EQ(run(s, 0.025), (std::set<size_t>{1, 2, 3}));
  // Budget 0.015: b, then d would exceed; c fits (0.0141).
  EXPECT_EQ(run(s, 0.015), (std::set<size_t>{1, 2}));
  // Budget 0: nothing is free of error.
  EXPECT_TRUE(run(s, 0.0).empty());
  // A budget above every error takes every candidate that saves.
  EXPECT_EQ(run(s, 1.0), (std::set<size_t>{0, 1, 2, 3}));
}

TEST(AutoPrecision, NeverTakesACandidateThatCostsMore) {
  Synthetic s;
  s.candidates = {{"gemm", 0.001, 50}, {"head", 0.001, -20}};
  EXPECT_EQ(run(s, 1.0), (std::set<size_t>{0}));
}

TEST(AutoPrecision, TakesACandidateThatSavesOnlyWithItsNeighbour) {
  Synthetic s;
  // "scores" costs 30 more alone (conversions), saves 40 net with "q".
  s.candidates = {{"scores", 0.001, -30}, {"q", 0.001, 100}};
  s.first = 1;
  s.second = 0;
  s.bonus = 70;
  EXPECT_EQ(run(s, 1.0), (std::set<size_t>{0, 1}));
}

TEST(AutoPrecision, RejectsANegativeBudget) {
  auto chosen = selectPrecisionGreedy({}, -0.1, 0, nullptr);
  ASSERT_FALSE(static_cast<bool>(chosen));
  EXPECT_NE(llvm::toString(chosen.takeError())
                .find("the best achievable error is 0"),
            std::string::npos);
}

TEST(AutoPrecision, PropagatesMeasurementErrors) {
  std::vector<PrecisionCandidate> c = {{"a", 0.01, 10}};
  auto chosen = selectPrecisionGreedy(
      c, 1.0, 100, [](llvm::ArrayRef<size_t>) -> llvm::Expected<PrecisionTrial> {
        return llvm::createStringError(llvm::inconvertibleErrorCode(),
                                       "simulator failed");
      });
  ASSERT_FALSE(static_cast<bool>(chosen));
  EXPECT_EQ(llvm::toString(chosen.takeError()), "simulator failed");
}

} // namespace
