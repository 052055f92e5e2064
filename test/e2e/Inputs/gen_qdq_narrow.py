"""A QDQ MatMul whose input is a narrow QDQ activation, QuantizeLinear ->
Clip -> DequantizeLinear (how QAT exports of activations below 8 bits look),
and the exact reference of the ONNX semantics (issue 6: narrow QDQ).

  gen_qdq_narrow.py OUT_DIR [--clip LO HI] [--zp Z]

OUT_DIR/model.onnx (opset 13), two outputs:
  xd = DQ(Clip(Q(x, S_x, Z), LO, HI), S_x, Z)   the clipped codes, dequantized
  y  = xd @ DQ(wq, S_w, 0) + b
OUT_DIR/x.npy: [4, 16] float32 with |x / S_x| up to ~20, so that the Clip
(default [-8, 7]) cuts many codes; S_x = 0.0371 is not a power of two, so
the codes depend on the f32 division x / S_x.
OUT_DIR/xd.npy, y.npy: numpy evaluation of the ONNX operators: q =
clip(saturate(rint(float32(x) / float32(S_x)) + Z), LO, HI) (the division in
float32, round half to even), xd = (q - Z) * S_x, y = S_x S_w (q - Z) @ wq + b
in float64 (exact integer products), rounded to float32.
The script asserts that the same model without the Clip gives a y at
relative L2 > 0.1 from this one, so a test at 1e-2 fails if the Clip is
ignored.
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
lo, hi = -8, 7
if "--clip" in sys.argv:
    i = sys.argv.index("--clip")
    lo, hi = int(sys.argv[i + 1]), int(sys.argv[i + 2])
zp = int(sys.argv[sys.argv.index("--zp") + 1]) if "--zp" in sys.argv else 0
rng = np.random.default_rng(1)
K, N, M = 16, 8, 4
sx = np.float32(0.0371)
sw = np.float32(0.02)
x = (rng.normal(size=(M, K)) * 8 * float(sx)).astype(np.float32)
wq = rng.integers(-127, 128, size=(K, N)).astype(np.int8)
b = rng.normal(size=N).astype(np.float32)
inits = [nh.from_array(wq, "wq"), nh.from_array(np.array(sw, np.float32), "ws"),
         nh.from_array(np.array(0, np.int8), "wz"),
         nh.from_array(np.array(sx, np.float32), "xs"),
         nh.from_array(np.array(zp, np.int8), "xz"),
         nh.from_array(np.array(lo, np.int8), "lo"),
         nh.from_array(np.array(hi, np.int8), "hi"), nh.from_array(b, "b")]
nodes = [h.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"], name="act_q"),
         h.make_node("Clip", ["xq", "lo", "hi"], ["xc"], name="act_clip"),
         h.make_node("DequantizeLinear", ["xc", "xs", "xz"], ["xd"], name="act_dq"),
         h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], name="w_dq"),
         h.make_node("MatMul", ["xd", "wd"], ["mm"], name="mm"),
         h.make_node("Add", ["mm", "b"], ["y"], name="bias")]
g = h.make_graph(nodes, "qdq_narrow",
                 [h.make_tensor_value_info("x", T.FLOAT, [M, K])],
                 [h.make_tensor_value_info("xd", T.FLOAT, [M, K]),
                  h.make_tensor_value_info("y", T.FLOAT, [M, N])], inits)
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, out + "/model.onnx")
np.save(out + "/x.npy", x)


def reference(clip):
    q = np.rint(x / sx).astype(np.float64)  # float32 division, then RNE
    assert (x / sx).dtype == np.float32
    q = np.clip(q + zp, -128, 127)
    if clip:
        q = np.clip(q, lo, hi)
    xd = (q - zp) * float(sx)
    acc = (q - zp).astype(np.int64) @ wq.astype(np.int64)
    y = float(sx) * float(sw) * acc + b.astype(np.float64)
    return xd.astype(np.float32), y.astype(np.float32)


xd, y = reference(True)
_, y_noclip = reference(False)
rel = np.linalg.norm(y - y_noclip) / np.linalg.norm(y)
assert rel > 0.1, f"the Clip changes y by only {rel:.3g}"
np.save(out + "/xd.npy", xd)
np.save(out + "/y.npy", y)
print(f"codes clipped: {int(((np.rint(x / sx) + zp < lo) | (np.rint(x / sx) + zp > hi)).sum())}"
      f"/{x.size}; y without the Clip: relative L2 {rel:.3f}")
