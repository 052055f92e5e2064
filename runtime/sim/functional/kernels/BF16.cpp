//===- BF16.cpp - Bit-exact bfloat16 arithmetic in two modes ----------------===//
//
// Ieee mode computes in float and rounds once to bf16: float has 24 >= 2*8+2
// significand bits, so rounding the (correctly rounded) float result again to
// bf16 equals rounding the exact result (double rounding is innocuous for
// +, -, * at that precision). Tataa mode is integer code on the fields.
//
//===----------------------------------------------------------------------===//

#include "runtime/sim/functional/kernels/BF16.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tern::rt::kernels {

float bfToFloat(bf16 b) {
  uint32_t u = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &u, 4);
  return f;
}

bf16 floatToBf(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  if ((u & 0x7F800000u) == 0x7F800000u && (u & 0x7FFFFFu))
    return 0x7FC0;
  u += 0x7FFFu + ((u >> 16) & 1u);
  return static_cast<bf16>(u >> 16);
}

namespace {

constexpr bf16 kTataaMax = 0x7F7F;

struct Unpacked {
  unsigned sign;
  int exp;      // biased
  unsigned man; // with hidden bit, 8 bits (0x80..0xFF); 0 means zero
};

Unpacked unpack(bf16 v) {
  Unpacked u;
  u.sign = v >> 15;
  u.exp = (v >> 7) & 0xFF;
  u.man = u.exp == 0 ? 0 : (0x80u | (v & 0x7F));
  return u;
}

/// Packs a normalised (0x80..0xFF) significand; handles the range.
bf16 packTataa(unsigned sign, int exp, unsigned man) {
  if (man == 0 || exp <= 0)
    return 0;
  if (exp >= 255)
    return static_cast<bf16>((sign << 15) | kTataaMax);
  return static_cast<bf16>((sign << 15) | (exp << 7) | (man & 0x7F));
}

bf16 tataaAdd(bf16 a, bf16 b) {
  Unpacked x = unpack(a), y = unpack(b);
  if (y.man == 0)
    return x.man == 0 ? 0 : packTataa(x.sign, x.exp, x.man);
  if (x.man == 0)
    return packTataa(y.sign, y.exp, y.man);
  // Order by magnitude so x is the larger.
  if (y.exp > x.exp || (y.exp == x.exp && y.man > x.man))
    std::swap(x, y);
  int gap = x.exp - y.exp;
  if (gap > 7)
    return packTataa(x.sign, x.exp, x.man); // alignment flush
  unsigned ys = y.man >> gap;               // truncation
  int exp = x.exp;
  unsigned man;
  if (x.sign == y.sign) {
    man = x.man + ys;
    if (man >= 0x100) { // carry: one-bit normalisation, truncating
      man >>= 1;
      ++exp;
    }
  } else {
    man = x.man - ys;
    if (man == 0)
      return 0;
    if (man < 0x80) { // at most one bit of left normalisation
      man <<= 1;
      --exp;
      if (man < 0x80)
        return 0;
    }
  }
  return packTataa(x.sign, exp, man);
}

bf16 tataaMul(bf16 a, bf16 b) {
  Unpacked x = unpack(a), y = unpack(b);
  unsigned sign = x.sign ^ y.sign;
  if (x.man == 0 || y.man == 0)
    return 0;
  unsigned p = x.man * y.man; // 2^14 .. < 2^16
  int exp = x.exp + y.exp - 127;
  unsigned man;
  if (p >= 0x8000) {
    man = p >> 8;
    ++exp;
  } else {
    man = p >> 7;
  }
  return packTataa(sign, exp, man);
}

} // namespace

double bfTataaValue(bf16 b) {
  Unpacked u = unpack(b);
  if (u.man == 0)
    return 0.0;
  double v = std::ldexp(static_cast<double>(u.man), u.exp - 127 - 7);
  return u.sign ? -v : v;
}

bf16 bfAdd(bf16 a, bf16 b, BfMode m) {
  if (m == BfMode::Tataa)
    return tataaAdd(a, b);
  return floatToBf(bfToFloat(a) + bfToFloat(b));
}

bf16 bfSub(bf16 a, bf16 b, BfMode m) {
  // Negation is exact in both modes.
  return bfAdd(a, static_cast<bf16>(b ^ 0x8000), m);
}

bf16 bfMul(bf16 a, bf16 b, BfMode m) {
  if (m == BfMode::Tataa)
    return tataaMul(a, b);
  return floatToBf(bfToFloat(a) * bfToFloat(b));
}

