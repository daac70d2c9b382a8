"""Figures of the reports (matplotlib, PNG written atomically): what SR papers show.

* :func:`tradeoff_plot`: PSNR (or another metric) against parameters, MACs or runtime, one labelled point
  per model, for one data set and scale under one protocol (the rows of :func:`srbench.apis.leaderboard.
  build_summary`);
* :func:`compare`: a visual comparison like the papers' figures -- the same crop of the HR image, of Bicubic
  and of each model's saved SR image (``tools/test.py --save-images``), PSNR / SSIM of the whole image under
  each (MATLAB protocol: Y, border = scale).

matplotlib is an optional dependency (``pip install srbench[reports]``), imported only here, lazily, with the
non-interactive Agg backend.
"""
from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ..errors import ConfigError, DataError
from ..utils.atomic import atomic_path

XAXES = {'params': ('Parameters', 'params'), 'macs': ('MACs', 'macs'),
         'runtime': ('Runtime (s / image)', 'runtime')}


def _pyplot():
    try:
        import matplotlib
    except ImportError:
        raise ConfigError('figures need matplotlib: pip install matplotlib '
                          '(or pip install "srbench[reports]")') from None
    matplotlib.use('Agg', force=True)
    import matplotlib.pyplot as plt
    return plt


def _save(fig, out) -> str:
    with atomic_path(out, keep_suffix=True) as tmp:
        fig.savefig(str(tmp), format='png', dpi=fig.dpi)
    return str(out)


MARKERS = 'osD^vP*Xh<>p'


