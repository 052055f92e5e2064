#!/usr/bin/python3
"""Independent numpy references for the test/Runtime lit tests.

usage: check.py <test> <output-dir>   (exits non-zero on any mismatch)
"""
import os
import sys

import numpy as np

D = os.path.dirname(os.path.abspath(__file__))


def load(name):
    return np.load(os.path.join(D, name))


def expect_equal(what, got, want):
    if got.shape != want.shape or got.dtype != want.dtype:
        sys.exit(f"{what}: got {got.dtype}{list(got.shape)}, "
                 f"want {want.dtype}{list(want.shape)}")
    if not np.array_equal(got, want):
        bad = np.argwhere(got != want)[0]
        sys.exit(f"{what}: mismatch at {tuple(bad)}: got {got[tuple(bad)]}, "
                 f"want {want[tuple(bad)]}")
    print(f"{what}: OK ({got.size} values)")


def rq_ibert(acc, mult, shift):
    # round half to even of acc * mult / 2^shift, then saturate (I-BERT)
    out = []
    for v in acc.reshape(-1).tolist():
        num, den = v * mult, 2 ** shift
        q, r = divmod(num, den)
        if 2 * r > den or (2 * r == den and q % 2 == 1):
            q += 1
        out.append(max(-128, min(127, q)))
    return np.array(out, dtype=np.int8).reshape(acc.shape)


def gemm(out):
    x, w = load("gemm_x.npy").astype(np.int64), load("gemm_w.npy").astype(np.int64)
    y = (x @ w).astype(np.int32)
    expect_equal("y", np.load(os.path.join(out, "y.npy")), y)
    expect_equal("y8", np.load(os.path.join(out, "y8.npy")),
                 rq_ibert(y.astype(np.int64), 1431655765, 40))


def token(out):
    att = load("tok_att.npy").astype(np.int64)
    h, w = load("tok_h.npy").astype(np.int64), load("tok_w.npy").astype(np.int64)
    scores = np.floor_divide(att.sum(axis=0), att.shape[0])
    cand = sorted(range(1, att.shape[1]), key=lambda j: (-scores[j], j))[:3]
    keep = sorted([0] + cand)
    y = np.zeros((8, 8), dtype=np.int32)
    y[:len(keep)] = (h[keep] @ w).astype(np.int32)
    idx = np.zeros(8, dtype=np.int32)
    idx[:len(keep)] = keep
    expect_equal("kept", np.load(os.path.join(out, "kept.npy")), idx)
    expect_equal("y", np.load(os.path.join(out, "y.npy")), y)


def ffn2(out):
    h, w2 = load("ffn_h.npy").astype(np.int64), load("ffn_w2.npy").astype(np.int64)
    y = (h @ w2).astype(np.int32)
    dense = np.load(os.path.join(out, "y_dense.npy"))
    sparse = np.load(os.path.join(out, "y_sparse.npy"))
    expect_equal("y_dense", dense, y)
    expect_equal("y_sparse", sparse, dense)
    print("skippable rows:", int((~(h != 0).any(axis=0)).sum()))


def vnzmap(out):
    h, w2 = load("ffn_h.npy").astype(np.int64), load("ffn_w2.npy").astype(np.int64)
    for name, thr in (("map", 0), ("map_thr45", 45)):
        live = (np.abs(h) > thr).any(axis=0)
        want = np.packbits(live, bitorder="little")
        expect_equal(name, np.load(os.path.join(out, name + ".npy")), want)
    y = (h @ w2).astype(np.int32)
    expect_equal("y_dense", np.load(os.path.join(out, "y_dense.npy")), y)
    expect_equal("y_sparse", np.load(os.path.join(out, "y_sparse.npy")), y)


if __name__ == "__main__":
    {"gemm": gemm, "token": token, "ffn2": ffn2,
     "vnzmap": vnzmap}[sys.argv[1]](sys.argv[2])
