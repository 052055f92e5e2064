//===- FuzzTensor.cpp - libFuzzer target: .npy and TensorProto readers ----===//
//
// Every input goes to both parsers (parseNpy and parseTensorPb, which the
// path-based readers call), so one corpus of .npy and .pb files serves both.
// A tensor that parses must be self-consistent: its element count must not
// overflow 64 bits and its data must hold exactly that many elements; toInt64
// then reads every element of an integer tensor.
//
//===----------------------------------------------------------------------===//

#include "runtime/io/Tensor.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>

using namespace llvm;
using namespace tern::rt;

namespace {
void check(Expected<io::Tensor> t) {
  if (!t) {
    consumeError(t.takeError());
    return;
  }
  // A parser that returned a tensor whose data disagrees with its shape
  // would make every consumer read out of bounds; Tensor::numElements()
  // wraps silently, so the count is recomputed with overflow checks.
  uint64_t n = 1, bytes = 0;
  bool overflow = false;
  for (int64_t d : t->shape) {
    if (d == 0) {
      n = 0;
      overflow = false;
      break;
    }
    overflow |= __builtin_mul_overflow(n, static_cast<uint64_t>(d), &n);
  }
  overflow |= __builtin_mul_overflow(n, uint64_t(io::elemBytes(t->type)), &bytes);
  if (overflow || t->data.size() != bytes)
    abort();
  if (Expected<std::vector<int64_t>> v = io::toInt64(*t, "fuzz"))
    (void)v->size();
  else
    consumeError(v.takeError());
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  ArrayRef<uint8_t> bytes(data, size);
  check(io::parseNpy(bytes, "fuzz.npy"));
  check(io::parseTensorPb(bytes, "fuzz.pb"));
  return 0;
}
