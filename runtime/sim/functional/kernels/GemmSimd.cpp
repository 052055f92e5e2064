//===- GemmSimd.cpp - Highway int8 GEMM with run-time dispatch --------------===//
//
// Operands are widened to int16 pairs so that one multiply-add (x86: vpmaddwd)
// does two exact MACs per int32 lane: W is repacked into column strips of
// K/2 rows of interleaved (W[2p][j], W[2p+1][j]), each A pair broadcast as one
// int32. A 3-row x 3-vector register block keeps 9 accumulators live; the
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

#if HWY_TARGET != HWY_SCALAR
/// One R-row x 3-vector register block over pairs [kb, kEnd): arrays with
/// compile-time bounds that the compiler fully unrolls into registers
/// (3 x 3 accumulators + 3 weight vectors + 1 broadcast fit AVX2's 16).
template <size_t R>
HWY_INLINE void Block(const int32_t *HWY_RESTRICT a, size_t Kp,
                      const int16_t *HWY_RESTRICT wcol, size_t ws,
                      int32_t *HWY_RESTRICT s, size_t Np, size_t kb,
                      size_t kEnd) {
  const hn::ScalableTag<int32_t> d32;
  const hn::Repartition<int16_t, decltype(d32)> d16;
  const size_t L = hn::Lanes(d32);
  using V = decltype(hn::Zero(d32));
#if HWY_ARCH_X86
  // x86's widening multiply-add (vpmaddwd) never touches sum1: one shared
  // dummy instead of R x 3 of them keeps GCC from spilling accumulators.
  V c[R][3], dummy = hn::Zero(d32);
  auto E = [&](size_t, size_t) -> V & { return dummy; };
#else
  V c[R][3], e[R][3];
  for (size_t r = 0; r < R; ++r)
    for (size_t v = 0; v < 3; ++v)
      e[r][v] = hn::Zero(d32);
  auto E = [&](size_t r, size_t v) -> V & { return e[r][v]; };
#endif
  for (size_t r = 0; r < R; ++r)
    for (size_t v = 0; v < 3; ++v)
      c[r][v] = hn::Zero(d32);
  for (size_t p = kb; p < kEnd; ++p) {
    const int16_t *w = wcol + p * ws;
    const auto w0 = hn::LoadU(d16, w);
    const auto w1 = hn::LoadU(d16, w + 2 * L);
    const auto w2 = hn::LoadU(d16, w + 4 * L);
    for (size_t r = 0; r < R; ++r) {
      const auto b = hn::BitCast(d16, hn::Set(d32, a[r * Kp + p]));
      c[r][0] = hn::ReorderWidenMulAccumulate(d32, b, w0, c[r][0], E(r, 0));
      c[r][1] = hn::ReorderWidenMulAccumulate(d32, b, w1, c[r][1], E(r, 1));
      c[r][2] = hn::ReorderWidenMulAccumulate(d32, b, w2, c[r][2], E(r, 2));
    }
  }
  // Each K block is finalised (RearrangeToOddPlusEven) before it is added to
  // the previous blocks', so this is right on targets whose widening
  // multiply reorders lanes, not only on x86.
  for (size_t r = 0; r < R; ++r)
    for (size_t v = 0; v < 3; ++v) {
      int32_t *dst = s + r * Np + v * L;
      auto x = hn::RearrangeToOddPlusEven(c[r][v], E(r, v));
      if (kb)
        x = hn::Add(x, hn::LoadU(d32, dst));
      hn::StoreU(x, d32, dst);
    }
}
#endif

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
        // Strip-major layout (see gemmInt8Simd); the strip is 3 columns.
        const int16_t *w = Wp + ((j / 3 * Kp + p) * 3 + j % 3) * 2;
        s += static_cast<int16_t>(a & 0xFFFF) * w[0] +
             static_cast<int16_t>(a >> 16) * w[1];
      }
      S[i * Np + j] = s;
    }
#else
  const size_t L = hn::Lanes(hn::ScalableTag<int32_t>());
  const size_t ws = 6 * L; // int16 per (strip, pair) row: 3 vectors of pairs
  // K blocks keep a strip of W (KB pairs x 3 vectors) in L1 while all row
  // blocks stream past it.
  constexpr size_t KB = 128;
  for (size_t j = j0; j < j1; j += 3 * L) {
    const int16_t *wcol = Wp + (j / (3 * L)) * Kp * ws; // this strip
    for (size_t kb = 0; kb < Kp; kb += KB) {
      const size_t kEnd = kb + KB < Kp ? kb + KB : Kp;
      size_t i = 0;
      for (; i + 3 <= M; i += 3)
        Block<3>(Ap + i * Kp, Kp, wcol, ws, S + i * Np + j, Np, kb, kEnd);
      for (; i < M; ++i)
        Block<1>(Ap + i * Kp, Kp, wcol, ws, S + i * Np + j, Np, kb, kEnd);
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
  // Strip-major: all pairs of one 3-vector column strip are contiguous, so
  // a K block of a strip is one dense run in L1 (row-major with a stride of
  // 2*Np int16 would map every row to the same few cache sets).
  std::vector<int16_t> Wp(Kp * 2 * Np, 0);
  for (size_t p = 0; p < Kp; ++p) {
    const int8_t *w0 = W + 2 * p * N;
    const int8_t *w1 = 2 * p + 1 < K ? w0 + N : nullptr;
    for (size_t j0 = 0; j0 < N; j0 += strip) {
      int16_t *dst = Wp.data() + (j0 / strip * Kp + p) * strip * 2;
      const size_t n = N - j0 < strip ? N - j0 : strip;
      for (size_t c = 0; c < n; ++c) {
        dst[2 * c] = w0[j0 + c];
        dst[2 * c + 1] = w1 ? w1[j0 + c] : 0;
      }
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
