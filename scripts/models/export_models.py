#!/usr/bin/env python3
"""Exports the transformer models the importer is tested on (Debian torch 1.13).

Each model is exported at opsets 13 (LayerNorm decomposed into
ReduceMean/Sub/Pow/Sqrt/Div) and 17 (LayerNormalization):

  bert_encoder_op{13,17}.onnx  BERT-like nn.TransformerEncoder (post-LN, GELU)
                               with token + position embeddings and a key-
                               padding mask; dynamic batch and sequence axes
  gpt_decoder_op{13,17}.onnx   GPT-style causal decoder (nanoGPT attention with
                               a sliced causal-mask buffer, tanh GELU); dynamic
                               batch and sequence axes
  digits_vit_op{13,17}.onnx    the ViT trained on sklearn digits by
                               train_digits_vit.py (dynamic batch)
  qdq_mlp_op{13,17}.onnx       torch static int8 (QNNPACK) MLP on digits,
                               exported as QuantizeLinear/DequantizeLinear
  vit_b16_op{13,17}.onnx       torchvision ViT-B/16, weights=None (330 MB each;
                               only with --vit, written to --large-dir)

Usage (from the repository root; about a minute without --vit):

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/models/train_digits_vit.py \\
      --out build/models/digits_vit.pt
  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/models/export_models.py \\
      --digits-weights build/models/digits_vit.pt --out-dir test/models \\
      [--vit --large-dir build/models]
"""

import argparse
import math
import os
import sys

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from train_digits_vit import DigitsViT, load_split  # noqa: E402

OPSETS = (13, 17)


class BertLike(nn.Module):
    """Token + position embeddings and a post-LN GELU TransformerEncoder."""

    def __init__(self, vocab=100, max_len=64, dim=64, heads=4, ff=128,
                 layers=2):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Embedding(max_len, dim)
        layer = nn.TransformerEncoderLayer(dim, heads, ff, dropout=0.0,
                                           activation="gelu",
                                           batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers,
                                             enable_nested_tensor=False)

    def forward(self, input_ids, padding_mask):
        positions = torch.arange(input_ids.shape[1]).unsqueeze(0)
        x = self.tok(input_ids) + self.pos(positions)
        return self.encoder(x, src_key_padding_mask=padding_mask)


class CausalSelfAttention(nn.Module):
    def __init__(self, dim, heads, max_len):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(dim, 3 * dim)
        self.proj = nn.Linear(dim, dim)
        self.register_buffer("causal", torch.tril(
            torch.ones(max_len, max_len)).view(1, 1, max_len, max_len))

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(x).split(c, dim=2)
        q = q.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        k = k.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        v = v.view(b, t, self.heads, c // self.heads).transpose(1, 2)
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.shape[-1]))
        att = att.masked_fill(self.causal[:, :, :t, :t] == 0, float("-inf"))
        att = torch.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(b, t, c)
        return self.proj(y)


class GptBlock(nn.Module):
    def __init__(self, dim, heads, max_len):
        super().__init__()
        self.ln1 = nn.LayerNorm(dim)
        self.attn = CausalSelfAttention(dim, heads, max_len)
        self.ln2 = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim),
                                 nn.GELU(approximate="tanh"),
                                 nn.Linear(4 * dim, dim))

    def forward(self, x):
        x = x + self.attn(self.ln1(x))
        return x + self.mlp(self.ln2(x))


class GptDecoder(nn.Module):
    def __init__(self, vocab=100, max_len=32, dim=64, heads=4, layers=2):
        super().__init__()
        self.tok = nn.Embedding(vocab, dim)
        self.pos = nn.Parameter(torch.randn(1, max_len, dim) * 0.02)
        self.blocks = nn.Sequential(*[GptBlock(dim, heads, max_len)
                                      for _ in range(layers)])
        self.ln_f = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, vocab, bias=False)

    def forward(self, input_ids):
        t = input_ids.shape[1]
        x = self.tok(input_ids) + self.pos[:, :t]
        return self.head(self.ln_f(self.blocks(x)))


