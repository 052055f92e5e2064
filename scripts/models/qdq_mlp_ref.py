#!/usr/bin/env python3
"""Independent numpy reference of a QDQ ONNX model (issue 6, asymmetric QDQ).

Evaluates the graph node by node from the ONNX operator semantics, in
float32 like onnxruntime: QuantizeLinear q = saturate(round_half_even(x / S)
+ Z) to the zero point's type (uint8 [0, 255] / int8 [-128, 127]),
DequantizeLinear x = (q - Z) * S, Gemm, Relu, Cast, Constant(OfShape).
Only the operators of test/models/qdq_mlp_op{13,17}.onnx are implemented.

  qdq_mlp_ref.py fixture OUT_DIR      digits held-out split (inputs.npy
                                      [N, 64] float32, labels.npy int64)
  qdq_mlp_ref.py run MODEL INPUTS OUT reference logits [N, 10] (.npy)
  qdq_mlp_ref.py run-int MODEL INPUTS OUT [--bf16-input-cast]
                                      the same with onnxruntime's QLinear
                                      (fused QGemm) integer arithmetic:
                                      int32 accumulation, float32
                                      requantization (run_graph_int)
  qdq_mlp_ref.py compare MODEL A B [LABELS] [--max-lsb N] [--bf16-a]
                                      A, B: logits .npy; prints how many
                                      output codes (q of the last
                                      DequantizeLinear) match and the max
                                      |dq| in LSB (fails above N);
                                      --bf16-a: A's values are Tern's bf16
                                      dequantized codes, decoded exactly
"""
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def fixture(out_dir):
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split
    digits = load_digits()
    # The split of scripts/models/train_digits_vit.py load_split (seed 0),
    # flattened to the MLP's [N, 64] input.
    x = (digits.images / 16.0).astype(np.float32)[:, None]
    y = digits.target.astype(np.int64)
    _, x_test, _, y_test = train_test_split(x, y, test_size=0.2,
                                            random_state=0, stratify=y)
    np.save(out_dir + "/inputs.npy",
            np.ascontiguousarray(x_test.reshape(len(x_test), 64)))
    np.save(out_dir + "/labels.npy", y_test)


def run_graph(model, x):
    env = {model.graph.input[0].name: x.astype(np.float32)}
    for init in model.graph.initializer:
        env[init.name] = numpy_helper.to_array(init)
    for n in model.graph.node:
        a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
        ins = [env[i] if i else None for i in n.input]
        t = n.op_type
        if t == "Constant":
            out = numpy_helper.to_array(a["value"])
        elif t == "ConstantOfShape":
            v = numpy_helper.to_array(a["value"]) if "value" in a \
                else np.zeros(1, np.float32)
            out = np.full(tuple(ins[0]), v.reshape(-1)[0], dtype=v.dtype)
        elif t == "Cast":
            out = ins[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]])
        elif t == "QuantizeLinear":
            x_, s, z = ins[0], ins[1], ins[2]
            info = np.iinfo(z.dtype)
            q = np.rint(x_.astype(np.float32) / s.astype(np.float32))
            q = q + z.astype(np.float32)
            out = np.clip(q, info.min, info.max).astype(z.dtype)
        elif t == "DequantizeLinear":
            q, s = ins[0], ins[1]
            z = ins[2] if len(ins) > 2 and ins[2] is not None else 0
            out = ((q.astype(np.int64) - np.asarray(z).astype(np.int64))
                   .astype(np.float32) * s.astype(np.float32))
        elif t == "Gemm":
            A, B = ins[0], ins[1]
            if a.get("transA", 0):
                A = A.T
            if a.get("transB", 0):
                B = B.T
            out = np.float32(a.get("alpha", 1.0)) * (A @ B)
            if len(ins) > 2 and ins[2] is not None:
                out = out + np.float32(a.get("beta", 1.0)) * ins[2]
            out = out.astype(np.float32)
        elif t == "Relu":
            out = np.maximum(ins[0], 0).astype(ins[0].dtype)
        else:
            raise SystemExit("qdq_mlp_ref: operator %s not implemented" % t)
        env[n.output[0]] = out
    return env[model.graph.output[0].name]


