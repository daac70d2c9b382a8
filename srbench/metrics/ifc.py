"""IFC (METRICS registry): the information fidelity criterion of Sheikh, Bovik & de Veciana (2005),
as their ``ifcvec.m`` computes it (the version the SR papers of 2014-2016 used, e.g. SelfExSR's
``quant_eval``). Written from the published algorithm; vectorised numpy, float64.

The algorithm, with every detail of the reference code:

* Steerable pyramid ``buildSpyr(img, 4, 'sp5Filters', 'reflect1')`` (Simoncelli's 6-orientation
  filters): ``lo0 = corr(img, lo0filt)``; at each level l = 1..4 the oriented bands are
  ``corr(lo, bfilt_k)`` and the next ``lo = corr(lo, lofilt)`` sampled at even positions (0, 2, ...).
  ``corr`` is a 2-D correlation with the image reflected about its edge pixels ('reflect1'). Only
  orientations 1 and 4 (0° and 90°) of each level are used (``subbands = [4 7 10 ... 25]``).
* Each subband is cropped (top-left) to a multiple of M = 3.
* Reference GSM model: covariance ``Cu`` (divided by N) of *all* overlapping 3×3 blocks; its 9
  eigenvalues ``λ``; the S field ``s = x^T Cu^-1 x / 9`` of each *non-overlapping* 3×3 block x.
* Distortion channel ``d = g·c + v``: least squares over a w×w window (w = 3, 5, 9, 17 for levels
  4, 3, 2, 1; reflect1 at the subband edges) centred on each non-overlapping block;
  ``g = cov / (var_ref + 1e-15)``, ``σv² = (var_dist - g·cov) / w²``, with the reference code's
  fixes for zero or negative variances and ``g < 0``.
* ``ceil(((w-1)/2) / 3)`` blocks are dropped at each subband border; then
  ``IFC = Σ_subbands Σ_blocks Σ_j log2(1 + g² s λ_j / (σv² + 1e-10)) / (H·W)`` (normalised by the
  image size, as in the SR papers' copy of ``ifcvec.m``).

``ifc(ref, dist)``: the order matters (HR first). Images must be at least 72 pixels on each side
(a 4-level pyramid with 9×9 filters).
"""
from __future__ import annotations

import numpy as np
import torch

from ..registry import METRICS
from .base import SRMetric

M = 3
LEVELS = 4
MIN_SIZE = 72     # maxPyrHt: 4 levels of 9x9 filters need 9 * 2^3 pixels
_TOL = 1e-15

# sp5Filters (Simoncelli & Freeman 1995; Karasaridis & Simoncelli 1996): the filters that ifcvec uses.
_LO0 = np.array([
    [0.00341614, -0.01551246, -0.03848215, -0.01551246, 0.00341614],
    [-0.01551246, 0.05586982, 0.15925570, 0.05586982, -0.01551246],
    [-0.03848215, 0.15925570, 0.40304148, 0.15925570, -0.03848215],
    [-0.01551246, 0.05586982, 0.15925570, 0.05586982, -0.01551246],
    [0.00341614, -0.01551246, -0.03848215, -0.01551246, 0.00341614]])
_LO = 2.0 * np.array([
    [0.00085404, -0.00244917, -0.00387812, -0.00944432, -0.00962054, -0.00944432, -0.00387812, -0.00244917,
     0.00085404],
    [-0.00244917, -0.00523281, -0.00661117, 0.00410600, 0.01002988, 0.00410600, -0.00661117, -0.00523281,
     -0.00244917],
    [-0.00387812, -0.00661117, 0.01396746, 0.03277038, 0.03981393, 0.03277038, 0.01396746, -0.00661117,
     -0.00387812],
    [-0.00944432, 0.00410600, 0.03277038, 0.06426333, 0.08169618, 0.06426333, 0.03277038, 0.00410600,
     -0.00944432],
    [-0.00962054, 0.01002988, 0.03981393, 0.08169618, 0.10096540, 0.08169618, 0.03981393, 0.01002988,
     -0.00962054],
    [-0.00944432, 0.00410600, 0.03277038, 0.06426333, 0.08169618, 0.06426333, 0.03277038, 0.00410600,
     -0.00944432],
    [-0.00387812, -0.00661117, 0.01396746, 0.03277038, 0.03981393, 0.03277038, 0.01396746, -0.00661117,
     -0.00387812],
    [-0.00244917, -0.00523281, -0.00661117, 0.00410600, 0.01002988, 0.00410600, -0.00661117, -0.00523281,
     -0.00244917],
    [0.00085404, -0.00244917, -0.00387812, -0.00944432, -0.00962054, -0.00944432, -0.00387812, -0.00244917,
     0.00085404]])
