"""Checks test/e2e/divide-cast.test's outputs bit for bit (see there)."""
import sys

import numpy as np


def bf16(a):
    """float32 values rounded to bf16 (nearest, ties to even), as float32."""
    b = np.asarray(a, np.float32).view(np.uint32).astype(np.uint64)
    r = ((b + 0x7FFF + ((b >> 16) & 1)) >> 16) << 16
    return r.astype(np.uint32).view(np.float32)


t = sys.argv[1]
x = bf16(np.load(t + "/x.npy")).astype(np.float64)
d = bf16(np.load(t + "/d.npy")).astype(np.float64)
c = bf16(np.load(t + "/c.npy")).astype(np.float64)
i = np.load(t + "/i.npy")
out = {n: np.load("%s/out/%s.npy" % (t, n)) for n in "qptf"}
q = bf16((x / d).astype(np.float32))
p = bf16((x / c).astype(np.float32))
bad_q = int(np.sum(out["q"] != q))
bad_p = int(np.sum(out["p"] != p))
trunc = np.trunc(x).astype(np.int64)
bad_t = int(np.sum(out["t"].astype(np.int64) != trunc))
f = bf16(i.astype(np.float32))  # |i| < 2^24: exact in float32
bad_f = int(np.sum(out["f"] != f))
print("x / d: %d of %d differ; x / c: %d differ; trunc: %d differ; "
      "int -> float: %d differ" % (bad_q, q.size, bad_p, bad_t, bad_f))
assert bad_q == 0 and bad_p == 0 and bad_t == 0 and bad_f == 0
assert np.any(x != np.trunc(x)) and np.any(x < 0)  # truncation is exercised
