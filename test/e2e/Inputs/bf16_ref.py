"""bf16 rounding for the e2e checks' numpy references, shared by the
scripts that import it (they run from this directory, so `from bf16_ref
import bf16` finds it)."""
import numpy as np


def bf16(a):
    """float32 values rounded to the nearest bf16 (ties to even), as float32:
    what the program holds for a float tensor. NaN stays NaN."""
    a = np.ascontiguousarray(a, dtype=np.float32)
    u = a.view(np.uint32).astype(np.uint64)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16) << 16
    out = r.astype(np.uint32).view(np.float32).copy()
    out[np.isnan(a)] = np.nan
    return out
