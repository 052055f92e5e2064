"""Writes the inputs of test/e2e/integer-only-kernels.test: a one-op ONNX
model (Softmax over 16 columns), 8 calibration samples spanning exactly
[-127/32, 127/32] (so the int8 input scale is 2^-5) and a fixed input of
multiples of 1/32 (quantized exactly). Run from test/e2e/Inputs."""
import numpy as np
import onnx
from onnx import TensorProto, helper

x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 16])
y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [4, 16])
node = helper.make_node("Softmax", ["x"], ["y"], axis=-1, name="softmax")
model = helper.make_model(helper.make_graph([node], "softmax", [x], [y]),
                          opset_imports=[helper.make_opsetid("", 13)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, "ibert-softmax.onnx")
rng = np.random.default_rng(7)
cal = rng.integers(-127, 128, size=(8, 4, 16)).astype(np.float32) / 32
cal[:, 0, 0] = 127 / 32
cal[:, 0, 1] = -127 / 32
np.save("ibert-softmax-calib/inputs.npy", cal)
np.save("ibert-softmax-x.npy",
        rng.integers(-127, 128, size=(4, 16)).astype(np.float32) / 32)
