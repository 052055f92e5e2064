"""I-BERT integer-only kernels (SEEDS.md section 0) in numpy, independent of
Tern's C++: the bit-exact reference for test/e2e/integer-only-kernels.test.

  ibert_ref.py softmax TERN_IR X.npy REF.npy
      Reads the scale Tern chose for the softmax input from TERN_IR (the
      `--emit=tern` output: the quant.uniform scale of the value tern.softmax
      consumes), quantizes X with it (q = clamp(round(x / S), -127, 127)),
      runs integer softmax and writes the dequantized result (out * 2^-8).
  ibert_ref.py same OUT.npy REF.npy
      Exit status 0 only if both arrays have the same shape and the same
      float32 bit patterns.
"""
import math
import re
import sys

import numpy as np


def softmax_input_scale(ir):
    m = re.search(r"tern\.softmax %\S+ precision <int>.*?: tensor<[0-9x]+"
                  r"!quant\.uniform<i\d+(?:<[-0-9:]+>)?:f32, ([-0-9.eE+]+)>>",
                  ir)
    if not m:
        sys.exit("no integer tern.softmax in the IR")
    return float(m.group(1))


def input_scale(ir):
    m = re.search(r'"quant\.qcast"\(%arg0\).*?!quant\.uniform<i8<-127:127>:'
                  r"f32, ([-0-9.eE+]+)>>", ir)
    if not m:
        sys.exit("no quantization of the input in the IR")
    return float(m.group(1))


def floor_div(a, b):
    return a // b  # numpy int64 floor division, as Python's


def i_exp(q, s):
    """i-exp of q <= 0 at scale s; returns (exp_int, constants)."""
    a, b, c = 0.35815147, 0.96963238 / 0.35815147, 1.0 / 0.35815147
    x0 = math.floor(-0.6931 / s)
    b_i = math.floor(b / s)
    c_i = math.floor(c / (s * s))
    q = np.maximum(q, 30 * x0)
    z = floor_div(q, x0)
    r = q - x0 * z
    L = (r + b_i) * r + c_i
    # floor(L * 2^(30 - z)); z in 0..30, so 2^(30 - z) is an integer.
    e = np.array([int(l) << int(30 - zz) for l, zz in zip(L.ravel(), z.ravel())],
                 dtype=object).reshape(q.shape)
    e = np.maximum(e, 0)
    return e, c_i


def i_softmax(q, s):
    q = q.astype(np.int64)
    q = q - q.max(axis=-1, keepdims=True)
    e, c_i = i_exp(q, s)
    # Requantize exp to 16 bits: the largest value is c_i * 2^30.
    shift16 = max(0, (c_i << 30).bit_length() - 16)
    e = np.vectorize(lambda v: int(v) >> shift16, otypes=[object])(e)
    out = np.empty(q.shape, dtype=np.int64)
    for idx in np.ndindex(q.shape[:-1]):
        row = e[idx]
        f = (1 << 32) // int(sum(int(v) for v in row))
        out[idx] = [(int(v) * f) >> (32 - 8) for v in row]
    return out


def same(a_path, b_path):
    a = np.load(a_path).astype(np.float32)
    b = np.load(b_path).astype(np.float32)
    if a.shape != b.shape:
        sys.exit("shapes differ: %s vs %s" % (a.shape, b.shape))
    diff = int((a.view(np.uint32) != b.view(np.uint32)).sum())
    if diff:
        sys.exit("%d of %d elements differ (max abs %g)" %
                 (diff, a.size, float(np.abs(a - b).max())))
    print("bit-exact: %d elements" % a.size)


def main():
    if sys.argv[1] == "same":
        same(sys.argv[2], sys.argv[3])
        return
    kind, ir_path, x_path, out_path = sys.argv[1:5]
    if kind != "softmax":
        sys.exit("unknown kernel " + kind)
    ir = open(ir_path).read()
    s_in = input_scale(ir)
    s = softmax_input_scale(ir)
    if s != s_in:
        sys.exit("softmax input scale %r differs from the input's %r" %
                 (s, s_in))
    x = np.load(x_path).astype(np.float64)
    # Round half to even, as the quantizer; the test's inputs are exact.
    q = np.clip(np.rint(x / s_in), -127, 127).astype(np.int64)
    out = i_softmax(q, s)
    np.save(out_path, (out.astype(np.float64) / 256.0).astype(np.float32))


if __name__ == "__main__":
    main()
