"""Independent numpy reference of 6- and 4-bit activations (tern-edge,
`--bits wNaM`) for test/e2e/narrow-activations.test, written from the
formulas in docs/ISA.md and docs/Quantization.md, not from the simulator.
The model is the two-layer MLP of Inputs/gen_tataa_linear.py,
y = (x W1 + b1) W2 + b2.

  weights      S_w = max|W| / (2^(wb-1)-1), W_q = rne(W / S_w) (float64)
  int32 bias   b_q = rne(b / (S_x S_w))
  input        cvt.b2i: x_q = clamp(rne(bf16(x * c)), +-(2^(ab-1)-1)),
               c = bf16_rne(f32(1 / S_x)), the product rounded to bf16 (RNE)
  hidden       acc = b1_q + x_q W1_q (int32); rq.wide: (mant, e) =
               frexp(M), m = rne(mant 2^31), s = 31 - e, M = S_x S_w1 / S_h;
               h_q = clamp(round_half_even(acc m / 2^s), +-(2^(ab-1)-1))
  output       acc2 = b2_q + h_q W2_q; cvt.i2b: y = bf16(bf16(acc2) *
               bf16_rne(f32(S_h S_w2))), RNE

Usage:
  narrow_ref.py mlp WB AB MODEL.onnx IR.mlir X.npy OUT.npy   (prints how
      many values the narrow clamps saturated)
  narrow_ref.py mlp-int8 ...  (negative control: clamps at int8 instead)
  narrow_ref.py inputs MODEL.onnx X.npy OUT.npy  (an input that saturates)
  narrow_ref.py same A.npy B.npy
Only the two activation scales S_x and S_h (calibrated) are read from the
IR (--emit=tern); weights and biases are read from the ONNX model."""
import os
import re
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tataa_ref import same  # noqa: E402  (bit-identity check, shared)


def bf16_rne(v):
    bits = np.atleast_1d(np.asarray(v, dtype=np.float32)).view(np.uint32)
    bits = bits.astype(np.uint64)
    bits = (bits + np.uint64(0x7FFF) + ((bits >> np.uint64(16)) & np.uint64(1))) \
        & np.uint64(0xFFFF0000)
    out = bits.astype(np.uint32).view(np.float32)
    return out if np.ndim(v) else out[0]


def rq_wide(acc, m, bits):
    """round_half_even(acc * mult / 2^shift), clamped to +-(2^(bits-1)-1)."""
    mant, e = np.frexp(m)
    mult = int(np.rint(np.ldexp(mant, 31)))
    if mult == 2**31:
        mult //= 2
        e += 1
    shift = 31 - int(e)
    hi = 2**(bits - 1) - 1
    out = []
    for a in acc.reshape(-1).tolist():
        v = int(a) * mult
        q, r = v >> shift, v & ((1 << shift) - 1)
        half = 1 << (shift - 1)
        if r > half or (r == half and q & 1):
            q += 1
        out.append(q)
    q = np.array(out, dtype=np.int64).reshape(acc.shape)
    return np.clip(q, -hi, hi), q, (mult, shift)


def mlp(wb, ab, model_path, ir_path, x_path, out_path, clamp_bits=None):
    import onnx
    from onnx import numpy_helper
    wb, ab = int(wb), int(ab)
    clamp_bits = clamp_bits or ab
    model = onnx.load(model_path)
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    w1, b1, w2, b2 = (init[n].astype(np.float64) for n in ("w1", "b1", "w2", "b2"))
    wmax = 2**(wb - 1) - 1
    sw1, sw2 = np.abs(w1).max() / wmax, np.abs(w2).max() / wmax
    w1q, w2q = (np.clip(np.rint(w / s), -wmax, wmax).astype(np.int64)
                for w, s in ((w1, sw1), (w2, sw2)))
    ir = open(ir_path).read()
    amax = 2**(ab - 1) - 1
    ty = r"!quant\.uniform<i%d<-%d:%d>:f32, ([0-9.eE+-]+)>>" % (ab, amax, amax)
    sx = float(re.search(r"-> tensor<8x64x" + ty, ir).group(1))
    sh = float(re.search(r"-> tensor<8x32x" + ty, ir).group(1))
    # The negative control saturates at int8 (-128..127) instead.
    lo, hi = (-amax, amax) if clamp_bits == ab else (-128, 127)
    x = np.load(x_path).astype(np.float32)
    c = bf16_rne(np.float32(1.0 / sx))
    xr = np.rint(bf16_rne(x * c).astype(np.float64)).astype(np.int64)
    xq = np.clip(xr, lo, hi)
    b1q = np.rint(b1 / (sx * sw1)).astype(np.int64)
    acc1 = b1q + xq @ w1q
    hq, hr, (mult, shift) = rq_wide(acc1, sx * sw1 / sh, ab)
    if clamp_bits != ab:
        hq = np.clip(hr, -128, 127)
    b2q = np.rint(b2 / (sh * sw2)).astype(np.int64)
    acc2 = b2q + hq @ w2q
    c2 = bf16_rne(np.float32(sh * sw2))
    y = bf16_rne(bf16_rne(acc2.astype(np.float32)) * c2)
    np.save(out_path, y.astype(np.float32))
    print("input: %d of %d values saturated at +-%d" %
          (np.count_nonzero(xr != np.clip(xr, -amax, amax)), xr.size, amax))
    print("hidden: %d of %d values saturated at +-%d" %
          (np.count_nonzero(hr != np.clip(hr, -amax, amax)), hr.size, amax))
    print("hidden requant: mult %d shift %d" % (mult, shift))


def inputs(model_path, x_path, out_path):
    """Rows 0-3: sign(W1[:, j]) * 127/32, inside the calibrated input range
    but driving hidden unit j beyond its calibrated range (the rq.wide clamp);
    rows 4-7: twice the fixture's rows, beyond the input range (the cvt.b2i
    clamp). Every value is a multiple of 1/32, exact in bf16."""
    import onnx
    from onnx import numpy_helper
    init = {t.name: numpy_helper.to_array(t)
            for t in onnx.load(model_path).graph.initializer}
    w1 = init["w1"]
    x = np.load(x_path).astype(np.float32)
    out = 2 * x
    for j in range(4):
        out[j] = np.where(w1[:, j] >= 0, 127 / 32, -127 / 32)
    np.save(out_path, out.astype(np.float32))


if __name__ == "__main__":
    if sys.argv[1] in ("mlp", "mlp-int8"):
        mlp(*sys.argv[2:8], clamp_bits=8 if sys.argv[1] == "mlp-int8" else None)
    elif sys.argv[1] == "inputs":
        inputs(*sys.argv[2:5])
    elif sys.argv[1] == "same":
        same(*sys.argv[2:4])
    else:
        sys.exit("unknown command " + sys.argv[1])