bf16 bfMax(bf16 a, bf16 b, BfMode m) {
  if (m == BfMode::Tataa)
    return bfTataaValue(a) >= bfTataaValue(b) ? a : b;
  float x = bfToFloat(a), y = bfToFloat(b);
  if (std::isnan(x) || std::isnan(y))
    return 0x7FC0;
  return x >= y ? a : b;
}

bf16 bfFromInt(int64_t v, BfMode m) {
  if (m == BfMode::Ieee) {
    // |v| < 2^63 -> exact in long double? Not needed: round via double first
    // only when exact (|v| < 2^53), which holds for every int32/int16/int8
    // source the ISA converts.
    return floatToBf(static_cast<float>(static_cast<double>(v)));
  }
  if (v == 0)
    return 0;
  unsigned sign = v < 0;
  uint64_t mag = sign ? uint64_t(0) - static_cast<uint64_t>(v)
                      : static_cast<uint64_t>(v);
  int msb = 63 - __builtin_clzll(mag);
  unsigned man = msb >= 7 ? static_cast<unsigned>(mag >> (msb - 7))
                          : static_cast<unsigned>(mag << (7 - msb));
  return packTataa(sign, msb + 127, man);
}

int8_t bfToInt8(bf16 v, BfMode m) {
  double x = m == BfMode::Tataa ? bfTataaValue(v) : bfToFloat(v);
  if (std::isnan(x))
    return 0;
  double r = m == BfMode::Tataa ? std::trunc(x) : std::nearbyint(x);
  if (r > 127)
    return 127;
  if (r < -128)
    return -128;
  return static_cast<int8_t>(r);
}

int64_t bfToInt(bf16 v, BfMode m) {
  double x = m == BfMode::Tataa ? bfTataaValue(v) : bfToFloat(v);
  if (std::isnan(x))
    return 0;
  double r = m == BfMode::Tataa ? std::trunc(x) : std::nearbyint(x);
  return static_cast<int64_t>(std::clamp(r, -1024.0, 1024.0));
}

bf16 bfPow2(int64_t n, BfMode m) {
  if (m == BfMode::Tataa) {
    if (n + 127 <= 0)
      return 0;
    if (n + 127 >= 255)
      return kTataaMax;
    return static_cast<bf16>((n + 127) << 7);
  }
  if (n > 127)
    return 0x7F80;
  if (n < -133)
    return 0;
  if (n >= -126)
    return static_cast<bf16>((n + 127) << 7);
  return static_cast<bf16>(1u << (n + 133)); // subnormal
}

int64_t bfFloor(bf16 v, BfMode m) {
  double x = m == BfMode::Tataa ? bfTataaValue(v) : bfToFloat(v);
  if (std::isnan(x))
    return 0;
  x = std::floor(x);
  const double lim = 1099511627776.0; // 2^40
  if (x > lim)
    return static_cast<int64_t>(lim);
  if (x < -lim)
    return -static_cast<int64_t>(lim);
  return static_cast<int64_t>(x);
}

bf16 bfIsqrt(bf16 y, BfMode m) {
  bf16 t = static_cast<bf16>(kBfMagic - (y >> 1));
  bf16 h = bfMul(kBfHalf, y, m);  // 0.5*y
  bf16 t2 = bfMul(t, t, m);       // t^2
  bf16 p = bfMul(h, t2, m);       // 0.5*y*t^2
  bf16 s = bfSub(kBfOnePointFive, p, m);
  return bfMul(t, s, m);
}

bf16 bfDiv(bf16 x, bf16 y, BfMode m) {
  bf16 r = bfIsqrt(y, m);
  return bfMul(x, bfMul(r, r, m), m);
}

bf16 bfGelu(bf16 x, BfMode m) {
  bf16 x2 = bfMul(x, x, m);
  bf16 x3 = bfMul(x2, x, m);
  bf16 inner = bfAdd(x, bfMul(kBfGeluC, x3, m), m);
  bf16 u = bfMul(kBfSqrt2OverPi, inner, m);
  bf16 u2 = bfMul(u, u, m);
  bf16 num = bfMul(u, bfAdd(kBf27, u2, m), m);
  bf16 den = bfAdd(kBf27, bfMul(kBf9, u2, m), m);
  bf16 t = bfDiv(num, den, m);
  t = bfMax(t, kBfMinusOne, m);                          // clamp below
  t = static_cast<bf16>(bfMax(static_cast<bf16>(t ^ 0x8000), kBfMinusOne, m) ^
                        0x8000);                         // clamp above
  bf16 hx = bfMul(kBfHalf, x, m);
  return bfMul(hx, bfAdd(kBfOne, t, m), m);
}

} // namespace tern::rt::kernels
