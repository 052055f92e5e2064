#!/usr/bin/env python3
"""Inputs and FP32 onnxruntime references of test/e2e/bert-gpt.test.

Fixed token ids (seeded) for the bundled GPT decoder and BERT encoder
(test/models/*_op17.onnx), a key-padding mask with the last five positions
padded, and the references of both models: onnxruntime (CPU, FP32, graph
optimizations off, one thread) through scripts/zoo/ort/run_graph.js, written
as test/e2e/Inputs/*-ort.npy. Each is cross-checked here against
scripts/models/onnx_numpy_ref.py (numpy, float32, node by node, written
independently of onnxruntime): the script stops if they differ by a relative
L2 error of 1e-5 or more (measured: about 2e-7). Also the BERT reference
without padding, so the test can show that the mask is applied, and ids for
the error and causality checks.

Needs onnxruntime-node (the tests do not: the references are committed):

  (cd scripts/zoo/ort && ONNXRUNTIME_NODE_INSTALL=skip npm ci)
  /usr/bin/python3 scripts/gen_e2e_bert_gpt.py   (from the repository root)
"""

import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import onnx

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "models"))
import onnx_numpy_ref  # noqa: E402

OUT = "test/e2e/Inputs"
RUN_GRAPH = "scripts/zoo/ort/run_graph.js"
# numpy evaluator vs onnxruntime, both FP32: they differ only by summation
# order (measured about 2e-7).
CROSS_CHECK_REL_L2 = 1e-5


def ort_output(model, feeds):
    """Runs MODEL on FEEDS (name -> array) with onnxruntime; returns the
    first output and the onnxruntime version."""
    with tempfile.TemporaryDirectory() as tmp:
        args = []
        for name, value in feeds.items():
            path = os.path.join(tmp, name + ".npy")
            np.save(path, value)
            args.append("%s=%s" % (name, path))
        out = subprocess.run(["node", RUN_GRAPH, model, tmp] + args,
                             check=True, capture_output=True, text=True)
        info = json.loads(out.stdout.strip().splitlines()[-1])
        first = next(iter(info["outputs"]))
        return np.load(os.path.join(tmp, first + ".npy")), info["onnxruntime"]


def main():
    rng = np.random.default_rng(5)
    gpt_ids = rng.integers(0, 100, (1, 16)).astype(np.int64)
    bert_ids = rng.integers(0, 100, (1, 16)).astype(np.int64)
    pad = np.zeros((1, 16), dtype=bool)
    pad[0, 11:] = True
    nopad = np.zeros((1, 16), dtype=bool)
    # Bad and probing ids: one id past the 100-token vocabulary, one past
    # int32, and the last token changed (for the causality check).
    oob = gpt_ids.copy()
    oob[0, 9] = 100
    wide = gpt_ids.copy()
    wide[0, 3] = 2**31
    last = gpt_ids.copy()
    last[0, 15] = (last[0, 15] + 1) % 100
    files = {"gpt-ids": gpt_ids, "bert-ids": bert_ids, "bert-pad": pad,
             "bert-nopad": nopad, "gpt-ids-oob": oob, "gpt-ids-i64": wide,
             "gpt-ids-last": last}
    # A batch of two 32-token sequences (GPT's context length), padded
    # differently (after 20 and after 30 tokens).
    ids2 = np.random.default_rng(9).integers(0, 100, (2, 32)).astype(np.int64)
    pad2 = np.zeros((2, 32), dtype=bool)
    pad2[0, 20:] = True
    pad2[1, 30:] = True
    files.update({"batch2-ids": ids2, "batch2-pad": pad2})
    for name, value in files.items():
        np.save(os.path.join(OUT, name + ".npy"), value)
    models = {"gpt": "test/models/gpt_decoder_op17.onnx",
              "bert": "test/models/bert_encoder_op17.onnx"}
    cases = {
        "gpt-ort": ("gpt", {"input_ids": gpt_ids}),
        "bert-pad-ort": ("bert", {"input_ids": bert_ids, "padding_mask": pad}),
        "bert-nopad-ort": ("bert", {"input_ids": bert_ids,
                                    "padding_mask": nopad}),
        "gpt-batch2-ort": ("gpt", {"input_ids": ids2}),
        "bert-batch2-ort": ("bert", {"input_ids": ids2, "padding_mask": pad2}),
    }
    loaded = {k: onnx.load(v) for k, v in models.items()}
    for name, (model, feeds) in cases.items():
        ref, version = ort_output(models[model], feeds)
        assert ref.dtype == np.float32 and np.isfinite(ref).all(), name
        num = onnx_numpy_ref.evaluate(loaded[model], feeds)[0]
        rel = (np.linalg.norm(num.astype(np.float64) - ref) /
               np.linalg.norm(ref.astype(np.float64)))
        if not rel < CROSS_CHECK_REL_L2:
            raise SystemExit("%s: onnxruntime and the numpy evaluator differ "
                             "(relative L2 %.3e)" % (name, rel))
        np.save(os.path.join(OUT, name + ".npy"), ref)
        print("%s %s onnxruntime %s, numpy evaluator rel. L2 %.1e" %
              (name, ref.shape, version, rel))
    return 0


if __name__ == "__main__":
    sys.exit(main())
