# Builds a model of ONNX arithmetic and casts on int8 / uint8 / int16 /
# uint16 tensors (held as int32 by Tern) whose results leave the types'
# ranges, the inputs as .npy files (the float input x holds values exact in
# bf16, the program's float type) and numpy's results (numpy wraps integer
# arithmetic and astype modulo 2^bits, as ONNX's reference does) as
# ref_<output>.npy.
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto as T, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
shape = [2, 5]
inputs = {
    "a": (T.UINT8, np.array([[200, 255, 0, 17, 128], [1, 250, 99, 7, 3]],
                            np.uint8)),
    "b": (T.UINT8, np.array([[100, 1, 0, 17, 128], [255, 10, 3, 2, 200]],
                            np.uint8)),
    "c": (T.INT8, np.array([[100, -128, 127, -1, 5], [-100, 0, 64, -7, 9]],
                           np.int8)),
    "d": (T.INT8, np.array([[-100, 1, -1, 127, 5], [100, -128, -64, 8, -9]],
                           np.int8)),
    "e": (T.INT16, np.array([[300, -300, 32767, -32768, 0],
                             [181, 256, -2, 1000, 7]], np.int16)),
    "f": (T.INT16, np.array([[300, 300, 2, 1, 5], [181, 256, -16384, -33, 0]],
                            np.int16)),
    "g": (T.UINT16, np.array([[65535, 3, 256, 40000, 0],
                              [2, 65535, 1000, 1, 9]], np.uint16)),
    "h": (T.UINT16, np.array([[65535, 5, 256, 2, 7], [32768, 1, 1000, 0, 9]],
                             np.uint16)),
    "x": (T.FLOAT, np.array([[-3.75, 2.875, 127.5, -128.0, 0.5],
                             [-0.5, 100.25, -99.5, 1.0, -1.0]], np.float32)),
    "w": (T.INT32, np.array([[300, -1, 256, 255, -129],
                             [65536 + 7, -200, 128, 1000000, 0]], np.int32)),
    "p": (T.INT32, np.array([[1, 2, 3, -3, 7], [10, 2, -2, 5, 0]], np.int32)),
    "q": (T.INT32, np.array([[4, 5, 6, 5, 0], [9, 31, 3, 13, 0]], np.int32)),
}
nodes = [
    helper.make_node("Add", ["a", "b"], ["add_u8"]),
    helper.make_node("Sub", ["a", "b"], ["sub_u8"]),
    helper.make_node("Sub", ["c", "d"], ["sub_i8"]),
    helper.make_node("Mul", ["e", "f"], ["mul_i16"]),
    helper.make_node("Mul", ["g", "h"], ["mul_u16"]),
    helper.make_node("Add", ["g", "h"], ["add_u16"]),
    helper.make_node("Max", ["a", "one"], ["a_nz"]),
    helper.make_node("Div", ["b", "a_nz"], ["div_u8"]),
    helper.make_node("Cast", ["x"], ["x_i8"], to=T.INT8),
    helper.make_node("Cast", ["w"], ["w_u8"], to=T.UINT8),
    helper.make_node("Cast", ["w"], ["w_i16"], to=T.INT16),
    helper.make_node("Cast", ["e"], ["e_f"], to=T.FLOAT),
    helper.make_node("Cast", ["e"], ["e_bool"], to=T.BOOL),
    helper.make_node("Cast", ["e"], ["e_i8"], to=T.INT8),
    helper.make_node("Clip", ["c", "lo", "hi"], ["clip_i8"]),
    helper.make_node("Pow", ["p", "q"], ["pow_i32"]),
]
consts = [numpy_helper.from_array(np.array(1, np.uint8), "one"),
          numpy_helper.from_array(np.array(-5, np.int8), "lo"),
          numpy_helper.from_array(np.array(7, np.int8), "hi")]
a, b, c, d, e, f, g, h, x, w, p, q = (inputs[k][1] for k in "abcdefghxwpq")


def bf16(v):
    """float32 values rounded to bf16 (nearest, ties to even): the
    program's float type."""
    u = v.astype(np.float32).view(np.uint32)
    u = (u + np.uint32(0x7FFF) + ((u >> 16) & np.uint32(1))) & np.uint32(
        0xFFFF0000)
    return u.view(np.float32)


a_nz = np.maximum(a, np.uint8(1))
with np.errstate(over="ignore"):
    refs = {
        "add_u8": (T.UINT8, a + b),
        "sub_u8": (T.UINT8, a - b),
        "sub_i8": (T.INT8, c - d),
        "mul_i16": (T.INT16, e * f),
        "mul_u16": (T.UINT16, g * h),
        "add_u16": (T.UINT16, g + h),
        # Non-negative operands: floor and truncation agree.
        "div_u8": (T.UINT8, b // a_nz),
        "x_i8": (T.INT8, np.trunc(x).astype(np.int8)),
        "w_u8": (T.UINT8, w.astype(np.uint8)),
        "w_i16": (T.INT16, w.astype(np.int16)),
        # int16 -> float is rounded once to bf16 (32767 -> 32768).
        "e_f": (T.FLOAT, bf16(e.astype(np.float32))),
        "e_bool": (T.BOOL, e != 0),
        "e_i8": (T.INT8, e.astype(np.int8)),
        "clip_i8": (T.INT8, np.clip(c, -5, 7).astype(np.int8)),
        # Exact, wrapping modulo 2^32 (2^31 is INT32_MIN); 0^0 = 1.
        "pow_i32": (T.INT32, np.power(p, q)),
    }
graph = helper.make_graph(
    nodes, "narrow_arith",
    [helper.make_tensor_value_info(k, t, shape) for k, (t, _) in inputs.items()],
    [helper.make_tensor_value_info(k, t, shape) for k, (t, _) in refs.items()],
    initializer=consts)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, os.path.join(out, "model.onnx"))
for k, (_, v) in inputs.items():
    np.save(os.path.join(out, k + ".npy"), v)
for k, (_, v) in refs.items():
    np.save(os.path.join(out, "ref_" + k + ".npy"), v)