def tradeoff_plot(results, dataset: str, scale: int, x: str = 'params', metric: str = 'PSNR', out=None,
                  protocol: int = 1) -> dict:
    """``metric`` against ``x`` (``params``, ``macs`` or ``runtime``) of every model on ``dataset`` x``scale``
    (``protocol``: which of the protocols found, 1-based, when there are several); a log x axis. Models
    without a value for ``x`` or ``metric`` are left out (listed in ``'missing'``); those of them with a
    metric and ``x`` = 0 (Bicubic has no parameters) are drawn as a dashed horizontal line (``'baselines'``).
    ``results``: results JSONs, folders of them, or results dicts. Returns ``{'points': [(model, x, y),
    ...], 'baselines': [(model, y), ...], 'missing', 'protocol', 'out'}``; the PNG is written to ``out``
    when given."""
    from .leaderboard import build_summary
    if x not in XAXES:
        raise ConfigError(f'x must be one of {", ".join(XAXES)}, got {x!r}')
    tables = build_summary(results, datasets=[dataset], scales=[scale])
    if not 1 <= protocol <= len(tables):
        raise ConfigError(f'{dataset} x{scale}: protocol {protocol} asked, {len(tables)} found')
    t = tables[protocol - 1]
    label, attr = XAXES[x]
    points, missing, baselines = [], [], []
    for r in t.rows:
        xv, yv = getattr(r, attr), r.metrics.get(metric)
        ok_y = isinstance(yv, float) and yv == yv and abs(yv) != float('inf')
        if xv is None or not ok_y or xv <= 0:
            missing.append(r.model)
            if ok_y and xv == 0:
                baselines.append((r.model, float(yv)))
        else:
            points.append((r.model, float(xv), float(yv)))
    if not points:
        raise DataError(f'{dataset} x{scale}: no model has both {metric} and {x}')
    res = dict(points=points, baselines=baselines, missing=missing, protocol=t.protocol, out=None)
    if out is not None:
        plt = _pyplot()
        fig, ax = plt.subplots(figsize=(6.4, 4.8), dpi=100)
        for i, (name, xv, yv) in enumerate(points):    # one colour and marker per model, named in the legend
            ax.scatter([xv], [yv], s=36, zorder=3, color=f'C{i % 10}',
                       marker=MARKERS[(i // 10) % len(MARKERS)], label=f'{name} ({yv:.2f})')
        for name, yv in baselines:
            ax.axhline(yv, linestyle='--', color='gray', linewidth=1, zorder=2)
            ax.annotate(f'{name} ({yv:.2f})', (0.01, yv), xycoords=('axes fraction', 'data'),
                        textcoords='offset points', xytext=(0, 3), fontsize=8, color='gray')
        xs = [p[1] for p in points]
        ys = [p[2] for p in points] + [b[1] for b in baselines]
        lo, hi = min(xs), max(xs)
        ax.set_xscale('log')
        ax.set_xlim(lo / 2, hi * 2)
        pad = max(0.15 * (max(ys) - min(ys)), 0.1)
        ax.set_ylim(min(ys) - pad, max(ys) + pad)
        ax.set_xlabel(label)
        ax.set_ylabel(f'{metric} (dB)' if metric == 'PSNR' else metric)
        ax.set_title(f'{dataset} x{scale}: {metric} vs {label.split(" (")[0].lower()}')
        ax.grid(True, which='both', alpha=0.3)
        fig.text(0.01, 0.01, 'Protocol: ' + t.protocol, fontsize=6, wrap=True)
        ax.legend(loc='best', fontsize=7, framealpha=0.9)
        fig.tight_layout(rect=(0, 0.06, 1, 1))
        res['out'] = _save(fig, out)
        plt.close(fig)
    return res


def _y(img: np.ndarray) -> np.ndarray:
    from ..transforms.color import rgb2y
    return img if img.ndim == 2 else rgb2y(img)


def compare(image: str, box, results, hr, scale: int, out=None, labels=None) -> dict:
    """A comparison figure of one test image: the crop ``box`` = (x, y, w, h) (HR pixels) of the HR image
    ``hr`` (a file), of Bicubic (MATLAB ``imresize`` down and up, on uint8) and of each model's saved SR image
    ``<dir>/<dataset>/x<scale>/<image>.png`` (``results``: the ``--save-images`` folders, or the PNG files
    themselves; ``labels``: the names shown, default the folders' names), with PSNR / SSIM of the whole image
    (Y, border = scale) under each. Returns ``{'panels': [(label, psnr, ssim), ...], 'out'}``."""
    from ..data.io import imread
    from ..metrics.psnr import psnr
    from ..metrics.ssim import ssim
    from ..transforms.imresize import imresize_np
    from ..transforms.paired import mod_crop
    hr_img = mod_crop(imread(hr), scale)
    H, W = hr_img.shape[:2]
    bx, by, bw, bh = (int(v) for v in box)
    if bw < 1 or bh < 1 or bx < 0 or by < 0 or bx + bw > W or by + bh > H:
        raise ConfigError(f'--box {bx} {by} {bw} {bh} is not inside the {W}x{H} HR image {hr}')
    panels = [('HR', hr_img, None, None)]
    bic = imresize_np(imresize_np(hr_img, 1.0 / scale), float(scale))
    sr_list = [('Bicubic', bic)]
    for i, r in enumerate(results):
        p = Path(os.path.expanduser(str(r)))
        f = p if p.is_file() else next(iter(sorted(p.glob(f'*/x{scale}/{image}.png'))), None)
        if f is None:
            raise DataError(f'no saved image {image}.png at x{scale} under {p} (expected <dataset>/x{scale}/'
                            f'{image}.png, as tools/test.py --save-images writes)')
        img = imread(f)
        if img.shape[:2] != (H, W):
            raise DataError(f'{f} is {img.shape[1]}x{img.shape[0]}, the HR image {hr} is {W}x{H} '
                            '(mod-cropped)')
        name = labels[i] if labels and i < len(labels) else (p.stem if p.is_file() else p.name)
        sr_list.append((name, img))
    if any(img.ndim == 2 for _, img in sr_list):       # Y networks saved Y: show every panel in Y
        panels = [('HR', _y(hr_img), None, None)]
        sr_list = [(n, _y(img)) for n, img in sr_list]
    hy = _y(hr_img).astype(np.float64)
    b = scale
    for name, img in sr_list:
        sy = _y(img).astype(np.float64)
        panels.append((name, img, psnr(sy[b:-b, b:-b], hy[b:-b, b:-b]), ssim(sy[b:-b, b:-b], hy[b:-b, b:-b])))
    res = dict(panels=[(n, p, s) for n, _, p, s in panels], box=[bx, by, bw, bh], out=None)
    if out is not None:
        plt = _pyplot()
        n = len(panels)
        fig, axes = plt.subplots(1, n, figsize=(2.2 * n, 2.7), dpi=100)
        for ax, (name, img, p, s) in zip(np.atleast_1d(axes), panels):
            crop = img[by:by + bh, bx:bx + bw]
            ax.imshow(crop, cmap='gray' if crop.ndim == 2 else None, vmin=0, vmax=255,
                      interpolation='nearest')
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_title(name, fontsize=9)
            ax.set_xlabel('PSNR / SSIM' if p is None else f'{p:.2f} / {s:.4f}', fontsize=8)
        fig.suptitle(f'{image} x{scale}', fontsize=10)
        fig.tight_layout()
        res['out'] = _save(fig, out)
        plt.close(fig)
    return res
