//===- Observers.cpp - calibration range observers ------------------------===//

#include "tern/Quant/Observers.h"

#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/ErrorHandling.h"

#include <algorithm>
#include <cmath>

using namespace tern::quant;

std::optional<ObserverKind> tern::quant::parseObserverKind(llvm::StringRef n) {
  return llvm::StringSwitch<std::optional<ObserverKind>>(n)
      .Case("minmax", ObserverKind::MinMax)
      .Case("moving-minmax", ObserverKind::MovingAverageMinMax)
      .Case("percentile", ObserverKind::Percentile)
      .Case("mse", ObserverKind::MseOptimal)
      .Default(std::nullopt);
}

llvm::StringRef tern::quant::toString(ObserverKind kind) {
  switch (kind) {
  case ObserverKind::MinMax:
    return "minmax";
  case ObserverKind::MovingAverageMinMax:
    return "moving-minmax";
  case ObserverKind::Percentile:
    return "percentile";
  case ObserverKind::MseOptimal:
    return "mse";
  }
  llvm_unreachable("unknown observer kind");
}

//===----------------------------------------------------------------------===//
// Observer
//===----------------------------------------------------------------------===//

Observer::~Observer() = default;

void Observer::observe(llvm::ArrayRef<float> batch) {
  std::vector<float> finite;
  finite.reserve(batch.size());
  double min = INFINITY, max = -INFINITY;
  for (float v : batch) {
    if (!std::isfinite(v)) {
      ++nonFinite;
      continue;
    }
    finite.push_back(v);
    min = std::min(min, static_cast<double>(v));
    max = std::max(max, static_cast<double>(v));
  }
  if (finite.empty())
    return;
  observeFinite(finite, min, max);
  seen = true;
}

llvm::Expected<Range> Observer::range() const {
  if (!seen)
    return llvm::createStringError("no finite value was observed");
  return computeRange();
}

void MinMaxObserver::observeFinite(llvm::ArrayRef<float>, double min,
                                   double max) {
  if (!hasData()) {
    current = {min, max};
    return;
  }
  current.min = std::min(current.min, min);
  current.max = std::max(current.max, max);
}

// I-BERT's QuantAct: x_min = x_min * momentum + cur_min * (1 - momentum),
// starting from the first batch's range.
void MovingAverageMinMaxObserver::observeFinite(llvm::ArrayRef<float>,
                                                double min, double max) {
  if (!hasData()) {
    current = {min, max};
    return;
  }
  current.min = current.min * momentum + min * (1.0 - momentum);
  current.max = current.max * momentum + max * (1.0 - momentum);
}

//===----------------------------------------------------------------------===//
// Histogram
//===----------------------------------------------------------------------===//

void Histogram::growTo(double min, double max) {
  if (empty()) {
    low = min;
    high = max;
    return;
  }
  if (min >= low && max <= high)
    return;
  double newLow = std::min(min, low), newHigh = std::max(max, high);
  // Re-bin: spread each old bin's mass uniformly over the new bins it
  // overlaps, so the histogram keeps its total and its shape.
  std::vector<double> rebinned(counts.size(), 0.0);
  double oldWidth = binWidth();
  double newWidth = (newHigh - newLow) / counts.size();
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i] == 0.0)
      continue;
    double a = low + i * oldWidth, b = a + oldWidth;
    if (oldWidth == 0.0) {
      size_t j = std::min<size_t>(counts.size() - 1,
                                  static_cast<size_t>((a - newLow) / newWidth));
      rebinned[j] += counts[i];
      continue;
    }
    // Start one bin early: the division may round past the first overlap.
    size_t first = static_cast<size_t>((a - newLow) / newWidth);
    first = first == 0 ? 0 : std::min(first, counts.size()) - 1;
    for (size_t j = first; j < counts.size();
         ++j) {
      double ja = newLow + j * newWidth, jb = ja + newWidth;
      double overlap = std::min(b, jb) - std::max(a, ja);
      if (overlap > 0.0)
        rebinned[j] += counts[i] * overlap / oldWidth;
      if (jb >= b)
        break;
    }
  }
  counts = std::move(rebinned);
  low = newLow;
  high = newHigh;
}

void Histogram::add(llvm::ArrayRef<float> values, double min, double max) {
  growTo(min, max);
  double width = binWidth();
  size_t last = counts.size() - 1;
  for (float v : values) {
    size_t i = width == 0.0 ? 0
                            : std::min(last, static_cast<size_t>(
                                                 (v - low) / width));
    counts[i] += 1.0;
  }
  total += static_cast<double>(values.size());
}

double Histogram::quantile(double p) const {
  double target = std::clamp(p, 0.0, 1.0) * total;
  double width = binWidth(), cumulative = 0.0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (cumulative + counts[i] >= target && counts[i] > 0.0) {
      double within = (target - cumulative) / counts[i];
      return low + (static_cast<double>(i) + within) * width;
    }
    cumulative += counts[i];
  }
  return high;
}

Range PercentileObserver::computeRange() const {
  double p = percentile / 100.0;
  return {histogram.quantile(1.0 - p), histogram.quantile(p)};
}

//===----------------------------------------------------------------------===//
// MSE-optimal clipping
//===----------------------------------------------------------------------===//

double MseOptimalObserver::expectedError(Range range) const {
  auto params = computeParams(range, bits, scheme);
  if (!params) {
    llvm::consumeError(params.takeError());
    return INFINITY;
  }
  double lo = params->dequantize(params->qmin);
  double hi = params->dequantize(params->qmax);
  double step = params->scale;
  double width = histogram.binWidth(), error = 0.0;
  auto bins = histogram.bins();
  for (size_t i = 0; i < bins.size(); ++i) {
    if (bins[i] == 0.0)
      continue;
    double center = histogram.lo() + (static_cast<double>(i) + 0.5) * width;
    double e;
    if (center > hi)
      e = (center - hi) * (center - hi);
    else if (center < lo)
      e = (lo - center) * (lo - center);
    else
      e = step * step / 12.0; // uniform rounding noise
    error += bins[i] * e;
  }
  return error / histogram.totalCount();
}

// Search shrinking clip ranges [a * min, a * max] for a in (0, 1]; the range
// with the smallest expected error wins (the first one on ties, i.e. the
// widest).
Range MseOptimalObserver::computeRange() const {
  Range full{histogram.lo(), histogram.hi()};
  Range best = full;
  double bestError = expectedError(full);
  constexpr int kSteps = 200;
  for (int i = kSteps - 1; i >= 1; --i) {
    double a = static_cast<double>(i) / kSteps;
    Range r{full.min * a, full.max * a};
    double e = expectedError(r);
    if (e < bestError) {
      bestError = e;
      best = r;
    }
  }
  return best;
}

std::unique_ptr<Observer> tern::quant::createObserver(ObserverKind kind,
                                                      unsigned bits,
                                                      Scheme scheme) {
  switch (kind) {
  case ObserverKind::MinMax:
    return std::make_unique<MinMaxObserver>();
  case ObserverKind::MovingAverageMinMax:
    return std::make_unique<MovingAverageMinMaxObserver>();
  case ObserverKind::Percentile:
    return std::make_unique<PercentileObserver>();
  case ObserverKind::MseOptimal:
    return std::make_unique<MseOptimalObserver>(bits, scheme);
  }
  llvm_unreachable("unknown observer kind");
}
