#!/usr/bin/python3
"""Which graph inputs of an ONNX node test are bound to constants.

  node_bindings.py [DATA_DIR]     prints `<case> [name=<input_N.pb> ...]`,
                                  a line per case of DATA_DIR

The node tests pass operands that the importer needs as constants (a
Reshape's shape, a Slice's starts, a Clip's bounds, ...) as graph inputs,
where a real model has initializers. The conformance scripts
(node_conformance.py, conformance_refusals.py, bench/fuzz/compile_sweep.sh)
compile each case with `tern compile --bind-input NAME=input_N.pb` for
exactly those inputs; all other inputs (the data) stay run-time inputs.

The rule (docs/Conformance.md): a graph input is bound when it is used,
and every use of it is one of the operand positions in CONST_OPERANDS.
"""

import os
import sys

import onnx

DATA = "/usr/share/libonnx-testdata/data/node"

# Operand positions whose value the importer needs at import time.
CONST_OPERANDS = {
    "Reshape": {1},                 # shape
    "Expand": {1},                  # shape
    "Tile": {1},                    # repeats
    "Slice": {1, 2, 3, 4},          # starts, ends, axes, steps
    "Squeeze": {1},                 # axes
    "Unsqueeze": {1},               # axes
    "Split": {1},                   # split
    "ReduceSum": {1},               # axes
    "ReduceMean": {1},              # axes (opset 18)
    "ReduceMax": {1},               # axes (opset 18)
    "ReduceMin": {1},               # axes (opset 18)
    "Trilu": {1},                   # k
    "Pad": {1, 3},                  # pads, axes
    "Clip": {1, 2},                 # min, max
    "ConstantOfShape": {0},         # shape
    "Range": {0, 1, 2},             # start, limit, delta
    "Dropout": {1, 2},              # ratio, training_mode
    "BatchNormalization": {1, 2, 3, 4},  # scale, B, mean, var (inference)
}


def bound_inputs(case_dir, model=None):
    """[(input name, path of its test_data_set_0/input_N.pb)] to bind."""
    if model is None:
        model = onnx.load(os.path.join(case_dir, "model.onnx"))
    graph = model.graph
    uses = {}
    for node in graph.node:
        for pos, name in enumerate(node.input):
            if name:
                ok = pos in CONST_OPERANDS.get(node.op_type, ())
                uses.setdefault(name, []).append(ok)
    inits = {i.name for i in graph.initializer}
    inputs = [i.name for i in graph.input if i.name not in inits]
    data = os.path.join(case_dir, "test_data_set_0")
    out = []
    for n, name in enumerate(inputs):
        u = uses.get(name, [])
        path = os.path.join(data, "input_%d.pb" % n)
        if u and all(u) and os.path.isfile(path):
            out.append((name, path))
    return out


def bind_args(case_dir, model=None):
    """`tern compile` arguments binding the case's constant operands."""
    args = []
    for name, path in bound_inputs(case_dir, model):
        args += ["--bind-input", "%s=%s" % (name, path)]
    return args


def main():
    data = sys.argv[1] if len(sys.argv) > 1 else DATA
    for case in sorted(os.listdir(data)):
        d = os.path.join(data, case)
        if not os.path.isfile(os.path.join(d, "model.onnx")):
            continue
        try:
            b = bound_inputs(d)
        except Exception:  # an unreadable model: compiled unbound
            b = []
        print(" ".join([case] + ["%s=%s" % nb for nb in b]))


if __name__ == "__main__":
    main()
