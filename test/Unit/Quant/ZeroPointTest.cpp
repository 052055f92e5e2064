//===- ZeroPointTest.cpp - the input zero point folded into the bias ------===//
//
// The fold is checked against its definition: for every activation code
// vector x, bias + sum_k (x[k] - Zx) W[k, n] (computed directly in int64)
// must equal folded[n] + sum_k x[k] W[k, n], and at the extreme zero points
// against hand-computed column sums.
//
//===----------------------------------------------------------------------===//

#include "tern/Quant/ZeroPoint.h"

#include <gtest/gtest.h>

#include <random>

using namespace tern::quant;

namespace {

std::vector<int32_t> fold(llvm::ArrayRef<int64_t> w, int64_t k, int64_t n,
                          int64_t zx, llvm::ArrayRef<int64_t> bias) {
  auto r = foldInputZeroPoint(w, k, n, zx, bias);
  EXPECT_TRUE(static_cast<bool>(r)) << llvm::toString(r.takeError());
  return r ? *r : std::vector<int32_t>{};
}

std::string error(llvm::ArrayRef<int64_t> w, int64_t k, int64_t n, int64_t zx,
                  llvm::ArrayRef<int64_t> bias) {
  auto r = foldInputZeroPoint(w, k, n, zx, bias);
  return r ? "" : llvm::toString(r.takeError());
}

TEST(ZeroPointFold, ExtremeZeroPointsByHand) {
  // W = [[1, -128], [127, 3], [-2, -128]] (3 x 2): column sums 126, -253.
  std::vector<int64_t> w = {1, -128, 127, 3, -2, -128};
  // Zx = -128 (uint8 zero point 0 held as int8): bias + 128 * colsum.
  EXPECT_EQ(fold(w, 3, 2, -128, {10, -20}),
            (std::vector<int32_t>{10 + 128 * 126, -20 + 128 * -253}));
  // Zx = 127 (uint8 zero point 255): bias - 127 * colsum.
  EXPECT_EQ(fold(w, 3, 2, 127, {10, -20}),
            (std::vector<int32_t>{10 - 127 * 126, -20 - 127 * -253}));
  // No bias: the fold alone.
  EXPECT_EQ(fold(w, 3, 2, 127, {}),
            (std::vector<int32_t>{-127 * 126, 127 * 253}));
  // Zx = 0: the bias unchanged.
  EXPECT_EQ(fold(w, 3, 2, 0, {10, -20}), (std::vector<int32_t>{10, -20}));
}

TEST(ZeroPointFold, AllZeroWeightsKeepTheBias) {
  std::vector<int64_t> w(4 * 3, 0);
  EXPECT_EQ(fold(w, 4, 3, -128, {5, -6, 7}),
            (std::vector<int32_t>{5, -6, 7}));
  EXPECT_EQ(fold(w, 4, 3, 127, {}), (std::vector<int32_t>{0, 0, 0}));
}

TEST(ZeroPointFold, EqualsTheAsymmetricProduct) {
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> code(-128, 127), bias(-100000, 100000);
  const int64_t k = 37, n = 5;
  for (int64_t zx : {-128, -43, 0, 11, 127}) {
    std::vector<int64_t> w(k * n), b(n);
    for (auto &v : w)
      v = code(rng);
    for (auto &v : b)
      v = bias(rng);
    std::vector<int32_t> folded = fold(w, k, n, zx, b);
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<int64_t> x(k);
      for (auto &v : x)
        v = code(rng);
      for (int64_t c = 0; c < n; ++c) {
        int64_t direct = b[c], viaFold = folded[c];
        for (int64_t kk = 0; kk < k; ++kk) {
          direct += (x[kk] - zx) * w[kk * n + c];
          viaFold += x[kk] * w[kk * n + c];
        }
        EXPECT_EQ(direct, viaFold) << "zx " << zx << " column " << c;
      }
    }
  }
}

TEST(ZeroPointFold, LeavingInt32IsAnError) {
  // Column sum -128 * 4 = -512; Zx = 127: + 65024 on a bias near INT32_MAX.
  std::vector<int64_t> w(4, -128);
  EXPECT_EQ(fold(w, 4, 1, 127, {2147483647 - 65024}),
            (std::vector<int32_t>{2147483647}));
  EXPECT_EQ(error(w, 4, 1, 127, {2147483647 - 65023}),
            "zero-point fold: column 0's bias 2147418624 - 127 * -512 = "
            "2147483648 leaves int32");
}

TEST(ZeroPointFold, ShapeMismatchesAreErrors) {
  std::vector<int64_t> w(6, 1);
  EXPECT_EQ(error(w, 4, 2, 1, {}),
            "zero-point fold: 6 weights are not a [4, 2] matrix");
  EXPECT_EQ(error(w, 3, 2, 1, {1, 2, 3}),
            "zero-point fold: a bias of 3 values for 2 columns");
}

} // namespace
