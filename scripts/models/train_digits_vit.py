#!/usr/bin/env python3
"""Trains a small ViT on sklearn's digits (8x8 grey images, 10 classes).

Patch size 2 (16 patches + a class token), width 48, 2 pre-LN encoder layers
with 4 heads and GELU, as torchvision's ViT but tiny. One CPU core trains it
to >= 90 % test accuracy in a few minutes (the script fails otherwise). The
trained weights are written to --out (a state dict) together with the test
split, for export_models.py.

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/models/train_digits_vit.py \
      --out build/models/digits_vit.pt
"""

import argparse
import os
import sys

import numpy as np
import torch
from torch import nn
from sklearn.datasets import load_digits
from sklearn.model_selection import train_test_split


class DigitsViT(nn.Module):
    def __init__(self, patch=2, dim=48, depth=2, heads=4, mlp=96, classes=10):
        super().__init__()
        self.patch_embed = nn.Conv2d(1, dim, kernel_size=patch, stride=patch)
        n = (8 // patch) ** 2
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.randn(1, n + 1, dim) * 0.02)
        layer = nn.TransformerEncoderLayer(dim, heads, mlp, dropout=0.0,
                                           activation="gelu",
                                           batch_first=True, norm_first=True)
        self.encoder = nn.TransformerEncoder(layer, depth,
                                             enable_nested_tensor=False)
        self.norm = nn.LayerNorm(dim)
        self.head = nn.Linear(dim, classes)

    def forward(self, x):  # x: [B, 1, 8, 8]
        x = self.patch_embed(x).flatten(2).transpose(1, 2)
        cls = self.cls_token.expand(x.shape[0], -1, -1)
        x = torch.cat([cls, x], dim=1) + self.pos_embed
        x = self.encoder(x)
        return self.head(self.norm(x[:, 0]))


def load_split(seed=0):
    digits = load_digits()
    x = (digits.images / 16.0).astype(np.float32)[:, None]
    y = digits.target.astype(np.int64)
    return train_test_split(x, y, test_size=0.2, random_state=seed,
                            stratify=y)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", required=True)
    parser.add_argument("--epochs", type=int, default=60)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(0)
    x_train, x_test, y_train, y_test = load_split()
    model = DigitsViT()
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=0.01)
    sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, args.epochs)
    xt, yt = torch.from_numpy(x_train), torch.from_numpy(y_train)
    for epoch in range(args.epochs):
        model.train()
        perm = torch.randperm(len(xt))
        for i in range(0, len(xt), 64):
            idx = perm[i:i + 64]
            loss = nn.functional.cross_entropy(model(xt[idx]), yt[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
    model.eval()
    with torch.no_grad():
        pred = model(torch.from_numpy(x_test)).argmax(1).numpy()
    acc = float((pred == y_test).mean())
    print("digits ViT test accuracy: %.4f (%d images)" % (acc, len(y_test)))
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    torch.save({"state_dict": model.state_dict(), "accuracy": acc}, args.out)
    return 0 if acc >= 0.90 else 1


if __name__ == "__main__":
    sys.exit(main())
