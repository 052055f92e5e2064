#!/usr/bin/env python3
"""Regenerates the small binary ONNX inputs of the importer's lit tests.

  small.onnx              a valid 2-node model (truncated copies are made at
                          test time)
  external.onnx/.bin      a model whose weight lives in an external-data file
  external_missing.onnx   the same model, pointing at a file that is absent
  external_escape.onnx    ... at '../Inputs/external.bin' (outside the model's
                          directory: refused)
  external_absolute.onnx  ... at '/etc/hostname' (absolute: refused)
  external_offset.onnx    ... with offset 'x12' (not a number: refused)
  external_overflow.onnx  ... with offset 2^64-1 (past the file: refused)
  external_dir.onnx       ... at '.' (a directory, not a regular file)

Run from this directory with Debian's python3 (python3-onnx).
"""

import numpy as np
import onnx
from onnx import helper, numpy_helper, TensorProto


def model_with_weight(weight):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 16])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 32])
    nodes = [helper.make_node("MatMul", ["x", "w"], ["mm"], name="/fc/MatMul"),
             helper.make_node("Relu", ["mm"], ["y"], name="/act/Relu")]
    graph = helper.make_graph(nodes, "g", [x], [y], [weight])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    return model


w = numpy_helper.from_array(
    np.arange(16 * 32, dtype=np.float32).reshape(16, 32) / 512.0, "w")
onnx.save(model_with_weight(w), "small.onnx")

ext = onnx.TensorProto()
ext.CopyFrom(w)
with open("external.bin", "wb") as f:
    f.write(ext.raw_data)
ext.ClearField("raw_data")
ext.data_location = TensorProto.EXTERNAL
for key, value in (("location", "external.bin"), ("offset", "0"),
                   ("length", str(16 * 32 * 4))):
    entry = ext.external_data.add()
    entry.key, entry.value = key, value
onnx.save(model_with_weight(ext), "external.onnx")

ext.external_data[0].value = "missing.bin"
onnx.save(model_with_weight(ext), "external_missing.onnx")

ext.external_data[0].value = "../Inputs/external.bin"
onnx.save(model_with_weight(ext), "external_escape.onnx")

ext.external_data[0].value = "/etc/hostname"
onnx.save(model_with_weight(ext), "external_absolute.onnx")

ext.external_data[0].value = "external.bin"
ext.external_data[1].value = "x12"
onnx.save(model_with_weight(ext), "external_offset.onnx")

ext.external_data[1].value = str(2**64 - 1)
onnx.save(model_with_weight(ext), "external_overflow.onnx")

ext.external_data[1].value = "0"
ext.external_data[0].value = "."
onnx.save(model_with_weight(ext), "external_dir.onnx")
