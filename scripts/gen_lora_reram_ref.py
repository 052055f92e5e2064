#!/usr/bin/python3
"""Reference of the int8-base-weight LoRA train step (test/e2e/lora-reram.test).

`tern compile --finetune ... --precision tataa` quantizes the frozen base
linears of the forward to int8 (on atleus-3d they run on the ReRAM
crossbars) and keeps adapters, attention and the backward in bf16, with a
straight-through backward: dX = dY W^T with the float W. This script
computes the same train step independently, in float64 torch, from the
block of scripts/gen_lora_gradcheck.py (its weights read from block.onnx):

- calibration: min / max of every base linear's input over the calibration
  samples, on the model WITHOUT adapters (Tern calibrates before inserting
  them), widened by HEADROOM (`tern compile --range-headroom`: 1 here, so
  that the int8 error is as large as it gets without clipping; default 2);
  activation scale S_x = HEADROOM max(|min|, |max|) / 127;
- weights: symmetric per-tensor S_w = max|W| / 127, narrow range
  [-127, 127], ties to even; bias rounded to int32 at S_x S_w;
- forward: y = q(x) q(W) + q(b) for each base linear (x clamped to the
  calibrated range), the LoRA branch (alpha / r) (x A) B on the float x;
- backward: straight through, dX = dY W^T with the float W.

Writes into OUT (default test/e2e/Inputs/lora):
  reram-calib/inputs.npy              8 calibration samples [8, 1, 4, 16]
  {reram,float}-mse-loss.npy, {reram,float}-ce-probs.npy
  reram-{q,v}_b.npy                   gen_lora_gradcheck.py's B x B_SCALE
  reram-grad-{mse,ce}-{q,v}_{a,b}.npy gradients with its A and those B
  float-grad-{mse,ce}-{q,v}_{a,b}.npy the same without quantization (to
                                      show that the check tells them apart)
  reram-sgd-loss-<i>.npy              MSE before SGD step i (lr 5, B = 0)
  reram-sgd-{q,v}_{a,b}.npy           adapters after SGD_STEPS steps

Usage: scripts/gen_lora_reram_ref.py [OUT]
"""
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch

D, T, C, RANK, ALPHA = 16, 4, 8, 2, 4.0
SGD_STEPS, SGD_LR = 5, 5.0
B_SCALE = 0.1
HEADROOM = 1.0  # tern compile --range-headroom (the test passes 1; the default is 2)
LINEARS = ("q", "k", "v", "o", "fc1", "fc2", "head1", "head2")


def load_block(path):
    m = onnx.load(path)
    init = {i.name: torch.tensor(onnx.numpy_helper.to_array(i),
                                 dtype=torch.float64)
            for i in m.graph.initializer}
    p = {}
    for n in m.graph.node:
        if n.op_type == "MatMul" and n.name.endswith("/MatMul") and \
                n.input[1] in init:
            p[n.name.split("/")[1] + ".w"] = init[n.input[1]]  # [K, N]
    for name in ("ln1", "ln2"):
        p[name + ".g"], p[name + ".b"] = init[name + ".weight"], \
            init[name + ".bias"]
    for name in LINEARS:
        p[name + ".b"] = init[name + ".bias"]
    assert all(name + ".w" in p for name in LINEARS)
    return p


def fq(x, s):
    """Symmetric narrow-range int8 fake quantization, ties to even."""
    return torch.clamp(torch.round(x / s), -127, 127) * s


