"""Independent numpy reference of TATAA's int8 datapath (SEEDS.md section 4)
for test/e2e/tataa-int16-linear.test, written from the formulas, not from
the simulator:

  int8 input   x_q = trunc(x * (1/S_x)) (TATAA bf16 lanes truncate; the
               inputs are multiples of S_x = 2^-5, so this is exact)
  int16 psum   acc = wrap16(b / (S_x S_w) + sum_k x_q w_q)  (two's
               complement lanes: the exact sum's low 16 bits)
  requant      (man, e) = the largest e <= 31 with round(M 2^e) < 2^16,
               M = S_x S_w / S_out; q = low8((acc * man) >>> e)
               (arithmetic shift = truncation toward -inf, no saturation)
  bf16 output  y = bf16t(bf16t(acc) * bf16(S_x S_w)), bf16t = truncation of
               the magnitude to 8 significant bits (TATAA lanes), the scale
               constant rounded to nearest even once (f32 -> bf16)

Usage:
  tataa_ref.py mlp MODEL.onnx IR.mlir X.npy OUT.npy  (prints wrap counts)
  tataa_ref.py mlp-saturate ...  (saturating lanes: must NOT match)
  tataa_ref.py same A.npy B.npy
Only the int8 scale of the hidden activation (calibrated) is read from the
IR (--emit=tern); weights and biases are read from the ONNX model and
quantized here."""
import re
import sys

import numpy as np


def wrap16(v):
    return ((v + 2**15) % 2**16) - 2**15


def bf16_trunc(v):
    bits = np.asarray(v, dtype=np.float32).view(np.uint32) & np.uint32(0xFFFF0000)
    return bits.view(np.float32)


def bf16_rne(v):
    bits = np.asarray([v], dtype=np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32)[0]


def tataa_multiplier(m):
    for e in range(31, -1, -1):
        q = np.rint(m * 2.0**e)
        if q <= 0xFFFF:
            assert q > 0, m
            return int(q), e
    raise ValueError("multiplier %r does not fit" % m)


def quantize(v, scale):
    q = np.rint(np.asarray(v, dtype=np.float64) / scale)
    assert np.all(q * scale == v), "reference inputs must quantize exactly"
    return q.astype(np.int64)


def mlp(model_path, ir_path, x_path, out_path, saturate=False):
    import onnx
    from onnx import numpy_helper
    model = onnx.load(model_path)
    init = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    w1, b1, w2, b2 = (init[n] for n in ("w1", "b1", "w2", "b2"))
    sx = 2.0**-5
    sw1 = float(np.abs(w1).max()) / 127
    sw2 = float(np.abs(w2).max()) / 127
    ir = open(ir_path).read()
    sh = float(re.search(r"-> tensor<8x32x!quant\.uniform<i8<-127:127>:f32, "
                         r"([0-9.eE+-]+)>>", ir).group(1))
    x = np.load(x_path).astype(np.float64)
    xq = quantize(x, sx)
    exact1 = quantize(b1, sx * sw1) + xq @ quantize(w1, sw1)
    # The negative control: saturating int16 lanes instead of wrapping ones.
    narrow = (lambda v: np.clip(v, -2**15, 2**15 - 1)) if saturate else wrap16
    acc1 = narrow(exact1)
    man, e = tataa_multiplier(sx * sw1 / sh)
    hq = (((acc1 * man) >> e) & 0xFF).astype(np.uint8).view(np.int8)
    hq = hq.astype(np.int64)
    # The second bias is at S_h S_w2, which the reference cannot quantize
    # exactly from the model: round half to even like any int32 bias.
    b2q = np.rint(b2.astype(np.float64) / (sh * sw2)).astype(np.int64)
    exact2 = b2q + hq @ quantize(w2, sw2)
    acc2 = narrow(exact2)
    c = bf16_rne(np.float32(sh * sw2))
    y = bf16_trunc(bf16_trunc(acc2.astype(np.float32)) * np.float32(c))
    np.save(out_path, y.astype(np.float32))
    for name, exact in (("layer 1", exact1), ("layer 2", exact2)):
        wrapped = int(np.count_nonzero(wrap16(exact) != exact))
        print("%s: %d of %d int16 accumulators wrapped" %
              (name, wrapped, exact.size))
    print("layer 1 requant: mantissa %d exponent %d" % (man, e))


def same(a_path, b_path):
    a, b = np.load(a_path), np.load(b_path)
    if a.shape != b.shape or not np.array_equal(a.view(np.uint32),
                                                b.view(np.uint32)):
        diff = np.count_nonzero(a != b) if a.shape == b.shape else -1
        sys.exit("DIFFERENT: %s vs %s, %d elements differ" %
                 (a.shape, b.shape, diff))
    print("IDENTICAL %d elements" % a.size)


if __name__ == "__main__":
    if sys.argv[1] in ("mlp", "mlp-saturate"):
        mlp(*sys.argv[2:6], saturate=sys.argv[1] == "mlp-saturate")
    elif sys.argv[1] == "same":
        same(*sys.argv[2:4])
    else:
        sys.exit("unknown command " + sys.argv[1])
