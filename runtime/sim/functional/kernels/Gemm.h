//===- Gemm.h - Host kernels for the integer matrix unit ---------*- C++ -*-===//
//
// S = A * W with A: M x K int8, W: K x N int8 (both row-major, packed),
// S: M x N int32 (overwritten). Sums of K <= 4095 products of 8-bit values
// fit in int32, so every summation order gives the same bits: the portable
// scalar loop, the Highway kernel (run-time dispatch) and any thread count
// are interchangeable, which the unit tests check.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_SIM_FUNCTIONAL_KERNELS_GEMM_H
#define TERN_RUNTIME_SIM_FUNCTIONAL_KERNELS_GEMM_H

#include <cstddef>
#include <cstdint>

namespace tern::rt::kernels {

void gemmInt8Scalar(const int8_t *A, const int8_t *W, int32_t *S, size_t M,
                    size_t K, size_t N);

/// Vectorised (Highway, dynamic dispatch) and split over \p threads threads
/// by column strips.
void gemmInt8Simd(const int8_t *A, const int8_t *W, int32_t *S, size_t M,
                  size_t K, size_t N, unsigned threads);

/// Name of the Highway target the dispatcher picks on this CPU.
const char *gemmSimdTargetName();

} // namespace tern::rt::kernels

#endif
