//===- BF16.h - Bit-exact bfloat16 arithmetic in two modes -------*- C++ -*-===//
//
// Ieee: IEEE-754 binary16-brain semantics with round-to-nearest-even,
//   subnormals, Inf and NaN (NaN results are the canonical quiet 0x7FC0).
// Tataa: the TATAA lane model (SEEDS.md section 4):
//   - an exponent field of 0 reads as zero (no subnormals); no Inf/NaN
//     (exponent 255 is an ordinary exponent);
//   - add/sub: align the smaller-magnitude operand by 0..7 bits (shifted-out
//     bits are truncated); a larger exponent gap flushes it (result = larger);
//   - at most one bit of normalisation: a carry shifts right by one (truncating),
//     a cancellation may shift left by one; a result still below 1.0 after that
//     is flushed to +0 [inf];
//   - mul: 8x8-bit significand product truncated to 8 bits;
//   - results whose exponent leaves 1..254 saturate to +-0x7F7F (overflow) or
//     flush to +0 (underflow) [inf].
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_SIM_FUNCTIONAL_KERNELS_BF16_H
#define TERN_RUNTIME_SIM_FUNCTIONAL_KERNELS_BF16_H

#include <cstdint>

namespace tern::rt::kernels {

enum class BfMode : uint8_t { Tataa = 0, Ieee = 1 };

using bf16 = uint16_t;

float bfToFloat(bf16 b);
/// IEEE round-to-nearest-even conversion (NaN -> 0x7FC0).
bf16 floatToBf(float f);
/// The TATAA reading of \p b as a real number (exp 0 -> 0, exp 255 finite).
double bfTataaValue(bf16 b);

bf16 bfAdd(bf16 a, bf16 b, BfMode m);
bf16 bfSub(bf16 a, bf16 b, BfMode m);
bf16 bfMul(bf16 a, bf16 b, BfMode m);
bf16 bfMax(bf16 a, bf16 b, BfMode m);

/// Integer -> bf16: Ieee rounds to nearest even, Tataa truncates toward zero.
bf16 bfFromInt(int64_t v, BfMode m);
/// bf16 -> int8 with saturation: Ieee rounds to nearest even, Tataa
/// truncates toward zero. NaN converts to 0.
int8_t bfToInt8(bf16 v, BfMode m);
/// bf16 -> integer rounded like bfToInt8, saturating at +-1024 (beyond any
/// int8 value plus an 8-bit zero point). NaN converts to 0.
int64_t bfToInt(bf16 v, BfMode m);
/// 2^n as bf16 (Ieee: subnormal or Inf outside the normal range; Tataa:
/// flush to zero or saturate).
bf16 bfPow2(int64_t n, BfMode m);
/// floor() of a bf16 value as an integer (saturating to +-2^40; NaN -> 0).
int64_t bfFloor(bf16 v, BfMode m);

// Constants the bf16 SFU hard-wires (RNE-rounded bf16 bit patterns).
constexpr bf16 kBfOne = 0x3F80;       // 1.0
constexpr bf16 kBfHalf = 0x3F00;      // 0.5
constexpr bf16 kBfOnePointFive = 0x3FC0; // 1.5
constexpr bf16 kBfLog2E = 0x3FB9;     // 1.4453125 ~ log2(e)
constexpr bf16 kBfGeluC = 0x3D37;     // 0.044677734 ~ 0.044715
constexpr bf16 kBfSqrt2OverPi = 0x3F4C; // 0.796875 ~ sqrt(2/pi)
constexpr bf16 kBf27 = 0x41D8;        // 27
constexpr bf16 kBf9 = 0x4110;         // 9
constexpr bf16 kBfMinusOne = 0xBF80;  // -1.0
constexpr bf16 kBfMagic = 0x5F37;     // TATAA's inverse-sqrt magic constant

/// TATAA's magic inverse square root with one Newton step (see ISA.md).
bf16 bfIsqrt(bf16 y, BfMode m);
/// x / y computed as x * isqrt(y)^2.
bf16 bfDiv(bf16 x, bf16 y, BfMode m);
/// Pade-tanh GELU.
bf16 bfGelu(bf16 x, BfMode m);

} // namespace tern::rt::kernels

#endif
