"""The round-3 IFC kernel (folded filters in row strips, window sums from 3-line sums, Cu from lag dot
products, one log per block, buffers kept between calls) gives the numbers of the kernels it replaced
(tests/_reference_kernels.py: ``ref_ifc``, the numpy kernel, and ``ref_ifc_r2``, the torch one) to 1e-9
relative, on Set5 (x2 Bicubic, Y, border 2; skipped when absent) and on random and edge cases; and each
of its building blocks equals the plain computation it replaces."""
import importlib
import os

import numpy as np
import pytest
import torch

import _reference_kernels as R
from srbench.data.benchmarks import benchmark_root

K = importlib.import_module('srbench.metrics.ifc')    # the module (srbench.metrics.ifc is the function)
RTOL = 1e-9


def rel(a, b):
    return abs(a - b) / max(abs(b), 1e-300)


def set5_y():
    d = os.path.join(benchmark_root(), 'Set5', 'HR')
    if not os.path.isdir(d):
        pytest.skip(f'Set5 not found at {d} (set SRBENCH_DATA_ROOT)')
    from srbench.data.io import imread, list_images
    out = []
    for p in list_images(d):
        img = imread(p)
        hr = img[:img.shape[0] // 2 * 2, :img.shape[1] // 2 * 2]
        sr = R.ref_imresize_np(R.ref_imresize_np(hr, 1 / 2), 2)
        out.append((p.stem, *[R.rgb2ycbcr(x, y_only=True).astype(np.float64)[2:-2, 2:-2] for x in (hr, sr)]))
    return out


def test_set5_equals_reference():
    for name, hr, sr in set5_y():
        got = K.ifc(hr, sr)
        assert rel(got, R.ref_ifc(hr, sr)) < RTOL, name
        assert rel(got, R.ref_ifc_r2(hr, sr)) < RTOL, name
        assert rel(K.ifc(sr, hr), R.ref_ifc(sr, hr)) < RTOL, name        # the order matters: both ways


SIZES = [(72, 72), (73, 74), (75, 101), (100, 77), (130, 96), (97, 145)]


@pytest.mark.parametrize('hw', SIZES)
def test_random_and_edge_cases_equal_reference(hw):
    rng = np.random.default_rng(hw[0] * 1000 + hw[1])
    hr = np.floor(rng.random(hw) * 256)
    smooth = np.cumsum(np.cumsum(rng.normal(0, 1, hw), 0), 1)
    smooth = np.round((smooth - smooth.min()) / np.ptp(smooth) * 255)
    for ref in (hr, smooth):
        for dist in (np.clip(ref + np.round(rng.normal(0, 8, hw)), 0, 255),    # noisy
                     np.floor(rng.random(hw) * 256),                             # unrelated
                     255.0 - ref,                                                # negated (g < 0)
                     np.full(hw, 100.0),                                         # constant dist
                     ref.copy()):                                                # identical
            want, got = R.ref_ifc(ref, dist), K.ifc(ref, dist)
            assert rel(got, want) < RTOL, (hw, want, got)
    rgb = np.floor(rng.random(hw + (3,)) * 256)
    rgb2 = np.clip(rgb + np.round(rng.normal(0, 5, rgb.shape)), 0, 255)
    assert rel(K.ifc(rgb, rgb2), R.ref_ifc(rgb, rgb2)) < RTOL


def test_flat_reference_behaves_as_before():
    """A flat reference has a singular Cu: the reference kernels raise LinAlgError, and so does this one."""
    flat = np.full((80, 90), 7.0)
    noisy = np.floor(np.random.default_rng(3).random((80, 90)) * 256)
    for dist in (flat, noisy):
        with pytest.raises(np.linalg.LinAlgError):
            R.ref_ifc(flat, dist)
        with pytest.raises(np.linalg.LinAlgError):
            K.ifc(flat, dist)


def test_transpose_invariance():
    """Bands 1 and 4 swap when both images are transposed (band 4 = -band 1 of the transposed image);
    IFC of the transposed pair is the same number (a check of the subbands and of the blocks' order)."""
    rng = np.random.default_rng(5)
    a = np.floor(rng.random((81, 118)) * 256)
    b = np.clip(a + np.round(rng.normal(0, 6, a.shape)), 0, 255)
    assert rel(K.ifc(a.T, b.T), K.ifc(a, b)) < 1e-12
    assert rel(K.ifc(a.T, b.T), R.ref_ifc(a, b)) < RTOL


@pytest.mark.parametrize('shape', [(9, 9), (12, 10), (37, 23), (72, 80)])
@pytest.mark.parametrize('filt,step', [(K._LO0, 1), (K._BANDS[0], 1), (K._BANDS[1], 1), (K._LO, 2)])
def test_corr_equals_tap_loop(shape, filt, step):
    x = torch.from_numpy(np.random.default_rng(shape[0]).normal(100, 50, (2,) + shape))
    want = R._corr(x.numpy(), filt, step)
    got = K._corr(x, filt, step).numpy()
    assert got.shape == want.shape
    np.testing.assert_allclose(got, want, rtol=0, atol=1e-12 * np.abs(x.numpy()).max())


@pytest.mark.parametrize('shape', [(9, 9), (9, 12), (30, 27), (63, 90)])
def test_gsm_covariance_equals_block_matrix(shape):
    y = np.random.default_rng(shape[1]).normal(0, 3, shape)
    h, w = shape
    u = np.stack([y[dy:h - 2 + dy, dx:w - 2 + dx].ravel() for dy in range(3) for dx in range(3)])
    want = u @ u.T / u.shape[1] - np.outer(u.mean(1), u.mean(1))
    np.testing.assert_allclose(K._gsm_covariance(y), want, rtol=1e-12, atol=1e-12 * np.abs(want).max())


@pytest.mark.parametrize('win', [3, 5, 9, 17])
def test_window_sums_equal_reference_block_sums(win):
    rng = np.random.default_rng(win)
    sub = torch.from_numpy(rng.normal(0, 10, (2, 54, 45)))
    y, yn = sub[0].numpy(), sub[1].numpy()
    o = int(np.ceil(((win - 1) / 2) / 3))
    want = R._block_sums_at_centres(np.stack([y, yn, y * yn, y * y, yn * yn]), win)[:, o:-o, o:-o]
    np.testing.assert_allclose(K._window_sums(sub, win, o), want, rtol=1e-12, atol=1e-9)


def test_log2_gain_product_overflow_and_negative_eigenvalues():
    rng = np.random.default_rng(7)
    lam = np.sort(rng.random(9) * 50)
    a = rng.random((40, 30)) * 10
    a[3, 4] = 1e40                        # Π(1 + a λ) overflows float64: those blocks take nine logs
    a[5, 6] = 0.0
    want = np.log2(1.0 + a[..., None] * lam).sum()
    assert rel(K._log2_gain(a, lam), want) < 1e-13
    lam_neg = lam.copy()
    lam_neg[0] = -1e-18                   # eigvalsh rounding of a singular Cu: the plain sum of logs
    a[3, 4] = 1e10
    want = np.log2(1.0 + a[..., None] * lam_neg).sum()
    assert rel(K._log2_gain(a, lam_neg), want) < 1e-13
    a[3, 4] = 1e20                        # 1 + a λ < 0: NaN, as the reference gives
    with np.errstate(invalid='ignore'):
        assert np.isnan(K._log2_gain(a, lam_neg))
