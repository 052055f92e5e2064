//===- QuantParams.h - scales, zero points and their use --------*- C++ -*-===//
//
// Turning an observed real range into quantization parameters (scale, zero
// point, integer range), per tensor or per channel, symmetric (I-BERT, TATAA)
// or asymmetric (the FPGA time-series design). The formulas are those of
// ../shared/SEEDS.md; the choices for degenerate ranges are documented in
// docs/Quantization.md.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_QUANT_QUANTPARAMS_H
#define TERN_QUANT_QUANTPARAMS_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <optional>

namespace tern::quant {

/// A real-valued range [min, max] seen by an observer.
struct Range {
  double min = 0.0;
  double max = 0.0;
};

enum class Scheme {
  /// S = max(|min|, |max|) / (2^(b-1) - 1), zero point 0, q in
  /// [-(2^(b-1) - 1), 2^(b-1) - 1] (I-BERT, TATAA).
  Symmetric,
  /// S = (max - min) / (2^b - 1) over a range widened to contain 0, zero
  /// point chosen so that 0.0 is exact (the FPGA design's QAT scheme).
  Asymmetric,
};

/// Parameters of one uniform quantizer: q = clamp(round(x / scale) + zp).
struct QuantParams {
  double scale = 1.0;
  int64_t zeroPoint = 0;
  unsigned bits = 8;
  int64_t qmin = -127;
  int64_t qmax = 127;

  /// Nearest representable integer of `x` (ties away from zero), clamped.
  int64_t quantize(double x) const;
  /// The real value an integer stands for.
  double dequantize(int64_t q) const;
};

/// Parameters for `range` at `bits` (2..16) in `scheme`. Signed storage.
/// A range of width zero (an all-zero tensor, or a single value 0) gets
/// scale 1.0 so that it quantizes to exactly 0 and requantization
/// multipliers stay finite. Fails for non-finite ranges or min > max, and
/// for ranges so small that the scale would be subnormal in float32 (the
/// element type of `!quant.uniform` scales downstream).
llvm::Expected<QuantParams> computeParams(Range range, unsigned bits,
                                          Scheme scheme);

/// Per-output-channel parameters of a weight laid out [K, N] row-major
/// (channel = column), e.g. I-BERT's per-channel linear weights.
llvm::Expected<llvm::SmallVector<QuantParams>>
computePerChannelParams(llvm::ArrayRef<float> weight, int64_t rows,
                        int64_t cols, unsigned bits, Scheme scheme);

/// Scale of an int32 bias added to an accumulator of input x weight
/// products: S_b = S_x * S_w, zero point 0 (all five designs).
QuantParams biasParams(const QuantParams &input, const QuantParams &weight);

/// The saturation range of the exact quantizer (cvt.f2i) as its `bits` /
/// `sym` fields: int8 [-128, 127] is {0, false}; [-2^(b-1), 2^(b-1)-1] is
/// {b, false} for b = 2..7 and +-(2^(b-1)-1) is {b, true} for b = 2..8 (a
/// QDQ model's QuantizeLinear -> Clip range, or the narrow int8 range
/// +-127). None for any other range.
struct SaturationBits {
  unsigned bits;
  bool symmetric;
};
std::optional<SaturationBits> saturationBits(int64_t qmin, int64_t qmax);

} // namespace tern::quant

#endif // TERN_QUANT_QUANTPARAMS_H
