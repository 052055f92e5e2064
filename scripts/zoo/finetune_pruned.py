#!/usr/bin/python3
"""Pruning-aware fine-tuning of the zoo's ReLU ViT (issue 8): test/models/zoo/vit_relu_pruned.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/zoo/finetune_pruned.py
        [--src test/models/zoo/vit_relu] [--out test/models/zoo] [--epochs 3] [--seed 0]

Starts from the committed test/models/zoo/vit_relu/model.onnx (its initializers are loaded into
scripts/zoo/zoolib.py's ViT, which must reproduce the committed onnxruntime reference.npy) and
fine-tunes it on the 60k Fashion-MNIST training images with Tern's token pruning in the forward
pass, exactly as `tern compile --prune-tokens --prune-layers 1,2,3 --prune-keep-rate 0.5` prunes:

  * where: after attention layer l (0-based), on the hidden state right after the attention
    residual addition, before the layer's FFN (tern-prune-tokens);
  * importance: the softmax probabilities CLS pays each token, per head, converted to int8 as the
    token unit reads them (round-half-even(p * 127)), summed over heads and floor-divided by the
    head count (tok.score);
  * selection: CLS (index 0) always, plus the ceil(rho * (N - 1)) other tokens with the highest
    score, ties to the lower index (tok.select's stable sort); kept tokens stay in ascending
    index order, CLS first (tok.gather). 17 -> 9 -> 5 -> 3 tokens for rho 0.5 on layers 1-3.

The selection is a hard, non-differentiable choice (EViT-style): gradients flow through the kept
tokens only. The exported model is the ordinary dense ViT (same graph as vit_relu); pruning is
applied by Tern's flags. Writes OUT/vit_relu_pruned/{model.onnx, inputs.npy, labels.npy,
reference.npy (onnxruntime, dense), meta.json}; meta.json records dense and pruned FP32 top-1 on
the 10k test split for the fine-tuned model and for vit_relu.
Needs torch (python3-torch), onnx, dataset-fashion-mnist, onnxruntime-node (scripts/zoo/ort).
"""
import argparse
import math
import os
import sys
import time

os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zoolib as Z  # noqa: E402
import train as T  # noqa: E402

NAME = 'vit_relu_pruned'
PRUNE_LAYERS = (1, 2, 3)
KEEP_RATE = 0.5
PROB_SCALE = 127.0  # TokenOps.cpp: probabilities become int8 round(p * 127)


def load_from_onnx(model, path):
    """Copies the ONNX initializers of a zoo ViT into zoolib.ViT (MatMul_in1 = weight^T)."""
    import onnx
    from onnx import numpy_helper
    w = {t.name: torch.from_numpy(numpy_helper.to_array(t).copy())
         for t in onnx.load(path).graph.initializer}
    sd = {}
    for k in model.state_dict():
        if k in w:
            sd[k] = w[k]
        elif k.endswith('.weight') and k[:-len('.weight')] + '.MatMul_in1' in w:
            sd[k] = w[k[:-len('.weight')] + '.MatMul_in1'].t().contiguous()
        else:
            raise SystemExit(f'{path}: no initializer for {k}')
    model.load_state_dict(sd)


def keep_count(n, rho):
    """tern-prune-tokens: 1 + ceil(rho * (n - 1)), at most n."""
    return min(n, 1 + int(math.ceil(rho * (n - 1) - 1e-9)))


def select_tokens(probs, keep):
    """Tern's kept indices for a batch: probs [b, h, n, n] -> int64 [b, keep], ascending, CLS
    first. Scores as the token unit computes them (int8 probabilities, floor of the head mean);
    ties go to the lower index (the key subtracts the index from a score scaled by 4096)."""
    b, h, n, _ = probs.shape
    q = torch.clamp(torch.round(probs[:, :, 0, :].detach().double() * PROB_SCALE), -128, 127)
    score = torch.floor(q.sum(1) / h)                       # [b, n], exact integers
    key = score * 4096 - torch.arange(n, dtype=torch.float64)
    top = torch.topk(key[:, 1:], keep - 1, dim=1).indices + 1
    cls = torch.zeros(b, 1, dtype=torch.int64)
    return torch.sort(torch.cat([cls, top], 1), dim=1).values


def attention_with_probs(attn, x):
    """zoolib.Attention.forward, also returning the softmax probabilities [b, h, n, n]."""
    b, n, d = x.shape

    def split(t):
        return t.reshape(b, n, attn.h, attn.dh).transpose(1, 2)
    q, k, v = split(attn.q(x)), split(attn.k(x)), split(attn.v(x))
    scores = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(attn.dh))
    p = torch.softmax(scores, dim=-1)
    o = torch.matmul(p, v).transpose(1, 2).reshape(b, n, d)
    return attn.proj(o), p


def pruned_forward(model, x, rates):
    """zoolib.ViT.forward with Tern's token pruning after the attention of the layers in
    `rates` (layer -> keep rate)."""
    b = x.shape[0]
    d = model.cls_token.shape[-1]
    x = model.patch_embed(x).reshape(b, d, -1).transpose(1, 2)
    x = torch.cat([model.cls_token.expand(b, 1, d), x], dim=1) + model.pos_embed
    for i, blk in enumerate(model.blocks):
        a, p = attention_with_probs(blk.attn, blk.norm1(x))
        x = x + a
        if i in rates:
            keep = keep_count(x.shape[1], rates[i])
            if keep < x.shape[1]:
                idx = select_tokens(p, keep)
                x = torch.gather(x, 1, idx[:, :, None].expand(b, keep, d))
        x = x + blk.ffn(blk.norm2(x))
    return model.head(model.norm(x)[:, 0])


