"""Comparisons, logic, Where and Pow on the simulator against numpy.

gen DIR: writes DIR/m.onnx (opset 17) and its inputs:
  ids int64 [4, 6], x float [4, 6] (with NaN, +-0, +-inf), y float [1, 6]
  (with NaN and inf), b bool [4, 6].
  eq   = Equal(ids, 0)                   integer constant operand
  gt   = Greater(x, 0.5)                 NaN compares false
  le   = LessOrEqual(x, y) expanded      Less(y, x) then Not
  lo   = Or(And(b, eq), Not(gt))
  w    = Where(eq, x, y)                 y broadcast over rows; NaN / inf
                                         copied
  p    = Pow(x * x + 1, e) with e [4, 1] one exponent per row (column)
  q    = Pow(z, 3.0)                     a constant exponent
  wc   = Where(r > 0, x, r), r [4, 1]    condition and false value with one
                                         value per row (-0 and -inf in r)
check DIR OUT: compares OUT/*.npy with numpy on the bf16-rounded inputs:
booleans and Where exactly (bit for bit: the chosen elements are copies of
bf16 inputs), Pow within half a bf16 ulp of numpy's FP64 pow of the
bf16-rounded inputs (rsfu.pow rounds once), except z: read only by the
pow, it is an f32 program input (rsfu.pow af32), so q's reference takes
z's float32 values.
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper


def bf16(a):
    a = np.ascontiguousarray(a, dtype=np.float32)
    u = a.view(np.uint32).astype(np.uint64)
    nan = np.isnan(a)
    r = ((u + 0x7FFF + ((u >> 16) & 1)) >> 16) << 16
    out = r.astype(np.uint32).view(np.float32).copy()
    out[nan] = np.nan
    return out


def inputs():
    rng = np.random.default_rng(7)
    ids = rng.integers(0, 3, (4, 6)).astype(np.int64)
    x = rng.uniform(-2, 2, (4, 6)).astype(np.float32)
    x[0, :4] = [np.nan, 0.0, -0.0, np.inf]
    x[1, 0] = -np.inf
    x[2, 1] = 0.5
    y = rng.uniform(-1, 1, (1, 6)).astype(np.float32)
    y[0, 1] = np.nan
    y[0, 2] = np.inf
    b = rng.integers(0, 2, (4, 6)).astype(bool)
    z = rng.uniform(-3, 3, (4, 6)).astype(np.float32)
    e = np.array([[2.0], [0.5], [-1.0], [2.5]], np.float32)
    r = np.array([[0.75], [-0.0], [-np.inf], [1.5]], np.float32)
    return ids, x, y, b, z, e, r


def gen(d):
    ids, x, y, b, z, e, r = inputs()
    c = lambda name, v: numpy_helper.from_array(v, name)
    nodes = [
        helper.make_node("Equal", ["ids", "zero"], ["eq"]),
        helper.make_node("Greater", ["x", "half"], ["gt"]),
        helper.make_node("Less", ["y", "x"], ["lt"]),
        helper.make_node("Not", ["lt"], ["le"]),
        helper.make_node("And", ["b", "eq"], ["a1"]),
        helper.make_node("Not", ["gt"], ["ng"]),
        helper.make_node("Or", ["a1", "ng"], ["lo"]),
        helper.make_node("Where", ["eq", "x", "y"], ["w"]),
        helper.make_node("Mul", ["x", "x"], ["x2"]),
        helper.make_node("Add", ["x2", "one"], ["base"]),
        helper.make_node("Pow", ["base", "e"], ["p"]),
        helper.make_node("Pow", ["z", "three"], ["q"]),
        helper.make_node("Greater", ["r", "zerof"], ["rp"]),
        helper.make_node("Where", ["rp", "x", "r"], ["wc"]),
    ]
    f = lambda n, t, s: helper.make_tensor_value_info(n, t, s)
    graph = helper.make_graph(
        nodes, "compare_select",
        [f("ids", TensorProto.INT64, [4, 6]), f("x", TensorProto.FLOAT, [4, 6]),
         f("y", TensorProto.FLOAT, [1, 6]), f("b", TensorProto.BOOL, [4, 6]),
         f("z", TensorProto.FLOAT, [4, 6]), f("r", TensorProto.FLOAT, [4, 1])],
        [f("eq", TensorProto.BOOL, [4, 6]), f("gt", TensorProto.BOOL, [4, 6]),
         f("le", TensorProto.BOOL, [4, 6]), f("lo", TensorProto.BOOL, [4, 6]),
         f("w", TensorProto.FLOAT, [4, 6]), f("p", TensorProto.FLOAT, [4, 6]),
         f("q", TensorProto.FLOAT, [4, 6]), f("wc", TensorProto.FLOAT, [4, 6])],
        [c("zero", np.array(0, np.int64)), c("half", np.array(0.5, np.float32)),
         c("one", np.array(1.0, np.float32)), c("e", e),
         c("three", np.array(3.0, np.float32)),
         c("zerof", np.array(0.0, np.float32))])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, os.path.join(d, "m.onnx"))
    for name, v in (("ids", ids), ("x", x), ("y", y), ("b", b), ("z", z),
                    ("r", r)):
        np.save(os.path.join(d, name + ".npy"), v)


def check(d, out):
    ids, x, y, b, z, e, r = inputs()
    xb, yb, zb, rb = bf16(x), bf16(y), bf16(z), bf16(r)
    eq = ids == 0
    gt = xb > 0.5
    with np.errstate(invalid="ignore"):
        want = {
            "eq": eq, "gt": gt, "le": ~(yb < xb), "lo": (b & eq) | ~gt,
        }
    bad = 0
    for name, w in want.items():
        got = np.load(os.path.join(out, name + ".npy"))
        if not np.array_equal(got.astype(np.float64), w.astype(np.float64)):
            print("FAIL %s: %d of %d differ" % (name, np.sum(got != w), w.size))
            bad += 1
    for name, w in (
            ("w", np.where(eq, xb, np.broadcast_to(yb, xb.shape))),
            ("wc", np.where(rb > 0, xb, np.broadcast_to(rb, xb.shape)))):
        got = np.load(os.path.join(out, name + ".npy")).astype(np.float32)
        if not np.array_equal(got.view(np.uint32),
                              w.astype(np.float32).view(np.uint32)):
            print("FAIL %s: not bit-exact" % name)
            bad += 1
    # Pow: the base is bf16(bf16(x*x) + 1) as the program computes it.
    base = bf16(bf16(xb * xb) + np.float32(1))
    # z is read only by the SFU's pow: an f32 program input (not rounded).
    for name, a, ex in (("p", base, bf16(e)), ("q", z.astype(np.float32),
                                                np.float32(3.0))):
        with np.errstate(all="ignore"):
            ref = np.power(a.astype(np.float64), np.float64(1) * ex)
        got = np.load(os.path.join(out, name + ".npy")).astype(np.float64)
        fin = np.isfinite(ref)
        if not np.array_equal(np.isnan(got), np.isnan(ref)) or \
           not np.array_equal(got[~fin & ~np.isnan(ref)], ref[~fin & ~np.isnan(ref)]):
            print("FAIL %s: non-finite values differ" % name)
            bad += 1
            continue
        rel = np.abs(got[fin] - ref[fin]) / np.maximum(np.abs(ref[fin]), 1e-30)
        # Half a bf16 ulp is at most 2^-8 relative (8 significant bits).
        if rel.max() > 2.0 ** -8 * 1.01:
            print("FAIL %s: relative error %.3e > half a bf16 ulp" % (name, rel.max()))
            bad += 1
        else:
            print("%s: max relative error %.2e" % (name, rel.max()))
    if bad:
        sys.exit(1)
    print("compare-select: all outputs match")


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
