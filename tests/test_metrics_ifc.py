"""IFC against a literal, loop-based transcription of ifcvec.m (buildSpyr + ind2wtree + distsub_est_m +
refparams_vecgsm, MATLAB's column-major order and 1-based subband numbers kept) on a small real photo.
The acceptance numbers (Bicubic on Set5/Set14) are checked in test_bicubic_table.py."""
import numpy as np
import pytest

from srbench.metrics.ifc import _B1, _BANDS, _LO, _LO0, ifc
from srbench.transforms.imresize import imresize_np

skdata = pytest.importorskip('skimage.data')

# sp5Filters' bfilts, columns 1 and 4, as MATLAB reshapes them: reshape(bfilts(:, b), 7, 7)
BFILT1 = np.array([0.00277643, 0.00496194, 0.01026699, 0.01455399, 0.01026699, 0.00496194, 0.00277643,
                   -0.00986904, -0.00893064, 0.01189859, 0.02755155, 0.01189859, -0.00893064, -0.00986904,
                   -0.01021852, -0.03075356, -0.08226445, -0.11732297, -0.08226445, -0.03075356, -0.01021852,
                   0, 0, 0, 0, 0, 0, 0,
                   0.01021852, 0.03075356, 0.08226445, 0.11732297, 0.08226445, 0.03075356, 0.01021852,
                   0.00986904, 0.00893064, -0.01189859, -0.02755155, -0.01189859, 0.00893064, 0.00986904,
                   -0.00277643, -0.00496194, -0.01026699, -0.01455399, -0.01026699, -0.00496194, -0.00277643]
                  ).reshape(7, 7, order='F')
BFILT4 = np.array([-0.00277643, 0.00986904, 0.01021852, 0, -0.01021852, -0.00986904, 0.00277643,
                   -0.00496194, 0.00893064, 0.03075356, 0, -0.03075356, -0.00893064, 0.00496194,
                   -0.01026699, -0.01189859, 0.08226445, 0, -0.08226445, 0.01189859, 0.01026699,
                   -0.01455399, -0.02755155, 0.11732297, 0, -0.11732297, 0.02755155, 0.01455399,
                   -0.01026699, -0.01189859, 0.08226445, 0, -0.08226445, 0.01189859, 0.01026699,
                   -0.00496194, 0.00893064, 0.03075356, 0, -0.03075356, -0.00893064, 0.00496194,
                   -0.00277643, 0.00986904, 0.01021852, 0, -0.01021852, -0.00986904, 0.00277643]
                  ).reshape(7, 7, order='F')


def reflect1(i, n):
    """matlabPyrTools 'reflect1': mirror about the edge pixels (..., 2, 1, 0, 1, 2, ...)."""
    while i < 0 or i >= n:
        i = -i if i < 0 else 2 * (n - 1) - i
    return i


