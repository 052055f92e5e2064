//===- GemmKernelTest.cpp - SIMD vs scalar vs naive int8 GEMM ---------------===//

#include "runtime/sim/functional/kernels/Gemm.h"

#include "gtest/gtest.h"

#include <random>
#include <vector>

using namespace tern::rt::kernels;

TEST(GemmKernel, SimdScalarAndThreadsAgreeWithNaive) {
  std::mt19937 rng(7);
  struct Shape {
    size_t M, K, N;
  } shapes[] = {{1, 1, 1},   {4, 16, 8},  {5, 7, 3},    {13, 33, 50},
                {64, 128, 96}, {3, 255, 129}, {17, 1, 200}};
  for (const Shape &s : shapes) {
    std::vector<int8_t> A(s.M * s.K), W(s.K * s.N);
    for (auto &a : A)
      a = static_cast<int8_t>(rng());
    for (auto &w : W)
      w = static_cast<int8_t>(rng());
    // Extremes: -128 * -128 everywhere in the first row/column.
    A[0] = -128;
    W[0] = -128;
    std::vector<int32_t> ref(s.M * s.N);
    for (size_t i = 0; i < s.M; ++i)
      for (size_t j = 0; j < s.N; ++j) {
        int64_t acc = 0;
        for (size_t k = 0; k < s.K; ++k)
          acc += int64_t(A[i * s.K + k]) * W[k * s.N + j];
        ref[i * s.N + j] = static_cast<int32_t>(acc);
      }
    std::vector<int32_t> sc(s.M * s.N, -1);
    gemmInt8Scalar(A.data(), W.data(), sc.data(), s.M, s.K, s.N);
    EXPECT_EQ(sc, ref) << s.M << "x" << s.K << "x" << s.N;
    for (unsigned t : {1u, 2u, 3u, 8u}) {
      std::vector<int32_t> si(s.M * s.N, -1);
      gemmInt8Simd(A.data(), W.data(), si.data(), s.M, s.K, s.N, t);
      EXPECT_EQ(si, ref) << s.M << "x" << s.K << "x" << s.N << " threads " << t
                         << " target " << gemmSimdTargetName();
    }
  }
}

// Randomized shapes around the kernel's edges: odd K (a half-empty last
// pair), K over several 128-pair blocks, M not a multiple of the 4-row
// block, N not a multiple of the strip (partial and padded panels), and
// operands that include -128 * -128.
TEST(GemmKernel, RandomShapesMatchScalar) {
  std::mt19937 rng(2026);
  for (int iter = 0; iter < 60; ++iter) {
    const size_t M = 1 + rng() % 11, K = 1 + rng() % 700, N = 1 + rng() % 130;
    std::vector<int8_t> A(M * K), W(K * N);
    for (auto &a : A)
      a = static_cast<int8_t>(rng() % 4 ? rng() : -128);
    for (auto &w : W)
      w = static_cast<int8_t>(rng() % 4 ? rng() : -128);
    std::vector<int32_t> ref(M * N, -1);
    gemmInt8Scalar(A.data(), W.data(), ref.data(), M, K, N);
    const unsigned threads = 1 + rng() % 3;
    std::vector<int32_t> si(M * N, -1);
    gemmInt8Simd(A.data(), W.data(), si.data(), M, K, N, threads);
    ASSERT_EQ(si, ref) << M << "x" << K << "x" << N << " threads " << threads
                       << " target " << gemmSimdTargetName();
  }
}
