#!/usr/bin/python3
"""Compares an output tensor with a reference: relative L2 error and max
absolute error against bounds; exits 1 (printing both) when out of bounds.

    compare_npy.py OUT.npy REF.npy [--rel-l2 1e-2] [--max-abs X] [--argmax]
"""
import argparse
import sys

import numpy as np

ap = argparse.ArgumentParser()
ap.add_argument("out")
ap.add_argument("ref")
ap.add_argument("--rel-l2", type=float, default=1e-2)
ap.add_argument("--max-abs", type=float, default=None)
ap.add_argument("--argmax", action="store_true",
                help="also require identical argmax along the last axis")
a = ap.parse_args()
out = np.load(a.out).astype(np.float64)
ref = np.load(a.ref).astype(np.float64)
if out.shape != ref.shape:
    print(f"shape mismatch: {out.shape} vs reference {ref.shape}")
    sys.exit(1)
rel = np.linalg.norm(out - ref) / max(np.linalg.norm(ref), 1e-30)
mx = np.abs(out - ref).max()
ok = rel < a.rel_l2 and (a.max_abs is None or mx <= a.max_abs)
if a.argmax:
    same = (out.argmax(-1) == ref.argmax(-1)).mean()
    ok = ok and same == 1.0
    print(f"argmax agreement {same:.4f}")
print(f"relative L2 error {rel:.3e} (bound {a.rel_l2:g}), max abs error {mx:.3e}")
sys.exit(0 if ok else 1)
