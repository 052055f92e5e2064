#!/usr/bin/python3
"""References of the Adam and batch checks (test/e2e/lora-adam.test,
test/e2e/lora-batch.test).

Uses the block, input, MSE target and random adapters of
scripts/gen_lora_gradcheck.py (test/e2e/Inputs/lora: block.onnx, x.npy,
label-mse.npy, {q,v}_{a,b}.npy; the block is rebuilt here from the same
seed and checked against block.onnx's weights). Gradients come from torch
autograd in FP32; the updates are computed here in FP64 numpy:

Adam, ADAM_STEPS steps (lr ADAM_LR, betas 0.9 / 0.999, eps ADAM_EPS) from
the random adapters, in the form Tern's tern-apply-optimizer documents,
with epsilon in quadrature:
    m = b1 m + (1 - b1) g;  v = b2 v + (1 - b2) g^2
    p -= lr m_hat / sqrt(v_hat + eps^2)
(and, for comparison only, printed: torch.optim.Adam's p with
sqrt(v_hat) + eps).

Batch: BATCH_STEPS plain-SGD updates (lr BATCH_LR) of a batch of two
samples (x.npy with label-mse.npy, and a second random sample), each update
from the mean of the two samples' gradients (the batch's mean loss).

Writes into OUT (default test/e2e/Inputs/lora):
  adam-loss-<i>.npy       MSE before Adam step i
  adam-{q,v}_{a,b}.npy    adapters after ADAM_STEPS Adam steps
  batch-x.npy, batch-label.npy   the two samples [2, 1, 4, 16], [2, 1, 4, 8]
  batch-loss.npy          mean MSE of the batch before each update [BATCH_STEPS]
  batch-{q,v}_{a,b}.npy   adapters after BATCH_STEPS batch updates
  batch-adam-{q,v}_{a,b}.npy  the same batches with Adam (ADAM_LR ...)

Usage: scripts/gen_lora_adam.py [OUT]
"""
import os
import sys

import numpy as np
import onnx
import onnx.numpy_helper
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_lora_gradcheck as gc  # noqa: E402

ADAM_STEPS, ADAM_LR, ADAM_EPS, BETA1, BETA2 = 5, 0.01, 1e-8, 0.9, 0.999
BATCH_STEPS, BATCH_LR = 2, 5.0
NAMES = [(n, ab) for n in ("q", "v") for ab in ("a", "b")]


def load_block(out):
    torch.manual_seed(10)
    model = gc.Block().eval()
    with torch.no_grad():
        for ln in (model.ln1, model.ln2):
            ln.weight.uniform_(0.8, 1.2)
            ln.bias.uniform_(-0.1, 0.1)
    # The rebuilt block must be the exported one.
    onnx_weights = sorted(
        np.abs(onnx.numpy_helper.to_array(t)).sum()
        for t in onnx.load(os.path.join(out, "block.onnx")).graph.initializer)
    ours = sorted(p.detach().abs().sum().item() for p in model.parameters())
    assert np.allclose(sorted(w for w in onnx_weights if w > 0)[-len(ours):],
                       ours, rtol=1e-5), "block.onnx is not this block"
    return model