# Orientation band 1 of sp5Filters (a 7x7 filter: an odd derivative across rows, even along them);
# band 4 (the 90° one) is its negated transpose.
_B1 = np.array([
    [0.00277643, 0.00496194, 0.01026699, 0.01455399, 0.01026699, 0.00496194, 0.00277643],
    [-0.00986904, -0.00893064, 0.01189859, 0.02755155, 0.01189859, -0.00893064, -0.00986904],
    [-0.01021852, -0.03075356, -0.08226445, -0.11732297, -0.08226445, -0.03075356, -0.01021852],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.01021852, 0.03075356, 0.08226445, 0.11732297, 0.08226445, 0.03075356, 0.01021852],
    [0.00986904, 0.00893064, -0.01189859, -0.02755155, -0.01189859, 0.00893064, 0.00986904],
    [-0.00277643, -0.00496194, -0.01026699, -0.01455399, -0.01026699, -0.00496194, -0.00277643]])
_BANDS = (_B1, -_B1.T)
# window of the distortion-channel estimate per pyramid level 1 (finest) .. 4: 2^(5-l) + 1
_WIN = {1: 17, 2: 9, 3: 5, 4: 3}


def _tap_groups(f: np.ndarray):
    """The nonzero taps of a filter grouped by coefficient: [(c, [(i, j), ...]), ...] (the sp5
    filters are symmetric, so one multiplication serves up to 8 taps)."""
    groups: dict = {}
    for (i, j), c in np.ndenumerate(f):
        if c != 0.0:
            groups.setdefault(float(c), []).append((i, j))
    return list(groups.items())


_GROUPS: dict = {}


