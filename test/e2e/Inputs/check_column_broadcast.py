"""Expected outputs of Inputs/column-broadcast.mlir in numpy (float64 on the
bf16 inputs, one round-to-nearest-even to bf16), compared bit for bit with
the simulator's; test/e2e/column-broadcast.test."""
import sys

import numpy as np


def bf16(v):
    """float64 -> nearest-even bf16, as float32 (inputs here are exact in
    float32, so rounding through float32 first rounds once)."""
    bits = np.asarray(v, np.float32).view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) >> 16 << 16
    return bits.astype(np.uint32).view(np.float32)


d = sys.argv[1]
x, m, s, b, g = (np.load(f"{d}/{n}.npy").astype(np.float64)
                 for n in ("x", "m", "s", "b", "g"))
expected = {"sub": x - m, "rsub": m - x, "scale": s * x, "bias": x + b,
            "max": np.maximum(x, g), "min": np.minimum(m, x)}
bad = 0
for name, want in expected.items():
    got = np.load(f"{d}/out/{name}.npy").astype(np.float32)
    diff = int(np.count_nonzero(got != bf16(want)))
    print(f"{name}: " + ("exact" if diff == 0 else f"{diff} elements differ"))
    bad += diff
sys.exit(1 if bad else 0)
