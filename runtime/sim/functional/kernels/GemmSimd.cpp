//===- GemmSimd.cpp - Highway int8 GEMM with run-time dispatch --------------===//
//
// Operands are widened to int16 pairs so that one multiply-add (x86: vpmaddwd)
// does two exact MACs per int32 lane: W is repacked as K/2 rows of
// interleaved (W[2p][j], W[2p+1][j]) and each A pair is broadcast as one
// int32. A 4-row x 3-vector register block keeps 12 accumulators live; the
// column strip loop is outermost so a strip of W stays in cache while every
// row block streams past it.
//
//===----------------------------------------------------------------------===//

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "runtime/sim/functional/kernels/GemmSimd.cpp"
#include "hwy/foreach_target.h" // IWYU pragma: keep

#include "hwy/highway.h"

#include <cstring>
#include <thread>
#include <vector>

HWY_BEFORE_NAMESPACE();
namespace tern::rt::kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

/// Lanes of int32 per vector on this target.
size_t Int32Lanes() { return hn::Lanes(hn::ScalableTag<int32_t>()); }
const char *TargetNameHere() { return hwy::TargetName(HWY_TARGET); }

/// Computes columns [j0, j1) (multiples of 3 vectors) of S for all rows.
/// Ap: M x Kp int32 pairs; Wp: Kp x (2*Np) int16; S: M x Np.
void GemmStrip(const int32_t *HWY_RESTRICT Ap, const int16_t *HWY_RESTRICT Wp,
               int32_t *HWY_RESTRICT S, size_t M, size_t Kp, size_t Np,
               size_t j0, size_t j1) {
#if HWY_TARGET == HWY_SCALAR
  for (size_t i = 0; i < M; ++i)
    for (size_t j = j0; j < j1; ++j) {
      int32_t s = 0;
      for (size_t p = 0; p < Kp; ++p) {
        int32_t a = Ap[i * Kp + p];
        s += static_cast<int16_t>(a & 0xFFFF) * Wp[p * 2 * Np + 2 * j] +
             static_cast<int16_t>(a >> 16) * Wp[p * 2 * Np + 2 * j + 1];
      }
      S[i * Np + j] = s;
    }
#else
  const hn::ScalableTag<int32_t> d32;
  const hn::Repartition<int16_t, decltype(d32)> d16;
  const size_t L = hn::Lanes(d32);
  const size_t ws = 2 * Np; // int16 per W row
  for (size_t j = j0; j < j1; j += 3 * L) {
    const int16_t *wcol = Wp + 2 * j;
    size_t i = 0;
    for (; i + 4 <= M; i += 4) {
      auto c00 = hn::Zero(d32), c01 = hn::Zero(d32), c02 = hn::Zero(d32);
      auto c10 = hn::Zero(d32), c11 = hn::Zero(d32), c12 = hn::Zero(d32);
      auto c20 = hn::Zero(d32), c21 = hn::Zero(d32), c22 = hn::Zero(d32);
      auto c30 = hn::Zero(d32), c31 = hn::Zero(d32), c32 = hn::Zero(d32);
      auto e00 = hn::Zero(d32), e01 = hn::Zero(d32), e02 = hn::Zero(d32);
      auto e10 = hn::Zero(d32), e11 = hn::Zero(d32), e12 = hn::Zero(d32);
      auto e20 = hn::Zero(d32), e21 = hn::Zero(d32), e22 = hn::Zero(d32);
      auto e30 = hn::Zero(d32), e31 = hn::Zero(d32), e32 = hn::Zero(d32);
      const int32_t *a0 = Ap + i * Kp;
      for (size_t p = 0; p < Kp; ++p) {
        const int16_t *w = wcol + p * ws;
        auto w0 = hn::LoadU(d16, w);
        auto w1 = hn::LoadU(d16, w + 2 * L);
        auto w2 = hn::LoadU(d16, w + 4 * L);
        auto b0 = hn::BitCast(d16, hn::Set(d32, a0[p]));
        c00 = hn::ReorderWidenMulAccumulate(d32, b0, w0, c00, e00);
        c01 = hn::ReorderWidenMulAccumulate(d32, b0, w1, c01, e01);
        c02 = hn::ReorderWidenMulAccumulate(d32, b0, w2, c02, e02);
        auto b1 = hn::BitCast(d16, hn::Set(d32, a0[Kp + p]));
        c10 = hn::ReorderWidenMulAccumulate(d32, b1, w0, c10, e10);
        c11 = hn::ReorderWidenMulAccumulate(d32, b1, w1, c11, e11);
        c12 = hn::ReorderWidenMulAccumulate(d32, b1, w2, c12, e12);
        auto b2 = hn::BitCast(d16, hn::Set(d32, a0[2 * Kp + p]));
        c20 = hn::ReorderWidenMulAccumulate(d32, b2, w0, c20, e20);
        c21 = hn::ReorderWidenMulAccumulate(d32, b2, w1, c21, e21);
        c22 = hn::ReorderWidenMulAccumulate(d32, b2, w2, c22, e22);
        auto b3 = hn::BitCast(d16, hn::Set(d32, a0[3 * Kp + p]));
        c30 = hn::ReorderWidenMulAccumulate(d32, b3, w0, c30, e30);
        c31 = hn::ReorderWidenMulAccumulate(d32, b3, w1, c31, e31);
        c32 = hn::ReorderWidenMulAccumulate(d32, b3, w2, c32, e32);
      }
      int32_t *s = S + i * Np + j;
      hn::StoreU(hn::RearrangeToOddPlusEven(c00, e00), d32, s);
      hn::StoreU(hn::RearrangeToOddPlusEven(c01, e01), d32, s + L);
      hn::StoreU(hn::RearrangeToOddPlusEven(c02, e02), d32, s + 2 * L);
      s += Np;
      hn::StoreU(hn::RearrangeToOddPlusEven(c10, e10), d32, s);
      hn::StoreU(hn::RearrangeToOddPlusEven(c11, e11), d32, s + L);
      hn::StoreU(hn::RearrangeToOddPlusEven(c12, e12), d32, s + 2 * L);
      s += Np;
      hn::StoreU(hn::RearrangeToOddPlusEven(c20, e20), d32, s);
      hn::StoreU(hn::RearrangeToOddPlusEven(c21, e21), d32, s + L);
      hn::StoreU(hn::RearrangeToOddPlusEven(c22, e22), d32, s + 2 * L);
      s += Np;
      hn::StoreU(hn::RearrangeToOddPlusEven(c30, e30), d32, s);
      hn::StoreU(hn::RearrangeToOddPlusEven(c31, e31), d32, s + L);
      hn::StoreU(hn::RearrangeToOddPlusEven(c32, e32), d32, s + 2 * L);
    }
    for (; i < M; ++i) {
      auto c0 = hn::Zero(d32), c1 = hn::Zero(d32), c2 = hn::Zero(d32);
      auto e0 = hn::Zero(d32), e1 = hn::Zero(d32), e2 = hn::Zero(d32);
      for (size_t p = 0; p < Kp; ++p) {
        const int16_t *w = wcol + p * ws;
        auto b = hn::BitCast(d16, hn::Set(d32, Ap[i * Kp + p]));
        c0 = hn::ReorderWidenMulAccumulate(d32, b, hn::LoadU(d16, w), c0, e0);
        c1 = hn::ReorderWidenMulAccumulate(d32, b, hn::LoadU(d16, w + 2 * L),
                                           c1, e1);
        c2 = hn::ReorderWidenMulAccumulate(d32, b, hn::LoadU(d16, w + 4 * L),
                                           c2, e2);
      }
      int32_t *s = S + i * Np + j;
      hn::StoreU(hn::RearrangeToOddPlusEven(c0, e0), d32, s);
      hn::StoreU(hn::RearrangeToOddPlusEven(c1, e1), d32, s + L);
      hn::StoreU(hn::RearrangeToOddPlusEven(c2, e2), d32, s + 2 * L);
    }
  }
#endif
}

} // namespace HWY_NAMESPACE
} // namespace tern::rt::kernels
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
#include "runtime/sim/functional/kernels/Gemm.h"

