#!/usr/bin/python3
"""Tern model zoo: train, export (ONNX opset 17), evaluate, write fixtures and onnxruntime
references for one model.

    OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/zoo/train.py MODEL [--out DIR] [--seed N]

MODEL is one of: vit_fmnist, vit_relu, vit_qat4, vit_qat4_a4, vit_digits, forecaster,
forecaster_w6 (vit_qat4* fine-tune the FP32 vit_fmnist checkpoint, so run vit_fmnist first).
Writes DIR/MODEL/{model.onnx, inputs.npy, labels.npy|targets.npy, reference.npy, meta.json};
DIR defaults to test/models/zoo. vit_digits also writes DIR/vit_digits/test (the whole held-out
split with its onnxruntime reference) and DIR/vit_digits/calib (training images for --calib).
Checkpoints go to build-zoo/ (not committed).
Needs /usr/bin/python3 with torch, onnx, numpy (+ statsmodels for the forecasters, sklearn
for vit_digits) and
`npm ci` in scripts/zoo/ort (onnxruntime-node). scripts/zoo/make_all.sh runs everything.
"""
import argparse
import json
import os
import platform
import sys
import time

os.environ.setdefault('OPENBLAS_NUM_THREADS', '1')

import numpy as np  # noqa: E402
import torch  # noqa: E402
import torch.nn.functional as F  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import zoolib as Z  # noqa: E402
import qdq  # noqa: E402

FIXTURE_N = 64
FLOAT_TOL, QDQ_TOL = 1e-3, 0.05  # max abs diff torch vs onnxruntime allowed on the fixture
CKPT_DIR = os.path.join(Z.REPO, 'build-zoo')

VIT_ARCH = dict(img=28, chans=1, patch=7, d=64, depth=4, heads=4, mlp=256, classes=10)
VIT_TRAIN = dict(epochs=8, batch=128, lr=2e-3, wd=0.05)
DIGITS_ARCH = dict(img=8, chans=1, patch=4, d=48, depth=2, heads=4, mlp=192, classes=10)
DIGITS_TRAIN = dict(epochs=150, batch=64, lr=2e-3, wd=0.05)
DIGITS_CALIB_N, DIGITS_CALIB_SEED = 128, 0

MODELS = {
    'vit_fmnist': dict(kind='vit', act='gelu', purpose=(
        'Accuracy benchmarks of issue 6 (int8 PTQ, integer-only, w4a8 PTQ vs FP32 on '
        'Fashion-MNIST) and end-to-end compile/run tests of issue 5.')),
    'vit_relu': dict(kind='vit', act='relu', purpose=(
        'Issue 8: dynamic token pruning (CLS attention) and FFN2 sparsity benchmarks '
        '(SEEDS.md 2); ReLU FFN makes FFN2 inputs exactly sparse.')),
    'vit_qat4': dict(kind='qat', w_bits=4, a_bits=8, epochs=3, lr=2e-4, purpose=(
        'Issue 6 item 5: a QDQ (QAT) model honoured as given; 4-bit weights (w4a8), '
        'target <= 1 point top-1 drop vs vit_fmnist.')),
    'vit_qat4_a4': dict(kind='qat', w_bits=4, a_bits=4, epochs=3, lr=2e-4, purpose=(
        'Issue 6 item 5: QDQ model with 4-bit weights AND 4-bit activations (w4a4), '
        'the QuantizeLinear -> Clip(-8, 7) -> DequantizeLinear activation form.')),
    'vit_digits': dict(kind='digits', act='gelu', purpose=(
        'Issue 6 item 6: the ViT on sklearn digits; accuracy of int8 PTQ (tataa), integer-only '
        'and w4a8 PTQ vs FP32 on its 360-image held-out split.')),
    'forecaster': dict(kind='forecast', window=12, d=32, purpose=(
        'Issue 6: forecaster shaped like the integer-only FPGA design (SEEDS.md 3; its '
        '(window 12, d 32) configuration), RMSE targets for int8/6/4-bit.')),
    'forecaster_w6': dict(kind='forecast', window=6, d=64, input_transform='log1p', purpose=(
        'Issue 6: the FPGA design\'s (window 6, d 64) configuration of the forecaster; '
        'log1p input normalisation so that the test split\'s solar maximum (1957) stays inside '
        'the int8 range calibrated on training windows.')),
}
FORECAST_TRAIN = dict(epochs=300, batch=16, lr=1e-3, wd=1e-4)


