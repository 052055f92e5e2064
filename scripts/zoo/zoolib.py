"""Shared pieces of Tern's model zoo: data, models, fake quantization, training, export,
fixtures, onnxruntime references and meta.json.  Used by scripts/zoo/train.py only.

Everything runs on one CPU core with fixed seeds (see set_determinism()).
"""
import gzip
import hashlib
import json
import math
import os
import struct
import subprocess
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
ORT_DIR = os.path.join(REPO, 'scripts', 'zoo', 'ort')
FMNIST_DIR = '/usr/share/datasets/fashion-mnist'
OPSET = 17


# --------------------------------------------------------------------------------------------
# Determinism

def set_determinism(seed):
    torch.set_num_threads(1)
    torch.manual_seed(seed)
    np.random.seed(seed)
    torch.use_deterministic_algorithms(True)


# --------------------------------------------------------------------------------------------
# Data

def _read_idx(path):
    """IDX file (gzip) as used by MNIST/Fashion-MNIST: big-endian magic, dims, then uint8."""
    with gzip.open(path, 'rb') as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack('>HBB', data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f'{path}: not an unsigned-byte IDX file')
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def load_fmnist():
    """Fashion-MNIST, official split (60k train / 10k test). Images as float32 in [0, 1]
    (pixel / 255), layout NCHW [N, 1, 28, 28]; labels int64. No other normalisation."""
    if not os.path.isdir(FMNIST_DIR):
        raise SystemExit(f'{FMNIST_DIR} missing: apt-get install dataset-fashion-mnist')
    out = {}
    for split, prefix in (('train', 'train'), ('test', 't10k')):
        x = _read_idx(os.path.join(FMNIST_DIR, f'{prefix}-images-idx3-ubyte.gz'))
        y = _read_idx(os.path.join(FMNIST_DIR, f'{prefix}-labels-idx1-ubyte.gz'))
        out[split] = (torch.from_numpy(x.astype(np.float32)[:, None] / 255.0),
                      torch.from_numpy(y.astype(np.int64)))
    return out


DIGITS_TEST, DIGITS_SEED = 360, 0


def load_digits_split():
    """sklearn's digits (8x8 grey images of 0-9, 1797 images, 16 grey levels; the data ships
    in apt python3-sklearn). Input = pixel / 16 as float32 in [0, 1], NCHW [N, 1, 8, 8]; labels
    int64. Fixed split: sklearn train_test_split(test_size=360, random_state=0, stratify=labels)
    -> 1437 training / 360 test images (the split of scripts/models/train_digits_vit.py).
    Also returns the split's indices into load_digits() (recorded in meta.json)."""
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError:
        raise SystemExit('need python3-sklearn (apt-get install python3-sklearn)')
    d = load_digits()
    x = (d.images / 16.0).astype(np.float32)[:, None]
    y = d.target.astype(np.int64)
    idx_train, idx_test = train_test_split(np.arange(len(y)), test_size=DIGITS_TEST,
                                           random_state=DIGITS_SEED, stratify=y)
    return {'train': (torch.from_numpy(x[idx_train]), torch.from_numpy(y[idx_train])),
            'test': (torch.from_numpy(x[idx_test]), torch.from_numpy(y[idx_test])),
            'idx_train': idx_train, 'idx_test': idx_test}


