"""Data splits for quantization: calibration samples from the *training* split (never the
test images that accuracy is measured on) and the full held-out test split for benchmarks.

  /usr/bin/python3 scripts/zoo/splits.py calib            # commits test/models/zoo/fmnist-calib
  /usr/bin/python3 scripts/zoo/splits.py test OUT_DIR     # OUT_DIR/{inputs,labels}.npy (10k)
  /usr/bin/python3 scripts/zoo/splits.py sunspots-calib   # test/models/zoo/forecaster{,_w6}/calib

Needs numpy and dataset-fashion-mnist only (no torch): the preprocessing is the zoo's,
pixel / 255 in NCHW [N, 1, 28, 28] float32 (scripts/zoo/zoolib.py load_fmnist).
sunspots-calib needs statsmodels (apt python3-statsmodels) for the series; it writes every
*training* window of each forecaster (scripts/zoo/zoolib.py load_sunspots, same split and
normalisation; the test windows it computes must equal the committed fixture, or it stops).
"""
import gzip
import math
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


SUNSPOT_MODELS = (('forecaster', 12, None), ('forecaster_w6', 6, 'log1p'))


def sunspots_calib():
    import statsmodels.api as sm
    s = sm.datasets.sunspots.load_pandas().data['SUNACTIVITY'].to_numpy(np.float64)
    for name, window, transform in SUNSPOT_MODELS:
        # scripts/zoo/zoolib.py sunspot_windows (test_frac 0.2), without torch
        n = len(s) - window
        n_train = n - int(math.ceil(0.2 * n))
        train_series = s[:n_train + window]
        mean, std = float(train_series.mean()), float(train_series.std())
        z = ((s - mean) / std).astype(np.float32)
        zi, in_mean, in_std = z, mean, std
        if transform == 'log1p':  # input normalisation of forecaster_w6
            lt = np.log1p(train_series)
            in_mean, in_std = float(lt.mean()), float(lt.std())
            zi = ((np.log1p(s) - in_mean) / in_std).astype(np.float32)
        xs = np.stack([zi[i:i + window] for i in range(n)])[:, :, None]
        ys = z[window:window + n][:, None]
        zoo = os.path.join(REPO, 'test', 'models', 'zoo', name)
        if not (np.array_equal(xs[n_train:], np.load(os.path.join(zoo, 'inputs.npy'))) and
                np.array_equal(ys[n_train:], np.load(os.path.join(zoo, 'targets.npy')))):
            raise SystemExit(f'{zoo}: the recomputed test windows differ from the fixture')
        out = os.path.join(zoo, 'calib')
        os.makedirs(out, exist_ok=True)
        np.save(os.path.join(out, 'inputs.npy'), xs[:n_train])
        years = 1700 + window
        with open(os.path.join(out, 'README.md'), 'w') as f:
            f.write(f'# {name} calibration windows\n\n'
                    f'All {n_train} *training* windows (window {window}, target years {years}-'
                    f'{years + n_train - 1}) of the statsmodels sunspots series, normalised '
                    + ('as log1p(value) ' if transform else '') +
                    f'with the training mean/std ({in_mean:.6f}, {in_std:.6f}) exactly as the model '
                    f'was trained (scripts/zoo/zoolib.py load_sunspots): inputs.npy '
                    f'[{n_train}, {window}, 1] float32. Used by `--calib` so int8 calibration '
                    'never sees the test windows that RMSE is measured on. Regenerate: '
                    '`/usr/bin/python3 scripts/zoo/splits.py sunspots-calib`.\n')


def main():
    if len(sys.argv) == 2 and sys.argv[1] == 'sunspots-calib':
        sunspots_calib()
        return
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
