//===- GemmScalar.cpp - Portable int8 GEMM reference loop -------------------===//

#include "runtime/sim/functional/kernels/Gemm.h"

#include <cstring>

namespace tern::rt::kernels {

void gemmInt8Scalar(const int8_t *A, const int8_t *W, int32_t *S, size_t M,
                    size_t K, size_t N) {
  std::memset(S, 0, M * N * sizeof(int32_t));
  for (size_t i = 0; i < M; ++i)
    for (size_t k = 0; k < K; ++k) {
      int32_t a = A[i * K + k];
      if (a == 0)
        continue;
      const int8_t *w = W + k * N;
      int32_t *s = S + i * N;
      for (size_t j = 0; j < N; ++j)
        s[j] += a * w[j];
    }
}

} // namespace tern::rt::kernels
