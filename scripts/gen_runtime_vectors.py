#!/usr/bin/python3
"""Independent reference for the runtime's integer kernels (SEEDS.md s. 0, 1, 3, 4).

Writes test/Unit/Runtime/vectors/*.json, which the C++ unit tests compare
against bit for bit. Everything here is written from SEEDS.md directly with
Python integers (exact, unbounded) and numpy only for the float constants;
it shares no code with runtime/. Run with Debian's python:
    /usr/bin/python3 scripts/gen_runtime_vectors.py
"""
import json
import math
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "test", "Unit", "Runtime",
                   "vectors")
rng = np.random.default_rng(20240607)


def fdiv(a, b):  # floor division on Python ints
    return a // b


# --- I-BERT i-exp / softmax ---------------------------------------------------
def iexp_consts(S):
    a = 0.35815147
    b = 0.96963238 / a
    c = 1.0 / a
    return (int(np.floor(-0.6931 / S)), int(np.floor(b / S)),
            int(np.floor(c / S ** 2)))


def iexp(x, x0, bi, ci):
    x = min(x, 0)
    x = max(x, 30 * x0)
    z = fdiv(x, x0)
    r = x - x0 * z
    L = (r + bi) * r + ci
    return max(L * 2 ** (30 - z), 0)  # floor(L * 2^(30-z)) is exact here


def isoftmax(row, x0, bi, ci, sh):
    m = max(row)
    e = [iexp(v - m, x0, bi, ci) >> sh for v in row]
    s = sum(e)
    if s == 0:
        return [0] * len(row)
    f = 2 ** 32 // s
    return [(v * f) >> 24 for v in e]


# --- I-BERT i-GELU -------------------------------------------------------------
def igelu_consts(S):
    a, b = -0.2888, -1.769
    c = 1.0 / a
    Sp = S / math.sqrt(2.0)
    Serf = Sp * Sp * a * 2 ** 14
    return (int(np.floor(b / Sp)), int(np.floor(c / Sp ** 2)),
            int(np.floor(1.0 / Serf)))


def igelu(x, bi, ci, one):
    sgn = (x > 0) - (x < 0)
    ax = min(abs(x), -bi)
    erf = sgn * ((ax + bi) ** 2 + ci)
    erf = fdiv(erf, 2 ** 14)
    return x * (erf + one)


