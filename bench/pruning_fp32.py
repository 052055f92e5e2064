#!/usr/bin/python3
"""FP32 numpy accuracy of the zoo's ReLU ViTs with token pruning (bench/pruning.sh column).

  pruning_fp32.py MODEL.onnx DATASET_DIR [--layers 1,2,3] [--rates 1 0.9 ... 0.5]
                  [--limit N] [--score int8|fp32] [--fuse] [--save-logits DIR]
                  [--thresholds T ...]

Evaluates a zoo ViT (vit_relu, vit_relu_pruned, vit_fmnist; the architecture of
scripts/pruned_vit_ref.py) in float32 numpy from the ONNX initializers, batched, on
DATASET_DIR/{inputs,labels}.npy, pruning tokens like tern-prune-tokens after the attention
residual addition of each listed layer: CLS plus the ceil(rate * (N - 1)) other tokens with the
highest importance (CLS attention averaged over heads), ties to the lower index, kept in
ascending order. --score int8 (default) scores like Tern's token unit: each probability
converted to int8 round-half-even(p * 127), summed over heads, floor-divided by the head count;
--score fp32 uses the exact FP32 head mean. --fuse appends the importance-weighted mean of the
pruned tokens (weights: the same scores clipped at 0; their plain mean if all are 0) after the
kept ones, like `tern compile --prune-fuse`. Prints one line per rate: top-1 and token counts.
--save-logits DIR writes each rate's logits to DIR/logits_<rate>.npy (rate as %.2f).
--thresholds T ... evaluates threshold selection instead (`tern compile --prune-threshold T`):
at each listed layer CLS and the tokens whose score (--score) is >= T stay, a count that differs
per image; the batch keeps all N rows with the pruned ones zeroed and masked out of every later
attention (keys at -inf), which is the model on the kept tokens alone. One line per T: top-1,
the mean token count after each layer and the mean MACs per image of the model run on the kept
tokens only (closed form: 4 n d^2 + 2 n^2 d in attention on the n tokens entering the layer,
2 n' d F in the FFN on the n' it keeps, plus patch embedding and head; the dense value is the
functional simulator's dense count), i.e. what executing only the kept rows would cost.
This is independent of torch and of Tern's simulator: numpy only.
"""
import argparse
import math
import os
import sys

import numpy as np
import onnx
from onnx import numpy_helper


# The numpy building blocks are shared with the per-image reference.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "scripts"))
from pruned_vit_ref import gelu, layer_norm, softmax  # noqa: E402


def keep_count(n, rate):
    return min(n, 1 + int(math.ceil(rate * (n - 1) - 1e-9)))


