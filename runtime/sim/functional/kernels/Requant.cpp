//===- Requant.cpp - The four requantization variants -----------------------===//

#include "runtime/sim/functional/kernels/Requant.h"

#include <algorithm>
#include <cmath>

namespace tern::rt::kernels {

namespace {
int8_t clamp8(__int128 v) {
  return static_cast<int8_t>(v < -128 ? -128 : v > 127 ? 127 : v);
}
/// Arithmetic shift right of a 128-bit value (floor division by 2^s).
__int128 sar(__int128 v, unsigned s) { return s >= 127 ? (v < 0 ? -1 : 0) : v >> s; }
} // namespace

int8_t requantIBert(int32_t q, uint32_t m, unsigned shift, int32_t zp) {
  __int128 v = static_cast<__int128>(q) * m;
  if (shift == 0)
    return clamp8(v + zp);
  __int128 fl = sar(v, shift);
  __int128 rem = v - fl * (static_cast<__int128>(1) << shift); // 0..2^shift-1
  __int128 half = static_cast<__int128>(1) << (shift - 1);
  if (rem > half || (rem == half && (fl & 1)))
    ++fl;
  return clamp8(fl + zp);
}

int32_t requantWide(int32_t q, int32_t m, unsigned shift, unsigned bits) {
  __int128 v = static_cast<__int128>(q) * m;
  __int128 fl = v;
  if (shift != 0) {
    fl = sar(v, shift);
    __int128 rem = v - fl * (static_cast<__int128>(1) << shift);
    __int128 half = static_cast<__int128>(1) << (shift - 1);
    if (rem > half || (rem == half && (fl & 1)))
      ++fl;
  }
  __int128 hi = (static_cast<__int128>(1) << (bits - 1)) - 1;
  return static_cast<int32_t>(fl < -hi ? -hi : fl > hi ? hi : fl);
}

int8_t requantSwift(int32_t q, int32_t m, unsigned c) {
  int64_t v = static_cast<int64_t>(q) * m; // fits: |q*m| <= 2^62
  v >>= c;                                 // c < 64
  return static_cast<int8_t>(static_cast<uint8_t>(v & 0xFF));
}

int8_t requantTataa(int16_t p, uint16_t man, unsigned exp) {
  int32_t v = static_cast<int32_t>(p) * static_cast<int32_t>(man);
  v >>= (exp & 31);
  return static_cast<int8_t>(static_cast<uint8_t>(v & 0xFF));
}

int8_t requantElastic(int32_t acc, uint32_t mq, unsigned s, int32_t zp) {
  __int128 v = static_cast<__int128>(acc) * mq;
  v += static_cast<__int128>(1) << (s - 1);
  return clamp8(sar(v, s) + zp);
}

std::optional<DyadicParams> iBertParams(double M) {
  if (!(M > 0) || !std::isfinite(M))
    return std::nullopt;
  int e;
  double m = std::frexp(M, &e);
  double mi = std::nearbyint(m * 2147483648.0); // ties to even
  int shift = 31 - e;
  if (shift < 0 || shift > 63 || mi > 4294967295.0)
    return std::nullopt;
  return DyadicParams{static_cast<uint32_t>(mi), static_cast<unsigned>(shift)};
}

std::optional<DyadicParams> elasticParams(double M) {
  if (!(M > 0) || !std::isfinite(M))
    return std::nullopt;
  for (unsigned s = 1; s < 32; ++s) {
    double mq = std::nearbyint(std::ldexp(M, static_cast<int>(s)));
    if (mq > 4294967295.0)
      return std::nullopt;
    if (std::fabs(std::ldexp(mq, -static_cast<int>(s)) - M) <= 1e-4 * M)
      return DyadicParams{static_cast<uint32_t>(mq), s};
  }
  return std::nullopt;
}

} // namespace tern::rt::kernels

namespace tern::rt::kernels {

QuantRange quantRange(unsigned bits, bool symmetric) {
  if (bits == 0 || (bits >= 8 && !symmetric))
    return {-128, 127};
  if (bits > 8)
    bits = 8;
  int32_t hi = (int32_t(1) << (bits - 1)) - 1;
  return {symmetric ? -hi : -hi - 1, hi};
}

int8_t quantizeLinear(float x, float scale, int32_t zp, QuantRange range) {
  // One IEEE f32 division, then round half to even in double (exact: every
  // f32 is a double, and so are floor(q) and q - floor(q)).
  float q = x / scale;
  double r = 0.0;
  if (std::isnan(q)) {
    r = 0.0;
  } else if (std::isinf(q)) {
    r = q > 0 ? 1e10 : -1e10;
  } else {
    double v = q, f = std::floor(v), frac = v - f;
    r = frac > 0.5   ? f + 1
        : frac < 0.5 ? f
                     : (std::fmod(f, 2.0) == 0 ? f : f + 1);
  }
  // Saturate far outside the range first, then add the zero point.
  r = std::clamp(r, -1e9, 1e9);
  int64_t v = static_cast<int64_t>(r) + zp;
  return static_cast<int8_t>(std::clamp<int64_t>(v, range.lo, range.hi));
}

} // namespace tern::rt::kernels
