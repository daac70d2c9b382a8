"""SSIM (METRICS registry): Wang, Bovik, Sheikh & Simoncelli 2004, as their ``ssim_index.m``.

Gaussian window 11×11 with σ = 1.5 (``fspecial('gaussian', 11, 1.5)``, normalised), K1 = 0.01,
K2 = 0.03, L = 255; local statistics by ``filter2(window, x, 'valid')``; the result is the mean of
the SSIM map over the valid part (no padding). Computed in float64.

How it is fast: the Gaussian window is separable and symmetric, so each filtering is two 1-D passes of
6 fused multiply-adds (the mirrored taps added first); ``σ1² + σ2²`` only appears as a sum, so four maps
are filtered (``x``, ``y``, ``x² + y²``, ``xy``) instead of five; the image is processed in strips of
output rows whose working set stays in the CPU cache, on float64 tensors (torch's elementwise loops), and
the mean is accumulated strip by strip; the top and bottom halves of the rows run in two threads
(:mod:`srbench.utils.parallel`: the same split and the same sums with one thread). The numbers equal the
direct formula to ~1e-15 relative.
"""
from __future__ import annotations

import warnings

import numpy as np
import torch

from ..registry import METRICS
from ..utils.parallel import both
from ..utils.workspace import Workspace
from .base import SRMetric

_STRIP = 96       # output rows per strip (fewer, larger operations: measured best, also with two threads)


def gaussian_window_1d(size: int = 11, sigma: float = 1.5) -> np.ndarray:
    """The normalised 1-D Gaussian whose outer product is ``fspecial('gaussian', size, sigma)``."""
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-(x * x) / (2.0 * sigma * sigma))
    return g / g.sum()


def _pass(x: torch.Tensor, g: list, dim: int, out: torch.Tensor, tmp: torch.Tensor) -> torch.Tensor:
    """'valid' correlation of ``x`` with the symmetric odd-length ``g`` along ``dim`` into ``out``."""
    k = len(g)
    n = out.shape[dim]
    half = k // 2
    torch.mul(x.narrow(dim, half, n), g[half], out=out)
    for i in range(half):
        torch.add(x.narrow(dim, i, n), x.narrow(dim, k - 1 - i, n), out=tmp)
        out.add_(tmp, alpha=g[i])
    return out


_WS = Workspace()


def _buffers(strip: int, k: int, w: int, wo: int):
    """This thread's work buffers for strips of ``strip`` output rows of a ``w``-wide image (kept between
    calls: allocating ~4 MB per image and thread costs page faults)."""
    return (_WS.get('ssim_in', (4, strip + k - 1, w)), _WS.get('ssim_rows', (4, strip, w)),
            _WS.get('ssim_rows_tmp', (4, strip, w)), _WS.get('ssim_out', (4, strip, wo)),
            _WS.get('ssim_out_tmp', (4, strip, wo)))


def _ssim_rows(a: torch.Tensor, b: torch.Tensor, g: list, c1: float, c2: float, r0: int, r1: int,
               out_map=None) -> float:
    """Sum of the SSIM map's rows ``r0 .. r1 - 1`` of two float64 2-D tensors (written to ``out_map`` too
    when given), strip by strip."""
    k = len(g)
    w = a.shape[1]
    wo = w - k + 1
    strip = min(_STRIP, max(1, r1 - r0))
    buf, r1b, t1, r2, t2 = _buffers(strip, k, w, wo)
    total = 0.0
    for r in range(r0, r1, strip):
        s = min(strip, r1 - r)
        xa, xb = a[r:r + s + k - 1], b[r:r + s + k - 1]
        x = buf[:, :s + k - 1]
        x[0], x[1] = xa, xb
        torch.mul(xa, xa, out=x[2])
        x[2].addcmul_(xb, xb)
        torch.mul(xa, xb, out=x[3])
        rows = _pass(x, g, 1, r1b[:, :s], t1[:, :s])
        mu1, mu2, sq, s12 = _pass(rows, g, 2, r2[:, :s], t2[:, :s])
        mu12 = torch.mul(mu1, mu2, out=t2[0, :s])
        m1sq = torch.mul(mu1, mu1, out=t2[1, :s])
        m2sq = torch.mul(mu2, mu2, out=t2[2, :s])
        sq.sub_(m1sq).sub_(m2sq)                           # sigma1^2 + sigma2^2
        torch.add(m1sq, m2sq, out=mu1).add_(c1)            # mu1^2 + mu2^2 + C1
        s12.sub_(mu12).mul_(2.0).add_(c2)                  # 2 sigma12 + C2
        mu12.mul_(2.0).add_(c1).mul_(s12)
        sq.add_(c2).mul_(mu1)
        m = mu12.div_(sq)
        if out_map is not None:
            out_map[r:r + s] = m
        total += float(m.sum())
    return total


