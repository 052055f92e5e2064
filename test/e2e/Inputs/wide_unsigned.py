"""uint32 / uint64 tensors (held as 32-bit words) on the simulator against
numpy.

gen DIR: writes DIR/m.onnx (opset 17) and its inputs a, b uint32 [2, 4]
(words around 0, 2^31 and 2^32 - 1, where int32's order differs), c, d
uint64 [2, 4] (below 2^32), e uint64 [1, 4] with 2^32 (past the words: tern
run refuses it):
  mx = Max(a, b)      mn = Min(a, b)      gt = Greater(a, b)
  f  = Cast(a, float)                     m64 = Max(c, d)
  w  = Where(gt, a, b)                    s = Add(a, b)  (wraps mod 2^32)
check DIR OUT: Max, Min, Greater, Where, Add equal to numpy's; the Cast
equal to numpy's float32 of the word rounded to bf16 (round to nearest
even).
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper

from bf16_ref import bf16


def inputs():
    a = np.array([[0, 1, 0x7FFFFFFF, 0x80000000],
                  [0xFFFFFFFF, 0xFFFFFFFE, 3000000000, 5]], np.uint32)
    b = np.array([[0xFFFFFFFF, 0, 0x80000000, 0x7FFFFFFF],
                  [1, 0xFFFFFFFF, 5, 3000000000]], np.uint32)
    c = a.astype(np.uint64)
    d = b.astype(np.uint64)
    e = c.copy()
    e[1, 2] = 2**32
    return a, b, c, d, e


def gen(d):
    U32, U64 = TensorProto.UINT32, TensorProto.UINT64
    nodes = [
        helper.make_node("Max", ["a", "b"], ["mx"]),
        helper.make_node("Min", ["a", "b"], ["mn"]),
        helper.make_node("Greater", ["a", "b"], ["gt"]),
        helper.make_node("Cast", ["a"], ["f"], to=TensorProto.FLOAT),
        helper.make_node("Max", ["c", "d"], ["m64"]),
        helper.make_node("Where", ["gt", "a", "b"], ["w"]),
        helper.make_node("Add", ["a", "b"], ["s"]),
    ]
    vi = helper.make_tensor_value_info
    graph = helper.make_graph(
        nodes, "wide_unsigned",
        [vi("a", U32, [2, 4]), vi("b", U32, [2, 4]), vi("c", U64, [2, 4]),
         vi("d", U64, [2, 4])],
        [vi("mx", U32, [2, 4]), vi("mn", U32, [2, 4]),
         vi("gt", TensorProto.BOOL, [2, 4]), vi("f", TensorProto.FLOAT, [2, 4]),
         vi("m64", U64, [2, 4]), vi("w", U32, [2, 4]), vi("s", U32, [2, 4])])
    model = helper.make_model(graph,
                              opset_imports=[helper.make_opsetid("", 17)])
    model.ir_version = 8
    onnx.save(model, os.path.join(d, "m.onnx"))
    for name, v in zip("abcde", inputs()):
        np.save(os.path.join(d, name + ".npy"), v)


def check(d, out):
    a, b, c, dd, _ = inputs()
    with np.errstate(over="ignore"):
        s = a + b
    want = {
        "mx": np.maximum(a, b), "mn": np.minimum(a, b), "gt": a > b,
        "f": bf16(a.astype(np.float32)), "m64": np.maximum(c, dd),
        "w": np.where(a > b, a, b), "s": s,
    }
    ok = True
    for name, w in want.items():
        got = np.load(os.path.join(out, name + ".npy"))
        same = got.dtype == w.dtype and np.array_equal(got, w)
        print(f"{name}: {got.dtype} {'equal' if same else 'DIFFERS'}")
        if not same:
            print("  got ", got.tolist(), "\n  want", w.tolist())
        ok = ok and same
    print("wide-unsigned: all outputs match" if ok else
          "wide-unsigned: MISMATCH")


if __name__ == "__main__":
    if sys.argv[1] == "gen":
        gen(sys.argv[2])
    else:
        check(sys.argv[2], sys.argv[3])
