#!/usr/bin/python3
"""Fine-tuning benchmark (issue 10): adapt the zoo's Fashion-MNIST ViT to a
shifted task -- the images rotated by 90 degrees -- with LoRA adapters
trained on the simulator, and the same run in torch.

    bench/lora_finetune.py [--data DIR] [--train 256] [--eval 1000]
                           [--epochs 2] [--optimizer sgd|adam] [--lr LR]
                           [--rank 4] [--target tern-edge]
                           [--precision bf16|tataa] [--calib DIR]
                           [--range-headroom 2]

DIR holds the Fashion-MNIST test split as inputs.npy / labels.npy
(build/bench-data/fmnist-test, written by scripts/zoo/splits.py; see
bench/quant_accuracy.sh). Images 0..train-1 train, images 5000.. evaluate
(disjoint). Steps:

1. `tern compile model.onnx --finetune lora:rank=R,targets=q,v --loss ce
   --optimizer OPT --lr LR` (bf16 train step, the SGD or Adam update on
   the vector unit and SFU; lr default 0.05 for SGD, 0.005 for Adam);
2. `tern train` over the rotated training images, one image per step,
   EPOCHS passes, from A ~ U(-1/8, 1/8) (seed 0), B = 0;
3. the trained adapters merged into the ONNX weights by `tern train
   --merged-onnx` (W += A B; alpha = rank, scale 1), and `tern eval` of the
   original and the merged model on the rotated evaluation images (bf16,
   simulator);
4. the same run in torch FP32 (same initial adapters, same order, same
   learning rate; plain SGD or torch.optim.Adam with default betas and eps)
   and its accuracy on the same images.

With `--precision tataa` (e.g. `--target atleus-3d`) step 1 compiles
the train step with int8 frozen base linears calibrated on `--calib`
(default: the zoo's 128 training images, test/models/zoo/fmnist-calib),
ranges widened by `--range-headroom` (default 2, as tern compile) --
on atleus-3d they run on the ReRAM crossbars -- and step 3 evaluates the
un-tuned and the merged model with the same policy, target and calibration
(the merged W + A B re-quantized to int8). The torch run fake-quantizes
its base linears the same way (ranges from FP32 calibration on the same
images, straight-through backward) and is evaluated with them and float
adapters, Atleus's split.

Prints one table; docs/Benchmarks.md has the measured figures.
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile
import time

import numpy as np
import onnx
import torch
from onnx import numpy_helper

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
sys.path.insert(0, os.path.join(ROOT, "scripts"))
sys.path.insert(0, os.path.join(ROOT, "scripts", "zoo"))
import zoolib as Z  # noqa: E402

ZOO = os.path.join(ROOT, "test", "models", "zoo", "vit_fmnist", "model.onnx")
TERN = os.path.join(ROOT, "build", "bin", "tern")


class Lora(torch.nn.Module):
    """y = x W^T + b + (x A) B (alpha = rank: scale 1)."""

    def __init__(self, lin, a, b):
        super().__init__()
        self.lin, self.a, self.b = lin, a, b

    def forward(self, x):
        return self.lin(x) + (x @ self.a) @ self.b


def names(depth=4):
    return [(i, p) for i in range(depth) for p in ("q", "v")]


def init_adapters(rank):
    r = np.random.default_rng(0)
    out = {}
    for i, p in names():
        out[(i, p)] = (r.uniform(-1 / 8, 1 / 8, (64, rank)).astype(np.float32),
                       np.zeros((rank, 64), np.float32))
    return out


def tern(*args):
    res = subprocess.run([TERN, *args], capture_output=True, text=True)
    if res.returncode:
        sys.exit(f"tern {' '.join(args)} failed:\n{res.stderr}")
    return res.stdout + res.stderr


def top1(out):
    return float(re.search(r"top-1 accuracy: ([0-9.]+)", out).group(1))


class FakeQuantLinear(torch.nn.Module):
    """Tern's int8 frozen base linear (--finetune --precision tataa): input
    and weight symmetric narrow-range int8 per tensor (input scale from a
    calibrated max |x|, ties to even), bias at S_x S_w; straight-through
    backward with the float weight (dX = dY W)."""

    def __init__(self, lin, max_abs):
        super().__init__()
        self.lin = lin
        self.sx = max_abs / 127
        self.sw = float(lin.weight.abs().max()) / 127

    def forward(self, x):
        def q(t, s):
            return torch.clamp(torch.round(t / s), -127, 127) * s
        w, b = self.lin.weight, self.lin.bias
        yq = torch.nn.functional.linear(
            q(x, self.sx), q(w, self.sw),
            torch.round(b / (self.sx * self.sw)) * self.sx * self.sw)
        yf = torch.nn.functional.linear(x, w)
        return yq.detach() + (yf - yf.detach())


def fake_quantize(model, calib_x, headroom):
    """Calibrates every nn.Linear's input (min/max over calib_x, no
    adapters, FP32), widens the range by `headroom` (tern compile
    --range-headroom) and replaces the linear by a FakeQuantLinear."""
    seen, hooks = {}, []
    for name, m in model.named_modules():
        if isinstance(m, torch.nn.Linear):
            def hook(mod, inp, name=name):
                seen[name] = max(seen.get(name, 0.0),
                                 float(inp[0].abs().max()))
            hooks.append(m.register_forward_pre_hook(hook))
    with torch.no_grad():
        model(torch.tensor(calib_x))
    for h in hooks:
        h.remove()
    for name in seen:
        parent, _, attr = name.rpartition(".")
        owner = model.get_submodule(parent) if parent else model
        setattr(owner, attr, FakeQuantLinear(getattr(owner, attr),
                                             seen[name] * headroom))


def torch_run(x, y, ev_x, ev_y, adapters, args, calib_x=None):
    weights = {i.name: torch.tensor(numpy_helper.to_array(i).copy())
               for i in onnx.load(ZOO).graph.initializer}
    model = Z.ViT().eval()
    model.load_state_dict({
        n: weights[n] if n in weights
        else weights[n.replace(".weight", ".MatMul_in1")].T
        for n in model.state_dict()})
    if args.precision == "tataa":
        fake_quantize(model, calib_x, args.range_headroom)
    params = []
    for (i, p), (a, b) in adapters.items():
        a = torch.tensor(a, requires_grad=True)
        b = torch.tensor(b, requires_grad=True)
        setattr(model.blocks[i].attn, p, Lora(getattr(model.blocks[i].attn, p), a, b))
        params += [a, b]
    adam = (torch.optim.Adam(params, lr=args.lr)
            if args.optimizer == "adam" else None)
    for _ in range(args.epochs):
        for s in range(len(x)):
            loss = torch.nn.functional.cross_entropy(
                model(torch.tensor(x[s:s + 1])), torch.tensor(y[s:s + 1]))
            for t in params:
                t.grad = None
            loss.backward()
            if adam:
                adam.step()
                continue
            with torch.no_grad():
                for t in params:
                    t -= args.lr * t.grad
    with torch.no_grad():
        pred = model(torch.tensor(ev_x)).argmax(1).numpy()
    return float((pred == ev_y).mean())


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "build", "bench-data",
                                                   "fmnist-test"))
    ap.add_argument("--train", type=int, default=256)
    ap.add_argument("--eval", type=int, default=1000)
    ap.add_argument("--epochs", type=int, default=2)
    ap.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd")
    ap.add_argument("--lr", type=float, default=None,
                    help="default 0.05 (sgd), 0.005 (adam)")
    ap.add_argument("--rank", type=int, default=4)
    ap.add_argument("--target", default="tern-edge")
    ap.add_argument("--precision", choices=("bf16", "tataa"), default="bf16")
    ap.add_argument("--calib", default=os.path.join(
        ROOT, "test", "models", "zoo", "fmnist-calib"))
    ap.add_argument("--range-headroom", type=float, default=2.0)
    args = ap.parse_args()
    quant = ["--target", args.target]
    if args.precision != "bf16":
        quant += ["--precision", args.precision, "--calib", args.calib]
    if args.lr is None:
        args.lr = 0.05 if args.optimizer == "sgd" else 0.005

    x = np.load(os.path.join(args.data, "inputs.npy"))
    y = np.load(os.path.join(args.data, "labels.npy")).astype(np.int64)
    x = np.ascontiguousarray(np.rot90(x, 1, axes=(2, 3)), dtype=np.float32)
    tr_x, tr_y = x[:args.train], y[:args.train]
    ev_x, ev_y = x[5000:5000 + args.eval], y[5000:5000 + args.eval]
    adapters = init_adapters(args.rank)

    work = tempfile.mkdtemp(prefix="tern-lora-")
    train, evald, init = (os.path.join(work, d) for d in ("train", "eval", "init"))
    for d in (train, evald, init):
        os.makedirs(d)
    np.save(os.path.join(train, "inputs.npy"), tr_x)
    np.save(os.path.join(train, "labels.npy"),
            np.eye(10, dtype=np.float32)[tr_y])
    np.save(os.path.join(evald, "inputs.npy"), ev_x)
    np.save(os.path.join(evald, "labels.npy"), ev_y)
    for (i, p), (a, b) in adapters.items():
        np.save(os.path.join(init, f"blocks_{i}_attn_{p}_Add_lora_a.npy"), a)
        np.save(os.path.join(init, f"blocks_{i}_attn_{p}_Add_lora_b.npy"), b)

    step = os.path.join(work, "step.tern")
    tern("compile", ZOO, "--finetune", f"lora:rank={args.rank},targets=q,v",
         "--loss", "ce", "--optimizer", args.optimizer, "--lr", str(args.lr),
         *quant, *(["--range-headroom", str(args.range_headroom)]
                   if args.precision != "bf16" else []), "-o", step)
    steps = args.epochs * args.train
    t0 = time.time()
    merged = os.path.join(work, "merged.onnx")
    out = tern("train", step, "--dataset", train, "--params", init,
               "--steps", str(steps), "--output-dir", os.path.join(work, "out"),
               "--merged-onnx", merged, "--model", ZOO)
    train_s = time.time() - t0
    per_step = re.search(r"per step (\d+) cycles \(([0-9.]+) us\), ([0-9.]+) uJ",
                         out)
    tiers = re.search(r"tiers per step: .*", out)
    losses = np.load(os.path.join(work, "out", "losses.npy"))

    base_acc = top1(tern("eval", ZOO, "--dataset", evald, *quant))
    tuned_acc = top1(tern("eval", merged, "--dataset", evald, *quant))
    t0 = time.time()
    calib_x = None
    if args.precision == "tataa":
        calib = os.path.join(args.calib, "inputs.npy")
        calib_x = np.load(calib).astype(np.float32)
    torch_acc = torch_run(tr_x, tr_y, ev_x, ev_y, adapters, args, calib_x)
    torch_s = time.time() - t0

    e = args.train
    print(f"task: Fashion-MNIST rotated 90 deg; LoRA rank {args.rank} on q, v "
          f"(16 adapters, {16 * 64 * args.rank} parameters); "
          f"{args.optimizer.upper() if args.optimizer == 'sgd' else 'Adam'} "
          f"lr {args.lr}, "
          f"{args.epochs} epochs x {args.train} images, one image per step")
    print(f"tern ({args.precision}, simulator): {steps} steps in "
          f"{train_s:.0f} s host; "
          f"mean CE epoch 1 {losses[:e].mean():.3f} -> epoch {args.epochs} "
          f"{losses[-e:].mean():.3f}; per step {per_step.group(1)} cycles "
          f"({per_step.group(2)} us), {per_step.group(3)} uJ on {args.target}")
    if tiers:
        print(f"  {tiers.group(0)}")
    print(f"top-1 on {len(ev_y)} rotated held-out images: un-tuned "
          f"{base_acc:.4f}, tuned on the simulator {tuned_acc:.4f} "
          f"({(tuned_acc - base_acc) * 100:+.1f} pt), same run in torch "
          f"{'FP32' if args.precision == 'bf16' else 'FP32, int8 fake-quantized base linears'} "
          f"{torch_acc:.4f} ({torch_s:.0f} s)")
    print(f"work directory: {work}")


if __name__ == "__main__":
    main()