namespace tern::rt::kernels {

HWY_EXPORT(Int32Lanes);
HWY_EXPORT(GemmStrip);
HWY_EXPORT(TargetNameHere);

const char *gemmSimdTargetName() {
  return HWY_DYNAMIC_DISPATCH(TargetNameHere)();
}

void gemmInt8Simd(const int8_t *A, const int8_t *W, int32_t *S, size_t M,
                  size_t K, size_t N, unsigned threads) {
  if (M == 0 || N == 0)
    return;
  const size_t L = HWY_DYNAMIC_DISPATCH(Int32Lanes)();
  const size_t strip = 3 * L;
  const size_t Np = (N + strip - 1) / strip * strip;
  const size_t Kp = (K + 1) / 2;
  // Repack: A pairs as int32, W as interleaved int16 pairs, zero padded.
  std::vector<int32_t> Ap(M * Kp);
  for (size_t i = 0; i < M; ++i)
    for (size_t p = 0; p < Kp; ++p) {
      int16_t a0 = A[i * K + 2 * p];
      int16_t a1 = 2 * p + 1 < K ? A[i * K + 2 * p + 1] : 0;
      Ap[i * Kp + p] = static_cast<int32_t>(
          static_cast<uint32_t>(static_cast<uint16_t>(a0)) |
          (static_cast<uint32_t>(static_cast<uint16_t>(a1)) << 16));
    }
  std::vector<int16_t> Wp(Kp * 2 * Np, 0);
  for (size_t p = 0; p < Kp; ++p) {
    int16_t *row = Wp.data() + p * 2 * Np;
    const int8_t *w0 = W + 2 * p * N;
    const int8_t *w1 = 2 * p + 1 < K ? w0 + N : nullptr;
    for (size_t j = 0; j < N; ++j) {
      row[2 * j] = w0[j];
      row[2 * j + 1] = w1 ? w1[j] : 0;
    }
  }
  std::vector<int32_t> Sp(M * Np);
  const size_t strips = Np / strip;
  unsigned t = threads == 0 ? 1 : threads;
  if (t > strips)
    t = static_cast<unsigned>(strips);
  auto work = [&](size_t s0, size_t s1) {
    HWY_DYNAMIC_DISPATCH(GemmStrip)
    (Ap.data(), Wp.data(), Sp.data(), M, Kp, Np, s0 * strip, s1 * strip);
  };
  if (t <= 1) {
    work(0, strips);
  } else {
    std::vector<std::thread> pool;
    for (unsigned k = 0; k < t; ++k)
      pool.emplace_back(work, strips * k / t, strips * (k + 1) / t);
    for (std::thread &th : pool)
      th.join();
  }
  for (size_t i = 0; i < M; ++i)
    std::memcpy(S + i * N, Sp.data() + i * Np, N * sizeof(int32_t));
}

} // namespace tern::rt::kernels
#endif // HWY_ONCE
