//===- ZeroPoint.cpp - zero points folded into the int32 bias -------------===//

#include "tern/Quant/ZeroPoint.h"

#include "llvm/Support/FormatVariadic.h"

#include <limits>

using namespace tern::quant;

llvm::Expected<std::vector<int32_t>>
tern::quant::foldInputZeroPoint(llvm::ArrayRef<int64_t> weights, int64_t k,
                                int64_t n, int64_t zx,
                                llvm::ArrayRef<int64_t> bias) {
  if (k <= 0 || n <= 0 || static_cast<int64_t>(weights.size()) != k * n)
    return llvm::createStringError(
        llvm::formatv("zero-point fold: {0} weights are not a [{1}, {2}] "
                      "matrix",
                      weights.size(), k, n)
            .str());
  if (!bias.empty() && static_cast<int64_t>(bias.size()) != n)
    return llvm::createStringError(
        llvm::formatv("zero-point fold: a bias of {0} values for {1} columns",
                      bias.size(), n)
            .str());
  // Column sums in int64: |W| <= 128 and K < 2^24 cannot overflow, and the
  // product with |Zx| <= 255 neither.
  std::vector<int64_t> colsum(n, 0);
  for (int64_t kk = 0; kk < k; ++kk)
    for (int64_t c = 0; c < n; ++c)
      colsum[c] += weights[kk * n + c];
  std::vector<int32_t> out(n);
  for (int64_t c = 0; c < n; ++c) {
    int64_t v = (bias.empty() ? 0 : bias[c]) - zx * colsum[c];
    if (v < std::numeric_limits<int32_t>::min() ||
        v > std::numeric_limits<int32_t>::max())
      return llvm::createStringError(
          llvm::formatv("zero-point fold: column {0}'s bias {1} - {2} * {3} "
                        "= {4} leaves int32",
                        c, bias.empty() ? 0 : bias[c], zx, colsum[c], v)
              .str());
    out[c] = static_cast<int32_t>(v);
  }
  return out;
}