class Pruned(torch.nn.Module):
    def __init__(self, model, rates):
        super().__init__()
        self.model, self.rates = model, rates

    def forward(self, x):
        return pruned_forward(self.model, x, self.rates)


def top1(model, x, y):
    return float((Z.predict(model, x).argmax(1) == y).float().mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--src', default=os.path.join(Z.REPO, 'test', 'models', 'zoo', 'vit_relu'))
    ap.add_argument('--out', default=os.path.join(Z.REPO, 'test', 'models', 'zoo'))
    ap.add_argument('--epochs', type=int, default=3)
    ap.add_argument('--lr', type=float, default=5e-4)
    ap.add_argument('--seed', type=int, default=0)
    args = ap.parse_args()
    t_start = time.time()
    Z.set_determinism(args.seed)
    data = Z.load_fmnist()
    arch = dict(T.VIT_ARCH, act='relu')
    model = Z.ViT(**arch)
    src_onnx = os.path.join(args.src, 'model.onnx')
    load_from_onnx(model, src_onnx)
    # The loaded model must be vit_relu: its logits on the fixture equal onnxruntime's.
    ref = np.load(os.path.join(args.src, 'reference.npy'))
    fx = torch.from_numpy(np.load(os.path.join(args.src, 'inputs.npy')))
    diff = float(np.abs(Z.predict(model, fx).numpy() - ref).max())
    if not diff <= T.FLOAT_TOL:
        raise SystemExit(f'{src_onnx}: loaded weights do not reproduce reference.npy ({diff})')
    rates = {layer: KEEP_RATE for layer in PRUNE_LAYERS}
    pruned = Pruned(model, rates)
    x, y = data['train']
    xt, yt = data['test']
    base = {'dense_torch_test_top1': top1(model, xt, yt),
            'pruned_torch_test_top1': top1(pruned, xt, yt)}
    print(f'{NAME}: start (vit_relu) test top-1 dense {base["dense_torch_test_top1"] * 100:.2f}%, '
          f'pruned {base["pruned_torch_test_top1"] * 100:.2f}%', flush=True)
    tr = dict(epochs=args.epochs, batch=128, lr=args.lr, wd=0.05)
    t0 = time.time()
    Z.train_loop(pruned, x, y, F.cross_entropy, seed=args.seed, warmup_frac=0.05, **tr)
    train_s = time.time() - t0
    after = {'dense_torch_test_top1': top1(model, xt, yt),
             'pruned_torch_test_top1': top1(pruned, xt, yt)}
    print(f'  fine-tuned test top-1: dense {after["dense_torch_test_top1"] * 100:.2f}%, '
          f'pruned {after["pruned_torch_test_top1"] * 100:.2f}%', flush=True)

    cfg = {'purpose': (
        'Issue 8: vit_relu fine-tuned with Tern\'s token pruning (CLS attention, keep rate 0.5 '
        'after attention layers 1, 2, 3) in the forward pass; the dense ViT graph, pruned by '
        '`tern compile --prune-tokens --prune-layers 1,2,3 --prune-keep-rate 0.5`.')}
    meta = T.common_meta(NAME, args, cfg)
    meta['command'] = 'OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/zoo/finetune_pruned.py' + (
        f' --epochs {args.epochs}' if args.epochs != 3 else '') + (
        f' --seed {args.seed}' if args.seed != 0 else '')
    meta['architecture'] = dict(arch, type='ViT (the vit_relu architecture and graph)',
                                tokens=1 + (28 // 7) ** 2)
    meta['training'] = dict(
        tr, start='test/models/zoo/vit_relu/model.onnx (sha256 ' + Z.sha256(src_onnx) + '), '
        'initializers loaded into scripts/zoo/zoolib.py ViT; fixture max abs diff to its '
        f'reference.npy {diff:.3g}',
        pruning_in_forward={
            'layers': list(PRUNE_LAYERS), 'keep_rate': KEEP_RATE,
            'tokens': [17, 9, 5, 3],
            'where': 'after the attention residual addition, before the FFN of each layer',
            'importance': 'CLS row of the softmax, int8 round-half-even(p * 127), summed over '
                          'heads, floor-divided by the head count (tok.score)',
            'selection': 'CLS + top ceil(rho * (N - 1)) by score, ties to the lower index, '
                         'ascending order (tok.select / tok.gather); hard selection, no gradient '
                         'through it'},
        optimizer='AdamW', schedule='5% linear warm-up, cosine to 0', loss='cross-entropy',
        grad_clip=1.0, augmentation='none', selection='fixed epoch count, last epoch kept')
    meta['metrics_pruning'] = {
        'note': 'torch FP32 on the 10000 test images; pruned = layers 1,2,3 at keep rate 0.5 with '
                'the semantics above',
        'vit_relu_before_finetuning': base, 'vit_relu_pruned': after,
        'pruned_drop_points_vs_vit_relu_dense': (base['dense_torch_test_top1']
                                                 - after['pruned_torch_test_top1']) * 100}
    T.vit_finish(NAME, args, cfg, model, data, meta, train_s)
    print(f'{NAME}: done in {time.time() - t_start:.0f} s')


if __name__ == '__main__':
    main()
