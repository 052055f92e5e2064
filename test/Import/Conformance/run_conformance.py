#!/usr/bin/env python3
"""Imports every ONNX backend node test case that only uses ops Tern claims.

A case is *claimed* when every node of its graph is a default-domain op that
`tern-translate --list-onnx-ops` lists. Each claimed case must import and
verify (exit status 0); numerical checks join once the simulator runs them.

TOSA takes shapes, slice bounds, axes and Range bounds as compile-time
attributes, so graph inputs that feed such operands are bound to the case's
test_data_set_0 values (as initializers) before import; every other input
stays a function argument. The runner prints `PASS`/`FAIL` per case and a
`conformance: N/N` summary, and exits non-zero if any claimed case fails.
"""

import argparse
import os
import subprocess
import sys
import tempfile

import onnx
from onnx import numpy_helper  # noqa: F401  (import check: python3-onnx)

# (op type, operand index or None for all) whose inputs must be constants.
CONST_OPERANDS = {
    "Reshape": [1], "Expand": [1], "Slice": [1, 2, 3, 4], "Squeeze": [1],
    "Unsqueeze": [1], "Split": [1], "ReduceSum": [1], "Trilu": [1],
    "ConstantOfShape": [0], "Range": [0, 1, 2], "Clip": [],
    "Dropout": [1, 2], "BatchNormalization": [1, 2, 3, 4],
    # A QDQ model's initializers: QuantizeLinear with a run-time scale or
    # zero point is refused (its rounding runs only in the exact quantizer).
    "QuantizeLinear": [1, 2],
}


# Cases of claimed ops that Tern deliberately does not import, with the
# reason; docs/Importer.md repeats them. They are reported, not counted.
EXCLUDED = {
    "test_cast_FLOAT_to_STRING": "string tensors",
    "test_cast_STRING_to_FLOAT": "string tensors",
    "test_castlike_FLOAT_to_STRING_expanded": "string tensors",
    "test_castlike_STRING_to_FLOAT_expanded": "string tensors",
    "test_castlike_FLOAT_to_STRING": "string tensors",
    "test_castlike_STRING_to_FLOAT": "string tensors",
    "test_identity_opt": "optional type, not a tensor",
    "test_identity_sequence": "sequence type, not a tensor",
    "test_training_dropout": "Dropout in training mode, ratio > 0 (random)",
    "test_training_dropout_default":
        "Dropout in training mode, ratio > 0 (random)",
    "test_training_dropout_default_mask":
        "Dropout in training mode, ratio > 0 (random)",
    "test_training_dropout_mask":
        "Dropout in training mode, ratio > 0 (random)",
}


def bind_constant_inputs(model, case_dir):
    graph = model.graph
    need = set()
    for node in graph.node:
        for idx in CONST_OPERANDS.get(node.op_type, []):
            if idx < len(node.input) and node.input[idx]:
                need.add(node.input[idx])
    init_names = {i.name for i in graph.initializer}
    inputs = [i for i in graph.input if i.name not in init_names]
    data_dir = os.path.join(case_dir, "test_data_set_0")
    keep = []
    for pos, inp in enumerate(inputs):
        if inp.name not in need:
            keep.append(inp)
            continue
        tensor = onnx.TensorProto()
        with open(os.path.join(data_dir, "input_%d.pb" % pos), "rb") as f:
            tensor.ParseFromString(f.read())
        tensor.name = inp.name
        graph.initializer.append(tensor)
    del graph.input[:]
    graph.input.extend(keep)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--translate-tool", required=True)
    parser.add_argument("--cases", default="/usr/share/libonnx-testdata/data/node")
    parser.add_argument("--docs", help="docs/Importer.md: its claimed-op list "
                        "must equal the importer's")
    parser.add_argument("-v", action="store_true", help="print passing cases")
    args = parser.parse_args()

    claimed = set(subprocess.run([args.translate_tool, "--list-onnx-ops"],
                                 check=True, capture_output=True,
                                 text=True).stdout.split())
    if args.docs:
        documented = set()
        with open(args.docs) as f:
            in_list = False
            for line in f:
                if line.startswith("<!-- claimed-ops-begin -->"):
                    in_list = True
                elif line.startswith("<!-- claimed-ops-end -->"):
                    in_list = False
                elif in_list and line.startswith("| `"):
                    documented.add(line.split("`")[1])
        if documented != claimed:
            print("docs/Importer.md claims %s but the importer handles %s" %
                  (sorted(documented - claimed), sorted(claimed - documented)))
            return 1

    cases = sorted(d for d in os.listdir(args.cases)
                   if os.path.isfile(os.path.join(args.cases, d, "model.onnx")))
    passed, failed, excluded = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for case in cases:
            case_dir = os.path.join(args.cases, case)
            model = onnx.load(os.path.join(case_dir, "model.onnx"))
            ops = {(n.domain, n.op_type) for n in model.graph.node}
            if not ops or any(d not in ("", "ai.onnx") or t not in claimed
                              for d, t in ops):
                continue
            if case in EXCLUDED:
                excluded.append(case)
                continue
            bind_constant_inputs(model, case_dir)
            path = os.path.join(tmp, case + ".onnx")
            onnx.save(model, path)
            proc = subprocess.run([args.translate_tool, "--import-onnx", path,
                                   "-o", os.devnull],
                                  capture_output=True, text=True)
            if proc.returncode == 0:
                passed.append(case)
                if args.v:
                    print("PASS", case)
            else:
                failed.append(case)
                print("FAIL", case)
                print("  " + proc.stderr.strip().replace("\n", "\n  "))
    total = len(passed) + len(failed)
    print("conformance: %d/%d claimed ONNX node test cases import and verify"
          " (%d excluded, see docs/Importer.md)"
          % (len(passed), total, len(excluded)))
    return 1 if failed or total == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
