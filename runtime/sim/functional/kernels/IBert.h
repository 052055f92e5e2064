//===- IBert.h - I-BERT integer-only kernels ---------------------*- C++ -*-===//
//
// Bit-exact integer kernels of SEEDS.md section 0. The float scale S only
// enters through integer constants that a compiler computes ahead of time
// (iExpConstants, iGeluConstants); the kernels themselves are pure integer
// code, as the hardware is.
//
//===----------------------------------------------------------------------===//
#ifndef TERN_RUNTIME_SIM_FUNCTIONAL_KERNELS_IBERT_H
#define TERN_RUNTIME_SIM_FUNCTIONAL_KERNELS_IBERT_H

#include <cstddef>
#include <cstdint>

namespace tern::rt::kernels {

struct IExpConsts {
  int64_t x0, bI, cI; // floor(-0.6931/S), floor(b/S), floor(c/S^2)
};
struct IGeluConsts {
  int64_t bI, cI, oneI; // at S' = S/sqrt(2); oneI = floor(1/S_erf)
};

IExpConsts iExpConstants(double S);
IGeluConsts iGeluConstants(double S);

/// i-exp of x <= 0 (positive inputs are treated as 0 - the softmax kernel
/// always subtracts the row maximum first). Result scale a*S^2/2^30.
int64_t iExp(int64_t x, const IExpConsts &c);

/// One softmax row: max-subtract, i-exp, >> shift16 (requantize to 16 bit),
/// f = floor(2^32/sum), out = floor(e * f / 2^24). Output scale 2^-8.
void iSoftmaxRow(const int32_t *in, int32_t *out, size_t n,
                 const IExpConsts &c, unsigned shift16);

/// x * (floor(i-erf(x) / 2^14) + oneI), as int64.
int64_t iGelu(int64_t x, const IGeluConsts &c);

/// I-BERT's Newton integer square root (floor(sqrt(n))).
uint64_t iSqrt(uint64_t n);

/// One LayerNorm row with shift k. Output scale sqrt(n)/2^30.
void iLayerNormRow(const int32_t *in, int32_t *out, size_t n, unsigned k);

/// Saturate an int64 to int32.
int32_t sat32(int64_t v);

} // namespace tern::rt::kernels

#endif