def sunspot_windows(s, window, test_frac=0.2, input_transform=None):
    """Windows, targets and normalisation of the sunspot series s (numpy only; shared with
    scripts/zoo/splits.py). Targets (and the model output) are z = (value - mean) / std with
    the training part's mean/std. Inputs are the same z, or with input_transform='log1p'
    zi = (log1p(value) - mean_l) / std_l with mean_l/std_l of log1p over the training part:
    the log compresses the solar maxima, so a test maximum above every training value stays
    inside the range int8 calibration sees on the training windows (forecaster_w6)."""
    n = len(s) - window
    n_test = int(math.ceil(test_frac * n))
    n_train = n - n_test
    train_series = s[:n_train + window]  # every value a training window or target touches
    mean, std = float(train_series.mean()), float(train_series.std())
    z = ((s - mean) / std).astype(np.float32)
    if input_transform is None:
        in_mean, in_std, zi = mean, std, z
    elif input_transform == 'log1p':
        lt = np.log1p(train_series)
        in_mean, in_std = float(lt.mean()), float(lt.std())
        zi = ((np.log1p(s) - in_mean) / in_std).astype(np.float32)
    else:
        raise ValueError(f'unknown input transform {input_transform!r}')
    xs = np.stack([zi[i:i + window] for i in range(n)])[:, :, None]  # [n, window, 1]
    ys = z[window:window + n][:, None]                                # [n, 1]
    last = z[window - 1:window - 1 + n][:, None]   # each window's last value, output units
    return dict(n_train=n_train, mean=mean, std=std, in_mean=in_mean, in_std=in_std,
                xs=xs, ys=ys, last=last)


def load_sunspots(window, test_frac=0.2, input_transform=None):
    """statsmodels yearly sunspots (1700-2008, 309 values). Windows of `window` consecutive
    years predict the next year. Chronological split on the *target* year: the last
    ceil(test_frac * n_windows) windows are the test set (their inputs may reach back into
    the training years, never forward). Normalised with statistics of the training windows'
    years only (the series up to the last training target); see sunspot_windows()."""
    import statsmodels.api as sm
    s = sm.datasets.sunspots.load_pandas().data['SUNACTIVITY'].to_numpy(np.float64)
    w = sunspot_windows(s, window, test_frac, input_transform)
    n, n_train, xs, ys = len(w['xs']), w['n_train'], w['xs'], w['ys']
    years = np.arange(1700, 1700 + len(s))[window:window + n]
    return {
        'train': (torch.from_numpy(xs[:n_train]), torch.from_numpy(ys[:n_train])),
        'test': (torch.from_numpy(xs[n_train:]), torch.from_numpy(ys[n_train:])),
        'test_last': w['last'][n_train:],
        'mean': w['mean'], 'std': w['std'], 'n_series': len(s),
        'input_transform': input_transform, 'in_mean': w['in_mean'], 'in_std': w['in_std'],
        'train_years': [int(years[0]), int(years[n_train - 1])],
        'test_years': [int(years[n_train]), int(years[-1])],
        'raw': s,
    }


# --------------------------------------------------------------------------------------------
# Fake quantization (straight-through estimator)

def fake_quant_sym(x, scale, bits):
    """Symmetric signed fake quantization with the exact ONNX semantics used at export:
    q = clamp(round_half_even(x / scale), -2^(b-1), 2^(b-1)-1); return q * scale.
    Gradient: straight-through (identity inside the clamp range, zero outside)."""
    qmin, qmax = -(2 ** (bits - 1)), 2 ** (bits - 1) - 1
    q = torch.clamp(torch.round(x / scale), qmin, qmax)
    y = q * scale
    inside = ((x / scale) >= qmin - 0.5) & ((x / scale) <= qmax + 0.5)
    return x * inside + (y - x * inside).detach()


def weight_scale(w, bits):
    """Per-tensor symmetric scale: max|w| / (2^(b-1) - 1), as float32."""
    return (w.detach().abs().max() / (2 ** (bits - 1) - 1)).clamp_min(1e-8)