class Model:
    def __init__(self, p):
        self.p = p
        self.lora = {}
        self.scales = None  # {linear: S_x}; None: float forward
        self.ranges = None  # {linear: max |input|} while calibrating

    def linear(self, name, x):
        w, b = self.p[name + ".w"], self.p[name + ".b"]
        if self.ranges is not None:
            self.ranges[name] = max(self.ranges.get(name, 0.0),
                                    float(x.abs().max()))
        if self.scales is None:
            y = x @ w + b
        else:
            sx, sw = self.scales[name], float(w.abs().max()) / 127
            yq = fq(x, sx) @ fq(w, sw) + torch.round(b / (sx * sw)) * sx * sw
            # Straight through: the value of the int8 product, the
            # gradient of the float one (dX = dY W^T).
            yf = x @ w
            y = yq.detach() + (yf - yf.detach())
        if name in self.lora:
            a, bb = self.lora[name]
            y = y + (ALPHA / RANK) * ((x @ a) @ bb)
        return y

    def ln(self, name, x):
        return torch.nn.functional.layer_norm(
            x, (D,), self.p[name + ".g"], self.p[name + ".b"], 1e-5)

    def __call__(self, x):
        h = self.ln("ln1", x)
        q, k, v = (self.linear(n, h) for n in ("q", "k", "v"))
        s = torch.softmax((q @ k.transpose(-2, -1)) * (1.0 / D ** 0.5), -1)
        x = x + self.linear("o", s @ v)
        f = self.linear("fc2", torch.nn.functional.gelu(
            self.linear("fc1", self.ln("ln2", x))))
        x = x + f
        return self.linear("head2", torch.relu(self.linear("head1", x)))


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "test", "e2e",
        "Inputs", "lora")
    model = Model(load_block(os.path.join(out, "block.onnx")))

    def arr(name):
        return torch.tensor(np.load(os.path.join(out, name)),
                            dtype=torch.float64)

    def save(name, t):
        np.save(os.path.join(out, name),
                t.detach().numpy().astype(np.float32))

    # Calibration on samples that are not the checked input.
    calib = np.random.default_rng(14).standard_normal(
        (8, 1, T, D)).astype(np.float32)
    os.makedirs(os.path.join(out, "reram-calib"), exist_ok=True)
    np.save(os.path.join(out, "reram-calib", "inputs.npy"), calib)
    model.ranges = {}
    with torch.no_grad():
        for sample in calib:
            model(torch.tensor(sample, dtype=torch.float64))
    model.scales = {n: r * HEADROOM / 127 for n, r in model.ranges.items()}
    model.ranges = None

    x = arr("x.npy")
    target, onehot = arr("label-mse.npy"), arr("label-ce.npy")
    # gen_lora_gradcheck.py's adapters with B scaled by B_SCALE: its B
    # (std 0.5, scale alpha / r = 2) moves the attention output far beyond
    # the range calibrated without adapters, so o's int8 input would clip.
    params = {}
    for n in ("q", "v"):
        b = arr(f"{n}_b.npy") * B_SCALE
        save(f"reram-{n}_b.npy", b)
        params[n] = (arr(f"{n}_a.npy").requires_grad_(), b.requires_grad_())
    model.lora = params
    scales = model.scales
    for prefix, model.scales in (("reram", scales), ("float", None)):
        for loss_name in ("mse", "ce"):
            for a, b in params.values():
                a.grad = b.grad = None
            y = model(x)
            if loss_name == "mse":
                loss = ((y - target) ** 2).mean()
                save(f"{prefix}-mse-loss.npy", loss.reshape(1, 1))
            else:
                logp = torch.log_softmax(y, -1)
                loss = -(onehot * logp).sum() / T
                save(f"{prefix}-ce-probs.npy", logp.exp())
            loss.backward()
            for name, (a, b) in params.items():
                save(f"{prefix}-grad-{loss_name}-{name}_a.npy", a.grad)
                save(f"{prefix}-grad-{loss_name}-{name}_b.npy", b.grad)
    model.scales = scales

    sgd = {n: (a.detach().clone().requires_grad_(),
               torch.zeros(RANK, D, dtype=torch.float64, requires_grad=True))
           for n, (a, _) in params.items()}
    model.lora = sgd
    losses = []
    for step in range(SGD_STEPS):
        loss = ((model(x) - target) ** 2).mean()
        losses.append(float(loss))
        save(f"reram-sgd-loss-{step}.npy", loss.reshape(1, 1))
        for a, b in sgd.values():
            a.grad = b.grad = None
        loss.backward()
        with torch.no_grad():
            for a, b in sgd.values():
                a -= SGD_LR * a.grad
                b -= SGD_LR * b.grad
    for name, (a, b) in sgd.items():
        save(f"reram-sgd-{name}_a.npy", a)
        save(f"reram-sgd-{name}_b.npy", b)
    print("int8 base weights: sgd losses", losses)


if __name__ == "__main__":
    main()