class QuantMLP(nn.Module):
    def __init__(self):
        super().__init__()
        self.quant = torch.quantization.QuantStub()
        self.fc1 = nn.Linear(64, 64)
        self.relu = nn.ReLU()
        self.fc2 = nn.Linear(64, 10)
        self.dequant = torch.quantization.DeQuantStub()

    def forward(self, x):
        return self.dequant(self.fc2(self.relu(self.fc1(self.quant(x)))))


def export(model, args, path, names, outputs, dynamic_axes, opset):
    model.eval()
    # Gradients stay enabled: torch 1.13's TransformerEncoderLayer and
    # MultiheadAttention take a fused fast path (no ONNX symbolic) under
    # no_grad.
    torch.onnx.export(model, args, path, input_names=names,
                      output_names=outputs, dynamic_axes=dynamic_axes,
                      opset_version=opset, do_constant_folding=True)
    print("wrote %s (%.1f kB)" % (path, os.path.getsize(path) / 1024))


def quant_mlp():
    torch.backends.quantized.engine = "qnnpack"
    x_train, _, y_train, _ = load_split()
    x = torch.from_numpy(x_train.reshape(len(x_train), 64))
    y = torch.from_numpy(y_train)
    model = QuantMLP()
    opt = torch.optim.Adam(model.parameters(), lr=1e-2)
    for _ in range(100):
        loss = nn.functional.cross_entropy(model(x), y)
        opt.zero_grad()
        loss.backward()
        opt.step()
    model.eval()
    model.qconfig = torch.quantization.get_default_qconfig("qnnpack")
    prepared = torch.quantization.prepare(model)
    with torch.no_grad():
        prepared(x)  # calibration
    return torch.quantization.convert(prepared)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out-dir", default="test/models")
    parser.add_argument("--digits-weights", required=True)
    parser.add_argument("--vit", action="store_true",
                        help="also export torchvision ViT-B/16")
    parser.add_argument("--large-dir", default="build/models")
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    os.makedirs(args.out_dir, exist_ok=True)
    out = lambda name: os.path.join(args.out_dir, name)  # noqa: E731

    bert = BertLike()
    ids = torch.randint(0, 100, (2, 16))
    pad = torch.zeros(2, 16, dtype=torch.bool)
    pad[1, 12:] = True
    gpt = GptDecoder()
    digits = DigitsViT()
    digits.load_state_dict(torch.load(args.digits_weights)["state_dict"])
    qmlp = quant_mlp()
    for opset in OPSETS:
        export(bert, (ids, pad), out("bert_encoder_op%d.onnx" % opset),
               ["input_ids", "padding_mask"], ["hidden"],
               {"input_ids": {0: "batch", 1: "seq"},
                "padding_mask": {0: "batch", 1: "seq"},
                "hidden": {0: "batch", 1: "seq"}}, opset)
        export(gpt, (ids,), out("gpt_decoder_op%d.onnx" % opset),
               ["input_ids"], ["logits"],
               {"input_ids": {0: "batch", 1: "seq"},
                "logits": {0: "batch", 1: "seq"}}, opset)
        export(digits, (torch.zeros(1, 1, 8, 8),),
               out("digits_vit_op%d.onnx" % opset), ["image"], ["logits"],
               {"image": {0: "batch"}, "logits": {0: "batch"}}, opset)
        export(qmlp, (torch.zeros(1, 64),), out("qdq_mlp_op%d.onnx" % opset),
               ["x"], ["logits"], None, opset)
    if args.vit:
        import torchvision
        os.makedirs(args.large_dir, exist_ok=True)
        vit = torchvision.models.vit_b_16(weights=None)
        for opset in OPSETS:
            export(vit, (torch.zeros(1, 3, 224, 224),),
                   os.path.join(args.large_dir, "vit_b16_op%d.onnx" % opset),
                   ["image"], ["logits"], None, opset)
    return 0


if __name__ == "__main__":
    sys.exit(main())
