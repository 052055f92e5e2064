#!/usr/bin/python3
"""Fixtures of the LoRA gradient check (test/e2e/lora-gradcheck.test).

Builds a small pre-norm transformer block in torch (d = 16, one head,
4 tokens, erf-GELU FFN of width 32, a ReLU classifier head of 8 outputs),
exports the frozen model to ONNX, and computes with torch autograd the
gradients of LoRA adapters (rank 2, alpha 4, on the q and v projections:
y = x W^T + b + (alpha / r) (x A) B) for both losses Tern generates
(`tern-differentiate`): mean squared error and softmax cross-entropy over
the last axis. The adapters are random (B is NOT zero, so that every
parameter has a non-trivial gradient); Tern receives them as program
inputs, so its initialisation is not used here.

Writes into OUT (default test/e2e/Inputs/lora):
  block.onnx                     the frozen block (opset 17)
  x.npy                          input [1, 4, 16]
  q_a.npy q_b.npy v_a.npy v_b.npy  the adapters (A [16, 2], B [2, 16])
  label-mse.npy                  regression target [1, 4, 8]
  label-ce.npy                   one-hot classes [1, 4, 8]
  mse-loss.npy                   torch's MSE value [1, 1]
  ce-probs.npy                   torch's softmax probabilities [1, 4, 8]
  grad-{mse,ce}-{q,v}_{a,b}.npy  torch's gradients
  sgd-loss-<i>.npy               MSE before SGD step i (i = 0..SGD_STEPS-1)
  sgd-{q,v}_{a,b}.npy            adapters after SGD_STEPS steps of plain SGD
                                 (lr SGD_LR) from A = {q,v}_a.npy, B = 0
  op-x.npy, op-t.npy             per-operator check: input and MSE target
  op-<op>.mlir, op-grad-<op>.npy one operator (layer_norm, gelu, softmax,
                                 log_softmax, relu, gather) applied to a trainable [4, 16] x, and
                                 torch's FP64 gradient of mean((op(x) - t)^2)

Usage: scripts/gen_lora_gradcheck.py [OUT]
"""
import os
import sys

import numpy as np
import torch
import torch.nn as nn

D, T, FF, C, RANK, ALPHA = 16, 4, 32, 8, 2, 4.0
SGD_STEPS, SGD_LR = 5, 5.0


class Block(nn.Module):
    def __init__(self):
        super().__init__()
        self.ln1 = nn.LayerNorm(D)
        self.q = nn.Linear(D, D)
        self.k = nn.Linear(D, D)
        self.v = nn.Linear(D, D)
        self.o = nn.Linear(D, D)
        self.ln2 = nn.LayerNorm(D)
        self.fc1 = nn.Linear(D, FF)
        self.fc2 = nn.Linear(FF, D)
        self.head1 = nn.Linear(D, D)
        self.head2 = nn.Linear(D, C)
        self.lora = None  # {"q": (A, B), "v": (A, B)} when adapted

    def proj(self, name, x):
        y = getattr(self, name)(x)
        if self.lora and name in self.lora:
            a, b = self.lora[name]
            y = y + (ALPHA / RANK) * ((x @ a) @ b)
        return y

    def forward(self, x):
        h = self.ln1(x)
        q = self.proj("q", h)
        k = self.proj("k", h)
        v = self.proj("v", h)
        s = torch.softmax((q @ k.transpose(-2, -1)) * (1.0 / D ** 0.5), dim=-1)
        x = x + self.o(s @ v)
        f = self.fc2(nn.functional.gelu(self.fc1(self.ln2(x))))
        x = x + f
        return self.head2(torch.relu(self.head1(x)))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "test", "e2e",
        "Inputs", "lora")
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(10)
    model = Block().eval()
    with torch.no_grad():
        for ln in (model.ln1, model.ln2):  # non-trivial affine parameters
            ln.weight.uniform_(0.8, 1.2)
            ln.bias.uniform_(-0.1, 0.1)
    x = torch.randn(1, T, D)
    torch.onnx.export(model, (x,), os.path.join(out, "block.onnx"),
                      input_names=["x"], output_names=["y"], opset_version=17,
                      do_constant_folding=True)

    def save(name, t):
        np.save(os.path.join(out, name),
                t.detach().numpy().astype(np.float32))

    save("x.npy", x)
    g = torch.Generator().manual_seed(11)
    params = {}
    for name in ("q", "v"):
        a = (torch.rand(D, RANK, generator=g) * 2 - 1) / D ** 0.5
        b = torch.randn(RANK, D, generator=g) * 0.5
        params[name] = (a.requires_grad_(), b.requires_grad_())
        save(f"{name}_a.npy", a)
        save(f"{name}_b.npy", b)
    model.lora = params

    target = torch.randn(1, T, C, generator=g)
    classes = torch.randint(0, C, (1, T), generator=g)
    onehot = nn.functional.one_hot(classes, C).float()
    save("label-mse.npy", target)
    save("label-ce.npy", onehot)

    for loss_name in ("mse", "ce"):
        for a, b in params.values():
            a.grad = b.grad = None
        y = model(x)
        if loss_name == "mse":
            loss = ((y - target) ** 2).mean()
            save("mse-loss.npy", loss.reshape(1, 1))
        else:
            loss = nn.functional.cross_entropy(y.reshape(T, C), classes.reshape(T))
            save("ce-probs.npy", torch.softmax(y, dim=-1))
        loss.backward()
        for name, (a, b) in params.items():
            save(f"grad-{loss_name}-{name}_a.npy", a.grad)
            save(f"grad-{loss_name}-{name}_b.npy", b.grad)

    # Plain SGD from the real LoRA start (B = 0) on the MSE loss.
    sgd = {n: (a.detach().clone().requires_grad_(),
               torch.zeros(RANK, D, requires_grad=True))
           for n, (a, _) in params.items()}
    model.lora = sgd
    for step in range(SGD_STEPS):
        loss = ((model(x) - target) ** 2).mean()
        save(f"sgd-loss-{step}.npy", loss.reshape(1, 1))
        for a, b in sgd.values():
            a.grad = b.grad = None
        loss.backward()
        with torch.no_grad():
            for a, b in sgd.values():
                a -= SGD_LR * a.grad
                b -= SGD_LR * b.grad
    print("sgd: loss", [float(np.load(os.path.join(out, f"sgd-loss-{i}.npy")))
                        for i in range(SGD_STEPS)],
          "->", float(((model(x) - target) ** 2).mean()))
    for name, (a, b) in sgd.items():
        save(f"sgd-{name}_a.npy", a)
        save(f"sgd-{name}_b.npy", b)
    per_op(out)


