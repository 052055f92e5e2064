//===- IntKernels.cpp - constants of the integer-only SFU kernels ---------===//

#include "tern/Quant/IntKernels.h"

#include "llvm/ADT/Twine.h"
#include "llvm/Support/MathExtras.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <limits>

using namespace llvm;

namespace tern::quant {

namespace {
Error intError(const Twine &msg) {
  return createStringError(inconvertibleErrorCode(), msg);
}

std::string num(double v) {
  char buf[32];
  snprintf(buf, sizeof(buf), "%g", v);
  return buf;
}

bool fits32(int64_t v) {
  return v >= std::numeric_limits<int32_t>::min() &&
         v <= std::numeric_limits<int32_t>::max();
}

/// floor(v) as int64, or nullopt when it is not finite or out of range.
std::optional<int64_t> floorInt(double v) {
  double f = std::floor(v);
  if (!std::isfinite(f) || std::fabs(f) > 9.0e18)
    return std::nullopt;
  return static_cast<int64_t>(f);
}

Error checkScale(double scale, StringRef kernel) {
  if (!(scale > 0) || !std::isfinite(scale))
    return intError(kernel + Twine(": input scale ") + num(scale) +
                    " is not positive and finite");
  return Error::success();
}

Error notFit(StringRef kernel, StringRef what, double value, double scale) {
  return intError(kernel + Twine(": ") + what + " = " + num(value) +
                  " for input scale " + num(scale) +
                  " does not fit a 32-bit P register");
}
} // namespace

IExpConstants iExpConstants(double s) {
  const double a = 0.35815147, b = 0.96963238 / a, c = 1.0 / a;
  IExpConstants k;
  k.x0 = static_cast<int64_t>(std::floor(-0.6931 / s));
  k.bI = static_cast<int64_t>(std::floor(b / s));
  k.cI = static_cast<int64_t>(std::floor(c / (s * s)));
  return k;
}

Expected<ISoftmaxConstants> iSoftmaxConstants(double s) {
  if (Error e = checkScale(s, "i-softmax"))
    return std::move(e);
  const double c = 1.0 / 0.35815147;
  // Check in floating point before converting: a fine scale overflows.
  if (!floorInt(c / (s * s)) || !fits32(*floorInt(c / (s * s))))
    return notFit("i-softmax", "c_i = floor(c/S^2)", std::floor(c / (s * s)),
                  s);
  ISoftmaxConstants k;
  k.exp = iExpConstants(s);
  // x0 must be negative (the kernel divides by it) and 30 * x0 an int32.
  if (k.exp.x0 >= 0)
    return notFit("i-softmax", "x0 = floor(-0.6931/S) (must be negative)",
                  static_cast<double>(k.exp.x0), s);
  if (!fits32(30 * k.exp.x0) || !fits32(k.exp.bI))
    return notFit("i-softmax", "x0 or b_i", static_cast<double>(k.exp.x0), s);
  if (k.exp.cI <= 0)
    return notFit("i-softmax", "c_i (must be positive)",
                  static_cast<double>(k.exp.cI), s);
  // The largest i-exp value is c_i * 2^30 (x = max: z = 0, r = 0).
  unsigned bits = 64 - countl_zero(static_cast<uint64_t>(k.exp.cI)) + 30;
  k.shift16 = bits > 16 ? bits - 16 : 0;
  return k;
}

Expected<IGeluConstants> iGeluConstants(double s, int64_t maxAbs) {
  if (Error e = checkScale(s, "i-GELU"))
    return std::move(e);
  const double a = -0.2888, b = -1.769, c = 1.0 / a;
  const double sp = s / std::sqrt(2.0);
  const double serf = sp * sp * a * 16384.0;
  std::optional<int64_t> bI = floorInt(b / sp), cI = floorInt(c / (sp * sp)),
                         oneI = floorInt(1.0 / serf);
  if (!bI || !fits32(*bI))
    return notFit("i-GELU", "b_i = floor(b/S')", std::floor(b / sp), s);
  if (!cI || !fits32(*cI))
    return notFit("i-GELU", "c_i = floor(c/S'^2)", std::floor(c / (sp * sp)),
                  s);
  if (!oneI || !fits32(*oneI))
    return notFit("i-GELU", "one_i = floor(1/S_erf)", std::floor(1.0 / serf),
                  s);
  // |erf_int| <= max((b_i)^2 + |c_i|, |c_i|) / 2^14 + 1, and the result is
  // x * (erf_int + one_i).
  double erfMax = (static_cast<double>(*bI) * *bI + std::fabs(*cI)) / 16384.0 + 1;
  double bound = static_cast<double>(maxAbs) * (erfMax + std::fabs(*oneI));
  if (bound > static_cast<double>(std::numeric_limits<int32_t>::max()))
    return intError("i-GELU: inputs up to " + Twine(maxAbs) + " at scale " +
                    num(s) + " give results up to " + num(bound) +
                    ", beyond 32 bits");
  IGeluConstants k;
  k.bI = *bI;
  k.cI = *cI;
  k.oneI = *oneI;
  k.outputScale = s * serf / 2.0;
  return k;
}

Expected<ILayerNormConstants> iLayerNormConstants(int64_t maxAbs,
                                                  int64_t cols) {
  if (cols <= 0 || maxAbs < 0)
    return intError("integer LayerNorm: " + Twine(cols) + " columns, |x| <= " +
                    Twine(maxAbs));
  // |x - mean| <= 2 maxAbs; the sum of cols squares must stay below 2^31.
  const double limit = static_cast<double>(std::numeric_limits<int32_t>::max());
  ILayerNormConstants k;
  for (k.k = 0; k.k <= 31; ++k.k) {
    double y = std::floor(2.0 * static_cast<double>(maxAbs) / std::ldexp(1.0, k.k));
    if (static_cast<double>(cols) * y * y <= limit)
      break;
  }
  if (k.k > 31)
    return intError("integer LayerNorm: no shift k <= 31 keeps the variance "
                    "of " + Twine(cols) + " columns below 2^31");
  k.outputScale = std::sqrt(static_cast<double>(cols)) / std::ldexp(1.0, 30);
  return k;
}

Expected<ILayerNormAffine> iLayerNormAffine(ArrayRef<float> gamma,
                                            ArrayRef<float> beta) {
  if (gamma.size() != beta.size() || gamma.empty())
    return intError("integer LayerNorm: gamma and beta must be non-empty "
                    "and of one size");
  ILayerNormAffine a;
  a.normScale = std::sqrt(static_cast<double>(gamma.size())) /
                std::ldexp(1.0, ILayerNormAffine::kNormShift);
  double gmax = 0;
  for (float g : gamma)
    gmax = std::max(gmax, std::fabs(static_cast<double>(g)));
  if (!std::isfinite(gmax))
    return intError("integer LayerNorm: gamma is not finite");
  a.gammaScale = gmax > 0 ? gmax / 32767.0 : 1.0;
  a.outputScale = a.normScale * a.gammaScale;
  for (size_t c = 0; c < gamma.size(); ++c) {
    a.gamma.push_back(static_cast<int32_t>(
        std::nearbyint(static_cast<double>(gamma[c]) / a.gammaScale)));
    double b = std::nearbyint(static_cast<double>(beta[c]) / a.outputScale);
    if (!(std::fabs(b) <= std::ldexp(1.0, 30)))
      return intError("integer LayerNorm: beta[" + Twine(c) + "] = " +
                      num(beta[c]) + " is beyond 2^30 at the output scale " +
                      num(a.outputScale) + " (gamma too small next to beta)");
    a.beta.push_back(static_cast<int32_t>(b));
  }
  return a;
}

Expected<Multiplier> wideMultiplier(double m) {
  if (!std::isfinite(m) || m == 0)
    return intError("rq.wide: multiplier " + num(m) +
                    " is zero or not finite");
  Expected<Multiplier> mag = chooseMultiplier(std::fabs(m), RequantVariant::IBert);
  if (!mag)
    return mag.takeError();
  if (m < 0)
    mag->multiplier = -mag->multiplier;
  return *mag;
}

} // namespace tern::quant