class Deq:
    """A DequantizeLinear not yet applied: integer codes q, scale s, zero
    point z (the integer reference keeps values on their grid)."""

    def __init__(self, q, s, z):
        self.q, self.s, self.z = q.astype(np.int64), np.float32(s), int(z)

    def value(self):
        return ((self.q - self.z).astype(np.float32) * self.s).astype(np.float32)


class Acc:
    """An int32 accumulator at scale s (a QLinear product before its
    requantization)."""

    def __init__(self, acc, s):
        self.acc, self.s = acc, np.float32(s)


def bf16(x):
    """Round float32 to bfloat16 (nearest, ties to even), kept in float32."""
    b = np.asarray(x, np.float32).view(np.uint32)
    r = (b + np.uint32(0x7FFF) + ((b >> 16) & 1)) & np.uint32(0xFFFF0000)
    return r.astype(np.uint32).view(np.float32)


def run_graph_int(model, x, bf16_input_cast=False):
    """onnxruntime's QLinear arithmetic (the QDQ -> QGemm fusion): a Gemm of
    dequantized operands with an int32 bias at S_x * S_w is an int32
    accumulation of (q_x - Z_x) * q_w + q_b; the QuantizeLinear after it
    requantizes with the float32 multiplier fl(fl(S_x * S_w) / S_y):
    q = sat(round_half_even(fl(float(acc) * M)) + Z_y) (MLAS
    MlasRequantizeOutput); Relu between a DequantizeLinear and a
    QuantizeLinear of the same (S, Z) is max(q, Z). Everything else as
    run_graph. With bf16_input_cast, a QuantizeLinear of a float tensor is
    instead the ISA's cvt.b2i (docs/ISA.md): round(bf16(bf16(x) *
    bf16(1/S))) + Z, saturated: the one place where Tern's arithmetic is
    not onnxruntime's."""
    env = {model.graph.input[0].name: x.astype(np.float32)}
    for init in model.graph.initializer:
        env[init.name] = numpy_helper.to_array(init)
    for n in model.graph.node:
        a = {at.name: onnx.helper.get_attribute_value(at) for at in n.attribute}
        ins = [env[i] if i else None for i in n.input]
        t = n.op_type
        if t == "Constant":
            out = numpy_helper.to_array(a["value"])
        elif t == "ConstantOfShape":
            v = numpy_helper.to_array(a["value"])
            out = np.full(tuple(ins[0]), v.reshape(-1)[0], dtype=v.dtype)
        elif t == "Cast":
            out = ins[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]])
        elif t == "DequantizeLinear":
            z = ins[2] if len(ins) > 2 and ins[2] is not None else np.int64(0)
            zs = np.asarray(z).reshape(-1)
            assert np.all(zs == zs[0]), "per-tensor zero points only"
            out = Deq(ins[0], np.asarray(ins[1]).reshape(-1)[0], zs[0])
        elif t == "QuantizeLinear":
            s = np.float32(np.asarray(ins[1]).reshape(-1)[0])
            z = ins[2]
            info = np.iinfo(z.dtype)
            if isinstance(ins[0], Acc):
                m = np.float32(ins[0].s / s)
                q = np.rint((ins[0].acc.astype(np.float32) * m)
                            .astype(np.float32))
            elif isinstance(ins[0], Deq) and ins[0].s == s and \
                    ins[0].z == int(z):
                q = ins[0].q.astype(np.float32) - int(z)
            else:
                src = ins[0].value() if isinstance(ins[0], Deq) else ins[0]
                if bf16_input_cast:
                    q = np.rint(bf16(bf16(src) * bf16(np.float32(1) / s)))
                else:
                    q = np.rint(src.astype(np.float32) / s)
            q = q + np.float32(z)
            out = np.clip(q, info.min, info.max).astype(z.dtype)
        elif t == "Relu":
            d = ins[0]
            out = Deq(np.maximum(d.q, d.z), d.s, d.z)
        elif t == "Gemm":
            A, B = ins[0], ins[1]
            C = ins[2] if len(ins) > 2 else None
            assert isinstance(A, Deq) and isinstance(B, Deq) and B.z == 0
            assert a.get("alpha", 1.0) == 1.0 and a.get("beta", 1.0) == 1.0
            qa, qb = A.q - A.z, B.q
            if a.get("transA", 0):
                qa = qa.T
            if a.get("transB", 0):
                qb = qb.T
            s = np.float32(A.s * B.s)
            acc = qa @ qb
            if C is not None:
                assert isinstance(C, Deq) and C.z == 0
                assert abs(C.s / s - 1) < 1e-6, "bias scale != S_x * S_w"
                acc = acc + C.q
            assert np.all(np.abs(acc) < 2**31), "int32 accumulator overflow"
            out = Acc(acc, s)
        else:
            raise SystemExit("qdq_mlp_ref: operator %s not implemented" % t)
        env[n.output[0]] = out
    y = env[model.graph.output[0].name]
    return y.value() if isinstance(y, Deq) else y


