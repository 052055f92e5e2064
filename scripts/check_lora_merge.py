#!/usr/bin/python3
"""Independent check of `tern train --merged-onnx` (docs/FineTuning.md).

    check_lora_merge.py ORIG.onnx MERGED.onnx --adapters DIR --scale S
        --pair LAYER=INITIALIZER[:T] ... [--input NAME=x.npy --output y.npy]

1. For every --pair, the merged initializer equals W + S * A @ B recomputed
   here in float64 from DIR/LAYER_lora_a.npy and DIR/LAYER_lora_b.npy (the
   adapters `tern train --output-dir` wrote), transposed when the pair ends
   in ':T' (a Gemm with transB = 1), within float32 rounding; the update is
   not negligible (so the check fails if nothing was merged).
2. Every other initializer is bit-identical, and the nodes, inputs and
   outputs are unchanged.
3. With --input/--output: runs the merged model with the numpy ONNX
   interpreter of scripts/models/onnx_numpy_ref.py (FP32, independent of
   Tern and onnxruntime) and writes its first output, for comparing with
   `tern run`.

Exits 1 with a message on the first failure.
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "models"))
from onnx_numpy_ref import evaluate  # noqa: E402


def fail(msg):
    print("check_lora_merge: " + msg)
    sys.exit(1)


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("original")
    ap.add_argument("merged")
    ap.add_argument("--adapters", required=True)
    ap.add_argument("--scale", type=float, required=True)
    ap.add_argument("--pair", action="append", default=[])
    ap.add_argument("--input", action="append", default=[])
    ap.add_argument("--output")
    args = ap.parse_args()

    orig, merged = onnx.load(args.original), onnx.load(args.merged)
    o = {i.name: i for i in orig.graph.initializer}
    m = {i.name: i for i in merged.graph.initializer}
    if sorted(o) != sorted(m):
        fail("the initializer names differ")
    for what in ("node", "input", "output"):
        if list(getattr(orig.graph, what)) != list(getattr(merged.graph, what)):
            fail(f"the graph's {what}s differ")

    changed = set()
    for pair in args.pair:
        layer, init = pair.split("=", 1)
        transposed = init.endswith(":T")
        init = init[:-2] if transposed else init
        a = np.load(os.path.join(args.adapters, layer + "_lora_a.npy")).astype(np.float64)
        b = np.load(os.path.join(args.adapters, layer + "_lora_b.npy")).astype(np.float64)
        delta = args.scale * (a @ b)
        if transposed:
            delta = delta.T
        w = numpy_helper.to_array(o[init]).astype(np.float64)
        want = (w + delta).astype(np.float32)
        got = numpy_helper.to_array(m[init])
        if got.dtype != np.float32 or got.shape != want.shape:
            fail(f"{init}: merged is {got.dtype} {got.shape}, expected "
                 f"float32 {want.shape}")
        err = np.abs(got.astype(np.float64) - want).max()
        tol = 2 * np.finfo(np.float32).eps * max(np.abs(want).max(), 1e-30)
        if err > tol:
            fail(f"{init}: max |merged - (W + {args.scale} A B)| = {err:.3g} "
                 f"> {tol:.3g}")
        if np.abs(delta).max() < 1e-4 * np.abs(w).max():
            fail(f"{init}: the adapter update is negligible "
                 f"(max {np.abs(delta).max():.3g}); the check would not see "
                 "a missing merge")
        print(f"{init} == W + {args.scale:g} A B of {layer} "
              f"(max error {err:.2g}, max update {np.abs(delta).max():.3g})")
        changed.add(init)
    for name in o:
        if name not in changed and \
                o[name].SerializeToString() != m[name].SerializeToString():
            fail(f"{name} changed but belongs to no --pair")

    if args.output:
        feeds = {}
        for spec in args.input:
            name, path = spec.split("=", 1)
            feeds[name] = np.load(path).astype(np.float32)
        y = evaluate(merged, feeds)[0]
        np.save(args.output, y.astype(np.float32))
    print("check_lora_merge: ok")


if __name__ == "__main__":
    main()
