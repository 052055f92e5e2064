#!/usr/bin/python3
"""Share of a decoder's operations that are static-weight matrix products.

Atleus (SEEDS.md 5) maps the matrix products with pretrained weights
(Q/K/V/O projections, FFN) to its ReRAM tier and everything else (Q.K^T,
A.V, softmax, LayerNorm, GELU, residual adds and the LoRA adapters, rank r
on W_Q and W_V) to the systolic tier. Tern's timing model has no ReRAM tier
yet, so this is a closed-form count from the shapes (2 operations per MAC;
element-wise work counted per element with the per-element operation
counts below, which are Tern's [inf] choices and change the result by
about 0.3 points at most).

Prints a markdown table of variants: attention over the full L x L score
matrix or only its causal lower triangle (GPT-2 is causal; whether the
paper's count skips the masked half is not stated), with and without LoRA
and the element-wise work.

Usage: atleus_op_share.py [--seq 1024 --d 1024 --layers 24 --heads 16
                           --ffn 4096 --lora-rank 32] [--counts]

--counts prints the exact operation counts of the matrix products instead:
static-weight and full-attention operations and the share, which Tern's
simulator reproduces on the atleus-3d preset (it computes the full L x L
score matrix; test/e2e/reram-decoder.test, bench/atleus_gpt2m.py).
"""

import argparse

SOFTMAX_OPS = 5    # max, subtract, exp, sum, divide per score
LAYERNORM_OPS = 8  # mean, subtract, square, sum, rsqrt-scale, gamma, beta
GELU_OPS = 8       # the tanh form
RESIDUAL_OPS = 1


def counts(L, d, layers, heads, F, r, causal):
    scores = L * (L + 1) // 2 if causal else L * L
    static = 2 * (4 * L * d * d + 2 * L * d * F)
    attn = 2 * 2 * scores * d  # Q.K^T and A.V over all heads
    lora = 2 * 2 * (L * d * r + L * r * d)  # on W_Q and W_V
    elem = (SOFTMAX_OPS * heads * scores + 2 * LAYERNORM_OPS * L * d +
            GELU_OPS * L * F + 2 * RESIDUAL_OPS * L * d)
    return [layers * x for x in (static, attn, lora, elem)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--seq', type=int, default=1024)
    ap.add_argument('--d', type=int, default=1024)
    ap.add_argument('--layers', type=int, default=24)
    ap.add_argument('--heads', type=int, default=16)
    ap.add_argument('--ffn', type=int, default=4096)
    ap.add_argument('--lora-rank', type=int, default=32)
    ap.add_argument('--counts', action='store_true')
    a = ap.parse_args()
    if a.counts:
        static, attn, _, _ = counts(a.seq, a.d, a.layers, a.heads, a.ffn,
                                    a.lora_rank, False)
        print('static-weight ops: %d' % static)
        print('full-attention ops: %d' % attn)
        print('share on ReRAM: %.1f%%' % (100.0 * static / (static + attn)))
        return
    print('| attention | dynamic work counted | static-weight GOP | '
          'total GOP | share on ReRAM |')
    print('|---|---|---|---|---|')
    for causal in (True, False):
        static, attn, lora, elem = counts(a.seq, a.d, a.layers, a.heads,
                                          a.ffn, a.lora_rank, causal)
        for label, dyn in (('Q.K^T, A.V', attn),
                           ('+ LoRA r=%d' % a.lora_rank, attn + lora),
                           ('+ LoRA + element-wise', attn + lora + elem)):
            total = static + dyn
            print('| %s | %s | %.1f | %.1f | %.1f%% |' %
                  ('causal' if causal else 'full', label, static / 1e9,
                   total / 1e9, 100.0 * static / total))


if __name__ == '__main__':
    main()
