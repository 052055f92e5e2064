//===- sfu_ref.cpp - SFU family: reference bf16 kernels ---------------------===//
//
// The kernels of the `bf16` precision policy: bf16 in and out, f32 inside,
// one round-to-nearest-even at the end. They are the accuracy reference that
// TATAA's approximations (sfu_bf16.cpp) are measured against, and they make an
// all-bf16 program comparable with an FP32 reference within bf16 rounding.
//
//===----------------------------------------------------------------------===//

#include "runtime/sim/functional/insns/Common.h"
#include "runtime/sim/functional/kernels/BF16.h"
#include "runtime/sim/functional/kernels/SfuFn.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

using namespace llvm;
using namespace tern::rt::kernels;

namespace tern::rt::sim::insns {

namespace {
/// Applies \p fn to each row, as f32 values, and stores the result rounded
/// to nearest even.
template <typename F, typename Fn>
Error rowMapF32(Machine &M, const F &f, Fn fn) {
  std::vector<float> values;
  return forEachRow<bf16>(M, f, [&](std::vector<bf16> &row) {
    values.resize(row.size());
    for (size_t j = 0; j < row.size(); ++j)
      values[j] = bfToFloat(row[j]);
    fn(values);
    for (size_t j = 0; j < row.size(); ++j)
      row[j] = floatToBf(values[j]);
  });
}
} // namespace

Error execRsfuSoftmax(Machine &M, const isa::RsfuSoftmaxF &f) {
  // csel: the first `used` columns are the row; the rest become 0.
  Expected<uint64_t> used = M.columnCount(f.cols, f.csel);
  if (!used)
    return used.takeError();
  const size_t u = *used;
  const bool logSoftmax = f.log;
  auto softmax = [u, logSoftmax](std::vector<float> &row) {
    if (u == 0 || row.empty()) {
      std::fill(row.begin(), row.end(), 0.0f);
      return;
    }
    float mx = row[0];
    for (size_t j = 0; j < u; ++j)
      mx = std::max(mx, row[j]);
    float sum = 0.0f;
    for (size_t j = 0; j < u; ++j) {
      row[j] -= mx;
      sum += std::exp(row[j]);
    }
    if (logSoftmax) {
      const float logSum = std::log(sum);
      for (size_t j = 0; j < u; ++j)
        row[j] -= logSum;
    } else {
      for (size_t j = 0; j < u; ++j)
        row[j] = std::exp(row[j]) / sum;
    }
    std::fill(row.begin() + u, row.end(), 0.0f);
  };
  if (!f.af32)
    return rowMapF32(M, f, softmax);
  // f32 rows in, bf16 rows out.
  Expected<UnaryOperands> ops = bindUnary(M, f, 4, 2);
  if (!ops)
    return ops.takeError();
  // The whole tile is read first: d may start where a does.
  std::vector<float> values(ops->n);
  if (ops->n)
    std::memcpy(values.data(), ops->a, ops->n * 4);
  std::vector<float> row(f.cols);
  for (uint64_t r = 0; r < ops->rows; ++r) {
    std::copy_n(values.begin() + r * f.cols, f.cols, row.begin());
    softmax(row);
    for (uint64_t j = 0; j < f.cols; ++j)
      st<bf16>(ops->d, r * f.cols + j, floatToBf(row[j]));
  }
  return Error::success();
}

Error execRsfuLayernorm(Machine &M, const isa::RsfuLayernormF &f) {
  if (Error e = checkRegs(f.creg, 1, 8, "creg"))
    return e;
  const float eps = bfToFloat(M.cregs[f.creg]);
  return rowMapF32(M, f, [eps](std::vector<float> &row) {
    if (row.empty())
      return;
    float mean = 0.0f;
    for (float x : row)
      mean += x;
    mean /= static_cast<float>(row.size());
    float var = 0.0f;
    for (float x : row)
      var += (x - mean) * (x - mean);
    var /= static_cast<float>(row.size());
    float rstd = 1.0f / std::sqrt(var + eps);
    for (float &x : row)
      x = (x - mean) * rstd;
  });
}

Error execRsfuGelu(Machine &M, const isa::RsfuGeluF &f) {
  return rowMapF32(M, f, [](std::vector<float> &row) {
    for (float &x : row)
      x = 0.5f * x * (1.0f + std::erf(x * 0.70710678118654752f));
  });
}

Error execRsfuFn(Machine &M, const isa::RsfuFnF &f) {
  if (f.fn >= kNumSfuFns)
    return invalid("rsfu.fn: fn=" + Twine(f.fn) +
                   " is not a function (exp, tanh, sigmoid, erf, log)");
  const SfuFn fn = static_cast<SfuFn>(f.fn);
  return forEachRow<bf16>(M, f, [fn](std::vector<bf16> &row) {
    for (bf16 &x : row)
      x = bfSfuFn(fn, x);
  });
}

namespace {
/// The ty=i32 forms of the binary SFU instructions: binds the operands as
/// int32 and stores fn(a, b, element index) for every element. A constant
/// operand is the register's raw bits, sign-extended (as vadd).
template <typename Fields, typename Fn>
Error forEachInt32Pair(Machine &M, const Fields &f, Fn fn) {
  Expected<BinaryOperands> ops = bindBinary(M, f, 4, 4);
  if (!ops)
    return ops.takeError();
  const BOperand *b = &ops->b;
  const int32_t c = static_cast<int16_t>(M.cregs[f.creg]);
  for (uint64_t e = 0; e < ops->n; ++e) {
    int32_t x = static_cast<int32_t>(ld<uint32_t>(ops->a, e));
    int32_t y = b->isConst
                    ? c
                    : static_cast<int32_t>(ld<uint32_t>(b->data(), b->index(e)));
    uint32_t r = 0;
    if (Error err = fn(x, y, e, r))
      return err;
    st<uint32_t>(ops->d, e, r);
  }
  return Error::success();
}

/// rsfu.pow with ty=i32: ONNX Pow of integers, exact. a^b by binary
/// powering in wrapping int32 arithmetic (the result modulo 2^32); 0^0 = 1.
/// A negative b gives 1 / a^|b| truncated toward zero: 1 for a = 1, +-1 for
/// a = -1, 0 for |a| > 1; a = 0 is an error (a division by zero).
Error intPow(Machine &M, const isa::RsfuPowF &f) {
  return forEachInt32Pair(
      M, f, [](int32_t x, int32_t y, uint64_t e, uint32_t &r) -> Error {
        r = 1;
        if (y < 0) {
          if (x == 0)
            return simError(ErrorKind::Runtime,
                            "integer pow: 0 to the negative power " + Twine(y) +
                                " at element " + Twine(e));
          r = x == 1 ? 1 : x == -1 ? ((y & 1) ? uint32_t(-1) : 1) : 0;
          return Error::success();
        }
        for (uint32_t base = static_cast<uint32_t>(x),
                      k = static_cast<uint32_t>(y);
             k; k >>= 1) {
          if (k & 1)
            r *= base;
          base *= base;
        }
        return Error::success();
      });
}

/// The `toint` field of rsfu.pow / rsfu.div: the result as an int32,
/// truncated toward zero (1) or rounded to nearest even (2); saturated
/// outside int32, NaN is 0.
int32_t toInt32(double v, uint64_t mode) {
  if (std::isnan(v))
    return 0;
  double r = mode == 1 ? std::trunc(v) : std::nearbyint(v);
  if (r >= 2147483648.0)
    return INT32_MAX;
  if (r < -2147483648.0)
    return INT32_MIN;
  return static_cast<int32_t>(r);
}

/// Checks `toint` (and rsfu.pow's `aint`): int32 results take bf16
/// operands (ty = bf16).
template <typename F> Error checkToInt(const F &f, bool aint, StringRef name) {
  if (f.toint > 2)
    return invalid(name + ": field 'toint' = 3 is not none, trunc or rne");
  if (f.toint && f.ty != 1)
    return invalid(name + ": toint takes ty=bf16 operands (an int32 result "
                          "of a float power or quotient)");
  if (aint && !f.toint)
    return invalid(name + ": aint=1 (an int32 base) needs toint");
  return Error::success();
}

/// The toint forms: fn(a, b) for every element, written as int32. a is
/// bf16, or int32 with \p aint (exact in double, not always in f32); b
/// bf16 (C[creg] when bconst).
template <typename F, typename Fn>
Error forEachToInt(Machine &M, const F &f, bool aint, Fn fn) {
  Expected<BinaryOperands> ops = bindBinary(M, f, aint ? 4 : 2, 2, 4);
  if (!ops)
    return ops.takeError();
  const BOperand *b = &ops->b;
  const float c = bfToFloat(M.cregs[f.creg]);
  for (uint64_t e = 0; e < ops->n; ++e) {
    double x =
        aint
            ? static_cast<double>(static_cast<int32_t>(ld<uint32_t>(ops->a, e)))
            : bfToFloat(ld<bf16>(ops->a, e));
    double y = b->isConst ? c : bfToFloat(ld<bf16>(b->data(), b->index(e)));
    st<uint32_t>(ops->d, e, static_cast<uint32_t>(toInt32(fn(x, y), f.toint)));
  }
  return Error::success();
}
} // namespace

Error execRsfuPow(Machine &M, const isa::RsfuPowF &f) {
  if (Error e = checkToInt(f, f.aint != 0, "rsfu.pow"))
    return e;
  // f32 operands are read by the bf16 form only (not by the integer or the
  // int32-result forms, which would ignore them).
  if ((f.af32 || f.bf32) && (f.ty != 1 || f.toint))
    return invalid("rsfu.pow: af32 / bf32 (f32 operands) take ty=bf16 "
                   "without toint");
  // An int32 power needs up to 31 significant bits, more than f32 holds:
  // C's pow in double (what numpy and onnxruntime compute for an integer
  // base and a float exponent).
  if (f.toint)
    return forEachToInt(M, f, f.aint != 0,
                        [](double x, double y) { return std::pow(x, y); });
  if (f.ty != 1)
    return intPow(M, f);
  const bool af32 = f.af32, bf32 = f.bf32 && !f.bconst;
  Expected<BinaryOperands> ops =
      bindBinary(M, f, af32 ? 4 : 2, bf32 ? 4 : 2, 2);
  if (!ops)
    return ops.takeError();
  const uint64_t n = ops->n;
  const uint8_t *a = ops->a;
  const BOperand *b = &ops->b;
  uint8_t *d = ops->d;
  const float c = bfToFloat(M.cregs[f.creg]);
  for (uint64_t e = 0; e < n; ++e) {
    float x = af32 ? ld<float>(a, e) : bfToFloat(ld<bf16>(a, e));
    float y = b->isConst ? c
              : bf32     ? ld<float>(b->data(), b->index(e))
                         : bfToFloat(ld<bf16>(b->data(), b->index(e)));
    st<bf16>(d, e, floatToBf(powF32(x, y)));
  }
  return Error::success();
}

Error execRsfuSqrt(Machine &M, const isa::RsfuSqrtF &f) {
  return rowMapF32(M, f, [](std::vector<float> &row) {
    for (float &x : row)
      x = std::sqrt(x); // IEEE: correctly rounded in f32
  });
}

namespace {
/// rsfu.div with ty=i32: ONNX's integer Div, C's `/` (truncation toward
/// zero). INT32_MIN / -1 overflows int32 and wraps to INT32_MIN; a zero
/// divisor (undefined in ONNX) stops the program naming the element.
Error intDiv(Machine &M, const isa::RsfuDivF &f) {
  const bool rev = f.rev;
  return forEachInt32Pair(
      M, f, [rev](int32_t a, int32_t b, uint64_t e, uint32_t &r) -> Error {
        int64_t x = a, y = b;
        if (rev)
          std::swap(x, y);
        if (y == 0)
          return simError(ErrorKind::Runtime,
                          "integer division by zero at element " + Twine(e));
        // In int64 the quotient is exact; only INT32_MIN / -1 leaves int32.
        r = static_cast<uint32_t>(x / y);
        return Error::success();
      });
}
} // namespace

Error execRsfuDiv(Machine &M, const isa::RsfuDivF &f) {
  if (Error e = checkToInt(f, false, "rsfu.div"))
    return e;
  if (f.toint) {
    const bool rev = f.rev;
    // One f32 division, as ONNX QuantizeLinear computes x / y_scale.
    return forEachToInt(M, f, false, [rev](double x, double y) {
      return double(rev ? float(y) / float(x) : float(x) / float(y));
    });
  }
  if (f.ty != 1)
    return intDiv(M, f);
  Expected<BinaryOperands> ops = bindBinary(M, f, 2, 2);
  if (!ops)
    return ops.takeError();
  const uint64_t n = ops->n;
  const uint8_t *a = ops->a;
  const BOperand *b = &ops->b;
  uint8_t *d = ops->d;
  const bf16 c = M.cregs[f.creg];
  // One f32 division of two bf16 values, rounded once to bf16: f32's 24
  // significand bits are more than 2 * 8 + 2, so this is the correctly
  // rounded bf16 quotient.
  for (uint64_t e = 0; e < n; ++e) {
    float x = bfToFloat(ld<bf16>(a, e));
    float y = bfToFloat(b->isConst ? c : ld<bf16>(b->data(), b->index(e)));
    st<bf16>(d, e, floatToBf(f.rev ? y / x : x / y));
  }
  return Error::success();
}

} // namespace tern::rt::sim::insns
