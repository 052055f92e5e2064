//===- GemmSimd.cpp - Highway int8 GEMM with run-time dispatch ------------===//
//
// Operands are widened to int16 pairs so that one multiply-add (x86: vpmaddwd)
// does two exact MACs per int32 lane: each thread packs, per column strip of
// 3 vectors and K block of 128 pairs, a panel of interleaved (W[2p][j],
// W[2p+1][j]) that stays in L1, and each A pair is broadcast as one int32.
// The inner loop is then only loads, vpmaddwd and vpaddd on a 4-row x
// 3-vector register block (12 int32 accumulators) while every row block
// streams past the panel.
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
#undef TERN_GEMM_PAIRWISE_MADD // foreach_target includes this file per target
#if HWY_ARCH_X86 && HWY_TARGET != HWY_EMU128
// x86 SIMD targets implement the int16 widening multiply-add as one
// vpmaddwd (pmaddwd) plus an add: products of a pair are summed into one
// int32 lane and sum1 is never touched. Emulated targets split even and odd
// products into sum0 and sum1, so they take the generic block below.
#define TERN_GEMM_PAIRWISE_MADD 1
#else
#define TERN_GEMM_PAIRWISE_MADD 0
#endif

/// Reads the (A[2p], A[2p+1]) pair as one int32 (memcpy: Ap is int16 data).
HWY_INLINE int32_t Pair(const int16_t *HWY_RESTRICT a, size_t p) {
  int32_t v;
  std::memcpy(&v, a + 2 * p, sizeof(v));
  return v;
}

#if TERN_GEMM_PAIRWISE_MADD
/// c + (pairwise exact int16 products of a and b), one vpmaddwd + vpaddd.
template <class D, class V16, class V>
HWY_INLINE V MulPairs(D d32, V16 a, V16 b, V c) {
  V unused = c; // Never written on these targets (see above).
  return hn::ReorderWidenMulAccumulate(d32, a, b, c, unused);
}

