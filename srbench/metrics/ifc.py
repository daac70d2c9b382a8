"""IFC (METRICS registry): the information fidelity criterion of Sheikh, Bovik & de Veciana (2005),
as their ``ifcvec.m`` computes it (the version the SR papers of 2014-2016 used, e.g. SelfExSR's
``quant_eval``). Written from the published algorithm; vectorised torch and numpy, float64.

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

How it is fast (round 3; the same numbers as the plain kernels of ``tests/_reference_kernels.py`` to
~1e-13 relative, all in float64):

* the correlations fold the filters' (anti)symmetry (pairs of rows and pairs of columns added
  before multiplying: a 7×7 band in 20-21 passes instead of 42) and run in cache-sized row strips;
* only the blocks IFC keeps are estimated: their windows never reach the reflected border, so the
  window sums need no padding, and they are built from sums of 3 lines at the block phase, with the
  products formed on the fly;
* ``Cu`` comes from 13 dot products of the flattened subband with itself at the 13 lags of a 3×3 block
  (plus short head, tail and wrapped-column corrections) instead of a 9×N block matrix;
* the S field is one 9×9 GEMM on the 9 component planes; Σ_j log2(1 + a λ_j) is one log per block
  of a Horner product (sum of logs where it would overflow);
* one subband pair at a time in per-thread buffers kept between calls (``release_workspace()`` frees
  them): no page faults on fresh memory.
"""
from __future__ import annotations


import numpy as np
import torch

from ..registry import METRICS
from ..utils.parallel import helper_available, pipeline
from ..utils.workspace import Workspace
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
_STRIP = 1 << 18    # elements of one row strip of _corr's temporaries (2 MiB of float64; measured)
_STRIP1 = 1 << 17   # the same for the step-1 correlations (7 temporaries; measured)


_WS = Workspace()


def release_workspace() -> None:
    """Free this thread's IFC buffers (about 100 bytes per pixel of the largest image seen)."""
    _WS.release()


def _pad_into(dst: torch.Tensor, src: torch.Tensor, p: int) -> torch.Tensor:
    """``dst`` (..., h+2p, w+2p) <- ``src`` (..., h, w) reflected about its edge pixels ('reflect1')."""
    h, w = src.shape[-2:]
    dst[..., p:p + h, p:p + w] = src
    for k in range(1, p + 1):
        dst[..., p - k, p:p + w] = src[..., k, :]
        dst[..., p + h - 1 + k, p:p + w] = src[..., h - 1 - k, :]
    for k in range(1, p + 1):
        dst[..., p - k] = dst[..., p + k]
        dst[..., p + w - 1 + k] = dst[..., p + w - 1 - k]
    return dst


def _fold_sign(f: np.ndarray, axis: int) -> int:
    """+1 if ``f`` is symmetric along ``axis``, -1 if antisymmetric (the sp5 filters are one or the other)."""
    g = np.flip(f, axis)
    if np.array_equal(g, f):
        return 1
    if np.array_equal(g, -f):
        return -1
    raise ValueError('filter is neither symmetric nor antisymmetric')