def common_meta(name, args, cfg):
    return {
        'model': name,
        'purpose': cfg['purpose'],
        'command': f'OPENBLAS_NUM_THREADS=1 /usr/bin/python3 scripts/zoo/train.py {name}'
                   + (f' --seed {args.seed}' if args.seed != 0 else ''),
        'seed': args.seed,
        'versions': {'torch': torch.__version__, 'numpy': np.__version__,
                     'python': platform.python_version()},
        'threads': torch.get_num_threads(),
    }


def onnx_info(path):
    import onnx
    m = onnx.load(path)
    ops = {}
    for n in m.graph.node:
        ops[n.op_type] = ops.get(n.op_type, 0) + 1
    return {'file': 'model.onnx', 'bytes': os.path.getsize(path), 'sha256': Z.sha256(path),
            'opset': m.opset_import[0].version, 'ir_version': m.ir_version,
            'ops': dict(sorted(ops.items())), 'nodes': len(m.graph.node)}


def crosscheck(torch_out, ort_out, tol):
    """Max abs difference of torch and onnxruntime outputs on the fixture; fails above `tol`
    (1e-3 for float graphs; QDQ graphs may legitimately differ by a quantization step where
    float rounding puts a value on the other side of a rounding boundary)."""
    diff = float(np.max(np.abs(torch_out - ort_out)))
    print(f'  torch vs onnxruntime on the fixture: max abs diff {diff:.3g} (tolerance {tol:g})')
    if not diff <= tol:
        raise SystemExit(f'torch and onnxruntime disagree on the fixture: {diff} > {tol}')
    return diff


# --------------------------------------------------------------------------------------------

FMNIST_DESC = {
    'task': 'Fashion-MNIST 10-class image classification',
    'input': {'name': 'image', 'shape': [1, 1, 28, 28], 'dtype': 'float32', 'layout': 'NCHW',
              'preprocessing': 'pixel / 255 (values in [0, 1]); no mean/std normalisation'},
    'output': {'name': 'logits', 'shape': [1, 10], 'dtype': 'float32',
               'meaning': 'class logits (argmax = prediction), classes 0..9 as in the dataset'},
    'data': {'dataset': 'Fashion-MNIST (apt dataset-fashion-mnist, ' + Z.FMNIST_DIR + ')',
             'train': 'official 60000 training images', 'test': 'official 10000 test images',
             'fixture': f'first {FIXTURE_N} test images (inputs.npy [{FIXTURE_N},1,28,28] '
                        f'float32, labels.npy [{FIXTURE_N}] int64)'},
}


def vit_finish(name, args, cfg, model, data, meta, train_s, export_model=None, desc=FMNIST_DESC):
    """Evaluate, export, fixture, ort reference, meta for an image-classification ViT
    (desc: the task/input/output/data entries of meta.json)."""
    outdir = os.path.join(args.out, name)
    os.makedirs(outdir, exist_ok=True)
    xt, yt = data['test']
    logits = Z.predict(model, xt)
    acc = float((logits.argmax(1) == yt).float().mean())
    print(f'  torch test top-1 ({len(yt)}): {acc * 100:.2f}%')
    path = os.path.join(outdir, 'model.onnx')
    if export_model is None:
        Z.export_onnx(model, xt[:1], path, 'image', 'logits')
    else:
        export_model(path)
    fx, fy = xt[:FIXTURE_N], yt[:FIXTURE_N]
    Z.write_fixture(outdir, fx.numpy(), 'labels', fy.numpy())
    t_fix = Z.predict(model, fx).numpy()
    ref, info = Z.run_ort_reference(outdir)
    diff = crosscheck(t_fix, ref, FLOAT_TOL if export_model is None else QDQ_TOL)
    ort_acc = float((ref.argmax(1) == fy.numpy()).mean())
    t_fix_acc = float((t_fix.argmax(1) == fy.numpy()).mean())
    agree = int((ref.argmax(1) == t_fix.argmax(1)).sum())
    if agree < FIXTURE_N - 1:
        raise SystemExit(f'torch and onnxruntime top-1 agree on only {agree}/{FIXTURE_N} fixture samples')
    print(f'  fixture top-1: torch {t_fix_acc * 100:.2f}%, onnxruntime {ort_acc * 100:.2f}% '
          f'(top-1 agree {agree}/{FIXTURE_N})')
    meta.update(desc)
    meta.update({
        'params': Z.n_params(model),
        'onnx': onnx_info(path),
        'training_seconds': round(train_s, 1),
        'metrics': {
            'torch_test_top1': acc, 'torch_test_n': len(yt),
            'torch_fixture_top1': t_fix_acc, 'ort_fixture_top1': ort_acc, 'fixture_n': FIXTURE_N,
            'torch_vs_ort_fixture_max_abs_diff': diff,
            'torch_vs_ort_fixture_top1_agree': agree,
        },
        'onnxruntime': info,
    })
    Z.write_meta(outdir, meta)
    return meta


