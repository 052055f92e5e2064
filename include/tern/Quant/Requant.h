//===- Requant.h - fixed-point requantization multipliers -------*- C++ -*-===//
//
// A requantization multiplies an accumulator by a real M = S_in / S_out. Each
// reference design encodes M as an integer multiplier and a shift, in its own
// widths; this file chooses those integers. The arithmetic that applies them
// lives in the simulator's functional model only.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_QUANT_REQUANT_H
#define TERN_QUANT_REQUANT_H

#include "llvm/ADT/StringRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>

namespace tern::quant {

enum class RequantVariant {
  /// I-BERT: (m, e) = frexp(M); multiplier = round(m * 2^31) (31-bit),
  /// shift = 31 - e; applied with rounding and saturation.
  IBert,
  /// SwiftTron RTL: 32-bit signed multiplier, 6-bit shift; applied with
  /// truncation and no saturation.
  SwiftTron,
  /// TATAA: 16-bit unsigned mantissa x 2^-(5-bit exponent); truncation.
  Tataa,
  /// Elastic-AI (FPGA time-series): the smallest shift 1 <= s < 32 whose
  /// relative error is <= 1e-4; applied with round-half-up.
  ElasticAI,
};

/// Parses "ibert", "swifttron", "tataa", "elastic-ai".
std::optional<RequantVariant> parseRequantVariant(llvm::StringRef name);
llvm::StringRef toString(RequantVariant variant);

/// M ~= multiplier / 2^shift.
struct Multiplier {
  int64_t multiplier = 0;
  unsigned shift = 0;

  double value() const;
};

/// Encodes `m` (> 0, finite) in `variant`'s widths with the most precision
/// those widths allow. Fails, saying why, when M cannot be represented (too
/// large for the multiplier field, or so small that it would encode as 0).
llvm::Expected<Multiplier> chooseMultiplier(double m, RequantVariant variant);

} // namespace tern::quant

#endif // TERN_QUANT_REQUANT_H
