//===- xbar.cpp - ReRAM crossbar tier: programming and in-situ products
//----===//
//
// xbar.prog copies a constant weight block from DRAM into the crossbar state
// (the cells' conductances, as int8 values); xbar.gemm multiplies activation
// rows by a programmed block. The crossbar's bit-serial inputs, bit-sliced
// cells and shift-add of column sums compute the exact integer product, which
// is what the functional model returns: the same as `gemm` with w8 operands
// and int32 accumulators. ADC clipping is not modelled (docs/Timing.md).
//
//===----------------------------------------------------------------------===//

#include "runtime/sim/functional/insns/Common.h"
#include "runtime/sim/functional/kernels/Gemm.h"

using namespace llvm;

namespace tern::rt::sim::insns {

Error execXbarProg(Machine &M, const isa::XbarProgF &f) {
  if (f.width > 2)
    return invalid("field 'width' = 3 is not w8, w6 or w4");
  if (f.rows == 0 || f.cols == 0)
    return invalid("rows and cols must be non-zero");
  if (f.rows > 1 && f.stride < f.cols)
    return invalid("DRAM stride " + Twine(f.stride) +
                   " is smaller than the row size " + Twine(f.cols));
  const unsigned bits = f.width == 0 ? 8 : f.width == 1 ? 6 : 4;
  uint64_t span = (f.rows - 1) * f.stride + f.cols;
  Expected<uint8_t *> d = M.dram(f.dram, span);
  if (!d)
    return d.takeError();
  for (uint64_t r = 0; r < f.rows; ++r)
    if (Error e = M.trackDram(f.dram + r * f.stride, f.cols, Access::Read))
      return e;
  XbarBlock block;
  block.rows = f.rows;
  block.cols = f.cols;
  block.width = f.width;
  block.values.resize(f.rows * f.cols);
  for (uint64_t r = 0; r < f.rows; ++r)
    for (uint64_t c = 0; c < f.cols; ++c)
      block.values[r * f.cols + c] =
          static_cast<int8_t>(isa::signExtend((*d)[r * f.stride + c], bits));
  M.xbars[f.id] = std::move(block);
  return Error::success();
}

Error execXbarGemm(Machine &M, const isa::XbarGemmF &f) {
  if (f.k == 0 || f.n == 0)
    return invalid("k and n must be non-zero");
  auto it = M.xbars.find(f.id);
  if (it == M.xbars.end())
    return invalid("crossbar block " + Twine(f.id) +
                   " is not programmed (no earlier xbar.prog)");
  const XbarBlock &block = it->second;
  if (block.rows != f.k || block.cols != f.n)
    return invalid("crossbar block " + Twine(f.id) + " holds " +
                   Twine(block.rows) + " x " + Twine(block.cols) +
                   " weights, the instruction reads " + Twine(f.k) + " x " +
                   Twine(f.n));
  if (block.width != f.width)
    return invalid("crossbar block " + Twine(f.id) +
                   " was programmed with another weight width");
  Expected<uint64_t> rows = M.rowCount(f.m, f.lensel);
  if (!rows)
    return rows.takeError();
  const uint64_t m = *rows, K = f.k, N = f.n;
  Expected<uint8_t *> A = rd(M, 0, f.a, m * K);
  if (!A)
    return A.takeError();
  if (f.acc) {
    Expected<uint8_t *> Cr = rd(M, 2, f.dst, m * N * 4);
    if (!Cr)
      return Cr.takeError();
  }
  Expected<uint8_t *> C = wr(M, 2, f.dst, m * N * 4);
  if (!C)
    return C.takeError();
  if (m == 0)
    return Error::success();
  std::vector<int32_t> S(m * N, 0);
  const auto *Ap = reinterpret_cast<const int8_t *>(*A);
  const unsigned threads =
      m * K * N >= (uint64_t(1) << 20) ? M.config().threads : 1;
  if (M.config().useSimd)
    kernels::gemmInt8Simd(Ap, block.values.data(), S.data(), m, K, N, threads);
  else
    kernels::gemmInt8Scalar(Ap, block.values.data(), S.data(), m, K, N);
  for (uint64_t e = 0; e < m * N; ++e) {
    uint32_t old = f.acc ? ld<uint32_t>(*C, e) : 0;
    st<uint32_t>(*C, e, old + static_cast<uint32_t>(S[e]));
  }
  M.stats.macs += m * K * N;
  M.stats.reramMacs += m * K * N;
  return Error::success();
}

} // namespace tern::rt::sim::insns
