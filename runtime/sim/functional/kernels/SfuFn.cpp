//===- SfuFn.cpp - rsfu.fn kernels ----------------------------------------===//
//
// See SfuFn.h for the algorithms. Only f32 additions, multiplications, one
// division, rint, and exponent manipulation (ldexp / frexp) are used.
//
//===----------------------------------------------------------------------===//

#include "runtime/sim/functional/kernels/SfuFn.h"

#include <cmath>
#include <limits>

namespace tern::rt::kernels {

namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();
constexpr float kLog2E = 1.44269504088896341f;
// ln 2 = kLn2Hi + kLn2Lo; kLn2Hi has 16 significant bits, so n * kLn2Hi is
// exact for |n| < 2^8.
constexpr float kLn2Hi = 0.693145751953125f;
constexpr float kLn2Lo = 1.42860682030941723212e-6f;

float expF32(float x) {
  if (std::isnan(x))
    return x;
  if (x > 88.72283935546875f) // above ln(FLT_MAX)
    return kInf;
  if (x < -103.972084045410f) // below ln(2^-150): rounds to 0
    return 0.0f;
  float n = std::rint(x * kLog2E);
  float r = (x - n * kLn2Hi) - n * kLn2Lo;
  // e^r, |r| <= 0.3466 + rounding: Taylor to r^6 (remainder < 1.2e-7).
  float p = 1.0f / 720.0f;
  p = p * r + 1.0f / 120.0f;
  p = p * r + 1.0f / 24.0f;
  p = p * r + 1.0f / 6.0f;
  p = p * r + 0.5f;
  p = p * r + 1.0f;
  p = p * r + 1.0f;
  // 2^n in two steps so that 2^n itself never leaves the f32 range.
  int k = static_cast<int>(n);
  int k1 = k / 2;
  return std::ldexp(std::ldexp(p, k1), k - k1);
}

float logF32(float x) {
  if (std::isnan(x) || x < 0.0f)
    return std::numeric_limits<float>::quiet_NaN();
  if (x == 0.0f)
    return -kInf;
  if (std::isinf(x))
    return kInf;
  int e;
  float m = std::frexp(x, &e); // [0.5, 1)
  if (m < 0.70710678118654752f) {
    m *= 2.0f;
    --e;
  }
  float s = (m - 1.0f) / (m + 1.0f); // m - 1 is exact (Sterbenz)
  float z = s * s;                   // |s| <= 0.1716
  float p = 1.0f / 9.0f;
  p = p * z + 1.0f / 7.0f;
  p = p * z + 1.0f / 5.0f;
  p = p * z + 1.0f / 3.0f;
  p = p * z + 1.0f;
  float lm = 2.0f * s * p;
  float fe = static_cast<float>(e);
  return fe * kLn2Hi + (fe * kLn2Lo + lm);
}

float tanhF32(float x) {
  if (std::isnan(x))
    return x;
  float a = std::fabs(x);
  float t;
  if (a == 0.0f)
    return x; // +-0
  if (a < 0.5f) {
    float z = x * x;
    float p = 21844.0f / 6081075.0f;
    p = p * z - 1382.0f / 155925.0f;
    p = p * z + 62.0f / 2835.0f;
    p = p * z - 17.0f / 315.0f;
    p = p * z + 2.0f / 15.0f;
    p = p * z - 1.0f / 3.0f;
    return x + x * z * p;
  }
  if (a > 9.1f)
    t = 1.0f;
  else
    t = 1.0f - 2.0f / (expF32(2.0f * a) + 1.0f);
  return std::copysign(t, x);
}

float sigmoidF32(float x) {
  if (std::isnan(x))
    return x;
  if (x < 0.0f) { // e^x / (1 + e^x): no overflow of e^-x for x < -88.7
    float e = expF32(x);
    return e / (1.0f + e);
  }
  return 1.0f / (1.0f + expF32(-x));
}

float erfF32(float x) {
  if (std::isnan(x))
    return x;
  float a = std::fabs(x);
  if (a == 0.0f)
    return x; // +-0
  if (a < 0.5f) {
    // erf x = 2/sqrt(pi) (x - x^3/3 + x^5/10 - x^7/42 + x^9/216 - x^11/1320)
    float z = x * x;
    float p = -1.0f / 1320.0f;
    p = p * z + 1.0f / 216.0f;
    p = p * z - 1.0f / 42.0f;
    p = p * z + 1.0f / 10.0f;
    p = p * z - 1.0f / 3.0f;
    return 1.12837916709551257f * (x + x * z * p);
  }
  float r;
  if (a >= 4.0f) {
    r = 1.0f;
  } else {
    float t = 1.0f / (1.0f + 0.3275911f * a);
    float q = 1.061405429f;
    q = q * t - 1.453152027f;
    q = q * t + 1.421413741f;
    q = q * t - 0.284496736f;
    q = q * t + 0.254829592f;
    q = q * t;
    r = 1.0f - q * expF32(-(a * a));
  }
  return std::copysign(r, x);
}

} // namespace

float sfuFnF32(SfuFn fn, float x) {
  switch (fn) {
  case SfuFn::Exp:
    return expF32(x);
  case SfuFn::Tanh:
    return tanhF32(x);
  case SfuFn::Sigmoid:
    return sigmoidF32(x);
  case SfuFn::Erf:
    return erfF32(x);
  case SfuFn::Log:
    return logF32(x);
  }
  return std::numeric_limits<float>::quiet_NaN();
}

bf16 bfSfuFn(SfuFn fn, bf16 x) { return floatToBf(sfuFnF32(fn, bfToFloat(x))); }

float powF32(float a, float b) {
  const float inf = std::numeric_limits<float>::infinity();
  if (b == 0.0f || a == 1.0f)
    return 1.0f;
  if (std::isnan(a) || std::isnan(b))
    return std::numeric_limits<float>::quiet_NaN();
  const float m = std::fabs(a);
  if (std::isinf(b)) {
    if (m == 1.0f)
      return 1.0f;
    return (m < 1.0f) == (b < 0.0f) ? inf : 0.0f;
  }
  // Every f32 of magnitude >= 2^24 is an even integer.
  const bool integer = std::rint(b) == b;
  const bool odd = integer && std::fabs(b) < 16777216.0f &&
                   (static_cast<int64_t>(b) & 1) != 0;
  if (m == 0.0f) {
    if (b < 0.0f)
      return odd ? std::copysign(inf, a) : inf;
    return odd ? a : 0.0f;
  }
  if (std::isinf(a)) {
    float r = b < 0.0f ? 0.0f : inf;
    return a < 0.0f && odd ? -r : r;
  }
  if (a < 0.0f && !integer)
    return std::numeric_limits<float>::quiet_NaN();
  float r;
  if (integer && std::fabs(b) <= 64.0f) {
    auto power = [](float x, uint32_t n) {
      float p = 1.0f;
      for (; n; n >>= 1, x *= x)
        if (n & 1)
          p *= x;
      return p;
    };
    uint32_t n = static_cast<uint32_t>(std::fabs(b));
    r = power(m, n);
    if (b < 0.0f)
      r = std::isfinite(r) && r != 0.0f ? 1.0f / r : power(1.0f / m, n);
  } else {
    r = expF32(b * logF32(m));
  }
  return a < 0.0f && odd ? -r : r;
}

bf16 bfPow(bf16 a, bf16 b) {
  return floatToBf(powF32(bfToFloat(a), bfToFloat(b)));
}

} // namespace tern::rt::kernels
