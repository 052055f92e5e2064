//===- ZeroPoint.h - zero points of integer products -------------*- C++ -*-===//
//
// An integer product with an asymmetric activation x (zero point Zx) and a
// symmetric constant weight W:
//
//   acc[n] = b[n] + sum_k (x[k] - Zx) * W[k, n]
//          = (b[n] - Zx * sum_k W[k, n]) + sum_k x[k] * W[k, n]
//
// so the matrix unit multiplies the stored codes x as they are, and the
// zero point lives in the int32 bias, folded at compile time (W is
// constant). Plain C++ over LLVM Support, shared by the lowering and tests.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_QUANT_ZEROPOINT_H
#define TERN_QUANT_ZEROPOINT_H

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <cstdint>
#include <vector>

namespace tern::quant {

/// The int32 bias of a product whose activation has zero point `zx`:
/// `bias[c] - zx * sum_kk weights[kk * n + c]` for a row-major [k, n] weight
/// of integer codes; an empty `bias` stands for zeros. An error (naming the
/// column and the value) when a folded bias leaves int32, where the
/// accumulator could not hold it.
llvm::Expected<std::vector<int32_t>>
foldInputZeroPoint(llvm::ArrayRef<int64_t> weights, int64_t k, int64_t n,
                   int64_t zx, llvm::ArrayRef<int64_t> bias);

} // namespace tern::quant

#endif // TERN_QUANT_ZEROPOINT_H
