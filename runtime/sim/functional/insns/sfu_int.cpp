//===- sfu_int.cpp - SFU family: I-BERT integer kernels and LUT softmax -----===//

#include "runtime/sim/functional/insns/Common.h"
#include "runtime/sim/functional/kernels/IBert.h"

#include <algorithm>
#include <vector>

using namespace llvm;
using namespace tern::rt::kernels;

namespace tern::rt::sim::insns {

namespace {
struct Operands {
  uint8_t *a = nullptr, *d = nullptr;
  uint64_t rows = 0;
};

template <typename F>
Expected<Operands> operands(Machine &M, const F &f, unsigned inBytes,
                            unsigned outBytes) {
  Expected<uint64_t> rows = M.rowCount(f.rows, f.lensel);
  if (!rows)
    return rows.takeError();
  Operands o;
  o.rows = *rows;
  Expected<uint8_t *> a = rd(M, f.asp, f.a, *rows * f.cols * inBytes);
  if (!a)
    return a.takeError();
  Expected<uint8_t *> d = wr(M, f.dsp, f.dst, *rows * f.cols * outBytes);
  if (!d)
    return d.takeError();
  o.a = *a;
  o.d = *d;
  return o;
}

std::vector<int32_t> loadI32(const uint8_t *p, uint64_t n) {
  std::vector<int32_t> v(n);
  for (uint64_t i = 0; i < n; ++i)
    v[i] = ld<int32_t>(p, i);
  return v;
}
} // namespace

Error execSfuIexp(Machine &M, const isa::SfuIexpF &f) {
  if (Error e = checkRegs(f.preg, 3, 16, "preg"))
    return e;
  IExpConsts c{M.pregs[f.preg], M.pregs[f.preg + 1], M.pregs[f.preg + 2]};
  if (c.x0 >= 0)
    return invalid("P" + Twine(f.preg) + " (x0) must be negative");
  Expected<Operands> o = operands(M, f, 4, 4);
  if (!o)
    return o.takeError();
  for (uint64_t e = 0; e < o->rows * f.cols; ++e)
    st<int32_t>(o->d, e, sat32(iExp(ld<int32_t>(o->a, e), c)));
  return Error::success();
}

Error execSfuIsoftmax(Machine &M, const isa::SfuIsoftmaxF &f) {
  if (Error e = checkRegs(f.preg, 4, 16, "preg"))
    return e;
  IExpConsts c{M.pregs[f.preg], M.pregs[f.preg + 1], M.pregs[f.preg + 2]};
  int32_t sh = M.pregs[f.preg + 3];
  if (c.x0 >= 0)
    return invalid("P" + Twine(f.preg) + " (x0) must be negative");
  if (sh < 0 || sh > 62)
    return invalid("P" + Twine(f.preg + 3) + " (16-bit shift) must be 0..62");
  Expected<Operands> o = operands(M, f, 4, 4);
  if (!o)
    return o.takeError();
  std::vector<int32_t> out(f.cols);
  for (uint64_t r = 0; r < o->rows; ++r) {
    std::vector<int32_t> in = loadI32(o->a + r * f.cols * 4, f.cols);
    iSoftmaxRow(in.data(), out.data(), f.cols, c, static_cast<unsigned>(sh));
    for (uint64_t j = 0; j < f.cols; ++j)
      st<int32_t>(o->d, r * f.cols + j, out[j]);
  }
  return Error::success();
}

Error execSfuIgelu(Machine &M, const isa::SfuIgeluF &f) {
  if (Error e = checkRegs(f.preg, 3, 16, "preg"))
    return e;
  IGeluConsts c{M.pregs[f.preg], M.pregs[f.preg + 1], M.pregs[f.preg + 2]};
  if (c.bI > 0)
    return invalid("P" + Twine(f.preg) + " (b_i) must not be positive");
  Expected<Operands> o = operands(M, f, 4, 4);
  if (!o)
    return o.takeError();
  for (uint64_t e = 0; e < o->rows * f.cols; ++e)
    st<int32_t>(o->d, e, sat32(iGelu(ld<int32_t>(o->a, e), c)));
  return Error::success();
}

Error execSfuIsqrt(Machine &M, const isa::SfuIsqrtF &f) {
  Expected<Operands> o = operands(M, f, 4, 4);
  if (!o)
    return o.takeError();
  for (uint64_t e = 0; e < o->rows * f.cols; ++e) {
    int32_t v = ld<int32_t>(o->a, e);
    if (v < 0)
      return simError(ErrorKind::Runtime, "isqrt of negative value " +
                                              Twine(v) + " at element " +
                                              Twine(e));
    st<int32_t>(o->d, e, static_cast<int32_t>(iSqrt(static_cast<uint64_t>(v))));
  }
  return Error::success();
}

Error execSfuIlayernorm(Machine &M, const isa::SfuIlayernormF &f) {
  if (Error e = checkRegs(f.preg, 1, 16, "preg"))
    return e;
  int32_t k = M.pregs[f.preg];
  if (k < 0 || k > 31)
    return invalid("P" + Twine(f.preg) + " (shift k) must be 0..31");
  Expected<Operands> o = operands(M, f, 4, 4);
  if (!o)
    return o.takeError();
  std::vector<int32_t> out(f.cols);
  for (uint64_t r = 0; r < o->rows; ++r) {
    std::vector<int32_t> in = loadI32(o->a + r * f.cols * 4, f.cols);
    iLayerNormRow(in.data(), out.data(), f.cols, static_cast<unsigned>(k));
    for (uint64_t j = 0; j < f.cols; ++j)
      st<int32_t>(o->d, r * f.cols + j, out[j]);
  }
  return Error::success();
}

Error execSfuLutsoftmax(Machine &M, const isa::SfuLutsoftmaxF &f) {
  if (Error e = checkRegs(f.preg, 1, 16, "preg"))
    return e;
  int32_t lut = M.pregs[f.preg];
  if (lut < 0)
    return invalid("P" + Twine(f.preg) + " (LUT address) is negative");
  // Two tables of 256 uint16: numerator, then denominator.
  Expected<uint8_t *> tab = rd(M, 3, static_cast<uint64_t>(lut), 1024);
  if (!tab)
    return tab.takeError();
  Expected<Operands> o = operands(M, f, 1, 4);
  if (!o)
    return o.takeError();
  for (uint64_t r = 0; r < o->rows; ++r) {
    const int8_t *x = reinterpret_cast<const int8_t *>(o->a + r * f.cols);
    if (f.cols == 0)
      continue;
    int32_t mx = *std::max_element(x, x + f.cols);
    uint64_t den = 0;
    for (uint64_t j = 0; j < f.cols; ++j)
      den += ld<uint16_t>(*tab, 256 + (mx - x[j]));
    if (den == 0)
      return simError(ErrorKind::Runtime,
                      "LUT softmax denominator is zero in row " + Twine(r));
    for (uint64_t j = 0; j < f.cols; ++j) {
      uint64_t num = ld<uint16_t>(*tab, mx - x[j]);
      // The non-restoring divider computes the exact unsigned quotient.
      st<int32_t>(o->d, r * f.cols + j, static_cast<int32_t>((num << 8) / den));
    }
  }
  return Error::success();
}

} // namespace tern::rt::sim::insns