/// One R-row (R <= 4) x 3-vector register block over pairs [kb, kEnd).
/// Named accumulators rather than arrays: with arrays GCC 12 shuffles them
/// between registers and spills every iteration. 4 x 3 is the largest block
/// that fits AVX2's 16 registers (12 accumulators, 3 weight vectors and one
/// broadcast), giving 12 multiply-adds per 7 loads.
template <size_t R>
HWY_INLINE void Block(const int16_t *HWY_RESTRICT a, size_t Kp2,
                      const int16_t *HWY_RESTRICT wcol, size_t ws,
                      int32_t *HWY_RESTRICT s, size_t Np, size_t kb,
                      size_t kEnd) {
  static_assert(R >= 1 && R <= 4, "register block has at most 4 rows");
  const hn::ScalableTag<int32_t> d32;
  const hn::Repartition<int16_t, decltype(d32)> d16;
  const size_t L = hn::Lanes(d32);
  // Later K blocks continue from the partial sums in S. Loading them here
  // rather than adding them after the loop matters: with a conditional add
  // in the epilogue GCC 12 gives up on keeping the 12 accumulators in
  // registers and spills half of them every iteration.
  auto init = [&](size_t r, size_t v) {
    return kb ? hn::LoadU(d32, s + r * Np + v * L) : hn::Zero(d32);
  };
  const auto z = hn::Zero(d32);
  auto c00 = init(0, 0), c01 = init(0, 1), c02 = init(0, 2);
  auto c10 = R > 1 ? init(1, 0) : z, c11 = R > 1 ? init(1, 1) : z,
       c12 = R > 1 ? init(1, 2) : z;
  auto c20 = R > 2 ? init(2, 0) : z, c21 = R > 2 ? init(2, 1) : z,
       c22 = R > 2 ? init(2, 2) : z;
  auto c30 = R > 3 ? init(3, 0) : z, c31 = R > 3 ? init(3, 1) : z,
       c32 = R > 3 ? init(3, 2) : z;
  const int16_t *a0 = a, *a1 = a + Kp2, *a2 = a + 2 * Kp2, *a3 = a + 3 * Kp2;
  for (size_t p = kb; p < kEnd; ++p) {
    const int16_t *w = wcol + p * ws;
    const auto w0 = hn::LoadU(d16, w);
    const auto w1 = hn::LoadU(d16, w + 2 * L);
    const auto w2 = hn::LoadU(d16, w + 4 * L);
    auto b = hn::BitCast(d16, hn::Set(d32, Pair(a0, p)));
    c00 = MulPairs(d32, b, w0, c00);
    c01 = MulPairs(d32, b, w1, c01);
    c02 = MulPairs(d32, b, w2, c02);
    if (R > 1) {
      b = hn::BitCast(d16, hn::Set(d32, Pair(a1, p)));
      c10 = MulPairs(d32, b, w0, c10);
      c11 = MulPairs(d32, b, w1, c11);
      c12 = MulPairs(d32, b, w2, c12);
    }
    if (R > 2) {
      b = hn::BitCast(d16, hn::Set(d32, Pair(a2, p)));
      c20 = MulPairs(d32, b, w0, c20);
      c21 = MulPairs(d32, b, w1, c21);
      c22 = MulPairs(d32, b, w2, c22);
    }
    if (R > 3) {
      b = hn::BitCast(d16, hn::Set(d32, Pair(a3, p)));
      c30 = MulPairs(d32, b, w0, c30);
      c31 = MulPairs(d32, b, w1, c31);
      c32 = MulPairs(d32, b, w2, c32);
    }
  }
  auto put = [&](size_t r, size_t v, decltype(c00) x) {
    hn::StoreU(x, d32, s + r * Np + v * L);
  };
  put(0, 0, c00), put(0, 1, c01), put(0, 2, c02);
  if (R > 1)
    put(1, 0, c10), put(1, 1, c11), put(1, 2, c12);
  if (R > 2)
    put(2, 0, c20), put(2, 1, c21), put(2, 2, c22);
  if (R > 3)
    put(3, 0, c30), put(3, 1, c31), put(3, 2, c32);
}
#else
/// Generic R-row x 3-vector block for targets whose widening multiply-add
/// reorders lanes between sum0 and sum1.
template <size_t R>
HWY_INLINE void Block(const int16_t *HWY_RESTRICT a, size_t Kp2,
                      const int16_t *HWY_RESTRICT wcol, size_t ws,
                      int32_t *HWY_RESTRICT s, size_t Np, size_t kb,
                      size_t kEnd) {
  const hn::ScalableTag<int32_t> d32;
  const hn::Repartition<int16_t, decltype(d32)> d16;
  const size_t L = hn::Lanes(d32);
  using V = decltype(hn::Zero(d32));
  V c[R][3], e[R][3];
  for (size_t r = 0; r < R; ++r)
    for (size_t v = 0; v < 3; ++v)
      c[r][v] = e[r][v] = hn::Zero(d32);
  for (size_t p = kb; p < kEnd; ++p) {
    const int16_t *w = wcol + p * ws;
    const auto w0 = hn::LoadU(d16, w);
    const auto w1 = hn::LoadU(d16, w + 2 * L);
    const auto w2 = hn::LoadU(d16, w + 4 * L);
    for (size_t r = 0; r < R; ++r) {
      const auto b = hn::BitCast(d16, hn::Set(d32, Pair(a + r * Kp2, p)));
      c[r][0] = hn::ReorderWidenMulAccumulate(d32, b, w0, c[r][0], e[r][0]);
      c[r][1] = hn::ReorderWidenMulAccumulate(d32, b, w1, c[r][1], e[r][1]);
      c[r][2] = hn::ReorderWidenMulAccumulate(d32, b, w2, c[r][2], e[r][2]);
    }
  }
  // Each K block is finalised (RearrangeToOddPlusEven) before it is added to
  // the previous blocks', so lane reordering cannot mix up partial sums.
  for (size_t r = 0; r < R; ++r)
    for (size_t v = 0; v < 3; ++v) {
      int32_t *dst = s + r * Np + v * L;
      auto x = hn::RearrangeToOddPlusEven(c[r][v], e[r][v]);
      if (kb)
        x = hn::Add(x, hn::LoadU(d32, dst));
      hn::StoreU(x, d32, dst);
    }
}
#endif
#endif

