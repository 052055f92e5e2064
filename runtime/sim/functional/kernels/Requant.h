//===- Requant.h - The four requantization variants --------------*- C++ -*-===//
//
// Bit-exact per SEEDS.md sections 0 (I-BERT), 1 (SwiftTron), 3 (elastic-AI)
// and 4 (TATAA), plus the host-side helpers that derive the integer
// parameters from a real multiplier M = S_in / S_out.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_SIM_FUNCTIONAL_KERNELS_REQUANT_H
#define TERN_RUNTIME_SIM_FUNCTIONAL_KERNELS_REQUANT_H

#include <cstdint>
#include <optional>

namespace tern::rt::kernels {

/// clamp(round_half_even(q * m / 2^shift) + zp, -128, 127); m < 2^32,
/// shift < 64. Ties go to even as in I-BERT's reference (torch.round) [inf];
/// the zero point (0 in I-BERT) is added after rounding, as onnxruntime's
/// QLinear requantization does.
int8_t requantIBert(int32_t q, uint32_t m, unsigned shift, int32_t zp = 0);
/// low8((q * m) >>> c): truncation, no rounding, no saturation.
int8_t requantSwift(int32_t q, int32_t m, unsigned c);
/// low8((p16 * man) >>> exp), exp 0..31: truncation, no saturation.
int8_t requantTataa(int16_t p, uint16_t man, unsigned exp);
/// clamp(floor((acc * mq + 2^(s-1)) / 2^s) + zp, -128, 127), 1 <= s < 64.
int8_t requantElastic(int32_t acc, uint32_t mq, unsigned s, int32_t zp);
/// clamp(round_half_even(q * m / 2^shift), -(2^(bits-1)-1), 2^(bits-1)-1)
/// with a signed multiplier, 2 <= bits <= 32 (I-BERT's QuantAct at any width).
int32_t requantWide(int32_t q, int32_t m, unsigned shift, unsigned bits);

/// The saturation range of cvt.f2i: bits 0 = int8 [-128, 127]; 2..8 =
/// [-2^(bits-1), 2^(bits-1)-1], or +-(2^(bits-1)-1) when symmetric.
struct QuantRange {
  int32_t lo, hi;
};
QuantRange quantRange(unsigned bits, bool symmetric);
/// ONNX QuantizeLinear on one f32 value: clamp(rne(x / scale) + zp, lo, hi),
/// the quotient an IEEE f32 division (onnxruntime's MLAS divides too); NaN
/// gives clamp(zp), +-inf saturate.
int8_t quantizeLinear(float x, float scale, int32_t zp, QuantRange range);

struct DyadicParams {
  uint32_t mult;
  unsigned shift;
};
/// I-BERT: (m, e) = frexp(M); mult = round(m * 2^31); shift = 31 - e.
/// None when the shift leaves 0..63 (M too large or too small).
std::optional<DyadicParams> iBertParams(double M);
/// elastic-AI: smallest 1 <= s < 32 with |round(M*2^s)/2^s - M| <= 1e-4*M.
std::optional<DyadicParams> elasticParams(double M);

} // namespace tern::rt::kernels

#endif
