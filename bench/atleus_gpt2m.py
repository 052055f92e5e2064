#!/usr/bin/python3
"""Atleus (atleus-3d): share of operations on the ReRAM tier, from Tern's
simulator counters, for a GPT-2-Medium-shaped decoder.

Builds the decoder blocks of scripts/models/export_models.py (nanoGPT causal
attention, tanh GELU, FFN = 4 d) with random weights, exports them to ONNX
with Debian torch (the ONNX file is written under --work, NOT committed),
calibrates on random hidden states, compiles for atleus-3d with TATAA's
precision policy (int8 linear layers and attention products, bf16 softmax /
LayerNorm / GELU), runs the timing model (`tern run --mode perf --stats
X.json`) and prints the simulator's per-tier operation counts beside the
closed form of bench/atleus_op_share.py and the paper's 91.9%.

The input is the hidden state [1, seq, d] (no embedding or LM head: the
paper's count is over the decoder layers). Every layer is the same, so the
share does not depend on --layers; a full 24-layer model is a 1.2 GB ONNX
file and 24x the compile time, hence the default of 1 (run --layers 2 to see
the share unchanged).

Usage (from the repository root, after scripts/build.sh):

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/atleus_gpt2m.py \\
      [--seq 1024 --d 1024 --heads 16 --layers 1] [--work build/atleus]

Also writes the small model the lit test uses (--seq 16 --d 32 --heads 2
--layers 2 --export-only --out test/models/reram_decoder_op17.onnx).
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np
import torch
from torch import nn

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "scripts", "models"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from export_models import GptBlock  # noqa: E402
import atleus_op_share  # noqa: E402


class DecoderStack(nn.Module):
    def __init__(self, d, heads, layers, seq):
        super().__init__()
        self.blocks = nn.Sequential(*[GptBlock(d, heads, seq)
                                      for _ in range(layers)])

    def forward(self, x):
        return self.blocks(x)


def export(args, path):
    torch.manual_seed(0)
    model = DecoderStack(args.d, args.heads, args.layers, args.seq).eval()
    with torch.no_grad():
        torch.onnx.export(model, (torch.zeros(1, args.seq, args.d),), path,
                          input_names=["hidden"], output_names=["out"],
                          opset_version=17, do_constant_folding=True)
    print("wrote %s (%.1f MB)" % (path, os.path.getsize(path) / 1e6),
          file=sys.stderr)


def run(cmd):
    t = time.time()
    print("$ " + " ".join(cmd), file=sys.stderr)
    subprocess.run(cmd, check=True)
    return time.time() - t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seq", type=int, default=1024)
    ap.add_argument("--d", type=int, default=1024)
    ap.add_argument("--heads", type=int, default=16)
    ap.add_argument("--layers", type=int, default=1)
    ap.add_argument("--calib-samples", type=int, default=1)
    ap.add_argument("--work", default=os.path.join(ROOT, "build", "atleus"))
    ap.add_argument("--tern", default=os.path.join(ROOT, "build", "bin",
                                                   "tern"))
    ap.add_argument("--export-only", action="store_true")
    ap.add_argument("--out", help="with --export-only: the ONNX path")
    a = ap.parse_args()

    if a.export_only:
        export(a, a.out)
        calib = os.path.splitext(a.out)[0] + "-calib"
        os.makedirs(calib, exist_ok=True)
        rng = np.random.default_rng(0)
        np.save(os.path.join(calib, "inputs.npy"),
                rng.standard_normal((4, a.seq, a.d)).astype(np.float32))
        return

    os.makedirs(a.work, exist_ok=True)
    tag = "L%d_d%d_n%d" % (a.seq, a.d, a.layers)
    onnx_path = os.path.join(a.work, "decoder_%s.onnx" % tag)
    export(a, onnx_path)
    calib = os.path.join(a.work, "calib_%s" % tag)
    os.makedirs(calib, exist_ok=True)
    rng = np.random.default_rng(0)
    np.save(os.path.join(calib, "inputs.npy"),
            rng.standard_normal((a.calib_samples, a.seq, a.d))
            .astype(np.float32))
    prog = os.path.join(a.work, "decoder_%s.tern" % tag)
    compile_s = run([a.tern, "compile", onnx_path, "--target", "atleus-3d",
                     "--precision", "tataa", "--calib", calib, "-o", prog])
    stats = os.path.join(a.work, "stats_%s.json" % tag)
    run_s = run([a.tern, "run", prog, "--mode", "perf", "--stats", stats])
    with open(stats) as f:
        s = json.load(f)
    rr, sy = s["tiers"]["reram"], s["tiers"]["systolic"]
    share = rr["ops"] / (rr["ops"] + sy["ops"])
    lanes = sy["lane_ops"]
    share_lanes = rr["ops"] / (rr["ops"] + sy["ops"] + lanes)
    static, attn, lora, elem = atleus_op_share.counts(
        a.seq, a.d, a.layers, a.heads, 4 * a.d, 32, causal=False)
    cstatic, cattn, clora, celem = atleus_op_share.counts(
        a.seq, a.d, a.layers, a.heads, 4 * a.d, 32, causal=True)
    print("model: seq %d, d %d, %d heads, ffn %d, %d layer(s); compile %.0f s,"
          " perf run %.1f s" % (a.seq, a.d, a.heads, 4 * a.d, a.layers,
                                compile_s, run_s))
    print()
    print("| count | ReRAM GOP | systolic GOP | share on ReRAM |")
    print("|---|---|---|---|")
    print("| Tern simulator, matrix operations (2 per MAC) | %.1f | %.1f | "
          "%.2f%% |" % (rr["ops"] / 1e9, sy["ops"] / 1e9, 100 * share))
    print("| Tern simulator, + vector/SFU lane operations | %.1f | %.1f | "
          "%.2f%% |" % (rr["ops"] / 1e9, (sy["ops"] + lanes) / 1e9,
                        100 * share_lanes))
    print("| closed form, full L x L scores (what Tern computes) | %.1f | %.1f"
          " | %.2f%% |" % (static / 1e9, attn / 1e9,
                           100 * static / (static + attn)))
    print("| closed form, causal triangle | %.1f | %.1f | %.2f%% |"
          % (cstatic / 1e9, cattn / 1e9, 100 * cstatic / (cstatic + cattn)))
    print("| closed form, causal + LoRA r=32 + element-wise | %.1f | %.1f | "
          "%.2f%% |" % (cstatic / 1e9, (cattn + clora + celem) / 1e9,
                        100 * cstatic / (cstatic + cattn + clora + celem)))
    print("| Atleus paper (GPT-2 Medium, seq 1024) | | | 91.9% |")
    print()
    print("cycles %d (%.1f us), energy %.1f uJ: ReRAM %.1f, systolic %.1f, "
          "memories %.1f, static %.1f; crossbar programming %.1f uJ once "
          "(%d cells)" % (
              s["cycles"], s["microseconds"], s["energy_pj"]["total"] / 1e6,
              rr["energy_pj"] / 1e6, sy["energy_pj"] / 1e6,
              s["tiers"]["memories"]["energy_pj"] / 1e6,
              s["energy_pj"]["static"] / 1e6,
              s["reram_programming"]["energy_pj"] / 1e6,
              s["reram_programming"]["cells"]))


if __name__ == "__main__":
    main()