/// Widens A to int16, each row padded to Kp2 = 2 * Kp values so that the
/// (A[2p], A[2p+1]) pairs are int32-sized. Plain loops: compiled once per
/// target, the compiler vectorises them with that target's instructions.
void PackA(const int8_t *HWY_RESTRICT A, int16_t *HWY_RESTRICT Ap, size_t M,
           size_t K, size_t Kp2) {
  for (size_t i = 0; i < M; ++i) {
    const int8_t *src = A + i * K;
    int16_t *dst = Ap + i * Kp2;
    for (size_t k = 0; k < K; ++k)
      dst[k] = src[k];
    for (size_t k = K; k < Kp2; ++k)
      dst[k] = 0;
  }
}

/// Packs pairs [p0, p1) of the strip of columns [j0, j0 + n) of W (n <=
/// strip) into dst: for each pair p, strip int16 pairs (W[2p][j],
/// W[2p+1][j]), zero beyond N and K. Every element is written. Called per
/// strip and K block right before the block is used, so the packed panel
/// (12 KiB on AVX2) is written to and read from L1 only: packing all of W
/// up front wrote and re-read twice W's size through memory, a sixth of the
/// multiply's time on BERT tiles.
void PackWBlock(const int8_t *HWY_RESTRICT W, size_t K, size_t N,
                const int8_t *HWY_RESTRICT zeros, size_t j0, size_t n,
                size_t strip, size_t p0, size_t p1, int16_t *HWY_RESTRICT dst) {
#if HWY_TARGET != HWY_SCALAR
  const hn::ScalableTag<int32_t> d32;
  const hn::Repartition<int16_t, decltype(d32)> d16;
  const hn::Rebind<int8_t, decltype(d32)> d8; // one int8 per int32 lane
  const size_t L = hn::Lanes(d32);
  const auto lo16 = hn::Set(d32, 0xFFFF);
#endif
  for (size_t p = p0; p < p1; ++p, dst += 2 * strip) {
    const int8_t *w0 = W + 2 * p * N + j0;
    const int8_t *w1 = 2 * p + 1 < K ? w0 + N : zeros;
    size_t c = 0;
#if HWY_TARGET != HWY_SCALAR
    // Sign-extended to int32, w0 in the low and w1 in the high half of each
    // lane is the (w0[c], w1[c]) int16 pair in memory order.
    for (; c + L <= n; c += L) {
      const auto v0 = hn::PromoteTo(d32, hn::LoadU(d8, w0 + c));
      const auto v1 = hn::PromoteTo(d32, hn::LoadU(d8, w1 + c));
      const auto v = hn::Or(hn::And(v0, lo16), hn::ShiftLeft<16>(v1));
      hn::StoreU(hn::BitCast(d16, v), d16, dst + 2 * c);
    }
#endif
    for (; c < n; ++c) {
      dst[2 * c] = w0[c];
      dst[2 * c + 1] = w1[c];
    }
    for (c = 2 * n; c < 2 * strip; ++c)
      dst[c] = 0;
  }
}