class QuantLinear(nn.Linear):
    """nn.Linear with fake-quantized input (per tensor, symmetric, scale from a running max of
    |x| with momentum 0.95 while training, frozen in eval) and fake-quantized weight (per tensor,
    symmetric, scale = max|W| / (2^(b-1)-1) recomputed each step). Bias stays float."""

    def __init__(self, in_f, out_f, bias=True, w_bits=4, a_bits=8, momentum=0.95):
        super().__init__(in_f, out_f, bias)
        self.w_bits, self.a_bits, self.momentum = w_bits, a_bits, momentum
        self.register_buffer('act_absmax', torch.zeros(()))
        self.quant = False

    def act_scale(self):
        return (self.act_absmax / (2 ** (self.a_bits - 1) - 1)).clamp_min(1e-8)

    def forward(self, x):
        if not self.quant:
            return super().forward(x)
        if self.training:
            m = x.detach().abs().max()
            if self.act_absmax.item() == 0:
                self.act_absmax.fill_(m)
            else:
                self.act_absmax.mul_(self.momentum).add_((1 - self.momentum) * m)
        xq = fake_quant_sym(x, self.act_scale(), self.a_bits)
        wq = fake_quant_sym(self.weight, weight_scale(self.weight, self.w_bits), self.w_bits)
        return F.linear(xq, wq, self.bias)


# --------------------------------------------------------------------------------------------
# Models

class Attention(nn.Module):
    """Multi-head self-attention with separate q/k/v projections (explicit MatMul/Softmax in the
    exported graph). With scale_in_q=True (forecaster) 1/sqrt(d_h) multiplies the scores too;
    it is the same graph either way: Mul by a constant after the Q.K^T MatMul."""

    def __init__(self, d, heads, lin=nn.Linear):
        super().__init__()
        self.h, self.dh = heads, d // heads
        self.q, self.k, self.v, self.proj = lin(d, d), lin(d, d), lin(d, d), lin(d, d)

    def forward(self, x):
        b, n, d = x.shape
        def split(t):
            return t.reshape(b, n, self.h, self.dh).transpose(1, 2)  # [b, h, n, dh]
        q, k, v = split(self.q(x)), split(self.k(x)), split(self.v(x))
        scores = torch.matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(self.dh))
        attn = torch.softmax(scores, dim=-1)
        o = torch.matmul(attn, v).transpose(1, 2).reshape(b, n, d)
        return self.proj(o)


class FFN(nn.Module):
    def __init__(self, d, hidden, act, lin=nn.Linear):
        super().__init__()
        self.fc1, self.fc2 = lin(d, hidden), lin(hidden, d)
        self.act = nn.GELU() if act == 'gelu' else nn.ReLU()

    def forward(self, x):
        return self.fc2(self.act(self.fc1(x)))


class ViTBlock(nn.Module):
    """Pre-norm block: x + Attn(LN(x)); x + FFN(LN(x))."""

    def __init__(self, d, heads, mlp, act, lin):
        super().__init__()
        self.norm1, self.norm2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.attn = Attention(d, heads, lin)
        self.ffn = FFN(d, mlp, act, lin)

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.ffn(self.norm2(x))


class ViT(nn.Module):
    """Small ViT: Conv patch embedding (kernel = stride = patch), CLS token, learned position
    embeddings, pre-norm blocks, final LayerNorm, linear head on the CLS token."""

    def __init__(self, img=28, chans=1, patch=7, d=64, depth=4, heads=4, mlp=256, classes=10,
                 act='gelu', quant=None):
        super().__init__()
        lin = nn.Linear
        if quant:
            w_bits, a_bits = quant
            lin = lambda i, o: QuantLinear(i, o, w_bits=w_bits, a_bits=a_bits)  # noqa: E731
        self.patch_embed = nn.Conv2d(chans, d, patch, stride=patch)
        n = (img // patch) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, d))
        self.pos_embed = nn.Parameter(torch.randn(1, n + 1, d) * 0.02)
        self.blocks = nn.ModuleList([ViTBlock(d, heads, mlp, act, lin) for _ in range(depth)])
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, classes)  # the head stays FP32 in the QAT variant
        self.apply(self._init)

    @staticmethod
    def _init(m):
        if isinstance(m, nn.Linear):
            nn.init.trunc_normal_(m.weight, std=0.02)
            nn.init.zeros_(m.bias)

    def set_quant(self, on):
        for m in self.modules():
            if isinstance(m, QuantLinear):
                m.quant = on

    def forward(self, x):
        b = x.shape[0]
        d = self.cls_token.shape[-1]
        # Explicit sizes (not flatten / expand(-1)) so that the exported batch-1 graph is static.
        x = self.patch_embed(x).reshape(b, d, -1).transpose(1, 2)   # [b, n, d]
        cls = self.cls_token if b == 1 else self.cls_token.expand(b, 1, d)
        x = torch.cat([cls, x], dim=1)
        x = x + self.pos_embed
        for blk in self.blocks:
            x = blk(x)
        return self.head(self.norm(x)[:, 0])


