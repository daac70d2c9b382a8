"""SSIM (METRICS registry): Wang, Bovik, Sheikh & Simoncelli 2004, as their ``ssim_index.m``.

Gaussian window 11×11 with σ = 1.5 (``fspecial('gaussian', 11, 1.5)``, normalised), K1 = 0.01,
K2 = 0.03, L = 255; local statistics by ``filter2(window, x, 'valid')``; the result is the mean of
the SSIM map over the valid part (no padding). Computed in float64; the Gaussian window is
separable, so the filtering runs as two 1-D passes (loops over the 11 taps, not over pixels).
"""
from __future__ import annotations

import numpy as np

from ..registry import METRICS
from .base import SRMetric


def gaussian_window_1d(size: int = 11, sigma: float = 1.5) -> np.ndarray:
    """The normalised 1-D Gaussian whose outer product is ``fspecial('gaussian', size, sigma)``."""
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-(x * x) / (2.0 * sigma * sigma))
    return g / g.sum()


def _correlate_axis(a: np.ndarray, g: np.ndarray, axis: int) -> np.ndarray:
    """'valid' 1-D correlation of ``a`` with ``g`` along ``axis`` (a loop over the taps; a symmetric
    ``g`` adds the mirrored taps first, halving the multiplications)."""
    k, n = g.size, a.shape[axis]

    def tap(i):
        sl = [slice(None)] * a.ndim
        sl[axis] = slice(i, n - k + 1 + i)
        return a[tuple(sl)]
    half = k // 2
    if k % 2 == 1 and np.array_equal(g, g[::-1]):
        out = tap(half) * g[half]
        tmp = np.empty_like(out)
        for i in range(half):
            np.add(tap(i), tap(k - 1 - i), out=tmp)
            tmp *= g[i]
            out += tmp
        return out
    out = tap(0) * g[0]
    tmp = np.empty_like(out)
    for i in range(1, k):
        np.multiply(tap(i), g[i], out=tmp)
        out += tmp
    return out


def filter_valid(x: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``filter2(outer(g, g), x, 'valid')`` over the last two axes of ``x`` (separable)."""
    return _correlate_axis(_correlate_axis(x, g, x.ndim - 2), g, x.ndim - 1)


def ssim_map(img1: np.ndarray, img2: np.ndarray, data_range: float = 255.0, k1: float = 0.01,
             k2: float = 0.03, win_size: int = 11, sigma: float = 1.5, strip: int = 64) -> np.ndarray:
    """The SSIM map of two 2-D images (size ``H - win_size + 1`` × ``W - win_size + 1``), computed in
    strips of ``strip`` output rows (the same numbers; the working set stays in the CPU cache)."""
    a, b = np.asarray(img1, np.float64), np.asarray(img2, np.float64)
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f'SSIM needs two 2-D images of one size, got {a.shape} and {b.shape}')
    if min(a.shape) < win_size:
        raise ValueError(f'image of {a.shape[1]}x{a.shape[0]} pixels is smaller than the '
                         f'{win_size}x{win_size} SSIM window')
    g = gaussian_window_1d(win_size, sigma)
    c1, c2 = (k1 * data_range) ** 2, (k2 * data_range) ** 2
    out = np.empty((a.shape[0] - win_size + 1, a.shape[1] - win_size + 1))
    for r in range(0, out.shape[0], strip):
        sa, sb = a[r:r + strip + win_size - 1], b[r:r + strip + win_size - 1]
        mu1, mu2, s11, s22, s12 = filter_valid(np.stack([sa, sb, sa * sa, sb * sb, sa * sb]), g)
        mu1_sq, mu2_sq, mu1_mu2 = mu1 * mu1, mu2 * mu2, mu1 * mu2
        s11 -= mu1_sq
        s22 -= mu2_sq
        s12 -= mu1_mu2
        out[r:r + strip] = ((2 * mu1_mu2 + c1) * (2 * s12 + c2)) / ((mu1_sq + mu2_sq + c1) * (s11 + s22 + c2))
    return out


def ssim(img1: np.ndarray, img2: np.ndarray, data_range: float = 255.0, **kwargs) -> float:
    """Mean SSIM of two images (H×W, or H×W×C: the mean of the per-channel values)."""
    a, b = np.asarray(img1, np.float64), np.asarray(img2, np.float64)
    if a.shape != b.shape:
        raise ValueError(f'SSIM of images of different shapes {a.shape} and {b.shape}')
    if a.ndim == 2:
        return float(ssim_map(a, b, data_range, **kwargs).mean())
    return float(np.mean([ssim_map(a[..., c], b[..., c], data_range, **kwargs).mean()
                          for c in range(a.shape[2])]))


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
