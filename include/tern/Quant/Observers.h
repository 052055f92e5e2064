//===- Observers.h - calibration range observers ----------------*- C++ -*-===//
//
// Observers watch the values a tensor takes over calibration batches and
// propose the real range its quantizer should cover:
//  - MinMax: the global min and max (TATAA's static PTQ);
//  - MovingAverageMinMax: I-BERT's moving min/max with momentum 0.95;
//  - Percentile: clip both tails at a percentile of a histogram;
//  - MseOptimal: the clipping range that minimises the expected squared
//    quantization error over the histogram at a given bit width.
// Histogram observers keep a fixed number of bins over the range seen so far
// and re-bin when it grows, so memory does not depend on calibration size.
//
//===----------------------------------------------------------------------===//

#ifndef TERN_QUANT_OBSERVERS_H
#define TERN_QUANT_OBSERVERS_H

#include "tern/Quant/QuantParams.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <optional>
#include <vector>

namespace tern::quant {

enum class ObserverKind { MinMax, MovingAverageMinMax, Percentile, MseOptimal };

std::optional<ObserverKind> parseObserverKind(llvm::StringRef name);
llvm::StringRef toString(ObserverKind kind);

class Observer {
public:
  virtual ~Observer();
  /// Adds one calibration batch of a tensor's values. Non-finite values are
  /// counted and ignored (they would make every range infinite).
  void observe(llvm::ArrayRef<float> batch);
  /// The range to quantize; fails if no finite value was ever observed.
  llvm::Expected<Range> range() const;
  /// Number of non-finite values skipped so far.
  int64_t numNonFinite() const { return nonFinite; }

protected:
  /// Called with the finite values of a batch and their min and max.
  virtual void observeFinite(llvm::ArrayRef<float> values, double min,
                             double max) = 0;
  virtual Range computeRange() const = 0;
  bool hasData() const { return seen; }

private:
  bool seen = false;
  int64_t nonFinite = 0;
};

class MinMaxObserver : public Observer {
protected:
  void observeFinite(llvm::ArrayRef<float>, double min, double max) override;
  Range computeRange() const override { return current; }

private:
  Range current;
};

class MovingAverageMinMaxObserver : public Observer {
public:
  explicit MovingAverageMinMaxObserver(double momentum = 0.95)
      : momentum(momentum) {}

protected:
  void observeFinite(llvm::ArrayRef<float>, double min, double max) override;
  Range computeRange() const override { return current; }

private:
  double momentum;
  Range current;
};

/// A histogram over [lo, hi] whose bounds grow to cover every value seen.
class Histogram {
public:
  explicit Histogram(unsigned numBins) : counts(numBins, 0.0) {}
  void add(llvm::ArrayRef<float> values, double min, double max);
  bool empty() const { return total == 0.0; }
  double lo() const { return low; }
  double hi() const { return high; }
  double binWidth() const { return (high - low) / counts.size(); }
  llvm::ArrayRef<double> bins() const { return counts; }
  double totalCount() const { return total; }
  /// The value below which a fraction `p` (0..1) of the mass lies, linearly
  /// interpolated inside its bin.
  double quantile(double p) const;

private:
  void growTo(double min, double max);
  std::vector<double> counts;
  double low = 0.0, high = 0.0, total = 0.0;
};

class PercentileObserver : public Observer {
public:
  /// `percentile` in (50, 100]: the range is [q(100 - p), q(p)].
  explicit PercentileObserver(double percentile = 99.99,
                              unsigned numBins = 2048)
      : percentile(percentile), histogram(numBins) {}

protected:
  void observeFinite(llvm::ArrayRef<float> values, double min,
                     double max) override {
    histogram.add(values, min, max);
  }
  Range computeRange() const override;

private:
  double percentile;
  Histogram histogram;
};

class MseOptimalObserver : public Observer {
public:
  MseOptimalObserver(unsigned bits, Scheme scheme, unsigned numBins = 2048)
      : bits(bits), scheme(scheme), histogram(numBins) {}

  /// Expected squared error of quantizing the histogram's mass with a
  /// quantizer covering `range` (rounding noise inside, clipping outside).
  double expectedError(Range range) const;

protected:
  void observeFinite(llvm::ArrayRef<float> values, double min,
                     double max) override {
    histogram.add(values, min, max);
  }
  Range computeRange() const override;

private:
  unsigned bits;
  Scheme scheme;
  Histogram histogram;
};

/// An observer of `kind`; `bits` and `scheme` matter to MseOptimal only.
std::unique_ptr<Observer> createObserver(ObserverKind kind, unsigned bits = 8,
                                         Scheme scheme = Scheme::Symmetric);

} // namespace tern::quant

#endif // TERN_QUANT_OBSERVERS_H
