"""Writes the inputs of test/e2e/integer-only-kernels.test: one-op ONNX
models (Softmax over 16 columns; LayerNormalization with gamma in [0.5,
1.5) and beta in [-0.5, 0.5) on a 1/64 grid; GELU as exported by PyTorch, x * 0.5 *
(1 + erf(x / sqrt(2)))), 8 calibration samples each spanning exactly
[-127/32, 127/32] (so the int8 input scale is 2^-5) and a fixed input of
multiples of 1/32 (quantized exactly). Run from test/e2e/Inputs."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def save(nodes, name, inits=()):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 16])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 16])
    model = helper.make_model(
        helper.make_graph(nodes, name, [x], [y], initializer=list(inits)),
        opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, "ibert-%s.onnx" % name)


def data(name, seed):
    rng = np.random.default_rng(seed)
    cal = rng.integers(-127, 128, size=(8, 4, 16)).astype(np.float32) / 32
    cal[:, 0, 0] = 127 / 32
    cal[:, 0, 1] = -127 / 32
    np.save("ibert-%s-calib/inputs.npy" % name, cal)
    np.save("ibert-%s-x.npy" % name,
            rng.integers(-127, 128, size=(4, 16)).astype(np.float32) / 32)


save([helper.make_node("Softmax", ["x"], ["y"], axis=-1, name="softmax")],
     "softmax")
data("softmax", 7)

const = lambda n, v: numpy_helper.from_array(np.array(v, dtype=np.float32), n)
save([helper.make_node("Div", ["x", "sqrt2"], ["t0"], name="div"),
      helper.make_node("Erf", ["t0"], ["t1"], name="erf"),
      helper.make_node("Add", ["t1", "one"], ["t2"], name="add"),
      helper.make_node("Mul", ["x", "t2"], ["t3"], name="mul"),
      helper.make_node("Mul", ["t3", "half"], ["y"], name="mul2")],
     "gelu", [const("sqrt2", 1.4142135381698608), const("one", 1.0),
              const("half", 0.5)])
data("gelu", 11)

rng = np.random.default_rng(13)
gamma = (rng.integers(32, 96, 16) / 64).astype(np.float32)
beta = (rng.integers(-32, 32, 16) / 64).astype(np.float32)
save([helper.make_node("LayerNormalization", ["x", "gamma", "beta"], ["y"],
                       axis=-1, epsilon=1e-5, name="ln")],
     "layernorm", [numpy_helper.from_array(gamma, "gamma"),
                   numpy_helper.from_array(beta, "beta")])
data("layernorm", 17)
