"""Checks test/e2e/reciprocal.test's outputs bit for bit (see there)."""
import sys

import numpy as np


def bf16(a):
    """float32 values rounded to bf16 (nearest, ties to even), as float32."""
    b = np.asarray(a, np.float32).view(np.uint32).astype(np.uint64)
    r = ((b + 0x7FFF + ((b >> 16) & 1)) >> 16) << 16
    return r.astype(np.uint32).view(np.float32)


t = sys.argv[1]
x = bf16(np.load(t + "/x.npy")).astype(np.float64)
s = bf16(np.load(t + "/s.npy")).astype(np.float64)
r = np.load(t + "/out/r.npy")
q = np.load(t + "/out/q.npy")
want_r = bf16((1 / x).astype(np.float32))
want_q = bf16(np.sqrt(s).astype(np.float32))
rel_r = np.abs(r - 1 / x) * np.abs(x)
nz = s > 0
rel_q = np.abs(q - np.sqrt(s))[nz] / np.sqrt(s[nz])
print("1/x: %d of %d differ, max rel %.3e; sqrt: %d differ, max rel %.3e" % (
    np.sum(r != want_r), r.size, rel_r.max(), np.sum(q != want_q),
    rel_q.max()))
assert np.array_equal(r, want_r) and np.array_equal(q, want_q)
assert rel_r.max() <= 2.0 ** -8 and rel_q.max() <= 2.0 ** -8
assert np.all(q[~nz] == 0)
