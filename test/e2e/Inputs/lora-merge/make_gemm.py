#!/usr/bin/python3
"""Writes the Gemm model of e2e/lora-merge.test (deterministic):
x [4, 16] -> Gemm "enc/Gemm" (w1 [8, 16], transB = 1, alpha = 0.5, bias b1)
-> Relu -> an unnamed Gemm (w2 [8, 16], no bias; the importer names it after
its output, "y") -> y [4, 16]; and one train sample: inputs and labels
[1, 4, 16], and the input alone [4, 16] for `tern run`.

    make_gemm.py OUT.onnx INPUTS.npy LABELS.npy X.npy
"""
import sys

import numpy as np
import onnx
from onnx import helper as h
from onnx import numpy_helper as nh

r = np.random.default_rng(3)
w1 = r.normal(0, 0.3, (8, 16)).astype(np.float32)
b1 = r.normal(0, 0.1, (8,)).astype(np.float32)
w2 = r.normal(0, 0.3, (8, 16)).astype(np.float32)
graph = h.make_graph(
    [h.make_node("Gemm", ["x", "w1", "b1"], ["h"], name="enc/Gemm", transB=1,
                 alpha=0.5),
     h.make_node("Relu", ["h"], ["hr"], name="relu"),
     h.make_node("Gemm", ["hr", "w2"], ["y"])],
    "gemm", [h.make_tensor_value_info("x", 1, [4, 16])],
    [h.make_tensor_value_info("y", 1, [4, 16])],
    [nh.from_array(w1, "w1"), nh.from_array(b1, "b1"), nh.from_array(w2, "w2")])
model = h.make_model(graph, opset_imports=[h.make_opsetid("", 17)])
model.ir_version = 8
onnx.checker.check_model(model)
onnx.save(model, sys.argv[1])
x = r.normal(0, 1, (1, 4, 16)).astype(np.float32)
np.save(sys.argv[2], x)
np.save(sys.argv[3], r.normal(0, 1, (1, 4, 16)).astype(np.float32))
np.save(sys.argv[4], x[0])
