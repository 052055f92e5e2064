//===- SfuFn.h - rsfu.fn: exp, tanh, sigmoid, erf, log ----------*- C++ -*-===//
//
// What the reference SFU's function unit computes: bf16 in, f32 arithmetic
// inside (range reduction and a short polynomial, no library calls), one
// round-to-nearest-even to bf16 out. The algorithms (docs/Runtime.md):
//   exp:     n = rint(x log2 e), r = x - n ln2 (ln2 split in two, Cody-Waite),
//            e^r by its degree-6 Taylor polynomial on |r| <= ln2/2,
//            scaled by 2^n (an exponent add; subnormal results rounded once).
//   log:     x = m 2^e, m in [sqrt(1/2), sqrt(2)); s = (m-1)/(m+1),
//            log m = 2s (1 + s^2/3 + s^4/5 + s^6/7 + s^8/9); + e ln2.
//   tanh:    |x| < 0.5: odd Taylor polynomial to x^13; |x| <= 9.1:
//            1 - 2/(exp(2|x|) + 1); beyond: +-1. Sign restored.
//   sigmoid: 1 / (1 + exp(-x)), for x < 0 exp(x) / (1 + exp(x)).
//   erf:     |x| < 0.5: odd Taylor polynomial to x^11; |x| < 4:
//            1 - (a1 t + .. + a5 t^5) exp(-x^2), t = 1/(1 + p|x|)
//            (Abramowitz & Stegun 7.1.26, |error| <= 1.5e-7); beyond: +-1.
// IEEE special values: NaN -> NaN; exp(+-inf) = inf / 0; log(0) = -inf,
// log(x < 0) = NaN, log(inf) = inf; tanh, erf(+-inf) = +-1; sigmoid(+-inf)
// = 1 / 0; odd functions keep the sign of zero.
//
// rsfu.pow (ONNX Pow, C's pow) in the same unit: for an integer exponent with
// |b| <= 64, |a|^|b| by binary powering in f32 (exact while the product fits
// 24 bits, e.g. 3^6 = 729 before the bf16 rounding), inverted for b < 0
// (through 1/|a| when |a|^|b| overflows or underflows); otherwise
// exp(b log|a|) with the functions above. A negative base takes an integer
// exponent (odd: negative result), else NaN. C's special cases: pow(x, +-0)
// = 1 and pow(1, y) = 1 even for NaN; zero and infinite bases and
// exponents as in C (pow(+-0, b < 0) = inf, pow(-1, +-inf) = 1, ...).
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_SIM_FUNCTIONAL_KERNELS_SFUFN_H
#define TERN_RUNTIME_SIM_FUNCTIONAL_KERNELS_SFUFN_H

#include "runtime/sim/functional/kernels/BF16.h"

#include <cstdint>

namespace tern::rt::kernels {

/// The `fn` field of rsfu.fn (the order of the ISA's sfufn names).
enum class SfuFn : uint8_t { Exp = 0, Tanh = 1, Sigmoid = 2, Erf = 3, Log = 4 };
constexpr unsigned kNumSfuFns = 5;

/// The unit's f32 result, before the final rounding to bf16.
float sfuFnF32(SfuFn fn, float x);
/// rne(sfuFnF32(fn, x)) on a bf16 value.
bf16 bfSfuFn(SfuFn fn, bf16 x);

/// rsfu.pow's f32 result a^b, before the final rounding to bf16.
float powF32(float a, float b);
/// rne(powF32(a, b)) on bf16 values.
bf16 bfPow(bf16 a, bf16 b);

} // namespace tern::rt::kernels

#endif