def _corr(x, f: np.ndarray, step: int = 1):
    """2-D correlation over the last two axes of a float64 tensor, image reflected about its edge pixels
    ('reflect1'), output at positions 0, step, 2*step, ... (matlabPyrTools ``corrDn``). Loops over the
    groups of equal filter taps (at most 81 taps), never over pixels; torch's elementwise loops run
    these strided views several times faster than numpy's."""
    import torch.nn.functional as F
    kh, kw = f.shape
    h, w = x.shape[-2:]
    lead = x.shape[:-2]
    xp = F.pad(x.reshape((-1, 1, h, w)), (kw // 2, kw // 2, kh // 2, kh // 2), mode='reflect')
    xp = xp.reshape(lead + xp.shape[-2:])
    groups = _GROUPS.get(id(f))
    if groups is None:
        groups = _GROUPS[id(f)] = _tap_groups(f)
    out = acc = None
    for c, taps in groups:
        (i, j), rest = taps[0], taps[1:]
        if rest:
            i2, j2 = rest[0]
            a, b = xp[..., i:i + h:step, j:j + w:step], xp[..., i2:i2 + h:step, j2:j2 + w:step]
            acc = torch.add(a, b) if acc is None else torch.add(a, b, out=acc)
            for i2, j2 in rest[1:]:
                acc += xp[..., i2:i2 + h:step, j2:j2 + w:step]
            src = acc
        else:
            src = xp[..., i:i + h:step, j:j + w:step]
        if out is None:
            out = src * c
        else:
            out.add_(src, alpha=c)
    return out


def _pyramid_bands(x: np.ndarray) -> dict:
    """{(level, band): subband} for levels 1..4 and bands 0 (orientation 1) and 1 (orientation 4)
    of ``buildSpyr(x, 4, 'sp5Filters', 'reflect1')``; ``x`` may carry leading batch axes."""
    lo = _corr(x, _LO0)
    out = {}
    for level in range(1, LEVELS + 1):
        for k, f in enumerate(_BANDS):
            out[level, k] = _corr(lo, f)
        if level < LEVELS:
            lo = _corr(lo, _LO, step=2)
    return out


def _block_sums_at_centres(x: np.ndarray, win: int) -> np.ndarray:
    """Sum over a win×win window (reflect1 edges) centred on the middle pixel of every
    non-overlapping 3×3 block of ``x`` (whose sides are multiples of 3) → (..., H/3, W/3)."""
    import torch.nn.functional as F
    r = win // 2
    h, w = x.shape[-2:]
    t = torch.from_numpy(np.ascontiguousarray(x))
    xp = F.pad(t.reshape((-1, 1, h, w)), (r, r, r, r), mode='reflect').reshape(x.shape[:-2] + (h + 2 * r,
                                                                                              w + 2 * r))
    # centres are rows 1, 4, 7, ...; in the padded array their windows start at rows 1, 4, ... too
    rows = xp[..., 1:1 + h:M, :].clone()
    for d in range(1, win):
        rows += xp[..., 1 + d:1 + d + h:M, :]
    out = rows[..., :, 1:1 + w:M].clone()
    for d in range(1, win):
        out += rows[..., :, 1 + d:1 + d + w:M]
    return out.numpy()


def _distortion_channel(y: np.ndarray, yn: np.ndarray, win: int):
    """(g, σv²) per non-overlapping block (``distsub_est_m.m``)."""
    n = float(win * win)
    p = np.empty((5,) + y.shape)
    p[0], p[1] = y, yn
    np.multiply(y, yn, out=p[2])
    np.multiply(y, y, out=p[3])
    np.multiply(yn, yn, out=p[4])
    s = _block_sums_at_centres(p, win)
    mean_x, mean_y = s[0] / n, s[1] / n
    cov_xy = s[2] - n * mean_x * mean_y
    ss_x = s[3] - n * mean_x * mean_x
    ss_y = s[4] - n * mean_y * mean_y
    ss_x[ss_x < 0] = 0
    ss_y[ss_y < 0] = 0
    g = cov_xy / (ss_x + _TOL)
    vv = (ss_y - g * cov_xy) / n
    small_x = ss_x < _TOL
    g[small_x] = 0
    vv[small_x] = ss_y[small_x]
    ss_x[small_x] = 0
    small_y = ss_y < _TOL
    g[small_y] = 0
    vv[small_y] = 0
    neg = g < 0
    vv[neg] = ss_y[neg]
    g[neg] = 0
    vv[vv <= _TOL] = _TOL
    return g, vv


def _reference_gsm(y: np.ndarray):
    """(S field per non-overlapping block, eigenvalues of Cu) of a reference subband
    (``refparams_vecgsm.m``)."""
    h, w = y.shape
    # all overlapping 3x3 blocks as 9-vectors (shift (dy, dx) -> component 3*dy + dx), one row each
    u = np.empty((M * M, h - M + 1, w - M + 1))
    for k, (dy, dx) in enumerate((dy, dx) for dy in range(M) for dx in range(M)):
        u[k] = y[dy:h - M + 1 + dy, dx:w - M + 1 + dx]
    u = u.reshape(M * M, -1)
    mu = u.mean(axis=1)
    cu = (u @ u.T) / u.shape[1] - np.outer(mu, mu)   # the subbands are zero-mean: no cancellation
    # non-overlapping blocks, same component order
    blocks = y.reshape(h // M, M, w // M, M).transpose(0, 2, 1, 3).reshape(h // M, w // M, M * M)
    ss = np.einsum('abi,ij,abj->ab', blocks, np.linalg.inv(cu), blocks, optimize=True) / (M * M)
    return ss, np.linalg.eigvalsh(cu)


def ifc(ref: np.ndarray, dist: np.ndarray) -> float:
    """IFC of ``dist`` against the reference ``ref`` (2-D arrays on the 0..255 scale, or H×W×C:
    the mean of the per-channel values). Higher is better; the order of the arguments matters."""
    a, b = np.asarray(ref, np.float64), np.asarray(dist, np.float64)
    if a.shape != b.shape:
        raise ValueError(f'IFC of images of different shapes {a.shape} and {b.shape}')
    if a.ndim == 3:
        return float(np.mean([ifc(a[..., c], b[..., c]) for c in range(a.shape[2])]))
    if a.ndim != 2:
        raise ValueError(f'IFC needs 2-D images, got shape {a.shape}')
    if min(a.shape) < MIN_SIZE:
        raise ValueError(f'image of {a.shape[1]}x{a.shape[0]} pixels is too small for IFC (its 4-level '
                         f'steerable pyramid needs at least {MIN_SIZE} pixels on each side)')
    bands = {k: v.numpy() for k, v in _pyramid_bands(torch.from_numpy(np.stack([a, b]))).items()}
    total = 0.0
    for (level, _), sub in bands.items():
        h, w = (sub.shape[1] // M) * M, (sub.shape[2] // M) * M
        y, yn = sub[0, :h, :w], sub[1, :h, :w]
        win = _WIN[level]
        g, vv = _distortion_channel(y, yn, win)
        ss, lam = _reference_gsm(y)
        o = int(np.ceil(((win - 1) / 2) / M))
        g, vv, ss = g[o:-o, o:-o], vv[o:-o, o:-o], ss[o:-o, o:-o]
        snr = (g * g * ss / (vv + 1e-10))[..., None] * lam
        total += float(np.log2(1.0 + snr).sum())
    return total / a.size


@METRICS.register_module()
class IFC(SRMetric):
    """Information fidelity criterion (Sheikh et al. 2005, ``ifcvec.m``) of SR against HR on
    uint8-quantised images; with ``channel='rgb'`` the mean over the three channels.
    See :class:`srbench.metrics.base.SRMetric` for crop_border / channel / protocol."""
    metric_name = 'IFC'
    decimals = 2
    metric_info = dict(formula='ifcvec.m (Sheikh, Bovik, de Veciana 2005): 4-level sp5 steerable pyramid '
                               '(reflect1), orientations 1 and 4, 3x3 GSM blocks, sum / (H*W)')

    def score(self, sr, hr):
        return ifc(hr, sr)
