#!/usr/bin/env python3
"""FP32 reference outputs of an ONNX graph, evaluated node by node in numpy.

  onnx_numpy_ref.py MODEL.onnx OUT.npy NAME=INPUT.npy [NAME=INPUT.npy ...]

A second FP32 reference, written independently of onnxruntime: it
cross-checks the onnxruntime references of test/e2e/bert-gpt.test (made by
scripts/gen_e2e_bert_gpt.py with scripts/zoo/ort/run_graph.js) in the
generator and in the test itself, where npm is not needed. It follows the ONNX operator definitions (opsets 13-17) for
the operators the bundled BERT / GPT exports use, in float32 like
onnxruntime's CPU kernels; an operator it does not know is an error, never
skipped. Writes the graph's first output. scripts/check_lora_merge.py uses
its evaluate() for the merged LoRA models.
"""

import math
import sys

import numpy as np
import onnx
from onnx import numpy_helper

_erf = np.vectorize(math.erf, otypes=[np.float64])


def attrs(node):
    return {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}


def run_node(node, x, a):
    op = node.op_type
    if op == "Constant":
        return [numpy_helper.to_array(a["value"])]
    if op == "Identity":
        return [x[0]]
    if op in ("Add", "Sub", "Mul", "Div"):
        f = {"Add": np.add, "Sub": np.subtract, "Mul": np.multiply,
             "Div": np.divide}[op]
        r = f(x[0], x[1])
        if np.issubdtype(x[0].dtype, np.integer) and op == "Div":
            r = np.trunc(r).astype(x[0].dtype)
        return [r.astype(np.result_type(x[0], x[1]))]
    if op == "Equal":
        return [np.equal(x[0], x[1])]
    if op == "Where":
        return [np.where(x[0], x[1], x[2])]
    if op == "Shape":
        dims = x[0].shape[a.get("start", 0):a.get("end", None)]
        return [np.array(dims, dtype=np.int64)]
    if op == "Gather":
        return [np.take(x[0], x[1].astype(np.int64), axis=a.get("axis", 0))]
    if op == "Unsqueeze":
        r = x[0]
        axes = x[1] if len(x) > 1 else a["axes"]
        for ax in sorted(int(v) for v in axes):
            r = np.expand_dims(r, ax if ax >= 0 else ax + r.ndim + 1)
        return [r]
    if op == "Concat":
        return [np.concatenate(x, axis=a["axis"])]
    if op == "Reshape":
        shape = [int(v) for v in x[1]]
        shape = [x[0].shape[i] if s == 0 and not a.get("allowzero", 0) else s
                 for i, s in enumerate(shape)]
        return [x[0].reshape(shape)]
    if op == "Transpose":
        return [np.transpose(x[0], a.get("perm"))]
    if op == "MatMul":
        return [np.matmul(x[0], x[1]).astype(np.float32)]
    if op == "Gemm":
        A = x[0].T if a.get("transA", 0) else x[0]
        B = x[1].T if a.get("transB", 0) else x[1]
        r = a.get("alpha", 1.0) * (A @ B)
        if len(x) > 2:
            r = r + a.get("beta", 1.0) * x[2]
        return [r.astype(np.float32)]
    if op == "Cast":
        to = onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]]
        return [x[0].astype(to)]
    if op == "Slice":
        data, starts, ends = x[0], x[1], x[2]
        axes = x[3] if len(x) > 3 and x[3] is not None else range(len(starts))
        steps = x[4] if len(x) > 4 and x[4] is not None else [1] * len(starts)
        sl = [slice(None)] * data.ndim
        for s, e, ax, st in zip(starts, ends, axes, steps):
            ax = int(ax) % data.ndim
            dim = data.shape[ax]
            s, e, st = int(s), int(e), int(st)
            s = max(min(s + dim if s < 0 else s, dim), 0)
            e = max(min(e + dim if e < 0 else e, dim), -1 if st < 0 else 0)
            sl[ax] = slice(s, e, st)
        return [data[tuple(sl)]]
    if op == "ConstantOfShape":
        v = numpy_helper.to_array(a["value"]) if "value" in a else \
            np.zeros(1, np.float32)
        return [np.full([int(d) for d in x[0]], v.reshape(-1)[0], v.dtype)]
    if op == "Expand":
        shape = np.broadcast_shapes(x[0].shape, tuple(int(d) for d in x[1]))
        return [np.broadcast_to(x[0], shape).copy()]
    if op == "Range":
        return [np.arange(x[0], x[1], x[2]).astype(x[0].dtype)]
    if op == "Softmax":
        ax = a.get("axis", -1)
        m = np.max(x[0], axis=ax, keepdims=True)
        e = np.exp(x[0] - m)
        return [(e / np.sum(e, axis=ax, keepdims=True)).astype(np.float32)]
    if op == "LayerNormalization":
        ax = a.get("axis", -1)
        axes = tuple(range(ax % x[0].ndim, x[0].ndim))
        mean = x[0].mean(axis=axes, keepdims=True)
        var = ((x[0] - mean) ** 2).mean(axis=axes, keepdims=True)
        inv = 1 / np.sqrt(var + a.get("epsilon", 1e-5))
        r = (x[0] - mean) * inv * x[1]
        if len(x) > 2 and x[2] is not None:
            r = r + x[2]
        return [r.astype(x[0].dtype), mean.astype(np.float32),
                inv.astype(np.float32)]
    if op == "Erf":
        return [_erf(x[0]).astype(np.float32)]
    if op == "Tanh":
        return [np.tanh(x[0])]
    if op == "Relu":
        return [np.maximum(x[0], 0).astype(x[0].dtype)]
    if op == "Sqrt":
        return [np.sqrt(x[0])]
    if op == "Pow":
        return [np.power(x[0], x[1]).astype(x[0].dtype)]
    if op == "ReduceMean":
        axes = a.get("axes")
        return [x[0].mean(axis=tuple(axes) if axes else None,
                          keepdims=bool(a.get("keepdims", 1)))]
    if op == "Split":
        ax = a.get("axis", 0)
        sizes = x[1] if len(x) > 1 and x[1] is not None else a.get("split")
        if sizes is None:
            n = len(node.output)
            sizes = [x[0].shape[ax] // n] * n
        idx = np.cumsum([int(s) for s in sizes])[:-1]
        return np.split(x[0], idx, axis=ax)
    raise SystemExit("onnx_numpy_ref: unsupported operator %s (node %s)" %
                     (op, node.name))


def evaluate(model, feeds):
    g = model.graph
    env = {t.name: numpy_helper.to_array(t) for t in g.initializer}
    env.update(feeds)
    for node in g.node:
        ins = [env[n] if n else None for n in node.input]
        outs = run_node(node, ins, attrs(node))
        for name, value in zip(node.output, outs):
            if name:
                env[name] = value
    return [env[o.name] for o in g.output]


def main(argv):
    if len(argv) < 3:
        print(__doc__)
        return 2
    model = onnx.load(argv[0])
    feeds = {}
    for arg in argv[2:]:
        name, path = arg.split("=", 1)
        feeds[name] = np.load(path)
    out = evaluate(model, feeds)[0].astype(np.float32)
    np.save(argv[1], out)
    print("%s: %s %s, finite %s" % (argv[1], out.dtype, out.shape,
                                    bool(np.isfinite(out).all())))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
