#!/usr/bin/env python3
"""Inputs and FP32 references of test/e2e/bert-gpt.test.

Fixed token ids (seeded) for the bundled GPT decoder and BERT encoder
(test/models/*_op17.onnx), a key-padding mask with the last five positions
padded, and the references of both models computed by
scripts/models/onnx_numpy_ref.py (numpy, float32, node by node; onnxruntime
is not available offline here). Also the BERT reference without padding, so
the test can show that the mask is applied, and ids for the error and
causality checks.

  /usr/bin/python3 scripts/gen_e2e_bert_gpt.py   (from the repository root)
"""

import os
import sys

import numpy as np
import onnx

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "models"))
import onnx_numpy_ref  # noqa: E402

OUT = "test/e2e/Inputs"


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
    gpt = onnx.load("test/models/gpt_decoder_op17.onnx")
    bert = onnx.load("test/models/bert_encoder_op17.onnx")
    refs = {
        "gpt-ref": onnx_numpy_ref.evaluate(gpt, {"input_ids": gpt_ids})[0],
        "bert-pad-ref": onnx_numpy_ref.evaluate(
            bert, {"input_ids": bert_ids, "padding_mask": pad})[0],
        "bert-nopad-ref": onnx_numpy_ref.evaluate(
            bert, {"input_ids": bert_ids, "padding_mask": nopad})[0],
        "gpt-batch2-ref": onnx_numpy_ref.evaluate(
            gpt, {"input_ids": ids2})[0],
        "bert-batch2-ref": onnx_numpy_ref.evaluate(
            bert, {"input_ids": ids2, "padding_mask": pad2})[0],
    }
    for name, value in refs.items():
        assert np.isfinite(value).all(), name
        np.save(os.path.join(OUT, name + ".npy"), value.astype(np.float32))
        print(name, value.shape)
    return 0


if __name__ == "__main__":
    sys.exit(main())
