#!/usr/bin/python3
"""FP32 numpy reference of the zoo's ViTs with token pruning on given tokens.

  pruned_vit_ref.py MODEL.onnx IMAGE.npy OUT.npy [--keep LAYER=KEPT.npy ...]
                    [--fuse] [--print-topk LAYER=RHO ...]
                    [--print-threshold LAYER=T ...]
                    [--topk-score fp32|int8]

Evaluates the model zoo's ViT (test/models/zoo/vit_relu, vit_fmnist:
Conv patch embedding, CLS token, learned position embedding, pre-LN blocks
of separate q/k/v linears, softmax attention and a ReLU/GELU FFN, final
LayerNorm, CLS head; architecture in the model's meta.json) in float32 from
the ONNX file's initializers, written out by hand (not node by node), and
writes the logits to OUT.npy.

--keep LAYER=KEPT.npy prunes like tern-prune-tokens does after attention
layer LAYER (0-based): on the hidden state right after that layer's
attention residual addition, before its FFN, only the tokens listed in
KEPT.npy (the program's kept_tokens_<LAYER> output of
`tern compile --prune-tokens --prune-expose-indices`, indices into the
current token list) are kept, in that order; every later operator runs on
them. A list padded with zeros after position 0 (threshold selection,
`--prune-threshold`: the program's kept_tokens_<LAYER> has the capacity N
and 0 past the run-time count; index 0 is CLS, only ever at position 0)
keeps its first entry and its non-zero entries, so the reference runs on
the L kept tokens alone. Without --keep the result is the dense model, which must equal
onnxruntime's reference.npy (checked by test/e2e/token-pruning.test).

--fuse also appends, after the kept tokens of every --keep layer, the
importance-weighted mean of the tokens not kept (CLS is always kept), as
`tern compile --prune-fuse` does (EViT's inattentive-token fusion): weight
of token j = its CLS-attention score (the --topk-score scoring; int8 is
what the token unit's tok.fuse uses), clipped at 0; if every weight is 0,
the plain mean.

--print-topk LAYER=RHO prints the tokens FP32 would keep at that layer: CLS
and the ceil(RHO * (N - 1)) patch tokens with the most CLS attention
(averaged over heads), ascending; ties go to the lower index. --topk-score
int8 scores like Tern's token unit instead (tok.score): each probability
as int8 round-half-even(p * 127), summed over heads, floor-divided by the
head count; the default fp32 is the exact head mean.

--print-threshold LAYER=T prints the tokens threshold selection keeps at
that layer (tern compile --prune-threshold T): CLS and the tokens whose
score (as --topk-score; int8 is the token unit's) is >= T, ascending.
"""

import argparse
import math
import sys

import numpy as np
import onnx
from onnx import numpy_helper


