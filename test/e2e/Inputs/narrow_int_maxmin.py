# Builds a model with Max over two uint16 inputs and Min over two int8
# inputs (ONNX int8 / uint16 tensors, held as int32 by Tern), plus inputs at
# the types' extremes as TensorProto (.pb) and .npy files.
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

out = sys.argv[1]
os.makedirs(out, exist_ok=True)
nodes = [helper.make_node("Max", ["a", "b"], ["ymax"], name="maxnode"),
         helper.make_node("Min", ["c", "d"], ["ymin"], name="minnode")]
graph = helper.make_graph(
    nodes, "narrow",
    [helper.make_tensor_value_info("a", TensorProto.UINT16, [2, 5]),
     helper.make_tensor_value_info("b", TensorProto.UINT16, [2, 5]),
     helper.make_tensor_value_info("c", TensorProto.INT8, [2, 5]),
     helper.make_tensor_value_info("d", TensorProto.INT8, [2, 5])],
    [helper.make_tensor_value_info("ymax", TensorProto.UINT16, [2, 5]),
     helper.make_tensor_value_info("ymin", TensorProto.INT8, [2, 5])])
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
model.ir_version = 8
onnx.save(model, os.path.join(out, "model.onnx"))
vals = {
    "a": np.array([[0, 65535, 40000, 1, 32768], [7, 0, 65534, 300, 32767]],
                  np.uint16),
    "b": np.array([[1, 65534, 39999, 1, 32767], [8, 65535, 2, 299, 40000]],
                  np.uint16),
    "c": np.array([[-128, 127, -1, 0, 5], [3, -128, 127, -7, -100]], np.int8),
    "d": np.array([[127, -128, 0, -1, 5], [2, -127, 126, -8, 100]], np.int8),
}
for k, v in vals.items():
    with open(os.path.join(out, k + ".pb"), "wb") as f:
        f.write(numpy_helper.from_array(v, k).SerializeToString())
    np.save(os.path.join(out, k + ".npy"), v)
np.save(os.path.join(out, "ref_max.npy"), np.maximum(vals["a"], vals["b"]))
np.save(os.path.join(out, "ref_min.npy"), np.minimum(vals["c"], vals["d"]))