class ViT:
    def __init__(self, path):
        m = onnx.load(path)
        self.W = {t.name: numpy_helper.to_array(t).astype(np.float32)
                  for t in m.graph.initializer}
        self.relu = any(n.op_type == 'Relu' for n in m.graph.node)
        self.heads = None
        for n in m.graph.node:
            if n.name == '/blocks.0/attn/Constant':
                self.heads = int(numpy_helper.to_array(n.attribute[0].t)[2])
        if self.heads is None:
            raise SystemExit(f'{path}: not a zoo ViT (no /blocks.0/attn/Constant head count)')
        self.depth = 1 + max(int(k.split('.')[1]) for k in self.W if k.startswith('blocks.'))
        conv = next(n for n in m.graph.node if n.op_type == 'Conv')
        self.patch = [onnx.helper.get_attribute_value(a) for a in conv.attribute
                      if a.name == 'strides'][0][0]

    def __call__(self, x, rates, score, fuse=False, thresh=None):
        """x [b, c, H, W] -> (logits [b, classes], token counts per layer).

        With thresh {layer: T}: threshold selection; the counts are then
        per-image arrays and a third result is the MACs per image."""
        W, H = self.W, self.heads
        wp, bp = W['patch_embed.weight'], W['patch_embed.bias']
        d, c = wp.shape[0], wp.shape[1]
        b, p = x.shape[0], self.patch
        gh, gw = x.shape[2] // p, x.shape[3] // p
        t = x.reshape(b, c, gh, p, gw, p).transpose(0, 2, 4, 1, 3, 5).reshape(b, gh * gw, -1)
        h = t @ wp.reshape(d, -1).T + bp
        h = np.concatenate([np.broadcast_to(W['cls_token'], (b, 1, d)), h], 1) + W['pos_embed']
        dh = d // H
        counts = []
        valid = np.ones(h.shape[:2], bool) if thresh is not None else None
        macs = np.full(b, float(gh * gw * wp[0].size * d + d * W['head.weight'].shape[0]))
        for i in range(self.depth):
            def g(s):
                return W['blocks.%d.%s' % (i, s)]
            n = h.shape[1]
            t = layer_norm(h, g('norm1.weight'), g('norm1.bias'))

            def proj(s):
                return (t @ g('attn.%s.MatMul_in1' % s) + g('attn.%s.bias' % s)).reshape(
                    b, n, H, dh).transpose(0, 2, 1, 3)
            q, k, v = proj('q'), proj('k'), proj('v')
            s = (q @ k.transpose(0, 1, 3, 2)) * np.float32(1 / math.sqrt(dh))
            if valid is not None:
                s = np.where(valid[:, None, None, :], s, np.float32(-np.inf))
                n_in = valid.sum(1).astype(np.float64)
                macs += 4 * n_in * d * d + 2 * n_in * n_in * d
            pr = softmax(s)
            o = (pr @ v).transpose(0, 2, 1, 3).reshape(b, n, d)
            h = h + (o @ g('attn.proj.MatMul_in1') + g('attn.proj.bias'))
            keep = keep_count(n, rates.get(i, 1.0))
            if valid is not None:
                if i in thresh:
                    cls_row = pr[:, :, 0, :].astype(np.float64)
                    if score == 'int8':
                        imp = np.floor(np.clip(np.round(cls_row * 127), -128, 127).sum(1) / H)
                    else:
                        imp = cls_row.mean(1)
                    valid = valid & (imp >= thresh[i])
                    valid[:, 0] = True
                    h = np.where(valid[:, :, None], h, np.float32(0))
                counts.append(valid.sum(1))
                macs += 2 * valid.sum(1) * d * g('ffn.fc1.MatMul_in1').shape[1]
            elif keep < n:
                cls_row = pr[:, :, 0, :].astype(np.float64)          # [b, H, n]
                if score == 'int8':
                    imp = np.floor(np.clip(np.round(cls_row * 127), -128, 127).sum(1) / H)
                else:
                    imp = cls_row.mean(1)
                # Stable descending sort of the non-CLS tokens: ties keep the lower index.
                order = np.argsort(-imp[:, 1:], axis=1, kind='stable')[:, :keep - 1] + 1
                idx = np.sort(np.concatenate([np.zeros((b, 1), np.int64), order], 1), axis=1)
                kept = np.take_along_axis(h, idx[:, :, None], 1)
                if fuse:
                    w = np.maximum(imp, 0)
                    w[:, 0] = 0
                    np.put_along_axis(w, idx, 0, 1)
                    pruned = np.ones_like(w)
                    pruned[:, 0] = 0
                    np.put_along_axis(pruned, idx, 0, 1)
                    w = np.where(w.sum(1, keepdims=True) > 0, w, pruned)
                    fused = (w[:, :, None] * h.astype(np.float64)).sum(1) / w.sum(1, keepdims=True)
                    kept = np.concatenate([kept, fused[:, None].astype(np.float32)], 1)
                h = kept
            if valid is None:
                counts.append(h.shape[1])
            t = layer_norm(h, g('norm2.weight'), g('norm2.bias'))
            f = t @ g('ffn.fc1.MatMul_in1') + g('ffn.fc1.bias')
            f = np.maximum(f, 0) if self.relu else gelu(f)
            h = h + (f @ g('ffn.fc2.MatMul_in1') + g('ffn.fc2.bias'))
        cls = layer_norm(h[:, 0], W['norm.weight'], W['norm.bias'])
        logits = cls @ W['head.weight'].T + W['head.bias']
        if valid is not None:
            return logits, counts, macs
        return logits, counts


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model')
    ap.add_argument('dataset')
    ap.add_argument('--layers', default='1,2,3')
    ap.add_argument('--rates', type=float, nargs='+', default=[1.0, 0.9, 0.8, 0.7, 0.6, 0.5])
    ap.add_argument('--limit', type=int, default=0)
    ap.add_argument('--score', choices=['int8', 'fp32'], default='int8')
    ap.add_argument('--batch', type=int, default=500)
    ap.add_argument('--save-logits', default='')
    ap.add_argument('--fuse', action='store_true')
    ap.add_argument('--thresholds', type=float, nargs='+', default=[])
    a = ap.parse_args()
    vit = ViT(a.model)
    layers = [int(s) for s in a.layers.split(',') if s]
    bad = [l for l in layers if l < 0 or l >= vit.depth]
    if bad:
        raise SystemExit(f'--layers: layer {bad[0]} is outside the model\'s {vit.depth} layers')
    x = np.load(a.dataset + '/inputs.npy').astype(np.float32)
    y = np.load(a.dataset + '/labels.npy').astype(np.int64).ravel()
    if a.limit:
        x, y = x[:a.limit], y[:a.limit]
    for t in a.thresholds:
        correct, counts, macs = 0, [], []
        for i in range(0, len(x), a.batch):
            logits, c, m = vit(x[i:i + a.batch], {}, a.score, thresh={l: t for l in layers})
            correct += int((logits.argmax(1) == y[i:i + a.batch]).sum())
            counts.append(np.stack(c, 1))
            macs.append(m)
        counts = np.concatenate(counts).mean(0)
        print('threshold %g layers %s top-1 %.4f n=%d tokens %s macs %.0f score %s' % (
            t, a.layers, correct / len(x), len(x), ','.join('%.2f' % v for v in counts),
            np.concatenate(macs).mean(), a.score))
    if a.thresholds:
        return 0
    for rate in a.rates:
        if not 0 < rate <= 1:
            raise SystemExit(f'--rates: {rate} is not in (0, 1]')
        rates = {l: rate for l in layers}
        correct, counts, out = 0, None, []
        for i in range(0, len(x), a.batch):
            logits, counts = vit(x[i:i + a.batch], rates, a.score, a.fuse)
            correct += int((logits.argmax(1) == y[i:i + a.batch]).sum())
            out.append(logits.astype(np.float32))
        if a.save_logits:
            np.save('%s/logits_%.2f.npy' % (a.save_logits, rate), np.concatenate(out))
        print('rate %.2f layers %s top-1 %.4f n=%d tokens %s score %s%s' % (
            rate, a.layers, correct / len(x), len(x), ','.join(map(str, counts)), a.score,
            ' fused' if a.fuse else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
