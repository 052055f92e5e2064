"""Inputs and numpy reference for bench/gen_tiled_program.py programs.

  tiled_check.py inputs PROG.s DIR   writes random inputs, prints --input args
  tiled_check.py check PROG.s DIR    compares DIR/out/<layer>.y.npy (TATAA
                                     int16 partial sums, rq.tataa with the
                                     generator's mult 40000, shift 20)
"""
import re
import sys

import numpy as np

mode, prog, d = sys.argv[1:4]
decl = re.compile(r'\.(input|output) "(\S+)", (\w+), \[([0-9, ]+)\]')
tensors = [(m.group(1), m.group(2), m.group(3),
            [int(x) for x in m.group(4).split(',')])
           for m in map(decl.match, open(prog)) if m]
fname = lambda name: '%s/%s.npy' % (d, name.replace('/', '_'))
if mode == 'inputs':
    rng = np.random.default_rng(7)
    args = []
    for kind, name, dt, shape in tensors:
        if kind != 'input':
            continue
        a = (rng.integers(-128, 128, shape, dtype=np.int8) if dt == 'i8'
             else rng.standard_normal(shape).astype(np.float32))
        np.save(fname(name), a)
        args.append('--input=%s=%s' % (name, fname(name)))
    print('\n'.join(args))
else:
    for kind, name, dt, shape in tensors:
        if kind != 'output':
            continue
        layer = name[:-2]
        x = np.load(fname(layer + '.x')).astype(np.int64)
        w = np.load(fname(layer + '.w')).astype(np.int64)
        acc = (x @ w + 2**15) % 2**16 - 2**15
        ref = ((acc * 40000) >> 20) % 256
        y = np.load('%s/out/%s.npy' % (d, name)).astype(np.int64) % 256
        print('%s: %s %s' % (name, 'OK' if (y == ref).all() else 'MISMATCH',
                             tuple(y.shape)))