class BatchNormTokens(nn.BatchNorm1d):
    """BatchNorm over the feature dim of a [b, n, d] sequence (statistics over batch and time),
    as the FPGA design uses in place of LayerNorm. Exported as Transpose-BatchNormalization-
    Transpose (inference mode: folded running statistics)."""

    def forward(self, x):
        return super().forward(x.transpose(1, 2)).transpose(1, 2)


def sinusoidal_pe(n, d):
    pos = torch.arange(n, dtype=torch.float32)[:, None]
    div = torch.exp(torch.arange(0, d, 2, dtype=torch.float32) * (-math.log(10000.0) / d))
    pe = torch.zeros(n, d)
    pe[:, 0::2], pe[:, 1::2] = torch.sin(pos * div), torch.cos(pos * div)
    return pe[None]


class Forecaster(nn.Module):
    """The integer-only FPGA forecaster's shape (Ling et al., AIoT 2024; SEEDS.md 3):
    input linear + sinusoidal positional encoding (added), ONE post-norm encoder layer with a
    single head (h = 1) and FFN 4d (ReLU), BatchNorm instead of LayerNorm, global average
    pooling over time, output linear. Params = 12 d^2 + (15 + m) d + 1 (m input features)."""

    def __init__(self, window, d, m=1):
        super().__init__()
        self.input_proj = nn.Linear(m, d)
        self.register_buffer('pos_enc', sinusoidal_pe(window, d))
        self.attn = Attention(d, 1)
        self.norm1 = BatchNormTokens(d)
        self.ffn = FFN(d, 4 * d, 'relu')
        self.norm2 = BatchNormTokens(d)
        self.output_proj = nn.Linear(d, 1)

    def forward(self, x):                      # x: [b, window, m]
        x = self.input_proj(x) + self.pos_enc
        x = self.norm1(x + self.attn(x))
        x = self.norm2(x + self.ffn(x))
        return self.output_proj(x.mean(dim=1))  # [b, 1]


def n_params(model):
    return sum(p.numel() for p in model.parameters())


# --------------------------------------------------------------------------------------------
# Training / evaluation

def cosine_lr(step, total, base, warmup):
    if step < warmup:
        return base * (step + 1) / warmup
    p = (step - warmup) / max(1, total - warmup)
    return base * 0.5 * (1 + math.cos(math.pi * p))


def train_loop(model, x, y, loss_fn, *, epochs, batch, lr, wd, seed, warmup_frac=0.05,
               log_every=1, clip=1.0):
    g = torch.Generator().manual_seed(seed)
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=wd)
    steps_per_epoch = math.ceil(len(x) / batch)
    total = epochs * steps_per_epoch
    warmup = max(1, int(warmup_frac * total))
    step = 0
    for ep in range(epochs):
        model.train()
        perm = torch.randperm(len(x), generator=g)
        t0, tot = time.time(), 0.0
        for i in range(steps_per_epoch):
            idx = perm[i * batch:(i + 1) * batch]
            for pg in opt.param_groups:
                pg['lr'] = cosine_lr(step, total, lr, warmup)
            loss = loss_fn(model(x[idx]), y[idx])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            if clip:
                nn.utils.clip_grad_norm_(model.parameters(), clip)
            opt.step()
            tot += loss.item() * len(idx)
            step += 1
        if (ep + 1) % log_every == 0 or ep == epochs - 1:
            print(f'  epoch {ep + 1}/{epochs} loss {tot / len(x):.4f} ({time.time() - t0:.1f} s)',
                  flush=True)