def _ssim_strips(a: torch.Tensor, b: torch.Tensor, g: list, c1: float, c2: float, out_map=None) -> float:
    """Sum of the SSIM map of two float64 2-D tensors (written to ``out_map`` too when given): the top and
    bottom halves of the map's rows (split at a strip boundary) in two threads when
    :func:`srbench.utils.parallel.both` may use two; the same split, so the same sum, either way."""
    ho = a.shape[0] - len(g) + 1
    n_strips = -(-ho // _STRIP)
    mid = min(ho, (n_strips + 1) // 2 * _STRIP)
    top, bottom = both(lambda: _ssim_rows(a, b, g, c1, c2, 0, mid, out_map),
                       lambda: _ssim_rows(a, b, g, c1, c2, mid, ho, out_map) if mid < ho else 0.0)
    return top + bottom


def _check(img1, img2, win_size):
    a, b = np.asarray(img1, np.float64), np.asarray(img2, np.float64)
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f'SSIM needs two 2-D images of one size, got {a.shape} and {b.shape}')
    if min(a.shape) < win_size:
        raise ValueError(f'image of {a.shape[1]}x{a.shape[0]} pixels is smaller than the '
                         f'{win_size}x{win_size} SSIM window')
    return _tensor(a), _tensor(b)


def _tensor(a: np.ndarray) -> torch.Tensor:
    """A float64 tensor sharing ``a``'s memory (read only here: a read-only array is fine)."""
    with warnings.catch_warnings():
        warnings.simplefilter('ignore', UserWarning)    # torch warns about read-only arrays
        return torch.from_numpy(np.ascontiguousarray(a))


def ssim_map(img1: np.ndarray, img2: np.ndarray, data_range: float = 255.0, k1: float = 0.01,
             k2: float = 0.03, win_size: int = 11, sigma: float = 1.5) -> np.ndarray:
    """The SSIM map of two 2-D images (size ``H - win_size + 1`` × ``W - win_size + 1``)."""
    a, b = _check(img1, img2, win_size)
    out = torch.empty((a.shape[0] - win_size + 1, a.shape[1] - win_size + 1), dtype=torch.float64)
    g = [float(v) for v in gaussian_window_1d(win_size, sigma)]
    _ssim_strips(a, b, g, (k1 * data_range) ** 2, (k2 * data_range) ** 2, out_map=out)
    return out.numpy()


def _ssim_2d(a, b, data_range, k1=0.01, k2=0.03, win_size=11, sigma=1.5) -> float:
    ta, tb = _check(a, b, win_size)
    g = [float(v) for v in gaussian_window_1d(win_size, sigma)]
    total = _ssim_strips(ta, tb, g, (k1 * data_range) ** 2, (k2 * data_range) ** 2)
    return total / ((ta.shape[0] - win_size + 1) * (ta.shape[1] - win_size + 1))


def ssim(img1: np.ndarray, img2: np.ndarray, data_range: float = 255.0, **kwargs) -> float:
    """Mean SSIM of two images (H×W, or H×W×C: the mean of the per-channel values)."""
    a, b = np.asarray(img1, np.float64), np.asarray(img2, np.float64)
    if a.shape != b.shape:
        raise ValueError(f'SSIM of images of different shapes {a.shape} and {b.shape}')
    if a.ndim == 2:
        return float(_ssim_2d(a, b, data_range, **kwargs))
    return float(np.mean([_ssim_2d(a[..., c], b[..., c], data_range, **kwargs) for c in range(a.shape[2])]))


@METRICS.register_module()
class SSIM(SRMetric):
    """Structural similarity (Wang et al.'s ``ssim_index``) on uint8-quantised images; with
    ``channel='rgb'`` the mean over the three channels. See :class:`srbench.metrics.base.SRMetric`."""
    metric_name = 'SSIM'
    decimals = 4
    metric_info = dict(formula='Wang et al. ssim_index: Gaussian 11x11 sigma 1.5, K1 0.01, K2 0.03, L 255, '
                               'mean of the valid SSIM map (per channel, then averaged)')

    def score(self, sr, hr):
        return ssim(sr, hr)
