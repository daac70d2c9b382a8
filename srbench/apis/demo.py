"""The main job: train ESPCN x3 briefly on real photos shipped inside scikit-image's wheel, then test
it and Bicubic on held-out photos, print a table, save the SR images and a comparison picture, and say
what to try next. Offline; needs nothing from ../shared.

Threads: ESPCN's training step is small (batch 16 of 24x24 LR patches), and on a 2-core machine that
other jobs share, two threads were 5x slower than one (benchmarks/bench_demo_threads.py: median
37 ms/step with 1 thread, 189 ms with 2). The demo therefore trains with one thread unless
``threads=`` (``--threads``) or ``OMP_NUM_THREADS`` says otherwise.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

import numpy as np

from ..errors import ConfigError, DataError

TRAIN_PHOTOS = ('astronaut.png', 'chelsea.png', 'rocket.jpg', 'hubble_deep_field.jpg', 'ihc.png', 'coins.png',
                'moon.png', 'brick.png', 'grass.png')
TEST_PHOTOS = ('coffee.png', 'motorcycle_left.png', 'camera.png')
DEMO_CONFIG = 'espcn_x3_demo'
DEFAULT_THREADS = 1      # measured: see the module docstring
CROP = 96                # HR pixels of the comparison picture's crop (a multiple of the scale)
ZOOM = 2                 # the crop is shown enlarged (nearest) this many times


def sample_photo_dir() -> Path:
    try:
        import skimage
    except ImportError:
        raise DataError('the demo trains on scikit-image\'s sample photos: pip install scikit-image '
                        '(or pip install -e ".[demo]")') from None
    return Path(skimage.__file__).parent / 'data'


def prepare_photos(out_dir) -> tuple[str, str]:
    """Copy the sample photos into ``out_dir/{train,test}/HR`` as PNG (idempotent)."""
    from ..data.io import imread, imwrite
    src = sample_photo_dir()
    dirs = []
    for part, names in (('train', TRAIN_PHOTOS), ('test', TEST_PHOTOS)):
        d = Path(out_dir) / part / 'HR'
        for n in names:
            target = d / (Path(n).stem + '.png')
            if target.exists():
                continue
            if not (src / n).exists():
                raise DataError(f'scikit-image sample photo {src / n} is missing (scikit-image too old or '
                                'trimmed?)')
            imwrite(target, imread(src / n))
        dirs.append(str(d))
    return dirs[0], dirs[1]


def _config_path() -> str:
    here = Path(__file__).resolve().parents[2] / 'configs' / f'{DEMO_CONFIG}.py'
    return str(here) if here.is_file() else DEMO_CONFIG


def choose_threads(threads: int | None = None) -> tuple[int, str]:
    """(torch threads for the demo, why): ``threads`` if given, else ``$OMP_NUM_THREADS`` if set, else
    :data:`DEFAULT_THREADS`."""
    if threads is not None:
        if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
            raise ConfigError(f'--threads must be a positive integer, got {threads!r}')
        return threads, '--threads'
    env = os.environ.get('OMP_NUM_THREADS', '').strip()
    if env:
        try:
            n = int(env)
        except ValueError:
            n = 0
        if n < 1:
            raise ConfigError(f'OMP_NUM_THREADS must be a positive integer, got {env!r}')
        return n, 'OMP_NUM_THREADS'
    return DEFAULT_THREADS, 'default; --threads N to change'


def _time_limit_hook(runner):
    from ..engine.hooks import TrainTimeLimitHook
    return next((h for h in runner.hooks if isinstance(h, TrainTimeLimitHook)), None)


def run_demo(work_dir='work_dirs/demo', minutes=None, iters=None, threads=None, log=print) -> dict:
    """Train ESPCN x3 on the sample photos, test it and Bicubic, print the table and what to do next.

    Args:
        minutes: training time limit (default: the config's, 4 min); a run the limit stops early is
            reported as cut short.
        iters: training iterations (default: the config's, 3000).
        threads: torch threads (default: ``$OMP_NUM_THREADS``, else 1; see the module docstring).
    Returns:
        dict with the two results dicts, ``gain_db``, ``iters``, ``planned_iters``, ``cut_short``,
        ``train_seconds``, ``threads``, ``images`` (the PNGs written) and ``config`` (the saved config).
    """
    import torch
    from tabulate import tabulate

    from ..engine import find_latest_checkpoint
    from ..registry import METRICS
    from . import test, train
    from .common import load_config
    t0 = time.time()
    n_threads, why = choose_threads(threads)
    torch.set_num_threads(n_threads)
    os.environ['OMP_NUM_THREADS'] = str(n_threads)      # the data loader's worker processes
    work_dir = os.path.abspath(work_dir)
    train_dir, test_dir = prepare_photos(os.path.join(work_dir, 'data'))
    cfg = load_config(_config_path())
    metrics = [dict(type='PSNR')] + ([dict(type='SSIM')] if METRICS.get('SSIM') else [])
    opts = {'train_dataloader.dataset.hr_dir': train_dir,
            'test_dataloader': [dict(cfg.test_dataloader[0], dataset=dict(cfg.test_dataloader[0].dataset,
                                                                          hr_dir=test_dir))],
            'test_evaluator': metrics}
    if iters:
        opts['train_cfg.max_iters'] = int(iters)
    if minutes:
        opts['custom_hooks'] = [dict(type='TrainTimeLimitHook', minutes=float(minutes))]
    cfg.merge_from_dict(opts)
    n_iter = cfg.train_cfg.max_iters
    limit = cfg.custom_hooks[0].minutes
    log(f'srbench demo: training ESPCN x3 on {len(TRAIN_PHOTOS)} scikit-image sample photos '
        f'({n_iter} iterations max, {limit:g} min max, {n_threads} thread{"s" * (n_threads > 1)} ({why}); '
        f'log in {work_dir})', flush=True)
    t1 = time.time()
    runner = train(cfg, work_dir=work_dir)
    t_train = time.time() - t1
    done = runner.iter
    hook = _time_limit_hook(runner)
    cut = hook is not None and hook.stopped_at is not None
    ckpt = find_latest_checkpoint(work_dir)
    saved_cfg = os.path.join(work_dir, Path(cfg.filename).name)
    if cut:
        log(cut_short_message(done, n_iter, limit, n_threads), flush=True)
    log(f'srbench demo: trained {done} iterations in {t_train:.0f} s; testing on {len(TEST_PHOTOS)} held-out '
        'photos', flush=True)
    # each test run dumps its config into its work dir: keep them apart from the training run's config
    espcn = test(cfg, ckpt=ckpt, work_dir=os.path.join(work_dir, 'test_espcn'),
                 out=os.path.join(work_dir, 'results_espcn.json'))
    # BicubicY: the same interpolation declared for Y data, so it sees exactly ESPCN's LR images
    bic_cfg = load_config(cfg, {'model.generator': dict(type='BicubicY', _delete_=True)})
    bicubic = test(bic_cfg, work_dir=os.path.join(work_dir, 'test_bicubic'),
                   out=os.path.join(work_dir, 'results_bicubic.json'))

    keys = [m['type'] for m in metrics]
    rb, re = bicubic['results'][0], espcn['results'][0]

    def fmt(v, k):
        return f'{v:.4f}' if k == 'SSIM' else f'{v:.2f}'

    rows = []
    for ib, ie in zip(rb['per_image'], re['per_image']):
        rows.append([ib['name']] + [fmt(ib[k], k) for k in keys] + [fmt(ie[k], k) for k in keys])
    rows.append(['mean'] + [fmt(rb['metrics'][k], k) for k in keys]
                + [fmt(re['metrics'][k], k) for k in keys])
    headers = ['image'] + [f'Bicubic {k}' for k in keys] + [f'ESPCN {k}' for k in keys]
    gain = re['metrics']['PSNR'] - rb['metrics']['PSNR']
    lr_prot = re['protocol']['data'].get('lr_protocol', '?')
    if lr_prot != rb['protocol']['data'].get('lr_protocol'):
        raise DataError('demo: ESPCN and Bicubic were tested on different LR images; the comparison would be '
                        'wrong')
    images = save_pictures(runner, cfg, test_dir, work_dir, re, rb)
    log()
    log(f'x3 super-resolution of held-out scikit-image photos (Y channel, MATLAB protocol, border 3, '
        f'LR protocol {lr_prot})')
    log(tabulate(rows, headers=headers, tablefmt='github', disable_numparse=True))
    log(f'\nESPCN - Bicubic: {gain:+.2f} dB PSNR after {done} iterations ({t_train:.0f} s of training, '
        f'{time.time() - t0:.0f} s in all). Results: {espcn["out"]}, {bicubic["out"]}')
    if cut:
        log(f'NOTE: training was cut short by the time limit ({done} of {n_iter} iterations): these are not '
            f'the converged numbers (README quick start: +0.50 dB after {n_iter}). Run `srbench demo --minutes '
            f'{_more_minutes(limit, done, n_iter)}` to give it the time it needs.')
    log(f'Pictures: {images["comparison"]} (LR, Bicubic, ESPCN, HR side by side); SR images in '
        f'{images["sr_dir"]}')
    log('\nNext:\n' + next_commands(saved_cfg, ckpt, espcn['out'], bicubic['out']))
    return dict(espcn=espcn, bicubic=bicubic, gain_db=gain, iters=done, planned_iters=n_iter, cut_short=cut,
                train_seconds=t_train, threads=n_threads, images=images, config=saved_cfg)


def _more_minutes(limit: float, done: int, planned: int) -> int:
    """Minutes that would have let the run finish at the speed it had (x1.5 for safety), at least 2x."""
    need = limit * planned / max(done, 1) * 1.5
    return int(max(2 * limit, np.ceil(need)))


def cut_short_message(done: int, planned: int, limit: float, threads: int) -> str:
    busy = ' The machine may be busy (other jobs):' if threads > 1 else ''
    return (f'srbench demo: WARNING: the {limit:g}-minute time limit stopped training at iteration {done} of '
            f'{planned} ({100 * done / max(planned, 1):.0f}%). The numbers below come from a partly trained '
            f'ESPCN, not the converged result; give it more time with `srbench demo --minutes '
            f'{_more_minutes(limit, done, planned)}`.{busy}'
            + (' try `--threads 1`.' if threads > 1 else ''))


def next_commands(config: str, ckpt: str | None, espcn_json: str, bicubic_json: str) -> str:
    rel = _short
    lines = [
        f'  srbench test {rel(config)} --ckpt {rel(ckpt)} --out my_results.json',
        '      # test the trained ESPCN again (its saved config)',
        f'  srbench leaderboard {rel(espcn_json)} {rel(bicubic_json)}',
        '      # the two runs as a leaderboard table',
        '  srbench data check $SRBENCH_DATA_ROOT',
        '      # check your copy of Set5/Set14/BSD100/Urban100 (docs/user-guide.md: Getting the benchmark data)',
        '  srbench train espcn_x3 && srbench test espcn_x3 --ckpt work_dirs/espcn_x3/iter_100000.pth',
        '      # ESPCN x3 with the paper\'s recipe, tested on the benchmark sets',
    ]
    return '\n'.join(lines)


def _short(p) -> str:
    """A path relative to the current folder when it is below it (shorter commands to copy)."""
    if p is None:
        return 'CKPT'
    try:
        r = os.path.relpath(p)
        return r if not r.startswith('..') else str(p)
    except ValueError:
        return str(p)


# --- pictures ----------------------------------------------------------------------------------------

def _best_crop(y: np.ndarray, size: int, step: int) -> tuple[int, int]:
    """Top-left (multiple of ``step``) of the ``size``² window with the most detail (largest variance of
    the Y gradient): where SR methods differ."""
    f = y.astype(np.float64)
    g = np.abs(np.diff(f, axis=0))[:, :-1] + np.abs(np.diff(f, axis=1))[:-1]
    H, W = y.shape
    best, at = -1.0, (0, 0)
    for t in range(0, max(1, H - size + 1), step):
        for x in range(0, max(1, W - size + 1), step):
            v = float(g[t:t + size - 1, x:x + size - 1].mean())
            if v > best:
                best, at = v, (t, x)
    return at


def _colour(y: np.ndarray, cbcr_src: np.ndarray | None) -> np.ndarray:
    """An RGB uint8 picture from a Y channel (uint8 H×W) and the Cb/Cr of ``cbcr_src`` (RGB uint8 of the same
    size; None for a gray image)."""
    from ..transforms.color import rgb2ycbcr, ycbcr2rgb
    if cbcr_src is None:
        return np.repeat(y[:, :, None], 3, axis=2)
    ycc = rgb2ycbcr(cbcr_src)
    ycc[..., 0] = y
    return ycbcr2rgb(ycc)


def _panel(img: np.ndarray, title: str, caption: str) -> np.ndarray:
    import cv2
    z = cv2.resize(img, (img.shape[1] * ZOOM, img.shape[0] * ZOOM), interpolation=cv2.INTER_NEAREST)
    bar = 22
    out = np.full((z.shape[0] + 2 * bar, z.shape[1], 3), 255, np.uint8)
    out[bar:bar + z.shape[0]] = z
    for text, yy in ((title, 16), (caption, bar + z.shape[0] + 16)):
        cv2.putText(out, text, (4, yy), cv2.FONT_HERSHEY_SIMPLEX, 0.45, (0, 0, 0), 1, cv2.LINE_AA)
    return out


def save_pictures(runner, cfg, test_dir, work_dir, espcn_res: dict, bicubic_res: dict) -> dict:
    """Write the SR images (``sr/<name>_espcn.png``, ``sr/<name>_bicubic.png``: Y from the method, Cb/Cr of
    the bicubic-upscaled LR, as usual for Y-channel networks) and ``comparison.png``: per test photo one row
    of LR (nearest-upscaled), Bicubic, ESPCN and HR on the same crop, with the whole-image PSNR (Y, the
    table's value) under each. Returns the paths."""
    import cv2
    import torch

    from ..data.common import sr_collate
    from ..data.io import imread, imwrite
    from ..metrics.base import prepare_pair
    from ..metrics.psnr import psnr
    from ..registry import DATASETS
    from ..transforms.degrade import make_lr, upsample
    from ..transforms.paired import mod_crop
    from ..utils.atomic import atomic_path
    from ..utils.uint8 import im2uint8
    from .common import apply_model_meta, load_config

    c = load_config(cfg)
    apply_model_meta(c)
    ds = DATASETS.build(c.test_dataloader[0].dataset)
    scale = ds.scale
    model = runner.model.module if hasattr(runner.model, 'module') else runner.model
    model.eval()
    sr_dir = Path(work_dir) / 'sr'
    per_e = {r['name']: r['PSNR'] for r in espcn_res['per_image']}
    per_b = {r['name']: r['PSNR'] for r in bicubic_res['per_image']}
    rows, written = [], []
    for i in range(len(ds)):
        sample = ds[i]
        name = ds.hr_files[i].stem
        with torch.no_grad():
            pred = model.test_step(sr_collate([sample]))[0]
        hr_y, lr_y, _ = ds.load_pair(i)                                     # Y: H×W×1 uint8, LR float
        bic_y = upsample(lr_y, scale, hr_y.shape[:2])
        sr_y = im2uint8(pred['pred'].permute(1, 2, 0).cpu().numpy())[..., 0]
        bic_y8 = im2uint8(bic_y)[..., 0] if bic_y.ndim == 3 else im2uint8(bic_y)
        src = imread(ds.hr_files[i])
        hr_rgb = mod_crop(src, scale) if src.ndim == 3 else None
        cbcr = upsample(make_lr(hr_rgb, scale, True), scale, hr_rgb.shape[:2]) if hr_rgb is not None else None
        sr_rgb, bic_rgb = _colour(sr_y, cbcr), _colour(bic_y8, cbcr)
        hr_show = hr_rgb if hr_rgb is not None else np.repeat(hr_y, 3, axis=2)
        lr_near = np.repeat(np.repeat(make_lr(hr_show, scale, True), scale, axis=0), scale, axis=1)
        # PSNR of the nearest-upscaled LR the networks got (Y), under the table's protocol (Y, border = scale)
        ny = np.repeat(np.repeat(lr_y, scale, axis=0), scale, axis=1)
        a, b = prepare_pair(torch.from_numpy(ny.transpose(2, 0, 1).astype(np.float32)),
                            torch.from_numpy(hr_y.transpose(2, 0, 1).astype(np.float32) / 255.0),
                            dict(name=name, scale=scale))
        p_near = psnr(a, b)
        for tag, im in (('espcn', sr_rgb), ('bicubic', bic_rgb)):
            path = sr_dir / f'{name}_{tag}.png'
            imwrite(path, im)
            written.append(str(path))
        t, x = _best_crop(hr_y[..., 0], CROP, scale)
        win = (slice(t, t + CROP), slice(x, x + CROP))
        rows.append(np.concatenate([
            _panel(lr_near[win], f'LR x{scale} (nearest)', f'{p_near:.2f} dB'),
            _panel(bic_rgb[win], 'Bicubic', f'{per_b.get(name, float("nan")):.2f} dB'),
            _panel(sr_rgb[win], 'ESPCN', f'{per_e.get(name, float("nan")):.2f} dB'),
            _panel(hr_show[win], f'HR: {name}', 'reference'),
        ], axis=1))
    sheet = np.concatenate(rows, axis=0)
    comparison = Path(work_dir) / 'comparison.png'
    with atomic_path(comparison, keep_suffix=True) as tmp:
        if not cv2.imwrite(str(tmp), cv2.cvtColor(sheet, cv2.COLOR_RGB2BGR)):
            raise DataError(f'cannot write {comparison}')
    return dict(comparison=str(comparison), sr_dir=str(sr_dir), sr=written, size=sheet.shape[:2])
