//===- WeightNoise.h - Gaussian device variation on frozen weights -*- C++
//-*-===//
//
// The ReRAM device-variation model of `tern run/eval/train --weight-noise`:
// every element w of a frozen weight tensor becomes
//   w + N(0, (sigma * max|w|)^2),
// max|w| over that tensor (per-tensor relative standard deviation). bf16
// weights are perturbed in f32 and rounded to nearest even; integer weights
// (int8, or int8 containers of 4/6-bit values: crossbar cell levels) are
// perturbed in their integer domain, rounded to nearest and clamped to the
// narrowest of 4, 6, 8 bits that held the original values, so a tensor
// stays within the width it was packed at. Deterministic: the draws depend
// only on (seed, draw, tensor index) through a SplitMix64 stream and
// Box-Muller, not on the C++ library.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_SIM_FUNCTIONAL_WEIGHTNOISE_H
#define TERN_RUNTIME_SIM_FUNCTIONAL_WEIGHTNOISE_H

#include "llvm/ADT/ArrayRef.h"

#include <cstdint>

namespace tern::rt::sim {

/// A weight tensor in DRAM: `count` elements at `dram`, bf16, f32 or one
/// (sign-extended) byte per integer value.
struct NoisyWeight {
  enum Kind { Int, BF16, F32 };
  uint8_t *dram = nullptr;
  uint64_t count = 0;
  Kind kind = Int;
};

/// Standard normal draws, deterministic for a (seed, stream) pair.
class GaussianStream {
public:
  GaussianStream(uint64_t seed, uint64_t stream);
  double next();

private:
  uint64_t nextBits();
  uint64_t state;
  bool haveSpare = false;
  double spare = 0;
};

/// Perturbs each tensor in place (see the file comment). `draw` selects an
/// independent sample for the same seed (0: the draw at program load; the
/// train driver's per-step resampling uses 1, 2, ...).
void applyWeightNoise(llvm::ArrayRef<NoisyWeight> weights, double sigma,
                      uint64_t seed, uint64_t draw);

} // namespace tern::rt::sim

#endif
