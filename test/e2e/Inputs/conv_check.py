"""General 2-D convolutions on the simulator against numpy.

gen DIR: writes DIR/m.onnx (opset 17) and its inputs x [2, 16, 19, 17] and
w2 [24, 16, 3, 3] (float32):
  y1 = Conv(x, W1, B1)  W1 [32, 16, 3, 5] and B1 constant initializers;
                        pads [1, 2, 0, 3] (asymmetric), strides [2, 1],
                        dilations [1, 2]
  y2 = Conv(x, w2)      a run-time weight, no bias, auto_pad SAME_UPPER,
                        strides [2, 3]
check DIR OUT: compares OUT/y1.npy and OUT/y2.npy with a direct numpy
convolution (float64, loops over the kernel taps) of the bf16-rounded
inputs, weights and bias; prints the relative L2 errors and fails above
1e-2 (the bf16 bound of the e2e tests).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from bf16_ref import bf16


def data():
    rng = np.random.default_rng(11)
    x = rng.uniform(-1, 1, (2, 16, 19, 17)).astype(np.float32)
    w1 = rng.uniform(-0.3, 0.3, (32, 16, 3, 5)).astype(np.float32)
    b1 = rng.uniform(-1, 1, (32,)).astype(np.float32)
    w2 = rng.uniform(-0.3, 0.3, (24, 16, 3, 3)).astype(np.float32)
    return x, w1, b1, w2


def conv(x, w, b, pads, strides, dilations):
    """NCHW convolution, pads [top, left, bottom, right] as ONNX's."""
    n, c, h, wd = x.shape
    m, _, kh, kw = w.shape
    xp = np.zeros((n, c, h + pads[0] + pads[2], wd + pads[1] + pads[3]))
    xp[:, :, pads[0]:pads[0] + h, pads[1]:pads[1] + wd] = x
    ho = (xp.shape[2] - (kh - 1) * dilations[0] - 1) // strides[0] + 1
    wo = (xp.shape[3] - (kw - 1) * dilations[1] - 1) // strides[1] + 1
    y = np.zeros((n, m, ho, wo))
    for r in range(kh):
        for s in range(kw):
            r0, s0 = r * dilations[0], s * dilations[1]
            patch = xp[:, :, r0:r0 + strides[0] * (ho - 1) + 1:strides[0],
                       s0:s0 + strides[1] * (wo - 1) + 1:strides[1]]
            y += np.einsum("nchw,mc->nmhw", patch, w[:, :, r, s])
    if b is not None:
        y += b[None, :, None, None]
    return y


def same_upper(size, k, stride):
    out = (size + stride - 1) // stride
    total = max(0, (out - 1) * stride + k - size)
    return total // 2, total - total // 2


def gen(d):
    x, w1, b1, w2 = data()
    nodes = [
        helper.make_node("Conv", ["x", "W1", "B1"], ["y1"],
                         kernel_shape=[3, 5], pads=[1, 2, 0, 3],
                         strides=[2, 1], dilations=[1, 2]),
        helper.make_node("Conv", ["x", "w2"], ["y2"], kernel_shape=[3, 3],
                         auto_pad="SAME_UPPER", strides=[2, 3]),
    ]
    f = lambda n, s: helper.make_tensor_value_info(n, TensorProto.FLOAT, s)
    graph = helper.make_graph(
        nodes, "conv", [f("x", list(x.shape)), f("w2", list(w2.shape))],
        [f("y1", [2, 32, 9, 14]), f("y2", [2, 24, 10, 6])],
        [numpy_helper.from_array(w1, "W1"), numpy_helper.from_array(b1, "B1")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, os.path.join(d, "m.onnx"))
    np.save(os.path.join(d, "x.npy"), x)
    np.save(os.path.join(d, "w2.npy"), w2)


def check(d, out):
    x, w1, b1, w2 = data()
    x, w1, b1, w2 = bf16(x), bf16(w1), bf16(b1), bf16(w2)
    t, b = same_upper(19, 3, 2)
    l, r = same_upper(17, 3, 3)
    want = {
        "y1": conv(x, w1, b1, [1, 2, 0, 3], [2, 1], [1, 2]),
        "y2": conv(x, w2, None, [t, l, b, r], [2, 3], [1, 1]),
    }
    bad = 0
    for name, w in want.items():
        got = np.load(os.path.join(out, name + ".npy")).astype(np.float64)
        if got.shape != w.shape:
            print("FAIL %s: shape %s, expected %s" % (name, got.shape, w.shape))
            bad += 1
            continue
        err = np.linalg.norm(got - w) / np.linalg.norm(w)
        print("%s %s: relative L2 error %.2e" % (name, list(w.shape), err))
        if not err < 1e-2:
            print("FAIL %s: above 1e-2" % name)
            bad += 1
    if bad:
        sys.exit(1)
    print("conv: all outputs match")


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
