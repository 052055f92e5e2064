//===- WeightNoise.cpp - Gaussian device variation on frozen weights ------===//

#include "runtime/sim/functional/WeightNoise.h"

#include "runtime/sim/functional/kernels/BF16.h"

#include <algorithm>
#include <cmath>
#include <cstring>

namespace tern::rt::sim {

namespace {
uint64_t splitMix(uint64_t &x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}
} // namespace

GaussianStream::GaussianStream(uint64_t seed, uint64_t stream) {
  uint64_t mix = seed;
  state = splitMix(mix) ^ (stream * 0xD1B54A32D192ED03ull);
  splitMix(state);
}

uint64_t GaussianStream::nextBits() { return splitMix(state); }

double GaussianStream::next() {
  if (haveSpare) {
    haveSpare = false;
    return spare;
  }
  // Box-Muller on two uniforms in (0, 1] and [0, 1).
  double u1 = (double(nextBits() >> 11) + 1.0) * 0x1.0p-53;
  double u2 = double(nextBits() >> 11) * 0x1.0p-53;
  double r = std::sqrt(-2.0 * std::log(u1));
  double t = 2.0 * M_PI * u2;
  spare = r * std::sin(t);
  haveSpare = true;
  return r * std::cos(t);
}

void applyWeightNoise(llvm::ArrayRef<NoisyWeight> weights, double sigma,
                      uint64_t seed, uint64_t draw) {
  if (sigma == 0)
    return;
  for (size_t t = 0; t < weights.size(); ++t) {
    const NoisyWeight &w = weights[t];
    GaussianStream g(seed, draw * 0x100000001ull + t);
    if (w.kind != NoisyWeight::Int) {
      const bool bf = w.kind == NoisyWeight::BF16;
      auto get = [&](uint64_t i) {
        if (bf) {
          uint16_t b;
          std::memcpy(&b, w.dram + 2 * i, 2);
          return kernels::bfToFloat(b);
        }
        float f;
        std::memcpy(&f, w.dram + 4 * i, 4);
        return f;
      };
      float maxAbs = 0;
      for (uint64_t i = 0; i < w.count; ++i)
        maxAbs = std::max(maxAbs, std::fabs(get(i)));
      const double std = sigma * maxAbs;
      for (uint64_t i = 0; i < w.count; ++i) {
        float v = float(get(i) + std * g.next());
        if (bf) {
          uint16_t b = kernels::floatToBf(v);
          std::memcpy(w.dram + 2 * i, &b, 2);
        } else {
          std::memcpy(w.dram + 4 * i, &v, 4);
        }
      }
      continue;
    }
    int lo = 0, hi = 0;
    for (uint64_t i = 0; i < w.count; ++i) {
      int v = static_cast<int8_t>(w.dram[i]);
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    const int maxAbs = std::max(-lo, hi);
    int qlo = -128, qhi = 127;
    if (lo >= -8 && hi <= 7)
      qlo = -8, qhi = 7;
    else if (lo >= -32 && hi <= 31)
      qlo = -32, qhi = 31;
    const double std = sigma * maxAbs;
    for (uint64_t i = 0; i < w.count; ++i) {
      double v = static_cast<int8_t>(w.dram[i]) + std * g.next();
      long q = std::lround(v);
      q = std::clamp<long>(q, qlo, qhi);
      w.dram[i] = static_cast<uint8_t>(static_cast<int8_t>(q));
    }
  }
}

} // namespace tern::rt::sim
