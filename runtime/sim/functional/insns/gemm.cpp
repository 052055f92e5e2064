//===- gemm.cpp - GEMM tile on the integer matrix unit ----------------------===//
//
// Operands hold one value per byte; for 6- and 4-bit operands only the low
// bits are wired to the array (sign-extended), as a narrow datapath would.
// The K-row bitmap (bit k of vec[baddr], LSB first) skips rows of W whose bit
// is 0: they are neither read (no access is recorded) nor multiplied.
//
//===----------------------------------------------------------------------===//

#include "runtime/sim/functional/insns/Common.h"
#include "runtime/sim/functional/kernels/Gemm.h"

#include <vector>

using namespace llvm;

namespace tern::rt::sim::insns {

Error execGemm(Machine &M, const isa::GemmF &f) {
  if (f.width > 2)
    return invalid("field 'width' = 3 is not w8, w6 or w4");
  if (f.k == 0 || f.n == 0)
    return invalid("k and n must be non-zero");
  Expected<uint64_t> rows = M.rowCount(f.m, f.lensel);
  if (!rows)
    return rows.takeError();
  const uint64_t m = *rows, K = f.k, N = f.n;
  const unsigned bits = f.width == 0 ? 8 : f.width == 1 ? 6 : 4;
  const unsigned eltC = f.accmode ? 2 : 4;

  // Which K rows take part.
  std::vector<uint32_t> active;
  active.reserve(K);
  if (f.bmap) {
    Expected<uint8_t *> bm = rd(M, 3, f.baddr, (K + 7) / 8);
    if (!bm)
      return bm.takeError();
    for (uint32_t k = 0; k < K; ++k)
      if (((*bm)[k / 8] >> (k % 8)) & 1)
        active.push_back(k);
  } else {
    for (uint32_t k = 0; k < K; ++k)
      active.push_back(k);
  }
  const uint64_t Ka = active.size();

  Expected<uint8_t *> A = rd(M, 0, f.a, m * K);
  if (!A)
    return A.takeError();
  // W: one range when dense, one row per active k otherwise (skipped rows
  // are not touched). Bounds of the whole tile are checked either way.
  std::vector<const int8_t *> wrow(K, nullptr);
  if (!f.bmap) {
    Expected<uint8_t *> W = rd(M, 1, f.w, K * N);
    if (!W)
      return W.takeError();
    for (uint64_t k = 0; k < K; ++k)
      wrow[k] = reinterpret_cast<const int8_t *>(*W + k * N);
  } else {
    if (f.w + K * N > M.config().spadBytes[1])
      return simError(ErrorKind::OutOfBounds,
                      "scratchpad overflow: wgt bytes [" + Twine(f.w) + ", " +
                          Twine(f.w + K * N) + ") exceed its size " +
                          Twine(M.config().spadBytes[1]));
    for (uint32_t k : active) {
      Expected<uint8_t *> W = rd(M, 1, f.w + k * N, N);
      if (!W)
        return W.takeError();
      wrow[k] = reinterpret_cast<const int8_t *>(*W);
    }
  }
  uint8_t *C = nullptr;
  if (f.acc) {
    Expected<uint8_t *> Cr = rd(M, 2, f.dst, m * N * eltC);
    if (!Cr)
      return Cr.takeError();
  }
  Expected<uint8_t *> Cw = wr(M, 2, f.dst, m * N * eltC);
  if (!Cw)
    return Cw.takeError();
  C = *Cw;
  if (m == 0)
    return Error::success();

  // Compact (and sign-extend narrow operands) only when needed.
  const int8_t *Ap = reinterpret_cast<const int8_t *>(*A);
  const int8_t *Wp = wrow[0];
  std::vector<int8_t> Abuf, Wbuf;
  if (bits != 8 || Ka != K) {
    Abuf.resize(m * Ka);
    Wbuf.resize(Ka * N);
    for (uint64_t i = 0; i < m; ++i)
      for (uint64_t p = 0; p < Ka; ++p)
        Abuf[i * Ka + p] = static_cast<int8_t>(
            isa::signExtend(static_cast<uint8_t>(Ap[i * K + active[p]]), bits));
    for (uint64_t p = 0; p < Ka; ++p)
      for (uint64_t j = 0; j < N; ++j)
        Wbuf[p * N + j] = static_cast<int8_t>(
            isa::signExtend(static_cast<uint8_t>(wrow[active[p]][j]), bits));
    Ap = Abuf.data();
    Wp = Wbuf.data();
  }
  std::vector<int32_t> S(m * N, 0);
  if (Ka > 0) {
    // Threads only pay for tiles with enough work to amortise their start.
    const unsigned threads =
        m * Ka * N >= (uint64_t(1) << 20) ? M.config().threads : 1;
    if (M.config().useSimd)
      kernels::gemmInt8Simd(Ap, Wp, S.data(), m, Ka, N, threads);
    else
      kernels::gemmInt8Scalar(Ap, Wp, S.data(), m, Ka, N);
  }
  // Accumulate with two's complement wrap-around in the chosen width.
  for (uint64_t e = 0; e < m * N; ++e) {
    if (f.accmode) {
      uint16_t old = f.acc ? ld<uint16_t>(C, e) : 0;
      int64_t exact = int64_t(static_cast<int16_t>(old)) + S[e];
      if (exact < INT16_MIN || exact > INT16_MAX)
        ++M.stats.int16Wraps;
      st<uint16_t>(C, e, static_cast<uint16_t>(old + static_cast<uint32_t>(S[e])));
    } else {
      uint32_t old = f.acc ? ld<uint32_t>(C, e) : 0;
      st<uint32_t>(C, e, old + static_cast<uint32_t>(S[e]));
    }
  }
  if (f.accmode)
    M.stats.int16AccLanes += m * N;
  M.stats.macs += m * Ka * N;
  M.stats.skippedKRows += K - Ka;
  if (f.bmap)
    M.executedNow().k = static_cast<int32_t>(Ka);
  if (f.bmap) {
    M.stats.bitmapWeightBytes += K * N;
    M.stats.skippedWeightBytes += (K - Ka) * N;
  }
  return Error::success();
}

Error execGemmBf16(Machine &M, const isa::GemmBf16F &f) {
  if (f.k == 0 || f.n == 0)
    return invalid("k and n must be non-zero");
  Expected<uint64_t> rows = M.rowCount(f.m, f.lensel);
  if (!rows)
    return rows.takeError();
  // Used columns and contraction length (nsel / ksel); the static k and n
  // stay the row strides of act, wgt and acc.
  Expected<uint64_t> nUsed = M.selectedCount(f.n, f.nsel, "nsel");
  if (!nUsed)
    return nUsed.takeError();
  Expected<uint64_t> kUsed = M.selectedCount(f.k, f.ksel, "ksel");
  if (!kUsed)
    return kUsed.takeError();
  if (f.nsel)
    M.executedNow().n = static_cast<int32_t>(*nUsed);
  if (f.ksel)
    M.executedNow().k = static_cast<int32_t>(*kUsed);
  const uint64_t m = *rows, K = f.k, N = f.n, Nu = *nUsed, Ku = *kUsed;
  Expected<uint8_t *> A = rd(M, 0, f.a, m * K * 2);
  if (!A)
    return A.takeError();
  Expected<uint8_t *> W = rd(M, 1, f.w, K * N * 2);
  if (!W)
    return W.takeError();
  if (f.acc) {
    Expected<uint8_t *> Cr = rd(M, 2, f.dst, m * N * 4);
    if (!Cr)
      return Cr.takeError();
  }
  Expected<uint8_t *> C = wr(M, 2, f.dst, m * N * 4);
  if (!C)
    return C.takeError();
  // bf16 x bf16 products are exact in f32 (8 + 8 significand bits), so
  // whether the host fuses multiply and add cannot change a bit; the sum
  // is one RNE f32 addition per k, in k order. The loops run i, k, j so that
  // each output still sees its k terms in order while the j loop (over
  // independent outputs) vectorizes; operands are widened to f32 once.
  // Only the used [Ku x Nu] corner of W and the first Ku of each act row
  // are read (stale data past them, e.g. pruned tokens, never enters).
  std::vector<float> w(Ku * Nu), a(Ku), row(Nu);
  for (uint64_t k = 0; k < Ku; ++k)
    for (uint64_t j = 0; j < Nu; ++j)
      w[k * Nu + j] = kernels::bfToFloat(ld<uint16_t>(*W, k * N + j));
  for (uint64_t i = 0; i < m; ++i) {
    for (uint64_t k = 0; k < Ku; ++k)
      a[k] = kernels::bfToFloat(ld<uint16_t>(*A, i * K + k));
    for (uint64_t j = 0; j < Nu; ++j)
      row[j] = f.acc ? ld<float>(*C, i * N + j) : 0.0f;
    for (uint64_t k = 0; k < Ku; ++k) {
      const float ak = a[k];
      const float *wk = w.data() + k * Nu;
      for (uint64_t j = 0; j < Nu; ++j)
        row[j] += ak * wk[j];
    }
    for (uint64_t j = 0; j < Nu; ++j)
      st<float>(*C, i * N + j, row[j]);
  }
  M.stats.macs += m * Ku * Nu;
  return Error::success();
}

} // namespace tern::rt::sim::insns
