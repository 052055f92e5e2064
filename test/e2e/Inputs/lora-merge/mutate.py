#!/usr/bin/python3
"""Writes a broken variant of the LoRA block (test/e2e/Inputs/lora/block.onnx)
for the error cases of e2e/lora-merge-errors.test. The adapters of the
train step are q_Add (node /q/Add, weight onnx::MatMul_64) and v_Add.

    mutate.py IN.onnx OUT.onnx KIND

KIND: shape (q's weight [16, 32]), ambiguous (/k/Add renamed /q.Add),
relu (/Relu renamed /q/Add), add (the residual /Add renamed /q/Add),
constant (q's weight from a Constant node), f16 (q's weight float16),
external (q's weight marked as external data), shared (/k/MatMul also reads
q's weight).
"""
import sys

import numpy as np
import onnx
from onnx import helper, numpy_helper

model = onnx.load(sys.argv[1])
g = model.graph
kind = sys.argv[3]
nodes = {n.name: n for n in g.node}
inits = {i.name: i for i in g.initializer}
w = inits["onnx::MatMul_64"]
if kind == "shape":
    w.CopyFrom(numpy_helper.from_array(np.zeros((16, 32), np.float32), w.name))
elif kind == "ambiguous":
    nodes["/k/Add"].name = "/q.Add"
elif kind in ("relu", "add"):
    nodes["/q/Add"].name = "/q/Add_renamed"
    nodes["/Relu" if kind == "relu" else "/Add"].name = "/q/Add"
elif kind == "constant":
    value = numpy_helper.to_array(w)
    g.initializer.remove(w)
    g.node.insert(0, helper.make_node(
        "Constant", [], ["onnx::MatMul_64"], name="/q/W",
        value=numpy_helper.from_array(value)))
elif kind == "f16":
    w.CopyFrom(numpy_helper.from_array(
        numpy_helper.to_array(w).astype(np.float16), w.name))
elif kind == "external":
    w.data_location = onnx.TensorProto.EXTERNAL
    w.ClearField("raw_data")
    entry = w.external_data.add()
    entry.key, entry.value = "location", "weights.bin"
elif kind == "shared":
    nodes["/k/MatMul"].input[1] = "onnx::MatMul_64"
else:
    sys.exit(f"unknown kind {kind}")
with open(sys.argv[2], "wb") as f:  # onnx.save would write external data
    f.write(model.SerializeToString())
