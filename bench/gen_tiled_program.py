#!/usr/bin/python3
"""Synthetic tiled programs for the timing model (docs/Benchmarks.md).

Writes Tern assembly for int8 linear layers (and, for whole-model programs,
attention matmuls and bf16 row operations) tiled the way the compiler's
schedule does it: DMA loads into double-buffered scratchpad tiles, `gemm`
tiles accumulating over K chunks, requantization of each finished output
block, stores, and `push`/`pop` tokens between the load, compute and store
queues. The programs are functionally valid (`tern run --mode func` runs
them; the dependency checker accepts them), so they are what a compiler
could emit; the data are whatever the inputs hold.

Tiling reads the preset (array, scratchpads, accumulator, DRAM) and picks,
per layer, the tile sizes whose estimated time per output element is
lowest. The estimate uses the same closed forms as the timing model
(docs/Timing.md); it only *chooses* tiles: the figures come from running
the program with `tern run --mode perf`.

Multi-core (--cores N): the layer's rows are split evenly across N cores;
the program is the busiest core's share (ceil(M / N) rows, every column).
Run it with `tern run --mode perf --cores N` so that the timing model gives
that core 1/N of the DRAM bandwidth.

Usage:
  gen_tiled_program.py --preset tataa-u280 --cores 8 \
      --linear q:4096:768:768 --linear ffn1:4096:768:3072 -o prog.s
  gen_tiled_program.py --preset tern-edge --vit 12:197:768:12:3072 -o vit.s
"""

import argparse
import json
import math
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
PRESETS = os.path.join(HERE, '..', 'runtime', 'targets', 'presets')

RQ = {'ibert': 'rq.ibert', 'swifttron': 'rq.swift', 'tataa': 'rq.tataa',
      'elastic': 'rq.elastic'}