def output_qparams(model):
    """Scale and zero point of the last DequantizeLinear (the output)."""
    consts = {}
    for n in model.graph.node:
        if n.op_type == "Constant":
            consts[n.output[0]] = numpy_helper.to_array(n.attribute[0].t)
    last = [n for n in model.graph.node if n.op_type == "DequantizeLinear"][-1]
    return float(consts[last.input[1]]), int(consts[last.input[2]])


def main():
    cmd = sys.argv[1]
    if cmd == "fixture":
        fixture(sys.argv[2])
    elif cmd == "run":
        model = onnx.load(sys.argv[2])
        xs = np.load(sys.argv[3])
        out = np.concatenate([run_graph(model, xs[i:i + 1])
                              for i in range(len(xs))])
        np.save(sys.argv[4], out.astype(np.float32))
    elif cmd == "run-int":
        cast = "--bf16-input-cast" in sys.argv
        if cast:
            sys.argv.remove("--bf16-input-cast")
        model = onnx.load(sys.argv[2])
        xs = np.load(sys.argv[3])
        out = np.concatenate([run_graph_int(model, xs[i:i + 1], cast)
                              for i in range(len(xs))])
        np.save(sys.argv[4], out.astype(np.float32))
    elif cmd == "compare":
        max_lsb = None
        if "--max-lsb" in sys.argv:
            i = sys.argv.index("--max-lsb")
            max_lsb = int(sys.argv[i + 1])
            del sys.argv[i:i + 2]
        decode_bf16 = "--bf16-a" in sys.argv
        if decode_bf16:
            sys.argv.remove("--bf16-a")
        model = onnx.load(sys.argv[2])
        s, z = output_qparams(model)
        a = np.load(sys.argv[3]).astype(np.float64)
        b = np.load(sys.argv[4]).astype(np.float64)
        qa, qb = np.rint(a / s) + z, np.rint(b / s) + z
        if decode_bf16:
            # A left through a bf16 dequantization (Tern's cvt.i2b:
            # bf16(bf16(q - Z) * bf16(S))), whose rounding can move a value
            # by more than half a step: decode by exact lookup instead.
            codes = np.arange(0, 256)
            table = bf16(bf16((codes - z).astype(np.float32)) *
                         bf16(np.float32(s))).astype(np.float64)
            hit = a[..., None] == table
            if not np.all(hit.sum(-1) >= 1):
                raise SystemExit("A holds values that are no bf16 code")
            qa = codes[hit.argmax(-1)].astype(np.float64)
        d = np.abs(qa - qb)
        print("codes: %d/%d equal, max diff %d LSB" %
              (int((d == 0).sum()), d.size, int(d.max())))
        if max_lsb is not None and d.max() > max_lsb:
            raise SystemExit("codes differ by more than %d LSB" % max_lsb)
        if len(sys.argv) > 5:
            labels = np.load(sys.argv[5])
            print("top-1: A %.4f B %.4f" %
                  ((a.argmax(1) == labels).mean(), (b.argmax(1) == labels).mean()))
    else:
        raise SystemExit(__doc__)


if __name__ == "__main__":
    main()