/// Computes columns [j0, j1) (multiples of a 3-vector strip) of S for all
/// rows. Ap: M x 2*Kp int16 (PackA); W: K x N int8, zeros: N zero bytes
/// when K is odd (the missing row of the last pair); S: M x Np.
void GemmStrip(const int16_t *HWY_RESTRICT Ap, const int8_t *HWY_RESTRICT W,
               const int8_t *HWY_RESTRICT zeros, int32_t *HWY_RESTRICT S,
               size_t M, size_t K, size_t N, size_t Np, size_t j0, size_t j1) {
  const size_t Kp = (K + 1) / 2, Kp2 = 2 * Kp;
#if HWY_TARGET == HWY_SCALAR
  for (size_t i = 0; i < M; ++i)
    for (size_t j = j0; j < j1 && j < N; ++j) {
      int32_t s = 0;
      for (size_t k = 0; k < K; ++k)
        s += Ap[i * Kp2 + k] * W[k * N + j];
      S[i * Np + j] = s;
    }
#else
  const size_t L = hn::Lanes(hn::ScalableTag<int32_t>());
  const size_t strip = 3 * L;
  const size_t ws = 2 * strip; // int16 per pair row of a packed panel
  // K blocks keep a packed panel of W (KB pairs x 3 vectors: 12 KiB on
  // AVX2) in L1 while all row blocks stream past it.
  constexpr size_t KB = 128;
  std::vector<int16_t> panel(KB * ws);
  for (size_t j = j0; j < j1; j += strip) {
    const size_t n = N - j < strip ? N - j : strip;
    for (size_t kb = 0; kb < Kp; kb += KB) {
      const size_t kEnd = kb + KB < Kp ? kb + KB : Kp;
      PackWBlock(W, K, N, zeros, j, n, strip, kb, kEnd, panel.data());
      // Block indexes the panel by absolute pair p.
      const int16_t *wcol = panel.data() - kb * ws;
      size_t i = 0;
      for (; i + 4 <= M; i += 4)
        Block<4>(Ap + i * Kp2, Kp2, wcol, ws, S + i * Np + j, Np, kb, kEnd);
      const int16_t *a = Ap + i * Kp2;
      int32_t *s = S + i * Np + j;
      switch (M - i) {
      case 3:
        Block<3>(a, Kp2, wcol, ws, s, Np, kb, kEnd);
        break;
      case 2:
        Block<2>(a, Kp2, wcol, ws, s, Np, kb, kEnd);
        break;
      case 1:
        Block<1>(a, Kp2, wcol, ws, s, Np, kb, kEnd);
        break;
      default:
        break;
      }
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
HWY_EXPORT(PackA);
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
  // A is widened once per call (O(MK) against the O(MKN) multiply) into a
  // buffer reused by the calling thread: fresh pages every call would fault
  // and be write-allocated from memory. It keeps the largest A seen (for
  // the model's tiles at most twice the act scratchpad). PackA writes every
  // element.
  static thread_local std::vector<int16_t> ApBuf;
  if (ApBuf.size() < M * 2 * Kp)
    ApBuf.resize(M * 2 * Kp);
  int16_t *Ap = ApBuf.data();
  HWY_DYNAMIC_DISPATCH(PackA)(A, Ap, M, K, 2 * Kp);
  std::vector<int8_t> zeros(K % 2 ? N : 0, 0); // the missing row of an odd K
  // Write S in place when no column padding is needed.
  std::vector<int32_t> Spad(Np == N ? 0 : M * Np);
  int32_t *Sp = Np == N ? S : Spad.data();
  const size_t strips = Np / strip;
  unsigned t = threads == 0 ? 1 : threads;
  if (t > strips)
    t = static_cast<unsigned>(strips);
  auto work = [&](size_t s0, size_t s1) {
    HWY_DYNAMIC_DISPATCH(GemmStrip)
    (Ap, W, zeros.data(), Sp, M, K, N, Np, s0 * strip, s1 * strip);
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
  if (Sp != S)
    for (size_t i = 0; i < M; ++i)
      std::memcpy(S + i * N, Sp + i * Np, N * sizeof(int32_t));
}

} // namespace tern::rt::kernels
#endif // HWY_ONCE