def dense(a):
    return "dense<" + np.array2string(
        a, separator=", ", threshold=10 ** 6, floatmode="unique",
        max_line_width=10 ** 6) + ">"


def per_op(out):
    """One adjoint at a time, without the rest of the block around it."""
    r = np.random.default_rng(12)
    x = r.standard_normal((4, 16)).astype(np.float32)
    t = r.standard_normal((4, 16)).astype(np.float32)
    gamma = r.uniform(0.8, 1.2, 16).astype(np.float32)
    beta = r.uniform(-0.1, 0.1, 16).astype(np.float32)
    np.save(os.path.join(out, "op-x.npy"), x)
    np.save(os.path.join(out, "op-t.npy"), t)
    ty = "tensor<4x16xf32>"
    ops = {
        "layer_norm": (
            f"%g = arith.constant {dense(gamma)} : tensor<16xf32>\n"
            f"  %b = arith.constant {dense(beta)} : tensor<16xf32>\n"
            f"  %y = tern.layer_norm %x, %g, %b epsilon 1.0e-5 : {ty}, "
            f"tensor<16xf32>, tensor<16xf32> -> {ty}",
            lambda v: nn.functional.layer_norm(
                v, (16,), torch.tensor(gamma, dtype=v.dtype),
                torch.tensor(beta, dtype=v.dtype), 1e-5)),
        "gelu": (f"%y = tern.gelu %x : {ty} -> {ty}",
                 nn.functional.gelu),
        "softmax": (f"%y = tern.softmax %x : {ty} -> {ty}",
                    lambda v: torch.softmax(v, -1)),
        "log_softmax": (f"%y = tern.log_softmax %x : {ty} -> {ty}",
                        lambda v: torch.log_softmax(v, -1)),
        "relu": (f"%y = tern.relu %x : {ty} -> {ty}", torch.relu),
        # A constant-index gather (the CLS token of a classifier head), with
        # a repeated index and a row nobody reads.
        "gather": (
            "%x3 = tosa.reshape %x {new_shape = array<i64: 1, 4, 16>} : "
            f"({ty}) -> tensor<1x4x16xf32>\n"
            "  %i = \"tosa.const\"() {value = dense<[[2, 0, 2, 3]]> : "
            "tensor<1x4xi32>} : () -> tensor<1x4xi32>\n"
            "  %g = tosa.gather %x3, %i : (tensor<1x4x16xf32>, "
            "tensor<1x4xi32>) -> tensor<1x4x16xf32>\n"
            "  %y = tosa.reshape %g {new_shape = array<i64: 4, 16>} : "
            f"(tensor<1x4x16xf32>) -> {ty}",
            lambda v: v.reshape(1, 4, 16)[:, [2, 0, 2, 3], :].reshape(4, 16)),
    }
    for name, (body, f) in ops.items():
        with open(os.path.join(out, f"op-{name}.mlir"), "w") as fh:
            fh.write(f"// Generated by scripts/gen_lora_gradcheck.py.\n"
                     f"func.func @{name}(%x: {ty} {{tern.trainable, "
                     f"onnx.name = \"x\"}}) -> {ty} {{\n  {body}\n"
                     f"  return %y : {ty}\n}}\n")
        xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
        ((f(xt) - torch.tensor(t, dtype=torch.float64)) ** 2).mean().backward()
        np.save(os.path.join(out, f"op-grad-{name}.npy"),
                xt.grad.numpy().astype(np.float32))


if __name__ == "__main__":
    main()
