//===- IntKernels.h - constants of the integer-only SFU kernels -*- C++ -*-===//
//
// The I-BERT kernels (SEEDS.md section 0) see the float scale S of their
// input only through integer constants, computed here at compile time and
// loaded into the SFU's P registers (cfg.ireg) by the lowering. Every value
// must fit a signed 32-bit P register; a scale for which one does not is an
// error that names the constant, so the quantizer can choose another input
// width. The simulator applies the constants (runtime/sim/functional/
// kernels/IBert.h); this file only chooses them.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_QUANT_INTKERNELS_H
#define TERN_QUANT_INTKERNELS_H

#include "tern/Quant/Requant.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace tern::quant {

/// i-exp's constants for an input scale S:
/// x0 = floor(-0.6931 / S), b_i = floor(b / S), c_i = floor(c / S^2) with
/// a = 0.35815147, b = 0.96963238 / a, c = 1 / a.
struct IExpConstants {
  int64_t x0 = 0, bI = 0, cI = 0;
};

/// Integer softmax: i-exp constants, the right shift that brings i-exp's
/// largest value (c_i * 2^30, at x = max) below 2^16 ("requantize exp to 16
/// bit"), and the output scale 2^-8.
struct ISoftmaxConstants {
  IExpConstants exp;
  unsigned shift16 = 0;
  static constexpr double kOutputScale = 1.0 / 256.0;
};

/// i-GELU's constants at S' = S / sqrt(2): b_i = floor(b / S'),
/// c_i = floor(c / S'^2) (a = -0.2888, b = -1.769, c = 1 / a),
/// S_erf = S'^2 * a * 2^14, one_i = floor(1 / S_erf); the output scale
/// S * S_erf / 2 (negative, as in I-BERT: the integer result has the
/// opposite sign of the real value).
struct IGeluConstants {
  int64_t bI = 0, cI = 0, oneI = 0;
  double outputScale = 0;
};

/// Integer LayerNorm: the shift k of `var = sum((y >> k)^2)`, the smallest
/// that keeps the sum below 2^31 for inputs |x| <= maxAbs, and the output
/// scale sqrt(cols) / 2^30.
struct ILayerNormConstants {
  unsigned k = 0;
  double outputScale = 0;
};

IExpConstants iExpConstants(double scale);

/// Fails when a constant does not fit 32 bits (the input scale is too fine
/// or too coarse).
llvm::Expected<ISoftmaxConstants> iSoftmaxConstants(double scale);

/// Also fails when the result of an input |x| <= maxAbs (integers at
/// `scale`) could exceed 32 bits.
llvm::Expected<IGeluConstants> iGeluConstants(double scale, int64_t maxAbs);

llvm::Expected<ILayerNormConstants> iLayerNormConstants(int64_t maxAbs,
                                                        int64_t cols);

/// LayerNorm's affine part in integers. The kernel's output (|y| <= 2^30 at
/// sqrt(cols)/2^30) is first requantized by 2^-15 to 16 bits (scale
/// `normScale` = sqrt(cols)/2^15), multiplied by gamma as 16-bit integers
/// (`gamma[c] = round(gamma_c / gammaScale)`, gammaScale = max|gamma| /
/// 32767) and offset by `beta[c] = round(beta_c / outputScale)`, so the
/// result is one int32 tensor at `outputScale` = normScale * gammaScale (a
/// per-channel gamma cannot be folded into a per-tensor scale). Fails when
/// beta does not fit next to the product (|beta_int| > 2^30).
struct ILayerNormAffine {
  static constexpr unsigned kNormShift = 15, kNormBits = 16;
  double normScale = 0, gammaScale = 0, outputScale = 0;
  std::vector<int32_t> gamma, beta;
};
llvm::Expected<ILayerNormAffine> iLayerNormAffine(llvm::ArrayRef<float> gamma,
                                                  llvm::ArrayRef<float> beta);

/// The multiplier of rq.wide (I-BERT rounding, saturation at any width) for
/// a real M of either sign: |M| encoded as I-BERT's 31-bit multiplier and
/// shift, the sign carried by the (signed 32-bit) multiplier.
llvm::Expected<Multiplier> wideMultiplier(double m);

} // namespace tern::quant

#endif // TERN_QUANT_INTKERNELS_H
