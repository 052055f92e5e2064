//===- requant.cpp - REQUANT family: the four variants and bf16 conversions -===//

#include "runtime/sim/functional/insns/Common.h"
#include "runtime/sim/functional/kernels/BF16.h"
#include "runtime/sim/functional/kernels/Requant.h"

#include "llvm/ADT/StringExtras.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>

using namespace llvm;
using namespace tern::rt::kernels;

namespace tern::rt::sim::insns {

namespace {
/// Runs \p fn(element index, src bytes, dst bytes) over rows x cols
/// elements after checking both ranges.
template <typename F, typename Fn>
Error mapElems(Machine &M, const F &f, unsigned inBytes, unsigned outBytes,
               Fn fn) {
  Expected<UnaryOperands> ops = bindUnary(M, f, inBytes, outBytes);
  if (!ops)
    return ops.takeError();
  for (uint64_t e = 0; e < ops->n; ++e)
    fn(e, ops->a, ops->d);
  return Error::success();
}
} // namespace

Error execRqIbert(Machine &M, const isa::RqIbertF &f) {
  RequantReg r = M.rq[f.rreg];
  return mapElems(M, f, 4, 1, [&](uint64_t e, uint8_t *a, uint8_t *d) {
    int8_t q = requantIBert(ld<int32_t>(a, e), r.mult, r.shift, r.zp);
    st<int8_t>(d, e, f.relu ? std::max<int8_t>(q, static_cast<int8_t>(r.zp))
                            : q);
  });
}

Error execRqSwift(Machine &M, const isa::RqSwiftF &f) {
  RequantReg r = M.rq[f.rreg];
  return mapElems(M, f, 4, 1, [&](uint64_t e, uint8_t *a, uint8_t *d) {
    st<int8_t>(d, e, requantSwift(ld<int32_t>(a, e),
                                  static_cast<int32_t>(r.mult), r.shift));
  });
}

Error execRqTataa(Machine &M, const isa::RqTataaF &f) {
  RequantReg r = M.rq[f.rreg];
  if (r.mult > 0xFFFF || r.shift > 31)
    return invalid("R" + Twine(f.rreg) + " = {mult " + Twine(r.mult) +
                   ", shift " + Twine(r.shift) +
                   "} exceeds TATAA's 16-bit mantissa / 5-bit exponent");
  return mapElems(M, f, 2, 1, [&](uint64_t e, uint8_t *a, uint8_t *d) {
    st<int8_t>(d, e, requantTataa(ld<int16_t>(a, e),
                                  static_cast<uint16_t>(r.mult), r.shift));
  });
}

Error execRqElastic(Machine &M, const isa::RqElasticF &f) {
  RequantReg r = M.rq[f.rreg];
  if (r.shift == 0)
    return invalid("R" + Twine(f.rreg) +
                   ".shift = 0: rq.elastic needs a shift of 1..63");
  return mapElems(M, f, 4, 1, [&](uint64_t e, uint8_t *a, uint8_t *d) {
    int8_t q = requantElastic(ld<int32_t>(a, e), r.mult, r.shift, r.zp);
    st<int8_t>(d, e, f.relu ? std::max<int8_t>(q, static_cast<int8_t>(r.zp))
                            : q);
  });
}

Error execRqWide(Machine &M, const isa::RqWideF &f) {
  RequantReg r = M.rq[f.rreg];
  if (f.src > 2)
    return invalid("field 'src' = 3 is not i8, i16 or i32");
  if (f.bits < 2 || f.bits > 32)
    return invalid("field 'bits' = " + Twine(f.bits) + " is not 2..32");
  const unsigned inBytes = f.src == 0 ? 1 : f.src == 1 ? 2 : 4;
  const unsigned outBytes = f.bits <= 8 ? 1 : 4;
  const int32_t mult = static_cast<int32_t>(r.mult);
  const unsigned bits = f.bits, shift = r.shift;
  return mapElems(M, f, inBytes, outBytes,
                  [&](uint64_t e, uint8_t *a, uint8_t *d) {
                    int32_t v = f.src == 0   ? ld<int8_t>(a, e)
                                : f.src == 1 ? ld<int16_t>(a, e)
                                             : ld<int32_t>(a, e);
                    int32_t q = requantWide(v, mult, shift, bits);
                    if (outBytes == 1)
                      st<int8_t>(d, e, static_cast<int8_t>(q));
                    else
                      st<int32_t>(d, e, q);
                  });
}

Error execCvtI2b(Machine &M, const isa::CvtI2bF &f) {
  const unsigned inBytes = f.src == 0 ? 1 : f.src == 1 ? 2 : 4;
  const bf16 scale = M.cregs[f.creg];
  const BfMode mode = M.bfMode;
  const int64_t zp = static_cast<int8_t>(f.zp);
  return mapElems(M, f, inBytes, 2, [&](uint64_t e, uint8_t *a, uint8_t *d) {
    int64_t v = f.src == 0   ? ld<int8_t>(a, e)
                : f.src == 1 ? ld<int16_t>(a, e)
                : f.src == 2 ? ld<int32_t>(a, e)
                             : int64_t(ld<uint32_t>(a, e)); // u32
    st<bf16>(d, e, bfMul(bfFromInt(v - zp, mode), scale, mode));
  });
}

Error execCvtB2i(Machine &M, const isa::CvtB2iF &f) {
  if (f.bits == 1 || f.bits > 7)
    return invalid("field 'bits' = " + Twine(unsigned(f.bits)) +
                   " is not 0 (int8) or a narrow width 2..7");
  const bf16 scale = M.cregs[f.creg];
  const BfMode mode = M.bfMode;
  // 0: int8's own range; a narrow width: symmetric +-(2^(bits-1)-1).
  const int8_t hi =
      f.bits == 0 ? 127 : static_cast<int8_t>((1 << (f.bits - 1)) - 1);
  const int8_t lo = f.bits == 0 ? -128 : static_cast<int8_t>(-hi);
  const int64_t zp = static_cast<int8_t>(f.zp);
  return mapElems(M, f, 2, 1, [&](uint64_t e, uint8_t *a, uint8_t *d) {
    // Round (saturating far outside int8), add the zero point, saturate.
    int64_t v = bfToInt(bfMul(ld<bf16>(a, e), scale, mode), mode) + zp;
    st<int8_t>(d, e, static_cast<int8_t>(std::clamp<int64_t>(v, lo, hi)));
  });
}

Error execCvtB2w(Machine &M, const isa::CvtB2wF &f) {
  return mapElems(M, f, 2, 4, [&](uint64_t e, uint8_t *a, uint8_t *d) {
    float v = bfToFloat(ld<bf16>(a, e));
    int32_t w;
    if (std::isnan(v))
      w = 0;
    else if (v >= 2147483648.0f)
      w = INT32_MAX;
    else if (v < -2147483648.0f)
      w = INT32_MIN;
    else
      w = static_cast<int32_t>(v); // truncates toward zero
    st<int32_t>(d, e, w);
  });
}

Error execCvtF2i(Machine &M, const isa::CvtF2iF &f) {
  if (f.bits == 1 || f.bits > 8)
    return invalid("field 'bits' = " + Twine(unsigned(f.bits)) +
                   " is not 0 (int8) or a width 2..8");
  if (f.sym && f.bits == 0)
    return invalid("field 'sym' = 1 needs a narrow width (bits 2..8)");
  const uint32_t scaleBits = static_cast<uint32_t>(f.scale);
  float scale;
  std::memcpy(&scale, &scaleBits, sizeof(scale));
  if (!(scale > 0.0f) || !std::isfinite(scale))
    return invalid("field 'scale' = " + utohexstr(scaleBits) +
                   " is not a positive finite f32");
  const QuantRange range = quantRange(f.bits, f.sym);
  const int64_t zp = static_cast<int8_t>(f.zp);
  const unsigned inBytes = f.src ? 4 : 2;
  return mapElems(M, f, inBytes, 1, [&](uint64_t e, uint8_t *a, uint8_t *d) {
    float x = f.src ? ld<float>(a, e) : bfToFloat(ld<bf16>(a, e));
    st<int8_t>(d, e, quantizeLinear(x, scale, zp, range));
  });
}

Error execCvtF2b(Machine &M, const isa::CvtF2bF &f) {
  const float scale = bfToFloat(M.cregs[f.creg]);
  const BfMode mode = M.bfMode;
  return mapElems(M, f, 4, 2, [&](uint64_t e, uint8_t *a, uint8_t *d) {
    float v = ld<float>(a, e) * scale;
    if (mode == BfMode::Ieee) {
      st<bf16>(d, e, floatToBf(v));
      return;
    }
    // TATAA truncates: keep the top 16 bits of the f32 pattern.
    uint32_t bits;
    std::memcpy(&bits, &v, sizeof(bits));
    st<bf16>(d, e, static_cast<bf16>(bits >> 16));
  });
}

} // namespace tern::rt::sim::insns