def cdiv(a, b):
    return -(-a // b)


class Machine:
    def __init__(self, preset):
        p = json.load(open(os.path.join(PRESETS, preset + '.json')))
        self.name = p['name']
        self.R = p['array']['rows']
        self.C = p['array']['cols']
        sp = p['scratchpad']
        self.act = int(sp['act_kib'] * 1024)
        self.wgt = int(sp['wgt_kib'] * 1024)
        self.acc = int(sp['acc_kib'] * 1024)
        self.vec = int(sp['vec_kib'] * 1024)
        self.acc16 = p['accumulator'] == 'int16'
        self.accB = 2 if self.acc16 else 4
        self.rq = RQ[p.get('requant', 'tataa' if self.acc16 else 'ibert')]
        self.lanes = max(1, p['vector']['int32_lanes'])
        self.bf16_lanes = p['vector']['bf16_lanes']
        self.fplat = p['vector']['fp_latency']
        self.clock = p['clock_mhz']
        self.bw = p['dram']['bandwidth_gbps']
        self.lat = math.floor(p['dram']['latency_ns'] * self.clock / 1000 + 0.5)


class Emitter:
    """Accumulates assembly lines and the DRAM layout."""

    def __init__(self, m):
        self.m = m
        self.lines = []
        self.dram = 0
        self.inputs = []
        self.outputs = []
        self.loc = None

    def alloc(self, nbytes):
        base = self.dram
        self.dram = (self.dram + nbytes + 4095) // 4096 * 4096
        return base

    def at(self, loc):
        if loc != self.loc:
            self.lines.append('.loc "%s"' % loc)
            self.loc = loc

    def op(self, s):
        self.lines.append(s)

    def text(self):
        head = ['.target %s' % self.m.name, '.dram %d' % max(self.dram, 4096)]
        for name, dt, shape, off in self.inputs:
            head.append('.input "%s", %s, [%s], 0x%x' %
                        (name, dt, ', '.join(map(str, shape)), off))
        for name, dt, shape, off in self.outputs:
            head.append('.output "%s", %s, [%s], 0x%x' %
                        (name, dt, ', '.join(map(str, shape)), off))
        return '\n'.join(head + self.lines + ['end']) + '\n'


def choose_tiles(m, M, K, N, bpc):
    """(SUBM, KC, NB, MB) minimising the estimated cycles per output."""
    R, C = m.R, m.C
    best = None
    divisors = [d for d in range(1, K + 1) if K % d == 0 and d <= 4095]
    for NB in sorted({min(N, C * j) for j in (1, 2, 4, 8)}):
        for SUBM in sorted({min(M, R * j) for j in (1, 2, 4, 8, 16, 32)
                            if R * j <= 4095}):
            for KC in divisors:
                if 2 * SUBM * KC > m.act or 2 * KC * NB > m.wgt:
                    continue
                mbmax = m.acc // (2 * NB * (m.accB + 1))
                if mbmax < SUBM:
                    continue
                MB = min(mbmax // SUBM * SUBM, cdiv(M, SUBM) * SUBM, 4095)
                subs, chunks = cdiv(MB, SUBM), K // KC
                gemm = cdiv(SUBM, R) * cdiv(NB, C) * (KC + C + 1)
                compute = subs * chunks * (gemm + 2) + \
                    cdiv(MB * NB, m.lanes) + m.fplat
                dma = chunks * (subs * (m.lat + SUBM * KC / bpc) +
                                m.lat + KC * NB / bpc) + m.lat + MB * NB / bpc
                cost = max(compute, dma) / (MB * NB)
                key = (cost, -KC)
                if best is None or key < best[0]:
                    best = (key, (SUBM, KC, NB, MB))
    if best is None:
        sys.exit('%s: no tiling of %dx%dx%d fits the scratchpads' %
                 (m.name, M, K, N))
    return best[1]


def linear(e, name, M, K, N, bpc, rows_of=None):
    """One int8 linear layer Y(M x N) = A(M x K) W(K x N), tiled."""
    m = e.m
    SUBM, KC, NB, MB = choose_tiles(m, M, K, N, bpc)
    A = e.alloc(M * K)
    W = e.alloc(K * N)
    Y = e.alloc(M * N)
    e.inputs += [(name + '.x', 'i8', [M, K], A), (name + '.w', 'i8', [K, N], W)]
    e.outputs.append((name + '.y', 'i8', [M, N], Y))
    abuf = [0, m.act // 2]
    wbuf = [0, m.wgt // 2]
    accbuf = [0, MB * NB * m.accB]
    obuf = [2 * MB * NB * m.accB, 2 * MB * NB * m.accB + MB * NB]
    accmode = 'i16' if m.acc16 else 'i32'
    steps = []
    for nb in range(0, N, NB):
        for mb in range(0, M, MB):
            for kc in range(0, K, KC):
                for sm in range(mb, min(M, mb + MB), SUBM):
                    steps.append((nb, mb, kc, sm))
    e.at(name)
    e.op('cfg.requant rd=0, mult=40000, shift=20, zp=0')
    wcount = [-1]
    wslot = {}

    def first_of_chunk(s):
        nb, mb, kc, sm = steps[s]
        return sm == mb

    def block_of(s):
        nb, mb, kc, sm = steps[s]
        return (nb, mb)

    blocks = []
    bindex = {}
    for s in range(len(steps)):
        b = block_of(s)
        if b not in bindex:
            bindex[b] = len(blocks)
            blocks.append(b)
        if first_of_chunk(s):
            wcount[0] += 1
        wslot[s] = wcount[0] % 2

    def emit_load(s):
        nb, mb, kc, sm = steps[s]
        e.at(name)
        if s >= 2:
            e.op('pop from=compute, to=load')
        nbw = min(NB, N - nb)
        if first_of_chunk(s):
            e.op('load spad=wgt, saddr=%d, dram=0x%x, rows=%d, cols=%d, '
                 'stride=%d' % (wbuf[wslot[s]], W + kc * N + nb, KC, nbw, N))
        rows = min(SUBM, M - sm)
        e.op('load spad=act, saddr=%d, dram=0x%x, rows=%d, cols=%d, '
             'stride=%d' % (abuf[s % 2], A + sm * K + kc, rows, KC, K))
        e.op('push from=load, to=compute')

    def emit_compute(s):
        nb, mb, kc, sm = steps[s]
        b = bindex[(nb, mb)]
        nbw = min(NB, N - nb)
        rows = min(SUBM, M - sm)
        e.at(name)
        e.op('pop from=load, to=compute')
        e.op('gemm dst=%d, a=%d, w=%d, m=%d, k=%d, n=%d, acc=%d, '
             'accmode=%s' % (accbuf[b % 2] + (sm - mb) * nbw * m.accB,
                             abuf[s % 2], wbuf[wslot[s]], rows, KC, nbw,
                             1 if kc else 0, accmode))
        e.op('push from=compute, to=load')
        last = s + 1 == len(steps) or block_of(s + 1) != (nb, mb)
        if last:
            mrows = min(MB, M - mb)
            e.at(name)
            if b >= 2:
                e.op('pop from=store, to=compute')
            e.op('%s dsp=acc, dst=%d, asp=acc, a=%d, rows=%d, cols=%d, '
                 'rreg=0' % (m.rq, obuf[b % 2], accbuf[b % 2], mrows, nbw))
            e.op('push from=compute, to=store')
            return b
        return None

    def emit_store(b):
        nb, mb = blocks[b]
        nbw = min(NB, N - nb)
        mrows = min(MB, M - mb)
        e.at(name)
        e.op('pop from=compute, to=store')
        e.op('store spad=acc, saddr=%d, dram=0x%x, rows=%d, cols=%d, '
             'stride=%d' % (obuf[b % 2], Y + mb * N + nb, mrows, nbw, N))
        e.op('push from=store, to=compute')

    emit_load(0)
    pending = None
    for s in range(len(steps)):
        if s + 1 < len(steps):
            emit_load(s + 1)
        if pending is not None:
            emit_store(pending)
            pending = None
        done = emit_compute(s)
        if done is not None:
            pending = done
    if pending is not None:
        emit_store(pending)
    drain(e, min(len(blocks), 2), min(len(steps), 2))
    return dict(name=name, M=M, K=K, N=N, SUBM=SUBM, KC=KC, NB=NB, MB=MB,
                steps=len(steps))


def drain(e, stores_left, releases_left):
    """Layer boundary: the next layer reads what this one stored and reuses
    every buffer, so the compute queue takes the store tokens nobody popped
    yet (the last stores) and the load queue the compute queue's (the last
    releases), plus one more: store -> compute -> load."""
    for _ in range(stores_left):
        e.op('pop from=store, to=compute')
    e.op('push from=compute, to=load')
    for _ in range(releases_left + 1):
        e.op('pop from=compute, to=load')


def rowop(e, name, op, rows, cols):
    """A bf16 row operation (softmax, LayerNorm, GELU) over rows x cols,
    streamed through the vector scratchpad in row blocks (double-buffered)."""
    m = e.m
    X = e.alloc(rows * cols * 2)
    Y = e.alloc(rows * cols * 2)
    e.inputs.append((name + '.x', 'bf16', [rows, cols], X))
    e.outputs.append((name + '.y', 'bf16', [rows, cols], Y))
    # Softmax/LayerNorm/GELU rows live in the larger of vec and act (TATAA's
    # 1 KiB vector files cannot hold one 768-wide bf16 row).
    spad, size = max(('vec', m.vec), ('act', m.act), key=lambda t: t[1])
    rb = max(1, min(rows, 4095, size // (4 * cols * 2)))
    bufs = [0, rb * cols * 2]
    outs = [2 * rb * cols * 2, 3 * rb * cols * 2]
    extra = ', creg=0' if 'layernorm' in op else ''
    blocks = list(range(0, rows, rb))
    for i, r0 in enumerate(blocks):
        n = min(rb, rows - r0)
        e.at(name)
        if i >= 2:
            e.op('pop from=compute, to=load')
        e.op('load spad=%s, saddr=%d, dram=0x%x, rows=%d, cols=%d, '
             'stride=%d' % (spad, bufs[i % 2], X + r0 * cols * 2, n, cols * 2,
                            cols * 2))
        e.op('push from=load, to=compute')
        e.at(name)
        e.op('pop from=load, to=compute')
        if i >= 2:
            e.op('pop from=store, to=compute')
        e.op('%s dsp=%s, dst=%d, asp=%s, a=%d, rows=%d, cols=%d%s' %
             (op, spad, outs[i % 2], spad, bufs[i % 2], n, cols, extra))
        e.op('push from=compute, to=load')
        e.op('push from=compute, to=store')
        e.at(name)
        e.op('pop from=compute, to=store')
        e.op('store spad=%s, saddr=%d, dram=0x%x, rows=%d, cols=%d, '
             'stride=%d' % (spad, outs[i % 2], Y + r0 * cols * 2, n, cols * 2,
                            cols * 2))
        e.op('push from=store, to=compute')
    drain(e, min(len(blocks), 2), min(len(blocks), 2))


def main():
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument('--preset', required=True)
    ap.add_argument('--cores', type=int, default=1,
                    help='split rows across this many cores; emit the '
                    'busiest core\'s share')
    ap.add_argument('--linear', action='append', default=[],
                    metavar='NAME:M:K:N')
    ap.add_argument('--vit', metavar='LAYERS:TOKENS:D:HEADS:FFN',
                    help='a whole ViT encoder: per layer QKV, per-head '
                    'Q.K^T and A.V, softmax, O, 2 LayerNorms, FFN1, GELU, '
                    'FFN2')
    ap.add_argument('-o', '--output', required=True)
    ap.add_argument('--summary', action='store_true',
                    help='print the chosen tiles on stderr')
    a = ap.parse_args()
    m = Machine(a.preset)
    bpc = m.bw * 1e3 / m.clock / a.cores
    e = Emitter(m)
    summary = []

    def lin(name, M, K, N):
        summary.append(linear(e, name, cdiv(M, a.cores), K, N, bpc))

    for spec in a.linear:
        name, M, K, N = spec.split(':')
        lin(name, int(M), int(K), int(N))
    if a.vit:
        L, T, D, H, F = map(int, a.vit.split(':'))
        dh = D // H
        soft = 'bsfu.softmax' if m.bf16_lanes else 'sfu.isoftmax'
        norm = 'bsfu.layernorm' if m.bf16_lanes else 'sfu.ilayernorm'
        gelu = 'bsfu.gelu' if m.bf16_lanes else 'sfu.igelu'
        Tc = cdiv(T, a.cores)  # row operations split like the linears
        for l in range(L):
            p = 'layer%d/' % l
            rowop(e, p + 'ln1', norm, Tc, D)
            lin(p + 'qkv', T, D, 3 * D)
            for h in range(H):
                lin(p + 'qk%d' % h, T, dh, T)
                rowop(e, p + 'softmax%d' % h, soft, Tc, T)
                lin(p + 'av%d' % h, T, T, dh)
            lin(p + 'o', T, D, D)
            rowop(e, p + 'ln2', norm, Tc, D)
            lin(p + 'ffn1', T, D, F)
            rowop(e, p + 'gelu', gelu, Tc, F)
            lin(p + 'ffn2', T, F, D)
    with open(a.output, 'w') as f:
        f.write(e.text())
    if a.summary:
        for s in summary:
            print('%(name)s %(M)dx%(K)dx%(N)d: gemm %(SUBM)dx%(KC)dx%(NB)d, '
                  'output block %(MB)dx%(NB)d, %(steps)d steps' % s,
                  file=sys.stderr)


if __name__ == '__main__':
    main()
