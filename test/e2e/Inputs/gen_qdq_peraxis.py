"""A QDQ MatMul with a per-axis (per output column) int8 weight, an input and
the exact reference of the ONNX semantics (issue 6: per-axis QDQ types).

  gen_qdq_peraxis.py OUT_DIR [--axis A]

OUT_DIR/model.onnx: y = DQ(Q(x, 2^-6, 0)) @ DQ(wq, ws[N], 0, axis=A) + b.
OUT_DIR/x.npy: [4, 16] multiples of 2^-6 within +-127 * 2^-6 (bf16-exact,
so the quantized input is exact in Tern's bf16 conversion too).
OUT_DIR/ref.npy: S_x * ws[c] * (sum_k q_x q_w, exact integers) + b, float64
rounded to float32 (what onnxruntime computes up to FP32 summation order).
"""
import sys

import numpy as np
import onnx
from onnx import TensorProto as T
from onnx import helper as h
from onnx import numpy_helper as nh

out = sys.argv[1]
axis = int(sys.argv[sys.argv.index("--axis") + 1]) if "--axis" in sys.argv else 1
rng = np.random.default_rng(0)
K, N, M = 16, 8, 4
w = rng.normal(size=(K, N)) * np.linspace(0.1, 2.0, N)
ws = (np.abs(w).max(0) / 127).astype(np.float32)
wq = np.clip(np.rint(w / ws), -127, 127).astype(np.int8)
b = rng.normal(size=N).astype(np.float32)
sx = np.float32(2.0 ** -6)
qx = rng.integers(-127, 128, size=(M, K))
x = (qx * float(sx)).astype(np.float32)
scales = ws if axis == 1 else np.full(K, ws.max(), np.float32)
inits = [nh.from_array(wq, "wq"), nh.from_array(scales, "ws"),
         nh.from_array(np.zeros(len(scales), np.int8), "wz"),
         nh.from_array(np.array(sx, np.float32), "xs"),
         nh.from_array(np.array(0, np.int8), "xz"), nh.from_array(b, "b")]
nodes = [h.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
         h.make_node("DequantizeLinear", ["xq", "xs", "xz"], ["xd"]),
         h.make_node("DequantizeLinear", ["wq", "ws", "wz"], ["wd"], axis=axis),
         h.make_node("MatMul", ["xd", "wd"], ["mm"], name="mm"),
         h.make_node("Add", ["mm", "b"], ["y"], name="bias")]
g = h.make_graph(nodes, "qdq_peraxis",
                 [h.make_tensor_value_info("x", T.FLOAT, [M, K])],
                 [h.make_tensor_value_info("y", T.FLOAT, [M, N])], inits)
m = h.make_model(g, opset_imports=[h.make_opsetid("", 13)])
m.ir_version = 8
onnx.checker.check_model(m)
onnx.save(m, out + "/model.onnx")
np.save(out + "/x.npy", x)
acc = qx.astype(np.int64) @ wq.astype(np.int64)
ref = float(sx) * ws.astype(np.float64) * acc + b.astype(np.float64)
np.save(out + "/ref.npy", ref.astype(np.float32))
