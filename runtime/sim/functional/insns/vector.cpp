//===- vector.cpp - VECTOR family: element-wise ops and row reductions ------===//
//
// int32 arithmetic wraps (two's complement); bf16 arithmetic follows the
// mode register (kernels/BF16.h).
//
//===----------------------------------------------------------------------===//

#include "runtime/sim/functional/insns/Common.h"
#include "runtime/sim/functional/kernels/BF16.h"

using namespace llvm;
using namespace tern::rt::kernels;

namespace tern::rt::sim::insns {

namespace {
enum class BinOp { Add, Sub, Mul, Max };

/// \p uns: vmax's `uns`, an unsigned int32 maximum.
template <typename F>
Error binary(Machine &M, const F &f, BinOp op, bool uns = false) {
  if (uns && f.ty)
    return invalid("uns=1 (uint32 order) takes ty=i32");
  const unsigned eb = vtypeBytes(f.ty);
  Expected<BinaryOperands> ops = bindBinary(M, f, eb, eb);
  if (!ops)
    return ops.takeError();
  const uint64_t n = ops->n;
  const uint8_t *a = ops->a, *b = ops->bData();
  uint8_t *d = ops->d;
  auto bIndex = [&](uint64_t e) { return ops->b.index(e); };
  const BfMode mode = M.bfMode;
  if (f.ty) { // bf16
    const bf16 c = M.cregs[f.creg];
    for (uint64_t e = 0; e < n; ++e) {
      bf16 x = ld<bf16>(a, e), y = b ? ld<bf16>(b, bIndex(e)) : c, r = 0;
      switch (op) {
      case BinOp::Add: r = bfAdd(x, y, mode); break;
      case BinOp::Sub: r = bfSub(x, y, mode); break;
      case BinOp::Mul: r = bfMul(x, y, mode); break;
      case BinOp::Max: r = bfMax(x, y, mode); break;
      }
      st<bf16>(d, e, r);
    }
  } else { // int32; a constant operand is the bf16 register's raw bits
    const uint32_t c = static_cast<uint32_t>(
        static_cast<int32_t>(static_cast<int16_t>(M.cregs[f.creg])));
    for (uint64_t e = 0; e < n; ++e) {
      uint32_t x = ld<uint32_t>(a, e),
               y = b ? ld<uint32_t>(b, bIndex(e)) : c, r = 0;
      switch (op) {
      case BinOp::Add: r = x + y; break;
      case BinOp::Sub: r = x - y; break;
      case BinOp::Mul: r = x * y; break;
      case BinOp::Max:
        if (uns)
          r = x >= y ? x : y;
        else
          r = static_cast<int32_t>(x) >= static_cast<int32_t>(y) ? x : y;
        break;
      }
      st<uint32_t>(d, e, r);
    }
  }
  return Error::success();
}

template <typename F> Error reduce(Machine &M, const F &f, bool isMax) {
  Expected<uint64_t> rows = M.rowCount(f.rows, f.lensel);
  if (!rows)
    return rows.takeError();
  if (f.cols == 0)
    return invalid("cols must be non-zero for a reduction");
  const unsigned eb = vtypeBytes(f.ty);
  Expected<uint8_t *> a = rd(M, f.asp, f.a, *rows * f.cols * eb);
  if (!a)
    return a.takeError();
  Expected<uint8_t *> d = wr(M, f.dsp, f.dst, *rows * eb);
  if (!d)
    return d.takeError();
  for (uint64_t r = 0; r < *rows; ++r) {
    uint64_t base = r * f.cols;
    if (f.ty) {
      bf16 s = ld<bf16>(*a, base);
      for (uint64_t c = 1; c < f.cols; ++c) {
        bf16 x = ld<bf16>(*a, base + c);
        s = isMax ? bfMax(s, x, M.bfMode) : bfAdd(s, x, M.bfMode);
      }
      st<bf16>(*d, r, s);
    } else {
      uint32_t s = ld<uint32_t>(*a, base);
      for (uint64_t c = 1; c < f.cols; ++c) {
        uint32_t x = ld<uint32_t>(*a, base + c);
        s = isMax ? (static_cast<int32_t>(x) > static_cast<int32_t>(s) ? x : s)
                  : s + x;
      }
      st<uint32_t>(*d, r, s);
    }
  }
  return Error::success();
}
} // namespace

Error execVadd(Machine &M, const isa::VaddF &f) { return binary(M, f, BinOp::Add); }
Error execVsub(Machine &M, const isa::VsubF &f) { return binary(M, f, BinOp::Sub); }
Error execVmul(Machine &M, const isa::VmulF &f) { return binary(M, f, BinOp::Mul); }
Error execVmax(Machine &M, const isa::VmaxF &f) {
  return binary(M, f, BinOp::Max, f.uns != 0);
}
namespace {
/// vcmp's `cmp` field: eq, ne, gt, ge, lt, le.
template <typename T> bool compare(uint64_t cmp, T x, T y) {
  switch (cmp) {
  case 0:
    return x == y;
  case 1:
    return !(x == y); // NaN: unordered, so not equal
  case 2:
    return x > y;
  case 3:
    return x >= y;
  case 4:
    return x < y;
  default:
    return x <= y;
  }
}
} // namespace

// d is a bf16 boolean (1.0 / 0.0) whatever the operands' type. Elements are
// visited in order and d[e] (2 bytes) is written after a[e] and b[e] are
// read, so d may overlap a or b element for element.
Error execVcmp(Machine &M, const isa::VcmpF &f) {
  if (f.cmp > 5)
    return invalid("field 'cmp' = " + Twine(f.cmp) +
                   " is not eq, ne, gt, ge, lt or le");
  if (f.uns && f.ty)
    return invalid("uns=1 (uint32 order) takes ty=i32");
  Expected<BinaryOperands> ops = bindBinary(M, f, vtypeBytes(f.ty), 2);
  if (!ops)
    return ops.takeError();
  const uint64_t n = ops->n;
  const uint8_t *a = ops->a, *b = ops->bData();
  uint8_t *d = ops->d;
  const BOperand *bop = &ops->b;
  const bf16 one = 0x3F80, zero = 0;
  if (f.ty) {
    const float c = bfToFloat(M.cregs[f.creg]);
    for (uint64_t e = 0; e < n; ++e) {
      float x = bfToFloat(ld<bf16>(a, e));
      float y = b ? bfToFloat(ld<bf16>(b, bop->index(e))) : c;
      st<bf16>(d, e, compare(f.cmp, x, y) ? one : zero);
    }
  } else {
    // A constant is the register's raw bits, sign-extended (as vadd).
    const uint32_t c = static_cast<uint32_t>(
        static_cast<int32_t>(static_cast<int16_t>(M.cregs[f.creg])));
    for (uint64_t e = 0; e < n; ++e) {
      uint32_t x = ld<uint32_t>(a, e);
      uint32_t y = b ? ld<uint32_t>(b, bop->index(e)) : c;
      bool r = f.uns ? compare(f.cmp, x, y)
                     : compare(f.cmp, static_cast<int32_t>(x),
                               static_cast<int32_t>(y));
      st<bf16>(d, e, r ? one : zero);
    }
  }
  return Error::success();
}

// Bit-exact element copies chosen by a bf16 boolean (+-0 false, anything
// else true).
Error execVsel(Machine &M, const isa::VselF &f) {
  Expected<uint64_t> rows = M.rowCount(f.rows, f.lensel);
  if (!rows)
    return rows.takeError();
  const unsigned eb = vtypeBytes(f.ty);
  const uint64_t n = *rows * f.cols;
  Expected<uint8_t *> c = rd(M, f.csp, f.c, n * 2);
  if (!c)
    return c.takeError();
  Expected<uint8_t *> a = rd(M, f.asp, f.a, n * eb);
  if (!a)
    return a.takeError();
  Expected<uint8_t *> b = rd(M, f.bsp, f.b, n * eb);
  if (!b)
    return b.takeError();
  Expected<uint8_t *> d = wr(M, f.dsp, f.dst, n * eb);
  if (!d)
    return d.takeError();
  for (uint64_t e = 0; e < n; ++e) {
    bool pick = (ld<bf16>(*c, e) & 0x7FFF) != 0;
    if (eb == 2)
      st<bf16>(*d, e, ld<bf16>(pick ? *a : *b, e));
    else
      st<uint32_t>(*d, e, ld<uint32_t>(pick ? *a : *b, e));
  }
  return Error::success();
}

// The narrow integer types' wrap-around: the low `bits` bits of each int32
// element, sign- or zero-extended. Elements are read and written in order,
// so d may be a.
Error execVwrap(Machine &M, const isa::VwrapF &f) {
  if (f.bits < 1 || f.bits > 31)
    return invalid("field 'bits' = " + Twine(f.bits) + " is not 1..31");
  Expected<UnaryOperands> ops = bindUnary(M, f, 4, 4);
  if (!ops)
    return ops.takeError();
  const uint32_t mask = (uint32_t(1) << f.bits) - 1;
  const uint32_t sign = uint32_t(1) << (f.bits - 1);
  for (uint64_t e = 0; e < ops->n; ++e) {
    uint32_t x = ld<uint32_t>(ops->a, e) & mask;
    // (x ^ sign) - sign sign-extends a `bits`-bit two's complement value.
    st<uint32_t>(ops->d, e, f.sgn ? (x ^ sign) - sign : x);
  }
  return Error::success();
}

Error execVrsum(Machine &M, const isa::VrsumF &f) { return reduce(M, f, false); }
Error execVrmax(Machine &M, const isa::VrmaxF &f) { return reduce(M, f, true); }

// Non-zero column map of an int8 tile: the FFN2 bitmap (SEEDS.md 2 [inf]).
// Bit c of the result is set when some row r has |a[r][c]| > thr; the bits
// of the last byte beyond `cols` are zero, so the map can be handed to a
// `gemm` with bmap=1 whose k equals `cols`.
Error execVnzmap(Machine &M, const isa::VnzmapF &f) {
  Expected<uint64_t> rows = M.rowCount(f.rows, f.lensel);
  if (!rows)
    return rows.takeError();
  Expected<uint8_t *> a = rd(M, f.asp, f.a, *rows * f.cols);
  if (!a)
    return a.takeError();
  const uint64_t bytes = (f.cols + 7) / 8;
  Expected<uint8_t *> d = wr(M, 3, f.dst, bytes);
  if (!d)
    return d.takeError();
  std::vector<uint8_t> map(bytes, 0);
  const int thr = static_cast<int>(f.thr);
  for (uint64_t r = 0; r < *rows; ++r)
    for (uint64_t c = 0; c < f.cols; ++c) {
      int x = static_cast<int8_t>((*a)[r * f.cols + c]);
      if (x > thr || -x > thr)
        map[c / 8] |= static_cast<uint8_t>(1u << (c % 8));
    }
  if (bytes)
    std::memcpy(*d, map.data(), bytes);
  return Error::success();
}

} // namespace tern::rt::sim::insns
