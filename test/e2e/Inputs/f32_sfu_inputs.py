"""Program inputs the SFU reads in f32 (softmax, log-softmax, a power),
and decomposed softmax / log-softmax raised to the fused kernel, on the
simulator against numpy in float64.

gen DIR: writes DIR/m.onnx (opset 17) and its float inputs:
  x [3, 8]  rows around 10000 (bf16 spacing there is 64: a bf16 input
            would make each row one value) and one ordinary row
  w [4, 5]  ordinary values
  a [3, 4]  bases in [0.5, 60], b [3, 4] exponents in [-3, 3]
  y  = Softmax(x)                     last axis
  ly = LogSoftmax(w, axis=0)          another axis (transposed)
  p  = Pow(a, b)
  ey = the Softmax function body of x (ReduceMax, Sub, Exp, ReduceSum,
       Div), which tern-raise-softmax fuses into one softmax
  el = the LogSoftmax function body of w over axis 1
check DIR OUT: the relative L2 error of each output against numpy's
float64 result on the float32 inputs is below 1e-2 (the e2e bound; bf16
outputs), and prints it.
gen also writes DIR/x_bf16.pb, x rounded to bfloat16 as a BFLOAT16
TensorProto: an f32 program input takes bf16 data, widened exactly.
checkbf16 DIR OUT: y against the softmax of the bf16-rounded x (rows
10000..10004 collapse to few values: the first two rows are not those of
the f32 run).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def inputs():
    rng = np.random.default_rng(9)
    x = (10000.0 + rng.uniform(0.0, 4.0, (3, 8))).astype(np.float32)
    x[2] = rng.normal(0.0, 2.0, 8)
    w = rng.normal(0.0, 3.0, (4, 5)).astype(np.float32)
    a = rng.uniform(0.5, 60.0, (3, 4)).astype(np.float32)
    b = rng.uniform(-3.0, 3.0, (3, 4)).astype(np.float32)
    return x, w, a, b


def gen(d):
    x, w, a, b = inputs()
    axes1 = numpy_helper.from_array(np.array([1], np.int64), "axes1")
    nodes = [
        helper.make_node("Softmax", ["x"], ["y"]),
        helper.make_node("LogSoftmax", ["w"], ["ly"], axis=0),
        helper.make_node("Pow", ["a", "b"], ["p"]),
        # Softmax(x) spelled out (ONNX's function body).
        helper.make_node("ReduceMax", ["x"], ["xm"], axes=[1], keepdims=1),
        helper.make_node("Sub", ["x", "xm"], ["xd"]),
        helper.make_node("Exp", ["xd"], ["xe"]),
        helper.make_node("ReduceSum", ["xe", "axes1"], ["xs"], keepdims=1),
        helper.make_node("Div", ["xe", "xs"], ["ey"]),
        # LogSoftmax(w, axis=1) spelled out.
        helper.make_node("ReduceMax", ["w"], ["wm"], axes=[1], keepdims=1),
        helper.make_node("Sub", ["w", "wm"], ["wd"]),
        helper.make_node("Exp", ["wd"], ["we"]),
        helper.make_node("ReduceSum", ["we", "axes1"], ["ws"], keepdims=1),
        helper.make_node("Log", ["ws"], ["wl"]),
        helper.make_node("Sub", ["wd", "wl"], ["el"]),
    ]
    f = TensorProto.FLOAT
    graph = helper.make_graph(
        nodes, "f32_sfu_inputs",
        [helper.make_tensor_value_info("x", f, [3, 8]),
         helper.make_tensor_value_info("w", f, [4, 5]),
         helper.make_tensor_value_info("a", f, [3, 4]),
         helper.make_tensor_value_info("b", f, [3, 4])],
        [helper.make_tensor_value_info("y", f, [3, 8]),
         helper.make_tensor_value_info("ly", f, [4, 5]),
         helper.make_tensor_value_info("p", f, [3, 4]),
         helper.make_tensor_value_info("ey", f, [3, 8]),
         helper.make_tensor_value_info("el", f, [4, 5])],
        [axes1])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(d, "m.onnx"))
    for name, v in zip("x w a b".split(), (x, w, a, b)):
        np.save(os.path.join(d, name + ".npy"), v)
    t = TensorProto()
    t.name = "x"
    t.data_type = TensorProto.BFLOAT16
    t.dims.extend(x.shape)
    t.raw_data = bf16_bits(x).tobytes()
    with open(os.path.join(d, "x_bf16.pb"), "wb") as f:
        f.write(t.SerializeToString())


def bf16_bits(v):
    """bfloat16 bit patterns of float32 values, rounded to nearest even."""
    u = v.astype(np.float32).view(np.uint32).astype(np.uint64)
    return ((u + 0x7FFF + ((u >> 16) & 1)) >> 16).astype(np.uint16)


def check_bf16(out):
    x = inputs()[0]
    xb = (bf16_bits(x).astype(np.uint32) << 16).view(np.float32)
    ref = softmax(xb.astype(np.float64), 1)
    got = np.load(os.path.join(out, "y.npy")).astype(np.float64)
    err = np.linalg.norm(got - ref) / np.linalg.norm(ref)
    far = np.linalg.norm(got - softmax(x.astype(np.float64), 1)) / \
        np.linalg.norm(ref)
    good = err < 1e-2 and far > 1e-1
    print("y from bf16 x: relative L2 error %.1e against the bf16 inputs' "
          "softmax, %.1e against the f32 inputs': %s" %
          (err, far, "as expected" if good else "UNEXPECTED"))
    return 0 if good else 1


def softmax(v, axis):
    e = np.exp(v - v.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def log_softmax(v, axis):
    d = v - v.max(axis=axis, keepdims=True)
    return d - np.log(np.exp(d).sum(axis=axis, keepdims=True))


def check(d, out):
    x, w, a, b = (v.astype(np.float64) for v in inputs())
    want = {
        "y": softmax(x, 1),
        "ly": log_softmax(w, 0),
        "p": a ** b,
        "ey": softmax(x, 1),
        "el": log_softmax(w, 1),
    }
    ok = True
    for name, ref in want.items():
        got = np.load(os.path.join(out, name + ".npy")).astype(np.float64)
        err = np.linalg.norm(got - ref) / np.linalg.norm(ref)
        good = got.shape == ref.shape and err < 1e-2
        ok &= good
        print("%s: relative L2 error %s %.1e" %
              (name, "below 1e-2" if good else "NOT below 1e-2", err))
    print("f32-sfu-inputs: " + ("all outputs match" if ok else "MISMATCH"))
    return 0 if ok else 1


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    elif sys.argv[1] == "checkbf16":
        sys.exit(check_bf16(sys.argv[3]))
    else:
        sys.exit(check(sys.argv[2], sys.argv[3]))
