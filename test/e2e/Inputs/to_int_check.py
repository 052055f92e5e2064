"""QuantizeLinear with run-time scales and Pow of an integer base and a
float exponent on the simulator, against numpy.

gen DIR: writes DIR/m.onnx (opset 17) and its inputs:
  x float [4, 6], s float [4], z uint8 [4], t float (a scalar),
  n int32 [4, 6], f float [4, 6].
  q  = QuantizeLinear(x, s, z, axis=0)     per-row scale and zero point
  q2 = QuantizeLinear(x, t)                one scale, no zero point (uint8)
  p  = Pow(n, f)                           int32 ** float32
  pc = Pow(n, 0.5)                         a constant exponent
check DIR OUT: compares OUT/*.npy with numpy on the bf16-rounded float
inputs (the program holds float tensors as bf16), exactly:
  q = clip(rint(x / s) + z, 0, 255) with x / s in float32 (ONNX's
  reference; numpy's rint rounds half to even), and
  p = trunc(float64(n) ** f) as int32 (numpy's int32 ** float32 is
  float64, cast back by ONNX's reference); a power past int32 (10^10,
  undefined in ONNX) saturates, NaN ((-40) ** 0.5) is 0: Tern's rule.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from bf16_ref import bf16


def inputs():
    rng = np.random.default_rng(5)
    # Halves at the quotient (ties: 2.5 -> 2, 3.5 -> 4), values past the
    # uint8 range on both sides (saturation), and random ones.
    x = rng.uniform(-300, 300, (4, 6)).astype(np.float32)
    x[0, :4] = [5.0, 7.0, -5.0, 1.0]
    x[1, :2] = [1000.0, -1000.0]
    s = np.array([2.0, 0.75, 3.0, 0.125], np.float32)
    z = np.array([128, 10, 0, 255], np.uint8)
    t = np.array(1.5, np.float32)
    n = rng.integers(-40, 300, (4, 6)).astype(np.int32)
    f = rng.choice([0.0, 0.5, 1.0, 1.5, 2.0, 3.0, -1.0], (4, 6)).astype(
        np.float32)
    n[0, :4] = [3, 46340, 4, 10]
    f[0, :4] = [6.0, 2.0, 0.5, 10.0]
    # A negative base takes integer exponents only (else NaN, 0 in both).
    f[n < 0] = np.round(f[n < 0])
    return x, s, z, t, n, f


def gen(d):
    x, s, z, t, n, f = inputs()
    nodes = [
        helper.make_node("QuantizeLinear", ["x", "s", "z"], ["q"], axis=0),
        helper.make_node("QuantizeLinear", ["x", "t"], ["q2"]),
        helper.make_node("Pow", ["n", "f"], ["p"]),
        helper.make_node("Pow", ["n", "half"], ["pc"]),
    ]
    graph = helper.make_graph(
        nodes, "to_int",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 6]),
         helper.make_tensor_value_info("s", TensorProto.FLOAT, [4]),
         helper.make_tensor_value_info("z", TensorProto.UINT8, [4]),
         helper.make_tensor_value_info("t", TensorProto.FLOAT, []),
         helper.make_tensor_value_info("n", TensorProto.INT32, [4, 6]),
         helper.make_tensor_value_info("f", TensorProto.FLOAT, [4, 6])],
        [helper.make_tensor_value_info("q", TensorProto.UINT8, [4, 6]),
         helper.make_tensor_value_info("q2", TensorProto.UINT8, [4, 6]),
         helper.make_tensor_value_info("p", TensorProto.INT32, [4, 6]),
         helper.make_tensor_value_info("pc", TensorProto.INT32, [4, 6])],
        [numpy_helper.from_array(np.array(0.5, np.float32), "half")])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, os.path.join(d, "m.onnx"))
    for name, v in zip("x s z t n f".split(), (x, s, z, t, n, f)):
        np.save(os.path.join(d, name + ".npy"), v)


def quantize(x, s, z):
    q = np.rint(x / s).astype(np.float64) + z
    return np.clip(q, 0, 255)


def check(d, out):
    x, s, z, t, n, f = inputs()
    xb, sb, tb, fb = bf16(x), bf16(s), bf16(t), bf16(f)
    i32 = lambda v: np.clip(np.nan_to_num(v, nan=0.0), -2.0**31, 2.0**31 - 1)
    with np.errstate(invalid="ignore"):
        pc = np.trunc(n.astype(np.float64) ** 0.5)
    want = {
        "q": quantize(xb, sb[:, None], z[:, None].astype(np.float64)),
        "q2": quantize(xb, tb, 0.0),
        "p": i32(np.trunc(n.astype(np.float64) ** fb.astype(np.float64))),
        "pc": i32(pc),
    }
    ok = True
    for name, w in want.items():
        got = np.load(os.path.join(out, name + ".npy"))
        bad = np.argwhere(got.astype(np.float64) != w)
        print(f"{name}: {got.dtype} {len(bad)} of {w.size} differ")
        for i in bad[:5]:
            i = tuple(i)
            print(f"  at {i}: got {got[i]}, want {w[i]}")
        ok = ok and len(bad) == 0
    print("to-int: all outputs match" if ok else "to-int: MISMATCH")


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
