#!/usr/bin/env python3
"""ViT-B/16 model and input for bench/vit_b16.sh (not run in CI).

Writes, into OUT_DIR (default build/models):

  vit_b16_op17.onnx   torchvision ViT-B/16 (weights=None, torch.manual_seed(0)),
                      opset 17, static batch 1, input "image" [1, 3, 224, 224],
                      output "logits" [1, 1000]. torchvision initialises the
                      classification head to zeros (every logit would be 0 and
                      top-1 meaningless), so the head gets PyTorch's default
                      nn.Linear initialisation instead (seeded); the rest is
                      torchvision's random initialisation. No pretrained
                      weights exist offline.
  vit_b16_image.npy   one float32 [1, 3, 224, 224] image: a seeded smooth
                      random pattern (sum of random 2-D sinusoids, values in
                      [0, 1]), normalised with ImageNet's mean and std as
                      torchvision's transforms do.

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/export_vit_b16.py [OUT_DIR]
      [--layers N]

--layers N keeps only the first N of the twelve encoder layers (same seed,
so the kept layers have the same weights) and writes vit_b16_lN_op17.onnx
and vit_b16_lN_torch.npy instead: a smaller model of the same shapes for
iterating on compile time (docs/Benchmarks.md).
"""

import os
import sys

import numpy as np
import torch
import torchvision


def image(seed=0):
    rng = np.random.default_rng(seed)
    yy, xx = np.meshgrid(np.arange(224), np.arange(224), indexing="ij")
    img = np.zeros((3, 224, 224))
    for c in range(3):
        for _ in range(6):
            fy, fx = rng.uniform(0.005, 0.05, 2)
            ph = rng.uniform(0, 2 * np.pi)
            img[c] += rng.uniform(0.3, 1.0) * np.sin(2 * np.pi * (fy * yy + fx * xx) + ph)
    img = (img - img.min()) / (img.max() - img.min())
    mean = np.array([0.485, 0.456, 0.406])[:, None, None]
    std = np.array([0.229, 0.224, 0.225])[:, None, None]
    return ((img - mean) / std)[None].astype(np.float32)


def main(argv):
    layers = None
    if "--layers" in argv:
        i = argv.index("--layers")
        layers = int(argv[i + 1])
        if not 1 <= layers <= 12:
            sys.exit("--layers must be in 1..12")
        argv = argv[:i] + argv[i + 2:]
    out_dir = argv[0] if argv else "build/models"
    stem = "vit_b16" if layers is None else "vit_b16_l%d" % layers
    os.makedirs(out_dir, exist_ok=True)
    torch.set_num_threads(1)
    torch.manual_seed(0)
    vit = torchvision.models.vit_b_16(weights=None)
    vit.heads.head.reset_parameters()
    if layers is not None:
        vit.encoder.layers = vit.encoder.layers[:layers]
    vit.eval()
    path = os.path.join(out_dir, stem + "_op17.onnx")
    torch.onnx.export(vit, (torch.zeros(1, 3, 224, 224),), path,
                      input_names=["image"], output_names=["logits"],
                      opset_version=17, do_constant_folding=True)
    x = image()
    np.save(os.path.join(out_dir, "vit_b16_image.npy"), x)
    with torch.no_grad():
        logits = vit(torch.from_numpy(x)).numpy()
    np.save(os.path.join(out_dir, stem + "_torch.npy"), logits)
    print("wrote %s (%.1f MB), vit_b16_image.npy; torch top-1 %d, logits std %.3f"
          % (path, os.path.getsize(path) / 1e6, logits.argmax(), logits.std()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