@torch.no_grad()
def relu_sparsity(model, x, batch=500):
    """Per block, over the inputs x: fraction of FFN hidden activations (ReLU outputs) that are
    exactly 0, and fraction of hidden channels that are 0 for all 17 tokens of an image (the W2
    rows an FFN2-skipping tile of one image's tokens would neither load nor multiply)."""
    model.eval()
    acts = {}
    hooks = [blk.ffn.act.register_forward_hook(
        lambda mod, inp, out, i=i: acts.setdefault(i, []).append(out)) for i, blk in enumerate(model.blocks)]
    for i in range(0, len(x), batch):
        model(x[i:i + batch])
    for h in hooks:
        h.remove()
    out = []
    for i in sorted(acts):
        a = torch.cat(acts[i])                       # [n, tokens, hidden]
        z = a == 0
        out.append({'block': i, 'zero_fraction': float(z.float().mean()),
                    'all_token_zero_channel_fraction': float(z.all(dim=1).float().mean())})
    return out


def run_vit(name, args, cfg):
    Z.set_determinism(args.seed)
    data = Z.load_fmnist()
    arch = dict(VIT_ARCH, act=cfg['act'])
    model = Z.ViT(**arch)
    x, y = data['train']
    tr = dict(VIT_TRAIN)
    if args.epochs:
        tr['epochs'] = args.epochs
    print(f'{name}: {Z.n_params(model)} params, training {tr}', flush=True)
    t0 = time.time()
    Z.train_loop(model, x, y, F.cross_entropy, seed=args.seed, **tr)
    train_s = time.time() - t0
    os.makedirs(args.ckpt_dir, exist_ok=True)
    torch.save({'arch': arch, 'state_dict': model.state_dict()},
               os.path.join(args.ckpt_dir, f'{name}.pt'))
    meta = common_meta(name, args, cfg)
    meta['architecture'] = dict(arch, type='ViT', cls_token=True,
                                pos_embed='learned, added after the CLS concat',
                                norm='pre-norm LayerNorm (eps 1e-5), final LayerNorm',
                                patch_embed='Conv2d kernel=stride=patch', tokens=1 + (28 // 7) ** 2,
                                ffn=f'Linear(64,256) -> {cfg["act"].upper()} -> Linear(256,64)',
                                attention='separate q/k/v Linear, scores * 1/sqrt(16), Softmax',
                                head='LayerNorm -> CLS token -> Linear(64,10)')
    meta['training'] = dict(tr, optimizer='AdamW', schedule='5% linear warm-up, cosine to 0',
                            loss='cross-entropy', grad_clip=1.0, augmentation='none',
                            selection='fixed epoch count, last epoch kept (no early stopping)')
    if cfg['act'] == 'relu':
        meta['ffn_relu_sparsity_test'] = relu_sparsity(model, data['test'][0])
        print('  ReLU zero fraction per block (test):',
              [round(b['zero_fraction'], 3) for b in meta['ffn_relu_sparsity_test']])
    vit_finish(name, args, cfg, model, data, meta, train_s)


def run_digits(name, args, cfg):
    """The ViT on sklearn digits: like run_vit, plus the whole held-out split as a dataset
    directory (test/: inputs, labels, onnxruntime FP32 reference) and calibration images drawn
    from the training split only (calib/)."""
    Z.set_determinism(args.seed)
    data = Z.load_digits_split()
    arch = dict(DIGITS_ARCH, act=cfg['act'])
    model = Z.ViT(**arch)
    x, y = data['train']
    xt, yt = data['test']
    tr = dict(DIGITS_TRAIN)
    if args.epochs:
        tr['epochs'] = args.epochs
    print(f'{name}: {Z.n_params(model)} params, {len(x)} train / {len(xt)} test images, {tr}',
          flush=True)
    t0 = time.time()
    Z.train_loop(model, x, y, F.cross_entropy, seed=args.seed, log_every=25, **tr)
    train_s = time.time() - t0
    os.makedirs(args.ckpt_dir, exist_ok=True)
    torch.save({'arch': arch, 'state_dict': model.state_dict()},
               os.path.join(args.ckpt_dir, f'{name}.pt'))
    n_tok = (arch['img'] // arch['patch']) ** 2
    d, mlp = arch['d'], arch['mlp']
    meta = common_meta(name, args, cfg)
    meta['architecture'] = dict(arch, type='ViT', cls_token=True,
                                pos_embed='learned, added after the CLS concat',
                                norm='pre-norm LayerNorm (eps 1e-5), final LayerNorm',
                                patch_embed=f'Conv2d kernel=stride={arch["patch"]}',
                                tokens=1 + n_tok,
                                ffn=f'Linear({d},{mlp}) -> GELU -> Linear({mlp},{d})',
                                attention=f'separate q/k/v Linear, scores * 1/sqrt({d // arch["heads"]}), Softmax',
                                head=f'LayerNorm -> CLS token -> Linear({d},10)')
    meta['training'] = dict(tr, optimizer='AdamW', schedule='5% linear warm-up, cosine to 0',
                            loss='cross-entropy', grad_clip=1.0, augmentation='none',
                            selection='fixed epoch count, last epoch kept (no early stopping)')
    desc = {
        'task': 'sklearn digits 10-class image classification (8x8 handwritten digits)',
        'input': {'name': 'image', 'shape': [1, 1, 8, 8], 'dtype': 'float32', 'layout': 'NCHW',
                  'preprocessing': 'pixel / 16 (the 17 grey levels 0..16 -> [0, 1]); no mean/std '
                                   'normalisation'},
        'output': {'name': 'logits', 'shape': [1, 10], 'dtype': 'float32',
                   'meaning': 'class logits (argmax = prediction), digits 0..9'},
        'data': {'dataset': 'sklearn.datasets.load_digits (apt python3-sklearn, 1797 images)',
                 'split': f'sklearn train_test_split(test_size={Z.DIGITS_TEST}, random_state='
                          f'{Z.DIGITS_SEED}, stratify=labels)',
                 'train': f'{len(x)} images', 'test': f'{len(xt)} images',
                 'test_indices': [int(i) for i in data['idx_test']],
                 'fixture': f'first {FIXTURE_N} test images (inputs.npy [{FIXTURE_N},1,8,8] '
                            f'float32, labels.npy [{FIXTURE_N}] int64)',
                 'test_dir': f'test/: all {len(xt)} test images (inputs.npy, labels.npy) and their '
                             'onnxruntime FP32 logits (reference.npy), a `tern eval --dataset` '
                             'directory',
                 'calib_dir': f'calib/: {DIGITS_CALIB_N} training images (numpy default_rng('
                              f'{DIGITS_CALIB_SEED}) choice without replacement, sorted) for --calib'}}
    meta = vit_finish(name, args, cfg, model, data, meta, train_s, desc=desc)
    outdir = os.path.join(args.out, name)
    # The whole held-out split, with onnxruntime's FP32 outputs on it.
    tdir = os.path.join(outdir, 'test')
    Z.write_fixture(tdir, xt.numpy(), 'labels', yt.numpy())
    ref, _ = Z.run_ort_reference(tdir, model=os.path.join(outdir, 'model.onnx'))
    crosscheck(Z.predict(model, xt).numpy(), ref, FLOAT_TOL)
    ort_acc = float((ref.argmax(1) == yt.numpy()).mean())
    print(f'  onnxruntime test top-1 ({len(yt)}): {ort_acc * 100:.2f}%')
    # Calibration images from the training split only.
    cdir = os.path.join(outdir, 'calib')
    os.makedirs(cdir, exist_ok=True)
    cidx = np.sort(np.random.default_rng(DIGITS_CALIB_SEED).choice(len(x), DIGITS_CALIB_N,
                                                                   replace=False))
    np.save(os.path.join(cdir, 'inputs.npy'), np.ascontiguousarray(x.numpy()[cidx]))
    with open(os.path.join(cdir, 'README.md'), 'w') as f:
        f.write(f'# {name} calibration images\n\n'
                f'{DIGITS_CALIB_N} images of the *training* split ({len(x)} images; positions '
                f'drawn with numpy default_rng({DIGITS_CALIB_SEED}) without replacement, sorted, '
                'listed in ../meta.json as data.calib_train_positions), preprocessed like the '
                f'model (pixel / 16, NCHW float32): inputs.npy [{DIGITS_CALIB_N}, 1, 8, 8]. Used '
                'by `--calib` so calibration never sees the test images that accuracy is '
                'measured on (../test). Regenerate: `OPENBLAS_NUM_THREADS=1 /usr/bin/python3 '
                'scripts/zoo/train.py vit_digits`.\n')
    meta['metrics'].update({'ort_test_top1': ort_acc, 'ort_test_n': len(yt)})
    meta['data']['calib_train_positions'] = [int(i) for i in cidx]
    Z.write_meta(outdir, meta)


def run_qat(name, args, cfg):
    Z.set_determinism(args.seed)
    data = Z.load_fmnist()
    ck_path = os.path.join(args.ckpt_dir, 'vit_fmnist.pt')
    if not os.path.exists(ck_path):
        raise SystemExit(f'{ck_path} missing: run `train.py vit_fmnist` first')
    ck = torch.load(ck_path)
    w_bits, a_bits = cfg['w_bits'], cfg['a_bits']
    model = Z.ViT(**ck['arch'], quant=(w_bits, a_bits))
    model.load_state_dict(ck['state_dict'], strict=False)  # act_absmax buffers start at 0
    x, y = data['train']
    xt, yt = data['test']
    fp32_acc = float((Z.predict(model, xt).argmax(1) == yt).float().mean())
    print(f'{name}: FP32 start (vit_fmnist) test top-1 {fp32_acc * 100:.2f}%', flush=True)
    # Calibrate the activation ranges (running max |x|, momentum 0.95) on 20 training batches.
    model.set_quant(True)
    model.train()
    g = torch.Generator().manual_seed(args.seed)
    perm = torch.randperm(len(x), generator=g)
    with torch.no_grad():
        for i in range(20):
            model(x[perm[i * 128:(i + 1) * 128]])
    ptq_acc = float((Z.predict(model, xt).argmax(1) == yt).float().mean())
    print(f'  after calibration, before fine-tuning (PTQ w{w_bits}a{a_bits}): {ptq_acc * 100:.2f}%')
    tr = dict(epochs=cfg['epochs'], batch=128, lr=cfg['lr'], wd=0.0)
    if args.epochs:
        tr['epochs'] = args.epochs
    t0 = time.time()
    Z.train_loop(model, x, y, F.cross_entropy, seed=args.seed, warmup_frac=0.0, **tr)
    train_s = time.time() - t0
    model.eval()

    def export_model(path):
        model.set_quant(False)  # export the float graph, then insert explicit Q/DQ nodes
        Z.export_onnx(model, xt[:1], path, 'image', 'logits')
        model.set_quant(True)
        qdq.insert_qdq(path, model)

    meta = common_meta(name, args, cfg)
    meta['architecture'] = dict(ck['arch'], type='ViT (vit_fmnist) with fake-quantized Linear layers',
                                quantized_layers='every Linear inside the blocks (q, k, v, proj, fc1, fc2); '
                                'patch embedding Conv and the head Linear stay FP32',
                                weights=f'{w_bits}-bit symmetric per tensor, scale = max|W| / {2 ** (w_bits - 1) - 1}, '
                                f'q in [{-(2 ** (w_bits - 1))}, {2 ** (w_bits - 1) - 1}]',
                                activations=f'{a_bits}-bit symmetric per tensor (zero point 0), input of each '
                                f'quantized Linear, scale = running max|x| (momentum 0.95) / {2 ** (a_bits - 1) - 1}, '
                                'frozen after training',
                                bias='float32, added after the MatMul',
                                rounding='round half to even (ONNX QuantizeLinear); straight-through gradients',
                                onnx_form=qdq.FORM_DOC.format(a_lo=-(2 ** (a_bits - 1)), a_hi=2 ** (a_bits - 1) - 1))
    meta['training'] = dict(tr, start='FP32 vit_fmnist checkpoint (build-zoo/vit_fmnist.pt, sha256 '
                            + Z.sha256(ck_path) + ')',
                            calibration='20 training batches of 128 before fine-tuning',
                            optimizer='AdamW', schedule='cosine to 0, no warm-up', loss='cross-entropy')
    meta['metrics_fp32_reference'] = {'vit_fmnist_torch_test_top1': fp32_acc,
                                      f'ptq_w{w_bits}a{a_bits}_before_qat_torch_test_top1': ptq_acc}
    meta = vit_finish(name, args, cfg, model, data, meta, train_s, export_model)
    drop = (fp32_acc - meta['metrics']['torch_test_top1']) * 100
    meta['metrics_fp32_reference']['qat_drop_points_vs_fp32'] = drop
    print(f'  QAT w{w_bits}a{a_bits} drop vs FP32: {drop:.2f} points')
    Z.write_meta(os.path.join(args.out, name), meta)


def run_forecast(name, args, cfg):
    Z.set_determinism(args.seed)
    window, d = cfg['window'], cfg['d']
    data = Z.load_sunspots(window, input_transform=cfg.get('input_transform'))
    model = Z.Forecaster(window, d)
    assert Z.n_params(model) == 12 * d * d + 16 * d + 1  # SEEDS.md 3: 12d^2 + (15+m)d + 1, m=1
    x, y = data['train']
    xt, yt = data['test']
    tr = dict(FORECAST_TRAIN)
    if args.epochs:
        tr['epochs'] = args.epochs
    print(f'{name}: {Z.n_params(model)} params, {len(x)} train / {len(xt)} test windows, {tr}',
          flush=True)
    t0 = time.time()
    Z.train_loop(model, x, y, F.mse_loss, seed=args.seed, log_every=50, **tr)
    train_s = time.time() - t0
    std = data['std']

    def rmse(pred, tgt):  # in sunspot-number units (de-normalised)
        return float(np.sqrt(np.mean((np.asarray(pred) - np.asarray(tgt)) ** 2))) * std

    pred = Z.predict(model, xt).numpy()
    test_rmse = rmse(pred, yt.numpy())
    train_rmse = rmse(Z.predict(model, x).numpy(), y.numpy())
    persist = rmse(data['test_last'], yt.numpy())  # naive baseline: next = last value
    print(f'  torch test RMSE {test_rmse:.3f} (train {train_rmse:.3f}; persistence baseline {persist:.3f})')
    outdir = os.path.join(args.out, name)
    os.makedirs(outdir, exist_ok=True)
    path = os.path.join(outdir, 'model.onnx')
    Z.export_onnx(model, xt[:1], path, 'window', 'forecast')
    n_fix = min(FIXTURE_N, len(xt))
    fx, fy = xt[:n_fix], yt[:n_fix]
    Z.write_fixture(outdir, fx.numpy(), 'targets', fy.numpy())
    t_fix = Z.predict(model, fx).numpy()
    ref, info = Z.run_ort_reference(outdir)
    diff = crosscheck(t_fix, ref, FLOAT_TOL)
    ort_rmse = rmse(ref, fy.numpy())
    print(f'  fixture RMSE: torch {rmse(t_fix, fy.numpy()):.4f}, onnxruntime {ort_rmse:.4f}')
    meta = common_meta(name, args, cfg)
    if data['input_transform'] == 'log1p':
        pre = (f'z = (log1p(value) - {data["in_mean"]:.6f}) / {data["in_std"]:.6f} (mean/std of '
               'log1p over the training years only; outputs and targets stay linear, see '
               'normalisation)')
    else:
        pre = (f'z = (value - {data["mean"]:.6f}) / {std:.6f} (mean/std of the training years '
               'only)')
    meta.update({
        'task': 'one-step-ahead forecasting of yearly sunspot numbers',
        'input': {'name': 'window', 'shape': [1, window, 1], 'dtype': 'float32',
                  'layout': '[batch, time (oldest first), features]',
                  'preprocessing': pre},
        'output': {'name': 'forecast', 'shape': [1, 1], 'dtype': 'float32',
                   'meaning': 'next year\'s normalised value; value = forecast * std + mean'},
        'normalisation': {'mean': data['mean'], 'std': std,
                          'of': 'outputs and targets' + ('' if data['input_transform'] else
                                                         ' and inputs'),
                          'from': 'training part of the series only (every year a training window or '
                                  'training target touches)'},
        **({'input_normalisation': {'transform': data['input_transform'], 'mean': data['in_mean'],
                                    'std': data['in_std'],
                                    'from': 'log1p of the same training part of the series'}}
           if data['input_transform'] else {}),
        'data': {'dataset': 'statsmodels.datasets.sunspots (yearly, 1700-2008, '
                            f'{data["n_series"]} values)',
                 'split': 'chronological on the target year: last 20% of the windows (rounded up) '
                          'are the test set',
                 'train_target_years': data['train_years'], 'test_target_years': data['test_years'],
                 'n_train': len(x), 'n_test': len(xt),
                 'fixture': f'the first {n_fix} test windows (inputs.npy [{n_fix},{window},1] float32, '
                            f'targets.npy [{n_fix},1] float32, normalised)'},
        'architecture': {
            'type': 'FPGA time-series transformer (Ling et al., AIoT 2024; SEEDS.md 3)',
            'window': window, 'd': d, 'heads': 1, 'layers': 1, 'ffn': f'{4 * d}, ReLU',
            'input_linear': f'Linear(1,{d})', 'positional_encoding': 'sinusoidal, fixed, added',
            'norm': 'BatchNorm1d over d (post-norm: BN(x + Attn(x)), BN(x + FFN(x))); exported as '
                    'Transpose -> BatchNormalization -> Transpose with running statistics',
            'attention': 'single head, q/k/v/proj Linear, scores * 1/sqrt(d), Softmax',
            'pooling': 'global average over time (ReduceMean)', 'output_linear': f'Linear({d},1)',
            'params_formula': '12 d^2 + (15 + m) d + 1 with m = 1'},
        'params': Z.n_params(model),
        'onnx': onnx_info(path),
        'training': dict(tr, optimizer='AdamW', schedule='5% linear warm-up, cosine to 0',
                         loss='MSE on normalised targets', grad_clip=1.0,
                         selection='fixed epoch count, last epoch kept (no early stopping)'),
        'training_seconds': round(train_s, 1),
        'metrics': {
            'unit': 'RMSE in sunspot numbers (de-normalised)',
            'torch_test_rmse': test_rmse, 'torch_test_n': len(xt),
            'torch_test_rmse_normalised': test_rmse / std,
            'torch_train_rmse': train_rmse,
            'persistence_baseline_test_rmse': persist,
            'torch_fixture_rmse': rmse(t_fix, fy.numpy()), 'ort_fixture_rmse': ort_rmse,
            'fixture_n': n_fix,
            'torch_vs_ort_fixture_max_abs_diff': diff,
        },
        'onnxruntime': info,
    })
    Z.write_meta(outdir, meta)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('model', choices=sorted(MODELS))
    ap.add_argument('--out', default=os.path.join(Z.REPO, 'test', 'models', 'zoo'))
    ap.add_argument('--seed', type=int, default=0)
    ap.add_argument('--ckpt-dir', default=CKPT_DIR,
                    help='where FP32 checkpoints are written/read (default build-zoo/)')
    ap.add_argument('--epochs', type=int, default=0, help='override the epoch count (for quick tries)')
    args = ap.parse_args()
    cfg = MODELS[args.model]
    run = {'vit': run_vit, 'qat': run_qat, 'forecast': run_forecast,
           'digits': run_digits}[cfg['kind']]
    t0 = time.time()
    run(args.model, args, cfg)
    print(f'{args.model}: done in {time.time() - t0:.0f} s')


if __name__ == '__main__':
    main()
