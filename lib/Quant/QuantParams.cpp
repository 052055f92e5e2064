//===- QuantParams.cpp - scales, zero points and their use ----------------===//

#include "tern/Quant/QuantParams.h"

#include "llvm/Support/FormatVariadic.h"

#include <algorithm>
#include <cfloat>
#include <cmath>

using namespace tern::quant;

// Rounding follows ONNX QuantizeLinear and torch.round: to nearest, ties to
// even (std::nearbyint in the default rounding mode).
int64_t QuantParams::quantize(double x) const {
  double q = std::nearbyint(x / scale) + static_cast<double>(zeroPoint);
  q = std::clamp(q, static_cast<double>(qmin), static_cast<double>(qmax));
  return static_cast<int64_t>(q);
}

double QuantParams::dequantize(int64_t q) const {
  return static_cast<double>(q - zeroPoint) * scale;
}

llvm::Expected<QuantParams> tern::quant::computeParams(Range range,
                                                       unsigned bits,
                                                       Scheme scheme) {
  if (bits < 2 || bits > 16)
    return llvm::createStringError(
        llvm::formatv("bit width {0} is outside 2..16", bits).str());
  if (!std::isfinite(range.min) || !std::isfinite(range.max))
    return llvm::createStringError("range is not finite");
  if (range.min > range.max)
    return llvm::createStringError(
        llvm::formatv("range min {0} exceeds max {1}", range.min, range.max)
            .str());

  QuantParams p;
  p.bits = bits;
  int64_t half = int64_t(1) << (bits - 1);
  if (scheme == Scheme::Symmetric) {
    // Narrow range [-(2^(b-1)-1), 2^(b-1)-1]: symmetric around 0, as I-BERT.
    p.qmax = half - 1;
    p.qmin = -p.qmax;
    double amax = std::max(std::fabs(range.min), std::fabs(range.max));
    p.scale = amax == 0.0 ? 1.0 : amax / static_cast<double>(p.qmax);
    p.zeroPoint = 0;
  } else {
    p.qmin = -half;
    p.qmax = half - 1;
    // The range must contain 0 so that zero padding and ReLU zeros are exact.
    double lo = std::min(range.min, 0.0), hi = std::max(range.max, 0.0);
    if (hi == lo) {
      p.scale = 1.0;
      p.zeroPoint = 0;
    } else {
      p.scale = (hi - lo) / static_cast<double>(p.qmax - p.qmin);
      double zp = std::nearbyint(static_cast<double>(p.qmin) - lo / p.scale);
      p.zeroPoint = static_cast<int64_t>(std::clamp(
          zp, static_cast<double>(p.qmin), static_cast<double>(p.qmax)));
    }
  }
  if (p.scale < FLT_MIN)
    return llvm::createStringError(
        llvm::formatv("range [{0}, {1}] is too small: scale {2} underflows "
                      "float32",
                      range.min, range.max, p.scale)
            .str());
  return p;
}

llvm::Expected<llvm::SmallVector<QuantParams>>
tern::quant::computePerChannelParams(llvm::ArrayRef<float> weight,
                                     int64_t rows, int64_t cols, unsigned bits,
                                     Scheme scheme) {
  if (rows <= 0 || cols <= 0 ||
      static_cast<int64_t>(weight.size()) != rows * cols)
    return llvm::createStringError(
        llvm::formatv("weight of {0} values is not {1}x{2}", weight.size(),
                      rows, cols)
            .str());
  llvm::SmallVector<QuantParams> params;
  params.reserve(cols);
  for (int64_t c = 0; c < cols; ++c) {
    Range r{weight[c], weight[c]};
    for (int64_t k = 1; k < rows; ++k) {
      double v = weight[k * cols + c];
      r.min = std::min(r.min, v);
      r.max = std::max(r.max, v);
    }
    auto p = computeParams(r, bits, scheme);
    if (!p)
      return llvm::createStringError(
          llvm::formatv("channel {0}: {1}", c, llvm::toString(p.takeError()))
              .str());
    params.push_back(*p);
  }
  return params;
}

QuantParams tern::quant::biasParams(const QuantParams &input,
                                    const QuantParams &weight) {
  QuantParams p;
  p.scale = input.scale * weight.scale;
  p.zeroPoint = 0;
  p.bits = 32;
  p.qmin = INT32_MIN;
  p.qmax = INT32_MAX;
  return p;
}

std::optional<tern::quant::SaturationBits>
tern::quant::saturationBits(int64_t qmin, int64_t qmax) {
  if (qmin == -128 && qmax == 127)
    return SaturationBits{0, false};
  for (unsigned b = 2; b <= 8; ++b) {
    int64_t hi = (int64_t(1) << (b - 1)) - 1;
    if (qmax != hi)
      continue;
    if (qmin == -hi - 1)
      return SaturationBits{b, false};
    if (qmin == -hi)
      return SaturationBits{b, true};
  }
  return std::nullopt;
}