def grads(model, params, x, t):
    model.lora = {n: (torch.tensor(params[(n, "a")], requires_grad=True),
                      torch.tensor(params[(n, "b")], requires_grad=True))
                  for n in ("q", "v")}
    loss = ((model(torch.tensor(x)) - torch.tensor(t)) ** 2).mean()
    loss.backward()
    g = {(n, ab): model.lora[n][i].grad.numpy().astype(np.float64)
         for n in ("q", "v") for i, ab in enumerate(("a", "b"))}
    return float(loss), g


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), "..", "test", "e2e",
        "Inputs", "lora")
    model = load_block(out)
    x = np.load(os.path.join(out, "x.npy"))
    t = np.load(os.path.join(out, "label-mse.npy"))
    start = {(n, ab): np.load(os.path.join(out, f"{n}_{ab}.npy"))
             for n, ab in NAMES}

    def save(name, a):
        np.save(os.path.join(out, name), np.asarray(a, np.float32))

    # Adam (epsilon in quadrature), FP64 update arithmetic.
    p = {k: v.astype(np.float64) for k, v in start.items()}
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v2 = {k: np.zeros_like(v) for k, v in p.items()}
    for step in range(1, ADAM_STEPS + 1):
        loss, g = grads(model, {k: a.astype(np.float32) for k, a in p.items()},
                        x, t)
        save(f"adam-loss-{step - 1}.npy", [[loss]])
        for k in p:
            m[k] = BETA1 * m[k] + (1 - BETA1) * g[k]
            v2[k] = BETA2 * v2[k] + (1 - BETA2) * g[k] ** 2
            mh = m[k] / (1 - BETA1 ** step)
            vh = v2[k] / (1 - BETA2 ** step)
            p[k] = p[k] - ADAM_LR * mh / np.sqrt(vh + ADAM_EPS ** 2)
    for (n, ab), a in p.items():
        save(f"adam-{n}_{ab}.npy", a)
    final, _ = grads(model, {k: a.astype(np.float32) for k, a in p.items()},
                     x, t)
    print("adam: loss", [float(np.load(os.path.join(out, f"adam-loss-{i}.npy")))
                         for i in range(ADAM_STEPS)], "->", final)

    # For comparison: torch.optim.Adam (sqrt(v_hat) + eps).
    tp = [torch.tensor(start[k], requires_grad=True) for k in NAMES]
    opt = torch.optim.Adam(tp, lr=ADAM_LR, betas=(BETA1, BETA2), eps=ADAM_EPS)
    for _ in range(ADAM_STEPS):
        model.lora = {"q": (tp[0], tp[1]), "v": (tp[2], tp[3])}
        opt.zero_grad()
        ((model(torch.tensor(x)) - torch.tensor(t)) ** 2).mean().backward()
        opt.step()
    for k, a in zip(NAMES, tp):
        r = a.detach().numpy() - start[k]
        d = p[k] - start[k]
        print(f"  torch.optim.Adam vs quadrature form, {k[0]}_{k[1]}: "
              f"displacement rel L2 {np.linalg.norm(r - d) / np.linalg.norm(d):.2e}")

    # Batch of two: SGD on the mean gradient.
    g2 = torch.Generator().manual_seed(21)
    xb = np.stack([x, torch.randn(x.shape, generator=g2).numpy()])
    tb = np.stack([t, torch.randn(t.shape, generator=g2).numpy()])
    save("batch-x.npy", xb)
    save("batch-label.npy", tb)
    p = {k: v.astype(np.float64) for k, v in start.items()}
    losses = []
    for _ in range(BATCH_STEPS):
        pf = {k: a.astype(np.float32) for k, a in p.items()}
        per = [grads(model, pf, xb[i], tb[i]) for i in range(2)]
        losses.append(np.mean([lo for lo, _ in per]))
        for k in p:
            p[k] = p[k] - BATCH_LR * (per[0][1][k] + per[1][1][k]) / 2
    save("batch-loss.npy", losses)
    for (n, ab), a in p.items():
        save(f"batch-{n}_{ab}.npy", a)
    print("batch: mean loss", losses)

    # The same batches with Adam (as above) on the mean gradient.
    p = {k: v.astype(np.float64) for k, v in start.items()}
    m = {k: np.zeros_like(v) for k, v in p.items()}
    v2 = {k: np.zeros_like(v) for k, v in p.items()}
    for step in range(1, BATCH_STEPS + 1):
        pf = {k: a.astype(np.float32) for k, a in p.items()}
        per = [grads(model, pf, xb[i], tb[i]) for i in range(2)]
        for k in p:
            g = (per[0][1][k] + per[1][1][k]) / 2
            m[k] = BETA1 * m[k] + (1 - BETA1) * g
            v2[k] = BETA2 * v2[k] + (1 - BETA2) * g ** 2
            mh = m[k] / (1 - BETA1 ** step)
            vh = v2[k] / (1 - BETA2 ** step)
            p[k] = p[k] - ADAM_LR * mh / np.sqrt(vh + ADAM_EPS ** 2)
    for (n, ab), a in p.items():
        save(f"batch-adam-{n}_{ab}.npy", a)


if __name__ == "__main__":
    main()
