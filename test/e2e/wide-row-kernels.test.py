"""Fixtures and checks of e2e/wide-row-kernels.test.

  models DIR: writes the ONNX models and their inputs into DIR.
  check KIND X Y FP32_TOL BF16_TOL: KIND is softmax, logsoftmax,
    layernorm:MODEL,
    reducemax (last axis) or reducemin (axis 1);
    checks the simulated output Y of the inputs X against numpy: relative
    L2 below FP32_TOL against the FP32 result and below BF16_TOL against
    the result of the inputs rounded to bf16.
"""
import sys

import numpy as np


def models(out):
    import onnx
    from onnx import TensorProto as T
    from onnx import helper as h
    from onnx import numpy_helper as nh

    def save(name, node, n, inits=()):
        graph = h.make_graph(
            [node], "g", [h.make_tensor_value_info("x", T.FLOAT, [3, n])],
            [h.make_tensor_value_info("y", T.FLOAT, [3, n])], list(inits))
        onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]),
                  "%s/%s%d.onnx" % (out, name, n))

    r = np.random.default_rng(5)
    for n in (5000, 20000):
        save("softmax", h.make_node("Softmax", ["x"], ["y"], axis=-1,
                                    name="wide"), n)
        save("logsoftmax", h.make_node("LogSoftmax", ["x"], ["y"], axis=-1,
                                       name="wide"), n)
        np.save("%s/x%d.npy" % (out, n),
                r.standard_normal((3, n)).astype(np.float32))
    gamma = r.standard_normal(5000).astype(np.float32)
    beta = r.standard_normal(5000).astype(np.float32)
    save("layernorm",
         h.make_node("LayerNormalization", ["x", "g", "b"], ["y"], axis=-1,
                     epsilon=1e-5, name="wide"), 5000,
         [nh.from_array(gamma, "g"), nh.from_array(beta, "b")])
    np.save("%s/ln5000.npy" % out,
            (5 + 2 * r.standard_normal((3, 5000))).astype(np.float32))
    # Max over the last axis, min over the middle one (inner 5000).
    for op, axis, shape, rshape in (("ReduceMax", -1, [3, 5000], [3, 1]),
                                    ("ReduceMin", 1, [2, 3, 5000],
                                     [2, 1, 5000])):
        graph = h.make_graph(
            [h.make_node(op, ["x"], ["y"], axes=[axis], keepdims=1,
                         name="wide")], "g",
            [h.make_tensor_value_info("x", T.FLOAT, shape)],
            [h.make_tensor_value_info("y", T.FLOAT, rshape)])
        onnx.save(h.make_model(graph, opset_imports=[h.make_opsetid("", 17)]),
                  "%s/%s.onnx" % (out, op.lower()))
    np.save("%s/r3.npy" % out,
            r.standard_normal((2, 3, 5000)).astype(np.float32))


def to_bf16(a):
    u = np.asarray(a, np.float32).copy().view(np.uint32)
    u += 0x7FFF + ((u >> 16) & 1)
    u &= 0xFFFF0000
    return u.view(np.float32).astype(np.float64)


def check(kind, x_path, y_path, fp32_tol, bf16_tol):
    if kind == "reducemax":
        ref = lambda x: x.max(-1, keepdims=True)
    elif kind == "reducemin":
        ref = lambda x: x.min(1, keepdims=True)
    elif kind == "softmax":
        def ref(x):
            e = np.exp(x - x.max(-1, keepdims=True))
            return e / e.sum(-1, keepdims=True)
    elif kind == "logsoftmax":
        def ref(x):
            d = x - x.max(-1, keepdims=True)
            return d - np.log(np.exp(d).sum(-1, keepdims=True))
    else:
        import onnx
        from onnx import numpy_helper as nh
        model = onnx.load(kind.split(":", 1)[1])
        inits = {i.name: nh.to_array(i).astype(np.float64)
                 for i in model.graph.initializer}

        def ref(x):
            mu = x.mean(-1, keepdims=True)
            var = x.var(-1, keepdims=True)
            return (x - mu) / np.sqrt(var + 1e-5) * inits["g"] + inits["b"]
    x = np.load(x_path).astype(np.float64)
    y = np.load(y_path).astype(np.float64)
    rel = lambda a, b: np.linalg.norm(a - b) / np.linalg.norm(b)
    fp32, rounded = rel(y, ref(x)), rel(y, ref(to_bf16(x)))
    print("relative L2 %.2e against FP32, %.2e against bf16 inputs"
          % (fp32, rounded))
    assert fp32 < float(fp32_tol) and rounded < float(bf16_tol), (fp32, rounded)
    print("OK")


if sys.argv[1] == "models":
    models(sys.argv[2])
else:
    check(*sys.argv[2:])
