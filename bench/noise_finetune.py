#!/usr/bin/python3
"""Noise-aware LoRA fine-tuning benchmark (issue 10, Atleus: SEEDS.md 5):
Gaussian device variation on the frozen weights of the zoo's Fashion-MNIST
ViT, and LoRA adapters trained on the simulator to recover the accuracy.

    bench/noise_finetune.py [--data DIR] [--sigma 0.2] [--train 256]
                            [--eval 300] [--epochs 1] [--optimizer sgd|adam]
                            [--lr LR] [--batch 1] [--rank 4] [--targets q,v]
                            [--trainings clean,per-step,on-device]

DIR holds the Fashion-MNIST test split as inputs.npy / labels.npy
(build/bench-data/fmnist-test, see bench/quant_accuracy.sh). Images
0..train-1 train, images 5000.. evaluate (disjoint). The task is the
model's own (un-rotated images); the shift is the device's weight noise.

The "device" is one noise draw: `--weight-noise SIGMA --noise-seed 1`
(std SIGMA * max|w| per weight tensor, drawn once per program load).
Evaluation runs the LoRA forward program (tern-insert-lora; the adapters
are program inputs, so they stay noise-free digital values, as on Atleus's
systolic tier, while every frozen linear weight is perturbed) with `tern run`
on each evaluation image. Rows:

1. noise-free weights, B = 0 (the model as trained);
2. the device's noise, B = 0;
3. LoRA fine-tuned without noise (`tern train`), evaluated on the device;
4. LoRA fine-tuned with fresh noise every step (`--noise-per-step`, seed
   2: never the device's draw), evaluated on the device;
5. LoRA fine-tuned on the device itself (`--weight-noise SIGMA
   --noise-seed 1`: the device's fixed variation), evaluated on the device.

`--optimizer adam` compiles the step with `--optimizer adam` (default
betas and eps; `--lr` defaults to 0.05 for SGD, 0.005 for Adam, as
bench/lora_finetune.py); `--batch B` compiles it with
`--grad-accumulation` and trains with `tern train --batch B` (one update
per B images, their mean gradient; epochs * train / B updates).
`--targets` takes tern-insert-lora's names of the zoo ViT's linears of each
block (q, k, v, proj, fc1, fc2); `--trainings` picks rows 3-5 (rows 1-2 are
always measured).

Prints one table (each tuned row with the recovered fraction
(tuned - noisy) / (clean - noisy) and the paired standard error of its gain
over the same images) and the mean training CE per epoch;
docs/Benchmarks.md has the measured figures.
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

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
ZOO = os.path.join(ROOT, "test", "models", "zoo", "vit_fmnist", "model.onnx")
BIN = os.path.join(ROOT, "build", "bin")
DEVICE_SEED = 1


TARGETS = ("q", "v")
MODULE = {"q": "attn", "k": "attn", "v": "attn", "proj": "attn",
          "fc1": "ffn", "fc2": "ffn"}


def names(depth=4):
    return [(i, p) for i in range(depth) for p in TARGETS]


def layer(i, p):
    return f"blocks.{i}.{MODULE[p]}.{p}"


def adapter_name(i, p, ab):
    return layer(i, p).replace(".", "_") + f"_Add_lora_{ab}"


def init_adapters(rank):
    """A ~ U(-1/sqrt(K), 1/sqrt(K)) (seed 0; for q, v as
    bench/lora_finetune.py: U(-1/8, 1/8)), B = 0."""
    shapes = {i.name: tuple(i.dims) for i in onnx.load(ZOO).graph.initializer}
    r = np.random.default_rng(0)
    out = {}
    for i, p in names():
        k, n = shapes[layer(i, p) + ".MatMul_in1"]
        out[(i, p)] = (r.uniform(-1 / np.sqrt(k), 1 / np.sqrt(k), (k, rank))
                       .astype(np.float32), np.zeros((rank, n), np.float32))
    return out


def run(*args, stdin=None):
    res = subprocess.run(list(args), capture_output=True, text=True,
                         input=stdin)
    if res.returncode:
        sys.exit(f"{' '.join(args)} failed:\n{res.stderr}")
    return res.stdout + res.stderr


def save_adapters(d, adapters):
    os.makedirs(d, exist_ok=True)
    for (i, p), (a, b) in adapters.items():
        np.save(os.path.join(d, adapter_name(i, p, "a") + ".npy"), a)
        np.save(os.path.join(d, adapter_name(i, p, "b") + ".npy"), b)


def evaluate(prog, adapter_dir, ev_dir, count, labels, noise, work):
    """Per-image top-1 hits (0/1) of the LoRA forward on `count` images, one
    `tern run` each."""
    binds = []
    for i, p in names():
        for ab in ("a", "b"):
            n = adapter_name(i, p, ab)
            binds += ["--input", f"{n}={os.path.join(adapter_dir, n + '.npy')}"]
    out = os.path.join(work, "evalout")
    correct = np.zeros(count)
    for k in range(count):
        run(os.path.join(BIN, "tern"), "run", prog, "--quiet",
            "--input", f"image={os.path.join(ev_dir, f'{k}.npy')}", *binds,
            *noise, "--output-dir", out)
        logits = np.load(os.path.join(out, "logits.npy"))
        correct[k] = float(np.argmax(logits) == labels[k])
    return correct


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", default=os.path.join(ROOT, "build", "bench-data",
                                                   "fmnist-test"))
    ap.add_argument("--sigma", type=float, default=0.2)
    ap.add_argument("--train", type=int, default=256)
    ap.add_argument("--eval", type=int, default=300)
    ap.add_argument("--epochs", type=int, default=1)
    ap.add_argument("--optimizer", choices=("sgd", "adam"), default="sgd")
    ap.add_argument("--lr", type=float, default=None,
                    help="default 0.05 (sgd), 0.005 (adam)")
    ap.add_argument("--batch", type=int, default=1,
                    help="images per update (gradient accumulation)")
    ap.add_argument("--rank", type=int, default=4)
    ap.add_argument("--targets", default="q,v")
    ap.add_argument("--trainings", default="clean,per-step,on-device")
    ap.add_argument("--device-seed", type=int, default=DEVICE_SEED,
                    help="noise seed of the device's draw (default 1)")
    ap.add_argument("--work", help="work directory (default: a new temporary "
                    "one); a training whose out-<name>/losses.npy is there "
                    "from an earlier run with the same options is reused")
    args = ap.parse_args()
    if args.lr is None:
        args.lr = 0.05 if args.optimizer == "sgd" else 0.005
    if args.batch < 1 or args.train % args.batch:
        sys.exit(f"--batch {args.batch}: must be at least 1 and divide "
                 f"--train {args.train}")
    global TARGETS
    TARGETS = tuple(args.targets.split(","))
    for t in TARGETS:
        if t not in MODULE:
            sys.exit(f"--targets: '{t}' is not one of {', '.join(MODULE)}")
    wanted = args.trainings.split(",")

    x = np.load(os.path.join(args.data, "inputs.npy")).astype(np.float32)
    y = np.load(os.path.join(args.data, "labels.npy")).astype(np.int64)
    tr_x, tr_y = x[:args.train], y[:args.train]
    ev_x, ev_y = x[5000:5000 + args.eval], y[5000:5000 + args.eval]

    work = args.work or tempfile.mkdtemp(prefix="tern-noise-")
    train, evald, init = (os.path.join(work, d) for d in ("train", "eval", "init"))
    for d in (train, evald):
        os.makedirs(d, exist_ok=True)
    np.save(os.path.join(train, "inputs.npy"), tr_x)
    np.save(os.path.join(train, "labels.npy"), np.eye(10, dtype=np.float32)[tr_y])
    for k in range(len(ev_y)):
        np.save(os.path.join(evald, f"{k}.npy"), ev_x[k:k + 1])
    save_adapters(init, init_adapters(args.rank))

    # The train step and the LoRA forward from the same raised module.
    step = os.path.join(work, "step.tern")
    run(os.path.join(BIN, "tern"), "compile", ZOO, "--finetune",
        f"lora:rank={args.rank},targets={args.targets}", "--loss", "ce",
        "--optimizer", args.optimizer, "--lr", str(args.lr),
        *(["--grad-accumulation"] if args.batch > 1 else []), "-o", step)
    fwd = os.path.join(work, "fwd.mlir")
    mlir = run(os.path.join(BIN, "tern-translate"), "--import-onnx", ZOO,
               "--mlir-print-debuginfo")
    run(os.path.join(BIN, "tern-opt"), "--tern-raise", "--mlir-print-debuginfo",
        "-o", fwd, "-", stdin=mlir)
    lora = os.path.join(work, "lora.mlir")
    run(os.path.join(BIN, "tern-opt"), fwd, "--mlir-print-debuginfo", "-o", lora,
        "--pass-pipeline=builtin.module(func.func(tern-insert-lora{rank="
        f"{args.rank} alpha={args.rank} targets={args.targets}}}))")
    prog = os.path.join(work, "lora.tern")
    run(os.path.join(BIN, "tern"), "compile", lora, "--target", "tern-edge",
        "-o", prog)
    frozen = re.search(r"frozen weights: (\d+) tensors, (\d+) values",
                       run(os.path.join(BIN, "tern"), "inspect", prog))

    device = ["--weight-noise", str(args.sigma), "--noise-seed",
              str(args.device_seed)]
    steps = args.epochs * args.train // args.batch
    trainings = {
        "clean": [],
        "per-step": ["--weight-noise", str(args.sigma), "--noise-seed", "2",
                     "--noise-per-step"],
        "on-device": device,
    }
    for key in wanted:
        if key not in trainings:
            sys.exit(f"--trainings: '{key}' is not one of {', '.join(trainings)}")
    trainings = {k: v for k, v in trainings.items() if k in wanted}
    tuned, train_s, cycles = {}, {}, {}
    for key, noise in trainings.items():
        out = os.path.join(work, "out-" + key)
        tuned[key] = out
        if os.path.exists(os.path.join(out, "losses.npy")):
            train_s[key] = None
            continue
        t0 = time.time()
        log = run(os.path.join(BIN, "tern"), "train", step, "--dataset", train,
                  "--params", init, "--steps", str(steps), "--batch",
                  str(args.batch), "--output-dir", out, *noise)
        train_s[key] = time.time() - t0
        cycles[key] = re.search(r"per step (\d+) cycles", log)

    rows = []
    t0 = time.time()
    rows.append(("noise-free weights, no adapters", "-",
                 evaluate(prog, init, evald, len(ev_y), ev_y, [], work)))
    rows.append((f"device noise sigma {args.sigma}, no adapters", "-",
                 evaluate(prog, init, evald, len(ev_y), ev_y, device, work)))
    for key, what in (("clean", "LoRA trained without noise"),
                      ("per-step", "LoRA trained with fresh noise per step"),
                      ("on-device", "LoRA trained on the device (its fixed noise)")):
        if key not in tuned:
            continue
        took = "reused" if train_s[key] is None else f"{train_s[key]:.0f} s"
        rows.append((what + ", on the device", took,
                     evaluate(prog, tuned[key], evald, len(ev_y), ev_y, device,
                              work)))
    eval_s = time.time() - t0

    print(f"zoo ViT (Fashion-MNIST, its own task); weight noise: std sigma * "
          f"max|w| per tensor on {frozen.group(1)} frozen weight tensors "
          f"({frozen.group(2)} values); device = seed {args.device_seed}")
    opt = "SGD" if args.optimizer == "sgd" else "Adam"
    per = "one image" if args.batch == 1 else f"{args.batch} images"
    print(f"LoRA rank {args.rank} on {args.targets} ({len(names())} layers); "
          f"{opt} lr {args.lr}, {steps} steps of "
          f"{per} ({args.epochs} epochs over test images "
          f"0-{args.train - 1}); evaluated on "
          f"{len(ev_y)} images (5000-{5000 + len(ev_y) - 1}), "
          f"{eval_s:.0f} s of evaluation")
    # Paired over the same images: the standard error of a difference of
    # two rows is std(hits_a - hits_b) / sqrt(n).
    clean, noisy = rows[0][2], rows[1][2]

    def paired(a, b):
        d = a - b
        return d.mean(), d.std(ddof=1) / np.sqrt(len(d))

    loss, loss_se = paired(clean, noisy)
    print("| configuration | training (host) | top-1 | recovered |")
    print("|---|---|---|---|")
    for what, t, hits in rows:
        rec = "-"
        if hits is not clean and hits is not noisy:
            gain, gain_se = paired(hits, noisy)
            rec = (f"{gain / loss * 100:.0f} % (gain {gain * 100:+.1f} +- "
                   f"{gain_se * 100:.1f} pt)")
        print(f"| {what} | {t} | {hits.mean():.4f} | {rec} |")
    print(f"loss to noise: {loss * 100:.1f} +- {loss_se * 100:.1f} points "
          "(paired standard error over the same images)")
    for key, out in tuned.items():
        losses = np.load(os.path.join(out, "losses.npy"))
        e = args.train // args.batch
        print(f"mean training CE ({key}): epoch 1 {losses[:e].mean():.3f} -> "
              f"epoch {args.epochs} {losses[-e:].mean():.3f}"
              + (f"; per step {cycles[key].group(1)} cycles on tern-edge"
                 if cycles.get(key) else ""))
    print(f"work directory: {work}")


if __name__ == "__main__":
    main()
