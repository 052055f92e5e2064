#!/usr/bin/python3
"""Writes the committed .npy inputs of the test/Runtime lit tests.

Deterministic (fixed seed); rerun only when a test's data must change:
    /usr/bin/python3 test/Runtime/Inputs/gen.py
"""
import os

import numpy as np

D = os.path.dirname(os.path.abspath(__file__))
rng = np.random.default_rng(1234)


def save(name, a):
    np.save(os.path.join(D, name), a)


# gemm.s: x [8, 32] int8 input, w [32, 16] int8 constant.
save("gemm_x.npy", rng.integers(-128, 128, size=(8, 32), dtype=np.int8))
save("gemm_w.npy", rng.integers(-128, 128, size=(32, 16), dtype=np.int8))
save("gemm_x_badshape.npy", rng.integers(-128, 128, size=(8, 31), dtype=np.int8))
save("gemm_x_baddtype.npy", rng.standard_normal((8, 32)).astype(np.float32))

# token-prune.s: CLS attention rows of 2 heads over 8 tokens (int8), token
# features h [8, 16] int8 and a projection w [16, 8] int8.
att = rng.integers(0, 100, size=(2, 8), dtype=np.int8)
att[:, 0] = 120  # CLS attends to itself most
save("tok_att.npy", att)
save("tok_h.npy", rng.integers(-64, 64, size=(8, 16), dtype=np.int8))
save("tok_w.npy", rng.integers(-64, 64, size=(16, 8), dtype=np.int8))

# ffn2-bitmap.s: ReLU output h [8, 32] (>= 0) where 13 hidden channels are
# zero in every row of the tile, and W2 [32, 16].
h = rng.integers(0, 50, size=(8, 32), dtype=np.int8)
dead = rng.choice(32, size=13, replace=False)
h[:, dead] = 0
h[h < 8] = 0  # more scattered zeros that do not kill a whole channel
save("ffn_h.npy", h)
save("ffn_w2.npy", rng.integers(-128, 128, size=(32, 16), dtype=np.int8))
alive = (h != 0).any(axis=0)
bitmap = np.packbits(alive.astype(np.uint8), bitorder="little")
save("ffn_bitmap.npy", bitmap.astype(np.uint8))
