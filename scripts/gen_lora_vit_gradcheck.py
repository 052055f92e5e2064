#!/usr/bin/python3
"""Fixtures of the zoo-ViT LoRA gradient check (test/e2e/lora-vit.test).

Loads the weights of test/models/zoo/vit_fmnist/model.onnx into the zoo's own
torch ViT (scripts/zoo/zoolib.py), checks that its logits reproduce the
zoo's onnxruntime reference, adds LoRA adapters (rank 4, alpha 4, on q and v
of every block; A and B random, B not zero) and writes torch's gradients of
the softmax cross-entropy of test image 0 against class 3.

Writes into OUT (default test/e2e/Inputs/lora-vit):
  label.npy                          one-hot [1, 10] (class 3)
  blocks_<i>_attn_<q|v>_Add_lora_<a|b>.npy   the adapters (program input names)
  grad_blocks_<i>_attn_<q|v>_Add_lora_<a|b>.npy  torch's gradients

Usage: scripts/gen_lora_vit_gradcheck.py [OUT]
"""
import os
import sys

import numpy as np
import onnx
import torch
import torch.nn as nn
from onnx import numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "scripts", "zoo"))
import zoolib as Z  # noqa: E402

RANK, ALPHA, LABEL = 4, 4.0, 3


class Lora(nn.Module):
    def __init__(self, lin, a, b):
        super().__init__()
        self.lin, self.a, self.b = lin, a, b

    def forward(self, x):
        return self.lin(x) + (ALPHA / RANK) * ((x @ self.a) @ self.b)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "test", "e2e", "Inputs", "lora-vit")
    os.makedirs(out, exist_ok=True)
    zoo = os.path.join(ROOT, "test", "models", "zoo", "vit_fmnist")
    weights = {i.name: torch.tensor(numpy_helper.to_array(i).copy())
               for i in onnx.load(os.path.join(zoo, "model.onnx")).graph.initializer}
    model = Z.ViT().eval()
    state = {}
    for name, p in model.state_dict().items():
        if name in weights:
            state[name] = weights[name]
        else:  # x @ W^T exported as MatMul with W^T
            state[name] = weights[name.replace(".weight", ".MatMul_in1")].T
    model.load_state_dict(state)
    x = torch.tensor(np.load(os.path.join(zoo, "inputs.npy"))[:1])
    ref = np.load(os.path.join(zoo, "reference.npy"))[:1]
    with torch.no_grad():
        err = np.abs(model(x).numpy() - ref).max()
    assert err < 1e-4, f"weights not loaded right: max |torch - ort| = {err}"

    g = torch.Generator().manual_seed(5)
    params = []
    for i, blk in enumerate(model.blocks):
        for p in ("q", "v"):
            a = ((torch.rand(64, RANK, generator=g) * 2 - 1) / 8).requires_grad_()
            b = (torch.randn(RANK, 64, generator=g) * 0.1).requires_grad_()
            setattr(blk.attn, p, Lora(getattr(blk.attn, p), a, b))
            base = f"blocks_{i}_attn_{p}_Add_lora"
            params += [(base + "_a", a), (base + "_b", b)]
    label = torch.zeros(1, 10)
    label[0, LABEL] = 1
    loss = nn.functional.cross_entropy(model(x), torch.tensor([LABEL]))
    loss.backward()
    np.save(os.path.join(out, "label.npy"), label.numpy())
    for name, p in params:
        np.save(os.path.join(out, name + ".npy"), p.detach().numpy())
        np.save(os.path.join(out, "grad_" + name + ".npy"), p.grad.numpy())
    print(f"ViT: max |torch - ort| logits {err:.2e}, CE {loss.item():.4f}")


if __name__ == "__main__":
    main()
