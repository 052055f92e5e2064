"""Writes the inputs of test/e2e/tataa-int16-linear.test: a two-layer ONNX
MLP y = (x W1 + b1) W2 + b2 (x [8, 64], W1 [64, 32], W2 [32, 16]), 8
calibration samples spanning exactly [-127/32, 127/32] (so the int8 input
scale is 2^-5) and a fixed input of multiples of 1/32 (quantized exactly).
Weights are multiples of 1/64 with |W| <= 127/64 (S_w = 2^-6, quantized
exactly) and biases multiples of S_x * S_w = 2^-11 (quantized exactly), two
of them beyond int16 (+-40000 * 2^-11) so that the int16 wrap of the bias
is exercised; with uniform int8 operands over K = 64 many int16 partial
sums wrap too. Run from test/e2e/Inputs."""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(23)


def weight(k, n):
    w = rng.integers(-127, 128, size=(k, n)).astype(np.float32) / 64
    w[0, 0] = 127 / 64
    return w


def bias(n, big):
    b = rng.integers(-3000, 3001, size=n).astype(np.float32)
    if big:
        b[1], b[2] = 40000, -40000
    return b / 2048


w1, b1 = weight(64, 32), bias(32, True)
w2, b2 = weight(32, 16), bias(16, False)
x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [8, 64])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [8, 16])
nodes = [helper.make_node("MatMul", ["x", "w1"], ["h0"], name="fc1"),
         helper.make_node("Add", ["h0", "b1"], ["h"], name="fc1_bias"),
         helper.make_node("MatMul", ["h", "w2"], ["y0"], name="fc2"),
         helper.make_node("Add", ["y0", "b2"], ["y"], name="fc2_bias")]
inits = [numpy_helper.from_array(a, n)
         for a, n in ((w1, "w1"), (b1, "b1"), (w2, "w2"), (b2, "b2"))]
model = helper.make_model(helper.make_graph(nodes, "tataa_mlp", [x], [y],
                                            initializer=inits),
                          opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, "tataa-linear.onnx")

cal = rng.integers(-127, 128, size=(8, 8, 64)).astype(np.float32) / 32
cal[:, 0, 0] = 127 / 32
cal[:, 0, 1] = -127 / 32
np.save("tataa-linear-calib/inputs.npy", cal)
np.save("tataa-linear-x.npy",
        rng.integers(-127, 128, size=(8, 64)).astype(np.float32) / 32)
