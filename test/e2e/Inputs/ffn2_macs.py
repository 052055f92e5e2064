#!/usr/bin/python3
"""Compares the `tern run` summaries of a dense and a bitmap (FFN2) program.

usage: ffn2_macs.py dense.log sparse.log
Each skipped W2 byte (one K row x one output column) saves one MAC per
token of its tile, so MACs saved lie between the skipped bytes (1-row
tiles) and 16 x them (tern-edge's 16-row tiles). Exits non-zero otherwise.
"""
import re
import sys


def summary(path):
    text = open(path).read()
    m = re.search(r"(\d+) MACs, (\d+) K rows skipped(?: \((\d+) of (\d+) bitmap gemm weight bytes\))?", text)
    if not m:
        sys.exit(f"{path}: no tern run summary")
    return [int(g) if g else 0 for g in m.groups()]


dense, sparse = summary(sys.argv[1]), summary(sys.argv[2])
saved, skipped = dense[0] - sparse[0], sparse[2]
if dense[1] or dense[2]:
    sys.exit(f"dense program skipped rows: {dense}")
if not (0 < skipped <= saved <= 16 * skipped):
    sys.exit(f"MACs saved {saved} inconsistent with {skipped} skipped W2 bytes")
print(f"MACs saved: {saved} = skipped W2 bytes x tokens per tile: OK "
      f"({100.0 * saved / dense[0]:.1f}% of {dense[0]})")