def corrdn(im, filt, step=(1, 1), start=(1, 1), stop=None):
    """corrDn(im, filt, 'reflect1', step, start, stop): correlation, output at MATLAB positions
    start:step:stop; the image indices reflected one by one."""
    h, w = im.shape
    kh, kw = filt.shape
    stop = stop or (h, w)
    rows = np.arange(start[0] - 1, stop[0], step[0])
    cols = np.arange(start[1] - 1, stop[1], step[1])
    out = np.zeros((rows.size, cols.size))
    for a in range(kh):
        ri = np.array([reflect1(r + a - kh // 2, h) for r in rows])
        for b in range(kw):
            ci = np.array([reflect1(c + b - kw // 2, w) for c in cols])
            out += filt[a, b] * im[np.ix_(ri, ci)]
    return out


def build_spyr_subbands(im):
    """The 26 subbands of buildSpyr(im, 4, 'sp5Filters') in pyr order (hi0, level 1 bands 1..6, ...,
    lowpass); bands other than 1 and 4 (unused by ifcvec) and hi0/lowpass are None."""
    pyr = [None]
    lo = corrdn(im, _LO0)
    for _ in range(4):
        pyr += [corrdn(lo, BFILT1), None, None, corrdn(lo, BFILT4), None, None]
        lo = corrdn(lo, _LO, step=(2, 2))
    return pyr + [None]


def distsub(y, yn, sub, m=3):
    lev = int(np.ceil((sub - 1) / 6))
    win = 2 ** lev + 1
    n = (np.array(y.shape) // m) * m
    y, yn = y[:n[0], :n[1]], yn[:n[0], :n[1]]
    centres_r = range(m // 2, n[0] - int(np.ceil(m / 2)) + 1, m)     # winstart:M:winstop, 0-based
    centres_c = range(m // 2, n[1] - int(np.ceil(m / 2)) + 1, m)
    g = np.zeros((len(centres_r), len(centres_c)))
    vv = np.zeros_like(g)
    tol = 1e-15
    for i, r in enumerate(centres_r):
        ri = [reflect1(r + d - win // 2, n[0]) for d in range(win)]
        for j, c in enumerate(centres_c):
            ci = [reflect1(c + d - win // 2, n[1]) for d in range(win)]
            a, b = y[np.ix_(ri, ci)], yn[np.ix_(ri, ci)]
            mx, my = a.mean(), b.mean()
            cov = (a * b).sum() - win * win * mx * my
            sx = max((a * a).sum() - win * win * mx * mx, 0.0)
            sy = max((b * b).sum() - win * win * my * my, 0.0)
            gg = cov / (sx + tol)
            v = (sy - gg * cov) / (win * win)
            if sx < tol:
                gg, v = 0.0, sy
            if sy < tol:
                gg, v = 0.0, 0.0
            if gg < 0:
                v, gg = sy, 0.0
            g[i, j], vv[i, j] = gg, max(v, tol) if v > tol else tol
    return g, vv


def refparams(y, m=3):
    n = (np.array(y.shape) // m) * m
    y = y[:n[0], :n[1]]
    temp = []
    for j in range(m):
        for k in range(m):
            temp.append(y[k:n[0] - (m - k) + 1, j:n[1] - (m - j) + 1].ravel(order='F'))
    temp = np.array(temp)
    mcu = temp.mean(axis=1, keepdims=True)
    cu = (temp - mcu) @ (temp - mcu).T / temp.shape[1]
    temp = np.array([y[k::m, j::m].ravel(order='F') for j in range(m) for k in range(m)])
    ss = (np.linalg.inv(cu) @ temp * temp).sum(axis=0) / (m * m)
    return ss.reshape(n // m, order='F'), np.linalg.eigvals(cu).real


def ifcvec(imorg, imdist):
    m, subbands = 3, [4, 7, 10, 13, 16, 19, 22, 25]
    org = build_spyr_subbands(imorg)[::-1]          # ind2wtree: wtree{numsubs - i + 1} = subband i
    dist = build_spyr_subbands(imdist)[::-1]
    total = 0.0
    for sub in subbands:
        y, yn = org[sub - 1], dist[sub - 1]
        g, vv = distsub(y, yn, sub)
        ss, lam = refparams(y)
        lev = int(np.ceil((sub - 1) / 6))
        off = int(np.ceil(((2 ** lev + 1 - 1) / 2) / m))
        g, vv, ss = (a[off:a.shape[0] - off, off:a.shape[1] - off] for a in (g, vv, ss))
        for lj in lam:
            total += np.log2(1 + g * g * ss * lj / (vv + 1e-10)).sum()
    return total / imorg.size


def test_band_filters_are_sp5_bands_1_and_4():
    # srbench keeps band 1 as its rows-transposed copy and derives band 4: the same pair up to sign
    assert np.array_equal(_BANDS[0], BFILT1.T) and np.array_equal(_B1, BFILT1.T)
    assert np.array_equal(_BANDS[1], -BFILT1) and np.array_equal(BFILT4, -BFILT1.T)


def test_ifc_matches_literal_ifcvec():
    y = skdata.camera()[100:196, 180:282].astype(np.float64)            # 96 x 102, real photo
    dist = np.floor(imresize_np(imresize_np(y / 255, 0.5), 2.0) * 255 + 0.5).clip(0, 255)
    want = ifcvec(y, dist)
    got = ifc(y, dist)
    assert got == pytest.approx(want, rel=1e-9)
    assert 0.5 < got < 20
    assert ifc(dist, y) != pytest.approx(got, rel=1e-3)              # the order matters
    noisy = np.clip(y + np.random.default_rng(1).normal(0, 20, y.shape), 0, 255)
    assert ifc(y, noisy) == pytest.approx(ifcvec(y, noisy), rel=1e-9)
    assert ifc(y, noisy) < got                                       # heavy noise: less information
    assert ifc(y, y) > 10 * got                 # identical images: only the 1e-10 floor bounds it
