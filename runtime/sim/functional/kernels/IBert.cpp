//===- IBert.cpp - I-BERT integer-only kernels ------------------------------===//

#include "runtime/sim/functional/kernels/IBert.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

namespace tern::rt::kernels {

namespace {
/// floor(a / b) for b != 0 (C++ division truncates).
int64_t floorDiv(int64_t a, int64_t b) {
  int64_t q = a / b, r = a % b;
  return (r != 0 && ((r < 0) != (b < 0))) ? q - 1 : q;
}
} // namespace

int32_t sat32(int64_t v) {
  return static_cast<int32_t>(std::clamp<int64_t>(
      v, std::numeric_limits<int32_t>::min(),
      std::numeric_limits<int32_t>::max()));
}

IExpConsts iExpConstants(double S) {
  const double a = 0.35815147, b = 0.96963238 / a, c = 1.0 / a;
  return {static_cast<int64_t>(std::floor(-0.6931 / S)),
          static_cast<int64_t>(std::floor(b / S)),
          static_cast<int64_t>(std::floor(c / (S * S)))};
}

IGeluConsts iGeluConstants(double S) {
  const double a = -0.2888, b = -1.769, c = 1.0 / a;
  double Sp = S / std::sqrt(2.0);
  double Serf = Sp * Sp * a * 16384.0;
  return {static_cast<int64_t>(std::floor(b / Sp)),
          static_cast<int64_t>(std::floor(c / (Sp * Sp))),
          static_cast<int64_t>(std::floor(1.0 / Serf))};
}

int64_t iExp(int64_t x, const IExpConsts &c) {
  if (x > 0)
    x = 0;
  x = std::max(x, 30 * c.x0);
  int64_t z = floorDiv(x, c.x0); // 0..30
  int64_t r = x - c.x0 * z;
  int64_t L = (r + c.bI) * r + c.cI;
  int64_t e = L * (int64_t(1) << (30 - z));
  return std::max<int64_t>(e, 0);
}

void iSoftmaxRow(const int32_t *in, int32_t *out, size_t n,
                 const IExpConsts &c, unsigned shift16) {
  if (n == 0)
    return;
  int32_t mx = *std::max_element(in, in + n);
  std::vector<int64_t> e(n);
  int64_t sum = 0;
  for (size_t j = 0; j < n; ++j) {
    e[j] = iExp(static_cast<int64_t>(in[j]) - mx, c) >> shift16;
    sum += e[j];
  }
  if (sum == 0) {
    std::fill(out, out + n, 0);
    return;
  }
  // f <= 2^32 / e[j], so e[j] * f <= 2^32: no overflow.
  int64_t f = (int64_t(1) << 32) / sum;
  for (size_t j = 0; j < n; ++j)
    out[j] = sat32((e[j] * f) >> 24);
}

int64_t iGelu(int64_t x, const IGeluConsts &c) {
  int64_t sgn = (x > 0) - (x < 0);
  int64_t ax = std::min(x < 0 ? -x : x, -c.bI);
  int64_t t = ax + c.bI;
  int64_t erf = sgn * (t * t + c.cI);
  erf = floorDiv(erf, int64_t(1) << 14);
  return x * (erf + c.oneI);
}

uint64_t iSqrt(uint64_t n) {
  if (n == 0)
    return 0;
  unsigned bits = 64 - __builtin_clzll(n);
  uint64_t x = uint64_t(1) << ((bits + 1) / 2);
  for (;;) {
    uint64_t x1 = (x + n / x) / 2;
    if (x1 >= x)
      return x;
    x = x1;
  }
}

void iLayerNormRow(const int32_t *in, int32_t *out, size_t n, unsigned k) {
  if (n == 0)
    return;
  int64_t sum = 0;
  for (size_t j = 0; j < n; ++j)
    sum += in[j];
  // mean = round(sum / n), ties to even (I-BERT uses torch.round).
  int64_t d = static_cast<int64_t>(n);
  int64_t q = floorDiv(sum, d), r = sum - q * d; // 0 <= r < d
  if (2 * r > d || (2 * r == d && (q & 1)))
    ++q;
  int64_t mean = q;
  uint64_t var = 0;
  for (size_t j = 0; j < n; ++j) {
    int64_t ys = (static_cast<int64_t>(in[j]) - mean) >> k; // floor
    var += static_cast<uint64_t>(ys * ys);
  }
  int64_t stdv = static_cast<int64_t>(iSqrt(var)) << k;
  int64_t factor = stdv == 0 ? 0 : (int64_t(1) << 31) / stdv;
  for (size_t j = 0; j < n; ++j) {
    int64_t y = static_cast<int64_t>(in[j]) - mean;
    out[j] = sat32(floorDiv(y * factor, 2));
  }
}

} // namespace tern::rt::kernels
