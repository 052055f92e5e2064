"""I-BERT integer-only kernels (SEEDS.md section 0) in numpy, independent of
Tern's C++: the bit-exact reference for test/e2e/integer-only-kernels.test.

  ibert_ref.py softmax TERN_IR X.npy REF.npy
      Reads the scale Tern chose for the softmax input from TERN_IR (the
      `--emit=tern` output: the quant.uniform scale of the value tern.softmax
      consumes), quantizes X with it (q = clamp(round(x / S), -127, 127)),
      runs integer softmax and writes the dequantized result (out * 2^-8).
  ibert_ref.py gelu TERN_IR X.npy REF.npy
      Quantizes X at the input's scale, requantizes it (dyadic, round half
      to even, saturating) to the scale and width of tern.gelu's operand,
      runs i-GELU, rescales the (negative-scale) result to tern.gelu's
      result type the same way, and dequantizes as the simulator's cvt.i2b
      does on an IEEE bf16 target (int -> f32 -> bf16, times the bf16 scale,
      both rounded to nearest even).
  ibert_ref.py layernorm TERN_IR X.npy REF.npy MODEL.onnx
      Integer LayerNorm (SEEDS.md: mean rounded half to even as torch.round,
      var = sum((y >> k)^2) with the smallest k keeping it below 2^31,
      Newton isqrt, y * floor(2^31 / std) / 2), then Tern's integer affine
      (docs/Quantization.md): the kernel output requantized by 2^-15 to 16
      bits, times round(gamma / (max|gamma| / 32767)), plus round(beta /
      scale), rescaled to tern.layer_norm's result type and dequantized as
      for gelu. gamma and beta are read from MODEL.onnx.
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


def gelu_types(ir):
    """(scale, max) of tern.gelu's operand and of its result."""
    m = re.search(r"tern\.gelu %\S+ precision <int>.*?: tensor<[0-9x]+"
                  r"!quant\.uniform<i32<(-?\d+):(\d+)>:f32, ([-0-9.eE+]+)>> -> "
                  r"tensor<[0-9x]+!quant\.uniform<i32(?:<(-?\d+):(\d+)>)?:f32, "
                  r"([-0-9.eE+]+)>>", ir)
    if not m:
        sys.exit("no integer tern.gelu in the IR")
    in_max = int(m.group(2))
    out_max = int(m.group(5)) if m.group(5) else 2**31 - 1
    return (float(m.group(3)), in_max), (float(m.group(6)), out_max)


def dyadic(mult):
    """SEEDS.md: (m, e) = frexp(|M|), m_int = round(m * 2^31), shift =
    31 - e; the sign rides on m_int."""
    m, e = math.frexp(abs(mult))
    m_int, shift = round(m * 2**31), 31 - e
    if m_int == 2**31:  # m rounded up to 1: same value, one bit less
        m_int, shift = 2**30, shift - 1
    return (-m_int if mult < 0 else m_int), shift


def requant(q, mult, hi):
    """clamp(round_half_even(q * m_int / 2^shift), -hi, hi)."""
    m_int, shift = dyadic(mult)
    out = []
    for v in q.ravel():
        p = int(v) * m_int
        fl = p >> shift
        rem = p - (fl << shift)
        half = 1 << (shift - 1) if shift else 0
        if shift and (rem > half or (rem == half and fl & 1)):
            fl += 1
        out.append(max(-hi, min(hi, fl)))
    return np.array(out, dtype=np.int64).reshape(q.shape)


def i_gelu(q, s):
    """I-BERT i-GELU of q at scale s; returns (int result, its scale)."""
    a, b, c = -0.2888, -1.769, 1.0 / -0.2888
    sp = s / math.sqrt(2.0)
    b_i = math.floor(b / sp)
    c_i = math.floor(c / (sp * sp))
    s_erf = sp * sp * a * 16384.0
    one_i = math.floor(1.0 / s_erf)
    out = []
    for v in q.ravel():
        v = int(v)
        sgn = (v > 0) - (v < 0)
        t = min(abs(v), -b_i) + b_i
        erf = sgn * (t * t + c_i)
        erf = erf // 2**14
        g = v * (erf + one_i)
        out.append(max(-2**31, min(2**31 - 1, g)))
    return np.array(out, dtype=np.int64).reshape(q.shape), s * s_erf / 2.0


