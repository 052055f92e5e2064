"""Closed-form check of --weight-noise on splat-linear.mlir: x is +-1, so
||x_row|| = 16 and (y' - y) / (sigma * 0.125 * 16) is standard normal per
element. Bounds: mean within 0.1, std within 10 % (4,096 elements that share
512 noise columns; the output's bf16 rounding is below 1 % of the std)."""
import sys

import numpy as np

clean, noisy, sigma = sys.argv[1], sys.argv[2], float(sys.argv[3])
z = (np.load(noisy).astype(np.float64) - np.load(clean)) / (sigma * 0.125 * 16)
mean, std = z.mean(), z.std()
print(f"normalised difference: mean {mean:.4f}, std {std:.4f}")
if abs(mean) > 0.1 or abs(std - 1) > 0.1:
    sys.exit("noise statistics do not match sigma * max|w| * ||x||")