# --- isqrt and LayerNorm -----------------------------------------------------------
def isqrt(n):
    if n == 0:
        return 0
    x = 2 ** math.ceil(n.bit_length() / 2)
    while True:
        x1 = (x + n // x) // 2
        if x1 >= x:
            return x
        x = x1


def round_half_even_frac(num, den):
    q, r = divmod(num, den)
    if 2 * r > den or (2 * r == den and q % 2 == 1):
        q += 1
    return q


def ilayernorm(row, k):
    d = len(row)
    mean = round_half_even_frac(sum(row), d)
    y = [v - mean for v in row]
    var = sum((v >> k) ** 2 for v in y)
    std = isqrt(var) * 2 ** k
    if std == 0:
        return [0] * d
    factor = 2 ** 31 // std
    return [(v * factor) // 2 for v in y]


def sat32(v):
    return max(-2 ** 31, min(2 ** 31 - 1, v))


# --- requantization variants -----------------------------------------------
def ibert_params(M):
    m, e = math.frexp(M)
    return int(round(m * 2 ** 31)), 31 - e  # Python round(): ties to even


def rq_ibert(q, m, sh):
    num = q * m
    return max(-128, min(127, round_half_even_frac(num, 2 ** sh)))


def low8(v):
    v &= 0xFF
    return v - 256 if v >= 128 else v


def rq_swift(q, m, c):
    return low8((q * m) >> c)


def rq_tataa(p, man, e):
    return low8((p * man) >> e)


def elastic_params(M):
    for s in range(1, 32):
        mq = round(M * 2 ** s)
        if abs(mq / 2 ** s - M) <= 1e-4 * M:
            return mq, s
    return None


def rq_elastic(acc, mq, s, zp):
    y = (acc * mq + 2 ** (s - 1)) // 2 ** s + zp
    return max(-128, min(127, y))


def main():
    os.makedirs(OUT, exist_ok=True)
    cases = {}

    # i-exp and softmax at a few scales, inputs include the clamp region.
    ex = []
    for S in [0.05, 0.02, 0.0123, 0.1]:
        x0, bi, ci = iexp_consts(S)
        xs = [0, -1, x0, x0 + 1, 30 * x0, 31 * x0 - 7] + \
            [int(v) for v in rng.integers(31 * x0, 1, size=40)]
        ex.append({"S": S, "x0": x0, "b": bi, "c": ci, "x": xs,
                   "out": [min(iexp(v, x0, bi, ci), 2 ** 31 - 1) for v in xs]})
    cases["iexp"] = ex

    sm = []
    for S, n, sh in [(0.05, 8, 14), (0.02, 16, 16), (0.1, 5, 12)]:
        x0, bi, ci = iexp_consts(S)
        rows = [[int(v) for v in rng.integers(-200, 200, size=n)]
                for _ in range(4)]
        rows.append([7] * n)  # all equal: ties
        sm.append({"S": S, "x0": x0, "b": bi, "c": ci, "shift": sh,
                   "rows": rows,
                   "out": [isoftmax(r, x0, bi, ci, sh) for r in rows]})
    cases["isoftmax"] = sm

    ge = []
    for S in [0.05, 0.01, 0.003]:
        bi, ci, one = igelu_consts(S)
        xs = [0, 1, -1, -bi, bi, -bi + 5, bi - 5] + \
            [int(v) for v in rng.integers(-3 * abs(bi), 3 * abs(bi), size=40)]
        ge.append({"S": S, "b": bi, "c": ci, "one": one, "x": xs,
                   "out": [sat32(igelu(v, bi, ci, one)) for v in xs]})
    cases["igelu"] = ge

    sq = [0, 1, 2, 3, 4, 15, 16, 17, 99, 100, 101, 2 ** 31 - 1, 2 ** 30,
          (2 ** 15 + 1) ** 2 - 1] + [int(v) for v in rng.integers(0, 2 ** 31 - 1, size=30)]
    cases["isqrt"] = {"x": sq, "out": [isqrt(v) for v in sq]}

    ln = []
    for d, k, lim in [(8, 0, 100), (16, 2, 5000), (32, 4, 2 ** 21), (6, 1, 3)]:
        rows = [[int(v) for v in rng.integers(-lim, lim, size=d)]
                for _ in range(4)]
        rows.append([5] * d)  # zero variance
        rows.append([0, 1] * (d // 2))  # mean exactly x.5 -> ties to even
        ln.append({"k": k, "rows": rows,
                   "out": [[sat32(v) for v in ilayernorm(r, k)] for r in rows]})
    cases["ilayernorm"] = ln

    # Requantization: parameters derived from M, inputs at the boundaries.
    rq = []
    for M in [0.5, 0.25, 0.013, 0.0007, 0.3333333, 0.9999999]:
        m, sh = ibert_params(M)
        qs = [0, 1, -1, 127, -128, 2 ** 31 - 1, -2 ** 31] + \
            [int(v) for v in rng.integers(-2 ** 20, 2 ** 20, size=30)]
        # exact ties: q * m == (2k + 1) * 2^(sh-1)
        if m % 2 == 0 or True:
            for t in range(1, 6):
                num = (2 * t + 1) * 2 ** (sh - 1)
                if num % m == 0:
                    qs += [num // m, -(num // m)]
        rq.append({"M": M, "mult": m, "shift": sh, "q": qs,
                   "out": [rq_ibert(q, m, sh) for q in qs]})
    cases["rq_ibert"] = rq
    # Hand-made ties for I-BERT (mult = 1): 2.5 -> 2, 3.5 -> 4, -2.5 -> -2.
    cases["rq_ibert_ties"] = {"mult": 1, "shift": 1,
                              "q": [5, 7, -5, -7, 1, -1, 3, 254, 256, 300, -258],
                              "out": [rq_ibert(q, 1, 1) for q in
                                      [5, 7, -5, -7, 1, -1, 3, 254, 256, 300, -258]]}

    sw = []
    for m, c in [(1, 0), (3, 2), (-7, 5), (123456789, 40), (2 ** 31 - 1, 63),
                 (-2 ** 31, 33), (255, 0)]:
        qs = [0, 1, -1, 127, 128, -129, 255, 256, 2 ** 31 - 1, -2 ** 31] + \
            [int(v) for v in rng.integers(-2 ** 31, 2 ** 31 - 1, size=20)]
        sw.append({"mult": m, "shift": c, "q": qs,
                   "out": [rq_swift(q, m, c) for q in qs]})
    cases["rq_swift"] = sw

    ta = []
    for man, e in [(1, 0), (0xFFFF, 16), (300, 5), (40000, 31), (12345, 9)]:
        ps = [0, 1, -1, 127, 128, -128, -129, 32767, -32768] + \
            [int(v) for v in rng.integers(-32768, 32767, size=20)]
        ta.append({"mult": man, "shift": e, "q": ps,
                   "out": [rq_tataa(p, man, e) for p in ps]})
    cases["rq_tataa"] = ta

    el = []
    for M, zp in [(0.5, 0), (0.013, 3), (0.0007, -5), (0.3333333, 10),
                  (1.7, -128), (0.000123, 0)]:
        mq, s = elastic_params(M)
        accs = [0, 1, -1, 2 ** 31 - 1, -2 ** 31] + \
            [int(v) for v in rng.integers(-2 ** 16, 2 ** 16, size=30)]
        # exact halves: acc * mq == (2t + 1) * 2^(s-1)  -> rounds up
        for t in range(-4, 4):
            num = (2 * t + 1) * 2 ** (s - 1)
            if num % mq == 0:
                accs.append(num // mq)
        el.append({"M": M, "mult": mq, "shift": s, "zp": zp, "q": accs,
                   "out": [rq_elastic(a, mq, s, zp) for a in accs]})
    # mult = 1, shift = 1: every odd acc is a tie; half up (not to even).
    accs = [1, 3, 5, -1, -3, -5, 253, 255, 257, -255, -257]
    el.append({"M": 0.5, "mult": 1, "shift": 1, "zp": 0, "q": accs,
               "out": [rq_elastic(a, 1, 1, 0) for a in accs], "no_derive": True})
    cases["rq_elastic"] = el

    for name, data in cases.items():
        with open(os.path.join(OUT, name + ".json"), "w") as f:
            json.dump(data, f, indent=1)
            f.write("\n")


if __name__ == "__main__":
    main()