def _corr(x: torch.Tensor, f: np.ndarray, step: int = 1) -> torch.Tensor:
    """2-D correlation over the last two axes of a float64 tensor, image reflected about its edge pixels
    ('reflect1'), output at positions 0, step, 2*step, ... (matlabPyrTools ``corrDn``).

    Uses the filters' (anti)symmetry: the pairs of input rows i and k-1-i are added (or subtracted)
    first; with step 2 (the 9×9 lowpass) then the pairs of columns at the output columns only, and one
    multiply-add per remaining coefficient; with step 1 the folded rows are first combined per filter
    column and the column pairs added last (``_corr_rows_first``: a 7×7 band in 20-21 whole-image
    passes instead of 42). The output is made in strips of rows whose temporaries stay in the core's
    cache."""
    import torch.nn.functional as F
    h, w = x.shape[-2:]
    ch, cw = f.shape[0] // 2, f.shape[1] // 2
    xp = F.pad(x.reshape((-1, 1, h, w)), (cw, cw, ch, ch), mode='reflect')
    xp = xp.reshape(x.shape[:-2] + xp.shape[-2:])
    out = torch.empty(x.shape[:-2] + ((h + step - 1) // step, (w + step - 1) // step), dtype=x.dtype)
    return _corr_padded(xp, f, step, 0, out)


# (shape, bytes) of a filter -> (row sign, column sign, [(row, [(column, coefficient), ...]), ...])
_PLANS: dict = {}


def _corr_padded(xp: torch.Tensor, f: np.ndarray, step: int, off: int, out: torch.Tensor,
                 ws: Workspace | None = None) -> torch.Tensor:
    """``_corr`` of the image inside ``xp``, reflect-padded by ``off`` + the filter's half size, into
    ``out``; the strip temporaries from ``ws`` when given."""
    kh, kw = f.shape
    ch, cw = kh // 2, kw // 2
    key = (f.shape, f.tobytes())
    plan = _PLANS.get(key)
    if plan is None:
        terms = [(i, [(j, float(f[i, j])) for j in range(cw + 1) if f[i, j] != 0.0]) for i in range(ch + 1)]
        plan = _PLANS[key] = (_fold_sign(f, 0), _fold_sign(f, 1), [(i, js) for i, js in terms if js])
    sr, sc, terms = plan
    w = xp.shape[-1] - 2 * (off + cw)
    xp = xp[..., off:xp.shape[-2] - off, off:xp.shape[-1] - off]
    lead = xp.shape[:-2]
    ho, wo = out.shape[-2:]
    if step == 1:
        return _corr_rows_first(xp, f, out, ws, (sr, sc))
    rows = max(16, _STRIP // (xp[..., 0, :].numel()))
    tshape, dshape = lead + (min(rows, ho), wo), lead + (min(rows, ho), w + 2 * cw)
    tmp = torch.empty(tshape, dtype=xp.dtype) if ws is None else ws.get('strip_t', tshape)
    dbuf = torch.empty(dshape, dtype=xp.dtype) if ws is None else ws.get('strip_d', dshape)
    for r0 in range(0, ho, rows):
        n = min(rows, ho - r0)
        o = out[..., r0:r0 + n, :]
        first = True
        for i, js in terms:
            a = xp[..., r0 * step + i:r0 * step + i + (n - 1) * step + 1:step, :]
            if i < ch:
                i2 = r0 * step + kh - 1 - i
                d = dbuf[..., :n, :]
                (torch.add if sr > 0 else torch.sub)(a, xp[..., i2:i2 + (n - 1) * step + 1:step, :], out=d)
            else:
                d = a
            for j, c in js:
                src = d[..., j:j + w:step]
                if j < cw:
                    t = tmp[..., :n, :]
                    (torch.add if sc > 0 else torch.sub)(src, d[..., kw - 1 - j:kw - 1 - j + w:step], out=t)
                    src = t
                if first:
                    torch.mul(src, c, out=o)
                    first = False
                else:
                    o.add_(src, alpha=c)
    return out


def _corr_rows_first(xp: torch.Tensor, f: np.ndarray, out: torch.Tensor, ws, signs) -> torch.Tensor:
    """``_corr_padded`` for step 1 (xp padded by exactly the filter's half sizes), folded the other way
    round: the row pairs are folded, combined per filter column (``G_j = Σ_i f[i, j] P_i``, on the
    padded width) and the column pairs of the ``G_j`` added last: 15 / 21 / 20 passes for the 5×5
    lowpass and the two 7×7 bands instead of 17 / 24 / 27 (measured 5-25 % faster)."""
    kh, kw = f.shape
    ch, cw = kh // 2, kw // 2
    sr, sc = signs
    w = xp.shape[-1] - 2 * cw
    lead = xp.shape[:-2]
    ho = out.shape[-2]
    rows = max(8, _STRIP1 // (xp[..., 0, :].numel()))
    rows_nz = [i for i in range(ch + 1) if f[i].any()]
    cols = [(j, [(i, float(f[i, j])) for i in rows_nz if f[i, j] != 0.0]) for j in range(cw + 1)]
    cols = [(j, t) for j, t in cols if t]
    pshape = (ch,) + lead + (min(rows, ho), xp.shape[-1])
    gshape = (cw + 1,) + lead + (min(rows, ho), xp.shape[-1])
    pbuf = torch.empty(pshape, dtype=xp.dtype) if ws is None else ws.get('strip_p', pshape)
    gbuf = torch.empty(gshape, dtype=xp.dtype) if ws is None else ws.get('strip_g', gshape)
    for r0 in range(0, ho, rows):
        n = min(rows, ho - r0)
        rp = {}
        for i in rows_nz:
            a = xp[..., r0 + i:r0 + i + n, :]
            if i < ch:
                i2 = r0 + kh - 1 - i
                fold = torch.add if sr > 0 else torch.sub
                rp[i] = fold(a, xp[..., i2:i2 + n, :], out=pbuf[i, ..., :n, :])
            else:
                rp[i] = a
        o = out[..., r0:r0 + n, :]
        first = True
        for j, t in cols:
            g = torch.mul(rp[t[0][0]], t[0][1], out=gbuf[j, ..., :n, :])
            for i, c in t[1:]:
                g.add_(rp[i], alpha=c)
            a2 = g[..., j:j + w]
            if j < cw:
                b2 = g[..., kw - 1 - j:kw - 1 - j + w]
                if first:
                    (torch.add if sc > 0 else torch.sub)(a2, b2, out=o)
                else:
                    o.add_(a2)
                    o.add_(b2, alpha=sc)
            elif first:
                o.copy_(a2)
            else:
                o.add_(a2)
            first = False
    return out


def _subbands(a: np.ndarray, b: np.ndarray, ws: Workspace):
    """Yields (level, subband pair (2, h, w)) for levels 1..4 and bands 1 and 4 of
    ``buildSpyr(img, 4, 'sp5Filters', 'reflect1')`` of the reference ``a`` and the distorted ``b``,
    one at a time in ``ws``'s buffers (each is overwritten by the next). Each level reflect-pads its
    lowpass once (by 4) for both bands and the next lowpass."""
    h, w = a.shape
    pad = ws.get('pad', (2, h + 4, w + 4))
    _pad_into(pad[0], torch.from_numpy(a), 2)
    _pad_into(pad[1], torch.from_numpy(b), 2)
    lo = _corr_padded(pad, _LO0, 1, 0, ws.get('lo', (2, h, w)), ws)
    r = _LO.shape[0] // 2
    for level in range(1, LEVELS + 1):
        h, w = lo.shape[-2:]
        pad = _pad_into(ws.get('pad', (2, h + 2 * r, w + 2 * r)), lo, r)
        for f in _BANDS:
            yield level, _corr_padded(pad, f, 1, r - f.shape[0] // 2, ws.get('band', (2, h, w)), ws)
        if level < LEVELS:
            lo = _corr_padded(pad, _LO, 2, 0, ws.get('lo', (2, (h + 1) // 2, (w + 1) // 2)), ws)


def _window_sums(sub: torch.Tensor, win: int, o: int, ws: Workspace | None = None) -> np.ndarray:
    """Sums of y, yn, y·yn, y², yn² (``sub`` = (y, yn), each H×W with sides multiples of 3) over the
    win×win windows centred on the middle pixels of the non-overlapping 3×3 blocks o..n-1-o → (5, ., .).

    These windows lie inside the image (o = ceil(((win-1)/2) / 3)), so the reflect1 padding of the
    reference code is never read for them. Rows first: sums of 3 consecutive rows at the block phase
    (the products formed on the fly, ``addcmul``: never a whole-image product map), q = win // 3 of
    them added, plus the win % 3 rows left over (w = 17: 8 adds per output row instead of 16); then the
    same along the columns of the 5 row sums."""
    q, e = divmod(win, M)
    r = win // 2
    s0 = M * o + 1 - r                                # first line of the first inner window
    nr, nc = sub.shape[-2] // M - 2 * o, sub.shape[-1] // M - 2 * o

    def lines(x, axis, start, count):
        x = x.narrow(axis, start, M * (count - 1) + 1)
        return x[..., ::M, :] if axis == -2 else x[..., ::M]

    def buf(name, shape):
        return torch.empty(shape, dtype=sub.dtype) if ws is None else ws.get(name, shape)

    def window(src, axis, n, out):
        """``src(start, count)`` -> lines start, start+3, ...; sums of win lines into ``out``."""
        first, second = src(s0, n + q - 1), src(s0 + 1, n + q - 1)
        if isinstance(first, _Prod):
            t3 = torch.mul(first.a, first.b, out=buf('win_t3', first.a.shape))
            _add_lines(t3, second)
        else:
            t3 = torch.add(first, second, out=buf('win_t3', first.shape))
        _add_lines(t3, src(s0 + 2, n + q - 1))
        if q > 1:
            torch.add(t3.narrow(axis, 0, n), t3.narrow(axis, 1, n), out=out)
        else:
            out.copy_(t3.narrow(axis, 0, n))
        for k in range(2, q):
            out += t3.narrow(axis, k, n)
        for j in range(e):
            _add_lines(out, src(s0 + M * q + j, n))

    rs = buf('win_rows', (5,) + sub.shape[:-3] + (nr, sub.shape[-1]))
    y, yn = sub[0], sub[1]
    window(lambda a, c: lines(sub, -2, a, c), -2, nr, rs[0:2])
    window(lambda a, c: _Prod(lines(y, -2, a, c), lines(yn, -2, a, c)), -2, nr, rs[2])
    window(lambda a, c: _Prod(lines(sub, -2, a, c), lines(sub, -2, a, c)), -2, nr, rs[3:5])
    out = buf('win_out', rs.shape[:-1] + (nc,))
    window(lambda a, c: lines(rs, -1, a, c), -1, nc, out)
    return out.numpy()


class _Prod:
    """Lazy elementwise product of two views (added with ``addcmul_``)."""
    def __init__(self, a, b):
        self.a, self.b = a, b


def _add_lines(acc: torch.Tensor, src) -> torch.Tensor:
    if isinstance(src, _Prod):
        return acc.addcmul_(src.a, src.b)
    return acc.add_(src)


def _distortion_channel(sub: torch.Tensor, win: int, o: int, ws: Workspace | None = None):
    """(g, σv²) per inner non-overlapping block (``distsub_est_m.m``) of the subband pair ``sub``
    (2, H, W): reference, distorted."""
    n = float(win * win)
    s = _window_sums(sub, win, o, ws)
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
    small_y = ss_y < _TOL
    g[small_y] = 0
    vv[small_y] = 0
    neg = g < 0
    vv[neg] = ss_y[neg]
    g[neg] = 0
    vv[vv <= _TOL] = _TOL
    return g, vv


def _gsm_covariance(y: np.ndarray, ws: Workspace | None = None) -> np.ndarray:
    """``Cu`` of ``refparams_vecgsm.m``: the covariance (divided by N) of all N overlapping 3×3 blocks of
    ``y`` as 9-vectors (shift (dy, dx) -> component 3*dy + dx), without forming the 9×N matrix.

    On the flattened image, component k of the block at p is ``yf[p + o_k]`` (o_k = dy*w + dx), so
    ``Σ_p yf[p+o_i] yf[p+o_j]`` over the flat positions p of the first h-2 rows is one dot product
    per lag o_j - o_i (13 lags, contiguous: BLAS ddot) plus short head and tail pieces; the positions
    p in the last two columns (whose blocks would wrap to the next row) are then taken out again."""
    h, w = y.shape
    n_flat = (h - M + 1) * w                          # flat positions of the first h-2 rows
    c0 = (M - 1) * w + M - 1                          # largest offset
    yf = np.empty(h * w + 2 * c0 + 2) if ws is None else ws.get('gsm_yf', (h * w + 2 * c0 + 2,)).numpy()
    yf[:h * w].reshape(h, w)[...] = y
    yf[h * w:] = 0.0
    offs = np.array([dy * w + dx for dy in range(M) for dx in range(M)])
    lags = np.unique(offs[None, :] - offs[:, None])
    lags = lags[lags >= 0]
    # Σ over q in [o_i, o_i + n_flat) of yf[q] yf[q + lag] = core + head[o_i:] + tail[:o_i]
    core = np.array([yf[c0:n_flat] @ yf[c0 + lag:n_flat + lag] for lag in lags])
    idx = np.arange(c0)
    head = yf[idx] * yf[idx[None, :] + lags[:, None]]                           # (lags, c0)
    tail = yf[n_flat + idx] * yf[n_flat + idx[None, :] + lags[:, None]]
    zero = np.zeros((len(lags), 1))
    head_from = np.concatenate([np.cumsum(head[:, ::-1], axis=1)[:, ::-1], zero], axis=1)   # Σ head[o:]
    tail_upto = np.concatenate([zero, np.cumsum(tail, axis=1)], axis=1)                  # Σ tail[:o]
    iu, ju = np.triu_indices(M * M)
    k, o = np.searchsorted(lags, offs[ju] - offs[iu]), offs[iu]
    sums = np.empty((M * M, M * M))
    sums[iu, ju] = sums[ju, iu] = core[k] + head_from[k, o] + tail_upto[k, o]
    # the same for the plain sums (the block mean)
    part = yf[c0:n_flat].sum()
    tot = np.array([part + yf[o:c0].sum() + yf[n_flat:n_flat + o].sum() for o in offs])
    # the positions in the last two columns: not blocks of the image
    bad = (np.arange(h - M + 1)[:, None] * w + np.arange(w - M + 1, w)[None, :]).ravel()
    v = yf[bad[:, None] + offs[None, :]]
    sums -= v.T @ v
    tot -= v.sum(axis=0)
    nb = (h - M + 1) * (w - M + 1)
    mu = tot / nb
    return sums / nb - np.outer(mu, mu)


def _log2_gain(a: np.ndarray, lam: np.ndarray) -> float:
    """Σ_blocks Σ_j log2(1 + a λ_j): one log per block, of Π_j (1 + a λ_j) evaluated by Horner from the
    elementary symmetric polynomials of λ (all terms positive when λ >= 0: no cancellation). Blocks whose
    product overflows, or eigenvalues below 0 (rounding of a singular Cu), take the sum of nine logs."""
    a = a.ravel()
    if lam.min() < 0:
        return float(np.log2(1.0 + a[:, None] * lam).sum())
    e = np.poly(-lam)                                  # e[k]: k-th elementary symmetric polynomial of λ
    p = np.full_like(a, e[-1])
    with np.errstate(over='ignore'):
        for c in e[-2::-1]:
            p *= a
            p += c
    ok = np.isfinite(p)
    if ok.all():
        return float(np.log2(p).sum())
    return float(np.log2(p[ok]).sum() + np.log2(1.0 + a[~ok, None] * lam).sum())


def _subband_term(item) -> float:
    """Σ_blocks Σ_j log2(1 + g² s λ_j / (σv² + 1e-10)) of one subband pair ``(level, (y, yn))`` (this
    thread's buffers)."""
    level, sub = item
    ws = _WS
    h, w = (sub.shape[1] // M) * M, (sub.shape[2] // M) * M
    sub = sub[:, :h, :w]
    win = _WIN[level]
    o = int(np.ceil(((win - 1) / 2) / M))
    g, vv = _distortion_channel(sub, win, o, ws)
    y = sub[0].numpy()
    cu = _gsm_covariance(y, ws)
    lam = np.linalg.eigvalsh(cu)
    # S field of the inner non-overlapping blocks (components as rows, same order)
    inner = y[M * o:h - M * o, M * o:w - M * o]
    hb, wb = inner.shape[0] // M, inner.shape[1] // M
    blocks = ws.get('gsm_blocks', (M * M, hb * wb)).numpy()
    np.copyto(blocks.reshape(M, M, hb, wb), inner.reshape(hb, M, wb, M).transpose(1, 3, 0, 2))
    cb = np.matmul(np.linalg.inv(cu), blocks, out=ws.get('gsm_cb', (M * M, hb * wb)).numpy())
    ss = np.einsum('ij,ij->j', cb, blocks).reshape(hb, wb) / (M * M)
    return _log2_gain(g * g * ss / (vv + 1e-10), lam)


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
    ws = _WS
    if helper_available():     # a subband's statistics in the helper thread while the pyramid makes the next
        def items():
            for i, (level, sub) in enumerate(_subbands(a, b, ws)):
                buf = ws.get(f'pipe{i % 2}', tuple(sub.shape))
                buf.copy_(sub)
                yield level, buf
        values = pipeline(items(), _subband_term)
    else:
        values = [_subband_term(item) for item in _subbands(a, b, ws)]
    total = 0.0
    for v in values:                                   # in subband order either way: the same sum
        total += v
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
