"""Inputs and numpy check for test/e2e/sfu-fn.test.

`gen DIR` writes a.npy .. e.npy (8 x 64 float32 each): exp over
[-87, 88], tanh over [-10, 10], sigmoid over [-90, 90], erf over [-5, 5]
(half of each uniform, half log-uniform magnitudes 1e-20 .. 1 of either
sign), log log-uniform over 1e-30 .. 1e30; plus special values (0, -0,
+-inf, NaN, overflow, log of a negative number).

`check DIR OUT` compares the simulator's outputs with numpy's FP64 function
of the bf16-rounded input (the program stores its inputs as bf16, so that
rounding is not the unit's): NaN and +-inf at the same places, and every
finite result within half a bf16 ulp (relative 2^-8) plus 1 % of it of the
exact value, i.e. correctly rounded up to ties (an exact value that rounds
to +-inf in bf16, e.g. exp(100), counts as +-inf).
"""
import math
import sys

import numpy as np

N = (8, 64)
FNS = {
    "exp": ("a", np.exp),
    "tanh": ("b", np.tanh),
    "sigmoid": ("c", lambda x: 1.0 / (1.0 + np.exp(-x))),
    "erf": ("d", np.vectorize(math.erf, otypes=[np.float64])),
    "log": ("e", np.log),
}
SPECIAL = {
    "a": [0.0, -0.0, np.inf, -np.inf, np.nan, 100.0, -200.0, 1.0],
    "b": [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, -50.0, 0.5],
    "c": [0.0, np.inf, -np.inf, np.nan, 200.0, -89.0, -100.0, 1e-30],
    "d": [0.0, -0.0, np.inf, -np.inf, np.nan, 1e-30, 4.5, -0.5],
    "e": [0.0, -0.0, np.inf, -1.0, np.nan, 1.0, 1e-38, 3e38],
}


def bf16(x):
    """Round float32 values to the nearest bf16 (ties to even), as float64."""
    b = np.asarray(x, np.float32).view(np.uint32).astype(np.uint64)
    r = ((b + 0x7FFF + ((b >> 16) & 1)) >> 16) << 16
    out = r.astype(np.uint32).view(np.float32).astype(np.float64)
    out[np.isnan(np.asarray(x, np.float64))] = np.nan
    return out


def gen(d):
    g = np.random.default_rng(11)
    ranges = {"a": 87.0, "b": 10.0, "c": 90.0, "d": 5.0}
    for name, hi in ranges.items():
        x = g.uniform(-hi, hi, N)
        tiny = np.exp(g.uniform(np.log(1e-20), 0.0, N)) * np.where(
            g.random(N) < 0.5, -1, 1)
        x[4:] = tiny[4:]
        if name == "a":
            x[:4] = g.uniform(-87.0, 88.0, (4, 64))
        x[0, :8] = SPECIAL[name]
        np.save("%s/%s.npy" % (d, name), x.astype(np.float32))
    e = np.exp(g.uniform(np.log(1e-30), np.log(1e30), N))
    e[0, :8] = SPECIAL["e"]
    np.save("%s/e.npy" % d, e.astype(np.float32))


def check(d, out):
    ok = True
    for fn, (inp, f) in FNS.items():
        x = bf16(np.load("%s/%s.npy" % (d, inp)))
        with np.errstate(all="ignore"):
            ref = f(x)
            # beyond the bf16 range the exact value reads as +-inf
            rounded = bf16(ref.astype(np.float32))
            ref = np.where(np.isinf(rounded), rounded, ref)
        y = np.load("%s/%s.npy" % (out, fn)).astype(np.float64)
        same_special = np.array_equal(np.isnan(y), np.isnan(ref)) and \
            np.array_equal(np.isposinf(y), np.isposinf(ref)) and \
            np.array_equal(np.isneginf(y), np.isneginf(ref))
        fin = np.isfinite(ref) & np.isfinite(y)
        rel = np.abs(y[fin] - ref[fin]) / np.maximum(np.abs(ref[fin]), 1e-38)
        worst = rel.max()
        print("%-7s max rel %.3e (bound %.3e), special values %s" %
              (fn, worst, 2**-8 * 1.01, "match" if same_special else "DIFFER"))
        if not same_special:
            bad = np.argwhere(np.isnan(y) != np.isnan(ref))
            print("  first differing position", bad[:4].tolist())
        ok = ok and same_special and worst <= 2**-8 * 1.01
    return ok


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        sys.exit(0 if check(sys.argv[2], sys.argv[3]) else 1)
