//===- Requant.cpp - fixed-point requantization multipliers ---------------===//
//
// Each variant picks the largest shift its fields allow (most precision),
// except elastic-AI, whose published rule picks the smallest shift that is
// accurate enough (its multipliers then stay small for the FPGA's DSPs).
//
//===----------------------------------------------------------------------===//

#include "tern/Quant/Requant.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FormatVariadic.h"

#include <cmath>

using namespace tern::quant;

std::optional<RequantVariant>
tern::quant::parseRequantVariant(llvm::StringRef name) {
  return llvm::StringSwitch<std::optional<RequantVariant>>(name)
      .Case("ibert", RequantVariant::IBert)
      .Case("swifttron", RequantVariant::SwiftTron)
      .Case("tataa", RequantVariant::Tataa)
      .Cases("elastic", "elastic-ai", RequantVariant::ElasticAI)
      .Default(std::nullopt);
}

llvm::StringRef tern::quant::toString(RequantVariant variant) {
  switch (variant) {
  case RequantVariant::IBert:
    return "ibert";
  case RequantVariant::SwiftTron:
    return "swifttron";
  case RequantVariant::Tataa:
    return "tataa";
  case RequantVariant::ElasticAI:
    return "elastic-ai";
  }
  llvm_unreachable("unknown requantization variant");
}

double Multiplier::value() const {
  return std::ldexp(static_cast<double>(multiplier), -static_cast<int>(shift));
}

namespace {

llvm::Error unrepresentable(double m, RequantVariant v, const char *why) {
  return llvm::createStringError(
      llvm::formatv("requantization multiplier {0} cannot be encoded for "
                    "'{1}': {2}",
                    m, toString(v), why)
          .str());
}

/// The largest shift in [0, maxShift] for which round(m * 2^shift) stays at
/// or below `maxMultiplier`.
llvm::Expected<Multiplier> largestShift(double m, RequantVariant v,
                                        unsigned maxShift,
                                        int64_t maxMultiplier) {
  if (std::nearbyint(m) > static_cast<double>(maxMultiplier))
    return unrepresentable(m, v, "too large for the multiplier field");
  for (int s = static_cast<int>(maxShift); s >= 0; --s) {
    double q = std::nearbyint(std::ldexp(m, s));
    if (q <= static_cast<double>(maxMultiplier)) {
      if (q == 0.0)
        return unrepresentable(m, v, "too small, it encodes as 0");
      return Multiplier{static_cast<int64_t>(q), static_cast<unsigned>(s)};
    }
  }
  return unrepresentable(m, v, "too large for the multiplier field");
}

} // namespace

llvm::Expected<Multiplier> tern::quant::chooseMultiplier(double m,
                                                         RequantVariant v) {
  if (!std::isfinite(m) || m <= 0.0)
    return unrepresentable(m, v, "it must be positive and finite");
  switch (v) {
  case RequantVariant::IBert: {
    // SEEDS.md 0: (mant, e) = frexp(M), m_int = round(mant * 2^31),
    // shift = 31 - e. A mantissa that rounds up to 2^31 is renormalised.
    int e = 0;
    double mant = std::frexp(m, &e);
    int64_t mInt = static_cast<int64_t>(std::nearbyint(std::ldexp(mant, 31)));
    if (mInt == (int64_t(1) << 31)) {
      mInt >>= 1;
      ++e;
    }
    int shift = 31 - e;
    if (shift < 0)
      return unrepresentable(m, v, "M >= 2^31 needs a negative shift");
    if (shift > 63)
      return unrepresentable(m, v, "M < 2^-32 needs a shift above 63");
    return Multiplier{mInt, static_cast<unsigned>(shift)};
  }
  case RequantVariant::SwiftTron:
    // 32-bit signed multiplier, 6-bit shift (SEEDS.md 1).
    return largestShift(m, v, 63, (int64_t(1) << 31) - 1);
  case RequantVariant::Tataa:
    // 16-bit unsigned mantissa, 5-bit exponent (SEEDS.md 4).
    return largestShift(m, v, 31, (int64_t(1) << 16) - 1);
  case RequantVariant::ElasticAI: {
    // SEEDS.md 3: the smallest 1 <= s < 32 with relative error <= 1e-4; if
    // none qualifies, s = 31 (the most precise available).
    for (unsigned s = 1; s < 32; ++s) {
      double q = std::nearbyint(std::ldexp(m, s));
      if (q > 0.0 && std::fabs(std::ldexp(q, -static_cast<int>(s)) - m) <=
                         1e-4 * m)
        return Multiplier{static_cast<int64_t>(q), s};
    }
    double q = std::nearbyint(std::ldexp(m, 31));
    if (q == 0.0)
      return unrepresentable(m, v, "too small, it encodes as 0");
    if (q > 9.2e18)
      return unrepresentable(m, v, "too large for the multiplier field");
    return Multiplier{static_cast<int64_t>(q), 31};
  }
  }
  llvm_unreachable("unknown requantization variant");
}