@torch.no_grad()
def predict(model, x, batch=500):
    model.eval()
    return torch.cat([model(x[i:i + batch]) for i in range(0, len(x), batch)])


# --------------------------------------------------------------------------------------------
# Export

def export_onnx(model, example, path, input_name, output_name):
    """torch.onnx.export at opset 17 with constant folding and a static batch of 1. Node names
    come from torch 1.13's module scopes (e.g. /blocks.0/attn/q/MatMul); initializers are
    renamed after the parameters they hold where the exporter left a generic name."""
    import onnx
    model.eval()
    torch.onnx.export(model, example, path, opset_version=OPSET, do_constant_folding=True,
                      input_names=[input_name], output_names=[output_name],
                      export_params=True, training=torch.onnx.TrainingMode.EVAL)
    m = onnx.load(path)
    inline_identity_initializers(m)
    name_initializers(m)
    onnx.checker.check_model(m)
    onnx.save(m, path)
    return m


def inline_identity_initializers(m):
    """torch deduplicates equal parameters (e.g. freshly initialised LayerNorm weights) and
    emits Identity nodes for the copies: replace each by an initializer of its own."""
    import onnx
    inits = {i.name: i for i in m.graph.initializer}
    keep = []
    for node in m.graph.node:
        if node.op_type == 'Identity' and node.input[0] in inits:
            t = onnx.TensorProto()
            t.CopyFrom(inits[node.input[0]])
            t.name = node.output[0]
            m.graph.initializer.append(t)
        else:
            keep.append(node)
    del m.graph.node[:]
    m.graph.node.extend(keep)


def name_initializers(m):
    """Give constant-folded initializers (named 'onnx::MatMul_123' etc.) the name of the node
    that consumes them, e.g. '/blocks.0/attn/q/MatMul.B' -> 'blocks.0.attn.q.MatMul_B'."""
    used = {i.name for i in m.graph.initializer}
    rename = {}
    for node in m.graph.node:
        for k, inp in enumerate(node.input):
            if inp in used and inp.startswith('onnx::') and inp not in rename:
                base = node.name.strip('/').replace('/', '.') + f'_in{k}'
                rename[inp] = base
    for init in m.graph.initializer:
        if init.name in rename:
            init.name = rename[init.name]
    for node in m.graph.node:
        for k, inp in enumerate(node.input):
            if inp in rename:
                node.input[k] = rename[inp]


def sha256(path):
    with open(path, 'rb') as f:
        return hashlib.sha256(f.read()).hexdigest()


# --------------------------------------------------------------------------------------------
# Fixtures, onnxruntime reference, meta.json

def write_fixture(outdir, inputs, target_name, targets):
    os.makedirs(outdir, exist_ok=True)
    np.save(os.path.join(outdir, 'inputs.npy'), np.ascontiguousarray(inputs, dtype=np.float32))
    np.save(os.path.join(outdir, f'{target_name}.npy'), np.ascontiguousarray(targets))


def run_ort_reference(outdir, opt='disabled', model=None):
    """Runs scripts/zoo/ort/run_reference.js (onnxruntime-node) on model.onnx (or `model`) +
    outdir/inputs.npy, which writes outdir/reference.npy. Returns (reference array, info dict
    printed by the script)."""
    js = os.path.join(ORT_DIR, 'run_reference.js')
    cmd = ['node', js, model or os.path.join(outdir, 'model.onnx'),
           os.path.join(outdir, 'inputs.npy'), os.path.join(outdir, 'reference.npy'), '--opt', opt]
    res = subprocess.run(cmd, capture_output=True, text=True)
    if res.returncode != 0:
        sys.stderr.write(res.stdout + res.stderr)
        raise SystemExit('run_reference.js failed')
    info = json.loads(res.stdout.strip().splitlines()[-1])
    return np.load(os.path.join(outdir, 'reference.npy')), info


def write_meta(outdir, meta):
    with open(os.path.join(outdir, 'meta.json'), 'w') as f:
        json.dump(meta, f, indent=2, sort_keys=False)
        f.write('\n')
