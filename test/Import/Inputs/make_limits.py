#!/usr/bin/env python3
"""Writes the absurd models of test/Import/limits.test into a directory.

They are generated at test time, not committed: the million-node model alone
is 26 MB. Usage: make_limits.py OUTDIR (Debian's python3-onnx).

  huge_input.onnx     input of 2^20 x 2^20 floats (4 TiB)
  negative_dim.onnx   input with dimension -3
  huge_init.onnx      initializer declaring 2^20 x 2^20 floats, 8 bytes
  expand.onnx         Expand of one float to 2^21 x 2^21 (a shape operator
                      asking for 16 TiB)
  dynamic.onnx        input with a dynamic first dimension
  cyclic.onnx         Add -> Relu -> back into the Add
  million.onnx        10^6 Relu nodes in a chain
  deep.onnx           20000 Softmax nodes in a chain (imported and compiled)
"""

import os
import sys

import onnx
from onnx import TensorProto, helper


def model(nodes, inputs, outputs, initializers=()):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(initializers))
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    m.ir_version = 8
    return m


def chain(n, op, shape):
    # Built on the protobuf directly: helper.make_node is too slow for 10^6.
    m = onnx.ModelProto()
    m.ir_version = 8
    opset = m.opset_import.add()
    opset.domain, opset.version = "", 17
    g = m.graph
    g.name = "g"
    g.input.append(helper.make_tensor_value_info("v0", TensorProto.FLOAT, shape))
    for i in range(n):
        node = g.node.add()
        node.op_type, node.name = op, "/n%d/%s" % (i, op)
        node.input.append("v%d" % i)
        node.output.append("v%d" % (i + 1))
    g.output.append(
        helper.make_tensor_value_info("v%d" % n, TensorProto.FLOAT, shape))
    return m


def main(out):
    os.makedirs(out, exist_ok=True)

    def save(m, name):
        with open(os.path.join(out, name), "wb") as f:
            f.write(m.SerializeToString())

    vi = helper.make_tensor_value_info
    big = [1 << 20, 1 << 20]
    save(model([helper.make_node("Relu", ["x"], ["y"], name="/r/Relu")],
               [vi("x", TensorProto.FLOAT, big)],
               [vi("y", TensorProto.FLOAT, big)]), "huge_input.onnx")

    m = model([helper.make_node("Relu", ["x"], ["y"], name="/r/Relu")],
              [vi("x", TensorProto.FLOAT, [2])], [vi("y", TensorProto.FLOAT, [2])])
    m.graph.input[0].type.tensor_type.shape.dim[0].dim_value = -3
    m.graph.output[0].type.tensor_type.shape.dim[0].dim_value = -3
    save(m, "negative_dim.onnx")

    w = TensorProto()
    w.name, w.data_type = "w", TensorProto.FLOAT
    w.dims.extend(big)
    w.raw_data = bytes(8)  # a payload, so that libonnx's checker passes
    save(model([helper.make_node("Add", ["x", "w"], ["y"], name="/a/Add")],
               [vi("x", TensorProto.FLOAT, big[1:])],
               [vi("y", TensorProto.FLOAT, big)], [w]), "huge_init.onnx")

    shape = helper.make_tensor("s", TensorProto.INT64, [2], [1 << 21, 1 << 21])
    save(model([helper.make_node("Expand", ["x", "s"], ["y"], name="/e/Expand")],
               [vi("x", TensorProto.FLOAT, [1])],
               [vi("y", TensorProto.FLOAT, [1 << 21, 1 << 21])], [shape]),
         "expand.onnx")

    save(model([helper.make_node("Relu", ["x"], ["y"], name="/r/Relu")],
               [vi("x", TensorProto.FLOAT, ["n", 4])],
               [vi("y", TensorProto.FLOAT, ["n", 4])]), "dynamic.onnx")

    save(model([helper.make_node("Add", ["x", "b"], ["a"], name="/c/Add"),
                helper.make_node("Relu", ["a"], ["b"], name="/c/Relu"),
                helper.make_node("Identity", ["b"], ["y"], name="/c/Identity")],
               [vi("x", TensorProto.FLOAT, [2])],
               [vi("y", TensorProto.FLOAT, [2])]), "cyclic.onnx")

    save(chain(1000000, "Relu", [2]), "million.onnx")
    save(chain(20000, "Softmax", [4, 8]), "deep.onnx")


if __name__ == "__main__":
    main(sys.argv[1])
