//===- sfu_bf16.cpp - SFU family: TATAA bf16 non-linear kernels -------------===//
//
// Each kernel is a fixed sequence of bf16 lane operations in the current mode
// (the sequences are spelled out in docs/Runtime.md).
//
//===----------------------------------------------------------------------===//

#include "runtime/sim/functional/insns/Common.h"
#include "runtime/sim/functional/kernels/BF16.h"

#include <algorithm>
#include <vector>

using namespace llvm;
using namespace tern::rt::kernels;

namespace tern::rt::sim::insns {

namespace {
template <typename F>
Error unaryMap(Machine &M, const F &f, bf16 (*fn)(bf16, BfMode)) {
  Expected<UnaryOperands> ops = bindUnary(M, f, 2, 2);
  if (!ops)
    return ops.takeError();
  for (uint64_t e = 0; e < ops->n; ++e)
    st<bf16>(ops->d, e, fn(ld<bf16>(ops->a, e), M.bfMode));
  return Error::success();
}

/// Row-wise kernels read the whole row before writing (in place is fine).
template <typename F, typename Fn> Error rowMap(Machine &M, const F &f, Fn fn) {
  return forEachRow<bf16>(M, f, fn);
}
} // namespace

Error execBsfuIsqrt(Machine &M, const isa::BsfuIsqrtF &f) {
  return unaryMap(M, f, bfIsqrt);
}

Error execBsfuGelu(Machine &M, const isa::BsfuGeluF &f) {
  return unaryMap(M, f, bfGelu);
}

Error execBsfuDiv(Machine &M, const isa::BsfuDivF &f) {
  if (f.ty != 1)
    return invalid("bsfu.div operates on bf16 only (ty=bf16)");
  Expected<uint64_t> rows = M.rowCount(f.rows, f.lensel);
  if (!rows)
    return rows.takeError();
  const uint64_t n = *rows * f.cols;
  Expected<uint8_t *> a = rd(M, f.asp, f.a, n * 2);
  if (!a)
    return a.takeError();
  uint8_t *b = nullptr;
  if (!f.bconst) {
    Expected<uint8_t *> bp = rd(M, f.bsp, f.b, n * 2);
    if (!bp)
      return bp.takeError();
    b = *bp;
  }
  Expected<uint8_t *> d = wr(M, f.dsp, f.dst, n * 2);
  if (!d)
    return d.takeError();
  for (uint64_t e = 0; e < n; ++e)
    st<bf16>(*d, e,
             bfDiv(ld<bf16>(*a, e), b ? ld<bf16>(b, e) : M.cregs[f.creg],
                   M.bfMode));
  return Error::success();
}

Error execBsfuSoftmax(Machine &M, const isa::BsfuSoftmaxF &f) {
  const BfMode m = M.bfMode;
  // csel: the first `used` columns are the row; the rest become 0.
  Expected<uint64_t> used = M.columnCount(f.cols, f.csel);
  if (!used)
    return used.takeError();
  const size_t u = *used;
  return rowMap(M, f, [m, u](std::vector<bf16> &row) {
    if (u == 0 || row.empty()) {
      std::fill(row.begin(), row.end(), bf16(0));
      return;
    }
    bf16 mx = row[0];
    for (size_t j = 0; j < u; ++j)
      mx = bfMax(mx, row[j], m);
    bf16 sum = 0;
    for (size_t j = 0; j < u; ++j) {
      row[j] = bfPow2(bfFloor(bfMul(bfSub(row[j], mx, m), kBfLog2E, m), m), m);
      sum = bfAdd(sum, row[j], m);
    }
    bf16 r = bfIsqrt(sum, m);
    bf16 r2 = bfMul(r, r, m);
    for (size_t j = 0; j < u; ++j)
      row[j] = bfMul(row[j], r2, m);
    std::fill(row.begin() + u, row.end(), bf16(0));
  });
}

Error execBsfuLayernorm(Machine &M, const isa::BsfuLayernormF &f) {
  if (Error e = checkRegs(f.creg, 2, 8, "creg"))
    return e;
  const BfMode m = M.bfMode;
  const bf16 invN = M.cregs[f.creg], eps = M.cregs[f.creg + 1];
  return rowMap(M, f, [&](std::vector<bf16> &row) {
    bf16 s = 0, sq = 0;
    for (bf16 x : row) {
      s = bfAdd(s, x, m);
      sq = bfAdd(sq, bfMul(x, x, m), m);
    }
    bf16 mean = bfMul(s, invN, m);
    bf16 var = bfSub(bfMul(sq, invN, m), bfMul(mean, mean, m), m);
    bf16 rstd = bfIsqrt(bfAdd(var, eps, m), m);
    for (bf16 &x : row)
      x = bfMul(bfSub(x, mean, m), rstd, m);
  });
}

} // namespace tern::rt::sim::insns
