"""Data splits for quantization: calibration samples from the *training* split (never the
test images that accuracy is measured on) and the full held-out test split for benchmarks.

  /usr/bin/python3 scripts/zoo/splits.py calib            # commits test/models/zoo/fmnist-calib
  /usr/bin/python3 scripts/zoo/splits.py test OUT_DIR     # OUT_DIR/{inputs,labels}.npy (10k)

Needs numpy and dataset-fashion-mnist only (no torch): the preprocessing is the zoo's,
pixel / 255 in NCHW [N, 1, 28, 28] float32 (scripts/zoo/zoolib.py load_fmnist).
"""
import gzip
import os
import struct
import sys

import numpy as np

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..'))
FMNIST_DIR = '/usr/share/datasets/fashion-mnist'
CALIB_SAMPLES = 128
CALIB_SEED = 0


def read_idx(path):
    with gzip.open(path, 'rb') as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack('>HBB', data[:4])
    if zero != 0 or dtype != 0x08:
        raise SystemExit(f'{path}: not an unsigned-byte IDX file')
    dims = struct.unpack('>' + 'I' * ndim, data[4:4 + 4 * ndim])
    return np.frombuffer(data, dtype=np.uint8, offset=4 + 4 * ndim).reshape(dims)


def images(prefix):
    x = read_idx(os.path.join(FMNIST_DIR, f'{prefix}-images-idx3-ubyte.gz'))
    return x.astype(np.float32)[:, None] / np.float32(255.0)


def labels(prefix):
    return read_idx(os.path.join(FMNIST_DIR, f'{prefix}-labels-idx1-ubyte.gz')).astype(np.int64)


def main():
    if not os.path.isdir(FMNIST_DIR):
        raise SystemExit(f'{FMNIST_DIR} missing: apt-get install dataset-fashion-mnist')
    if len(sys.argv) >= 2 and sys.argv[1] == 'calib':
        x = images('train')
        idx = np.sort(np.random.default_rng(CALIB_SEED).choice(len(x), CALIB_SAMPLES,
                                                               replace=False))
        out = os.path.join(REPO, 'test', 'models', 'zoo', 'fmnist-calib')
        os.makedirs(out, exist_ok=True)
        np.save(os.path.join(out, 'inputs.npy'), x[idx])
        with open(os.path.join(out, 'README.md'), 'w') as f:
            f.write('# Fashion-MNIST calibration samples\n\n'
                    f'{CALIB_SAMPLES} images of the official *training* split (indices drawn '
                    f'with numpy default_rng({CALIB_SEED}), sorted), preprocessed like the zoo '
                    '(pixel / 255, NCHW float32). Used by `--calib` for the zoo\'s Fashion-MNIST '
                    'models, so calibration never sees the test images that accuracy is '
                    'measured on. Regenerate: `/usr/bin/python3 scripts/zoo/splits.py calib`.\n\n'
                    'Indices: ' + ' '.join(str(i) for i in idx) + '\n')
    elif len(sys.argv) == 3 and sys.argv[1] == 'test':
        os.makedirs(sys.argv[2], exist_ok=True)
        np.save(os.path.join(sys.argv[2], 'inputs.npy'), images('t10k'))
        np.save(os.path.join(sys.argv[2], 'labels.npy'), labels('t10k'))
    else:
        raise SystemExit(__doc__)


if __name__ == '__main__':
    main()