def layer_norm(x, w, b, eps=1e-5):
    mu = x.mean(-1, keepdims=True)
    var = ((x - mu) ** 2).mean(-1, keepdims=True)
    return (x - mu) / np.sqrt(var + eps) * w + b


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def gelu(x):
    erf = np.vectorize(math.erf, otypes=[np.float64])
    return (0.5 * x * (1.0 + erf(x / math.sqrt(2.0)))).astype(np.float32)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("model")
    ap.add_argument("image")
    ap.add_argument("out")
    ap.add_argument("--keep", action="append", default=[])
    ap.add_argument("--print-topk", action="append", default=[])
    ap.add_argument("--print-threshold", action="append", default=[])
    ap.add_argument("--topk-score", choices=["fp32", "int8"], default="fp32")
    ap.add_argument("--fuse", action="store_true")
    a = ap.parse_args()
    m = onnx.load(a.model)
    W = {t.name: numpy_helper.to_array(t).astype(np.float32)
         for t in m.graph.initializer}
    ops = {n.op_type for n in m.graph.node}
    act = np.maximum if "Relu" in ops else None
    heads = None
    for n in m.graph.node:
        if n.name == "/blocks.0/attn/Constant":
            heads = int(numpy_helper.to_array(n.attribute[0].t)[2])
    depth = 1 + max(int(k.split(".")[1]) for k in W if k.startswith("blocks."))
    conv = next(n for n in m.graph.node if n.op_type == "Conv")
    patch = [onnx.helper.get_attribute_value(x) for x in conv.attribute
             if x.name == "strides"][0][0]
    keep = {}
    for k in a.keep:
        layer, path = k.split("=", 1)
        kept = np.load(path).astype(np.int64).ravel()
        # Threshold selection pads with 0 past the run-time count.
        keep[int(layer)] = np.concatenate([kept[:1], kept[1:][kept[1:] != 0]])
    topk = {}
    for k in a.print_topk:
        layer, rho = k.split("=", 1)
        topk[int(layer)] = float(rho)
    thresh = {}
    for k in a.print_threshold:
        layer, t = k.split("=", 1)
        thresh[int(layer)] = float(t)
    bad = sorted(set(keep) | set(topk) | set(thresh))
    if bad and bad[-1] >= depth:
        raise SystemExit("layer %d: the model has %d layers" % (bad[-1], depth))

    x = np.load(a.image).astype(np.float32)
    if x.ndim == 3:
        x = x[None]
    if x.shape[0] != 1:
        raise SystemExit("%s: one image expected, got shape %s" % (a.image, x.shape))
    # Patch embedding: Conv with kernel = stride = patch, as a GEMM.
    wp, bp = W["patch_embed.weight"], W["patch_embed.bias"]
    d, c = wp.shape[0], wp.shape[1]
    gh, gw = x.shape[2] // patch, x.shape[3] // patch
    p = x[0].reshape(c, gh, patch, gw, patch).transpose(1, 3, 0, 2, 4)
    h = p.reshape(gh * gw, c * patch * patch) @ wp.reshape(d, -1).T + bp
    h = np.concatenate([W["cls_token"][0], h], 0) + W["pos_embed"][0]
    dh = d // heads
    for i in range(depth):
        g = lambda s: W["blocks.%d.%s" % (i, s)]  # noqa: E731
        t = layer_norm(h, g("norm1.weight"), g("norm1.bias"))
        q = (t @ g("attn.q.MatMul_in1") + g("attn.q.bias")).reshape(-1, heads, dh)
        k = (t @ g("attn.k.MatMul_in1") + g("attn.k.bias")).reshape(-1, heads, dh)
        v = (t @ g("attn.v.MatMul_in1") + g("attn.v.bias")).reshape(-1, heads, dh)
        s = np.einsum("qhd,khd->hqk", q, k) * np.float32(1 / math.sqrt(dh))
        pr = softmax(s)
        o = np.einsum("hqk,khd->qhd", pr, v).reshape(-1, d)
        h = h + (o @ g("attn.proj.MatMul_in1") + g("attn.proj.bias"))
        if a.topk_score == "int8":
            q8 = np.clip(np.round(pr[:, 0, 1:].astype(np.float64) * 127), -128, 127)
            imp = np.floor(q8.sum(0) / heads)
        else:
            imp = pr[:, 0, 1:].mean(0)
        if i in topk:
            n = h.shape[0]
            cnt = math.ceil(topk[i] * (n - 1))
            kept = np.sort(np.concatenate([[0], 1 + np.argsort(-imp, kind="stable")[:cnt]]))
            print("layer %d FP32 top-k: %s" % (i, kept.tolist()))
            print("layer %d FP32 scores: %s" % (i, imp.tolist()))
        if i in thresh:
            kept = np.concatenate([[0], 1 + np.nonzero(imp >= thresh[i])[0]])
            print("layer %d FP32 threshold: %s" % (i, kept.tolist()))
        if i in keep:
            if keep[i].min() < 0 or keep[i].max() >= h.shape[0]:
                raise SystemExit("layer %d: kept index outside the %d tokens"
                                 % (i, h.shape[0]))
            fused = None
            if a.fuse:
                pruned = np.setdiff1d(np.arange(1, h.shape[0]), keep[i])
                if pruned.size == 0:
                    raise SystemExit("layer %d: --fuse with no pruned token" % i)
                w = np.maximum(imp[pruned - 1].astype(np.float64), 0)
                if w.sum() == 0:
                    w = np.ones_like(w)
                fused = ((w[:, None] * h[pruned].astype(np.float64)).sum(0)
                         / w.sum()).astype(np.float32)[None]
            h = h[keep[i]]
            if fused is not None:
                h = np.concatenate([h, fused], 0)
        t = layer_norm(h, g("norm2.weight"), g("norm2.bias"))
        f = t @ g("ffn.fc1.MatMul_in1") + g("ffn.fc1.bias")
        f = np.maximum(f, 0) if act is not None else gelu(f)
        h = h + (f @ g("ffn.fc2.MatMul_in1") + g("ffn.fc2.bias"))
    cls = layer_norm(h, W["norm.weight"], W["norm.bias"])[0]
    logits = (cls @ W["head.weight"].T + W["head.bias"])[None].astype(np.float32)
    np.save(a.out, logits)
    print("%s: logits %s, argmax %d" % (a.out, logits.shape, logits.argmax()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