def f32_to_bf16(f):
    """Round-to-nearest-even f32 -> bf16, returned as f32 values."""
    u = np.atleast_1d(np.asarray(f, dtype=np.float32)).view(np.uint32)
    u = u.astype(np.uint64)
    u = (u + np.uint64(0x7FFF) + ((u >> np.uint64(16)) & np.uint64(1)))
    u = (u >> np.uint64(16)) << np.uint64(16)
    return u.astype(np.uint32).view(np.float32)


def dequant_bf16(q, scale):
    v = f32_to_bf16(q.astype(np.float64).astype(np.float32))
    sc = f32_to_bf16(np.float32(scale))
    return f32_to_bf16(v * sc)


def gelu(ir, x):
    s_in = input_scale(ir)
    (s_g, g_max), (s_out, out_max) = gelu_types(ir)
    q = np.clip(np.rint(x / s_in), -127, 127).astype(np.int64)
    q = requant(q, s_in / s_g, g_max)
    g, s_kernel = i_gelu(q, s_g)
    y = requant(g, s_kernel / s_out, out_max)
    return dequant_bf16(y, s_out)


def layer_norm_types(ir):
    """(scale, max) of tern.layer_norm's operand and of its result."""
    m = re.search(r"tern\.layer_norm %[^:]*precision <int>.*?: tensor<[0-9x]+"
                  r"!quant\.uniform<i32<(-?\d+):(\d+)>:f32, ([-0-9.eE+]+)>>"
                  r", [^>]*>, [^>]*> -> tensor<[0-9x]+!quant\.uniform<i32"
                  r"(?:<(-?\d+):(\d+)>)?:f32, ([-0-9.eE+]+)>>", ir)
    if not m:
        sys.exit("no integer tern.layer_norm in the IR")
    out_max = int(m.group(5)) if m.group(5) else 2**31 - 1
    return (float(m.group(3)), int(m.group(2))), (float(m.group(6)), out_max)


def isqrt(n):
    if n == 0:
        return 0
    x = 1 << ((n.bit_length() + 1) // 2)
    while True:
        x1 = (x + n // x) // 2
        if x1 >= x:
            return x
        x = x1


def i_layer_norm_row(row, k):
    n = len(row)
    total = sum(row)
    q, r = divmod(total, n)  # floor
    if 2 * r > n or (2 * r == n and q & 1):
        q += 1
    y = [v - q for v in row]
    var = sum((v >> k) ** 2 for v in y)
    std = isqrt(var) << k
    factor = (1 << 31) // std if std else 0
    return [(v * factor) >> 1 for v in y]


def layer_norm(ir, x, model_path):
    import onnx
    from onnx import numpy_helper
    model = onnx.load(model_path)
    inits = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    node = next(n for n in model.graph.node if n.op_type == "LayerNormalization")
    gamma = inits[node.input[1]].astype(np.float32).astype(np.float64)
    beta = inits[node.input[2]].astype(np.float32).astype(np.float64)
    s_in = input_scale(ir)
    (s_ln, ln_max), (s_out, out_max) = layer_norm_types(ir)
    q = np.clip(np.rint(x / s_in), -127, 127).astype(np.int64)
    q = requant(q, s_in / s_ln, ln_max)
    cols = q.shape[-1]
    k = 0
    while cols * math.floor(2.0 * ln_max / 2**k) ** 2 > 2**31 - 1:
        k += 1
    rows = [i_layer_norm_row([int(v) for v in r], k)
            for r in q.reshape(-1, cols)]
    norm = np.array(rows, dtype=np.int64).reshape(q.shape)
    norm = requant(norm, 2.0**-15, 2**15 - 1)
    gamma_scale = np.abs(gamma).max() / 32767.0
    out_scale = math.sqrt(cols) / 2**15 * gamma_scale
    g_int = np.rint(gamma / gamma_scale).astype(np.int64)
    b_int = np.rint(beta / out_scale).astype(np.int64)
    y = norm * g_int + b_int
    if s_out != out_scale or out_max != 2**31 - 1:
        y = requant(y, out_scale / s_out, out_max)
    return dequant_bf16(y, s_out)


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
    ir = open(ir_path).read()
    if kind == "layernorm":
        x = np.load(x_path).astype(np.float64)
        np.save(out_path, layer_norm(ir, x, sys.argv[5]).astype(np.float32))
        return
    if kind == "gelu":
        x = np.load(x_path).astype(np.float64)
        np.save(out_path, gelu(ir, x).astype(np.float32))
        return
    if kind != "softmax":
        sys.exit("unknown kernel " + kind)
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
