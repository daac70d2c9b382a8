"""imresize by banded block matrix products (round 3) against the tap-order reference kernel
(``tests/_reference_kernels.py``): uint8 bit for bit -- benchmark photos at x2/x3/x4 down and up, ramps
whose sums are exact halves (with and without the dyadic shortcut), every value recounted in tap order, the
torch engine of other devices --, float to 1e-12 (the protocol asks 2e-6). The photos are skipped when the
data sets are absent (set SRBENCH_DATA_ROOT)."""
import importlib

import numpy as np
import pytest
import torch

import _reference_kernels as R
from conftest import benchmark_images, step_image
from srbench.transforms.imresize import imresize_np, imresize_torch

M = importlib.import_module('srbench.transforms.imresize')   # the module (the package exports the function)


def chw(img):
    return torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1) if img.ndim == 3 else img))


def hwc(t):
    a = t.numpy()
    return a.transpose(1, 2, 0) if a.ndim == 3 else a


def no_exact_plans(monkeypatch):
    """Plans built without the dyadic shortcut: every rounding goes through the tie search."""
    build = M._axis_plan.__wrapped__

    def plan(*args):
        p = build(*args)
        p.exact = False
        return p
    monkeypatch.setattr(M, '_axis_plan', plan)


def count_recounts(monkeypatch) -> list:
    seen = []
    tap_order = M._tap_order

    def spy(x, plan, pi, ii, qi):
        seen.append(len(pi))
        return tap_order(x, plan, pi, ii, qi)
    monkeypatch.setattr(M, '_tap_order', spy)
    return seen


def check_u8(img, scale=None, **kw):
    want = R.ref_imresize_np(img, scale, **kw)
    got = imresize_np(img, scale, **kw)
    assert got.dtype == np.uint8 and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    t = imresize_torch(chw(img), scale, **kw)
    assert t.dtype == torch.uint8
    np.testing.assert_array_equal(hwc(t), want)
    return want


@pytest.mark.parametrize('scale', [2, 3, 4])
@pytest.mark.parametrize('ds,n', [('Set5', None), ('Set14', None), ('BSD100', 2), ('Urban100', 2)])
def test_uint8_bit_for_bit_on_benchmark_benchmark_images(ds, n, scale):
    for name, img in benchmark_images(ds, n):
        hr = img[:img.shape[0] // scale * scale, :img.shape[1] // scale * scale]
        lr = check_u8(hr, 1 / scale)              # an LR image of the benchmark table
        check_u8(lr, scale)                       # the Bicubic baseline's upscaling


@pytest.mark.parametrize('scale', [2, 3, 4])
def test_float_to_1e12_on_set5_and_set14(scale):
    for name, img in benchmark_images('Set5') + benchmark_images('Set14'):
        hr = img[:img.shape[0] // scale * scale, :img.shape[1] // scale * scale].astype(np.float64) / 255
        hr = hr if hr.ndim == 3 else hr[:, :, None]
        for x, s in ((hr, 1 / scale), (R.ref_imresize_np(hr, 1 / scale), scale)):
            want = R.ref_imresize_np(x, s)
            got = imresize_np(x, s)
            assert got.dtype == np.float64 and got.shape == want.shape
            assert np.abs(got - want).max() <= 1e-12, name
            assert np.abs(hwc(imresize_torch(chw(x), s)) - want).max() <= 1e-12, name


def test_plans_with_dyadic_weights_sum_exactly():
    # integer scales: every sum of products with integers in 0..255 is exact, in any order
    for n, s in [(96, 1 / 2), (96, 1 / 4), (48, 2), (24, 4), (23, 2)]:
        assert M._axis_plan(n, M.output_size(n, s), float(s), 'bicubic', True).exact
    for n, s in [(96, 1 / 3), (32, 3), (40, 0.7), (20, 2.5)]:
        assert not M._axis_plan(n, M.output_size(n, s), float(s), 'bicubic', True).exact
    x = step_image(96, 120, 0).astype(np.float64)   # integers as floats: no rounding, sums compared as is
    for shape in [(48, 120), (24, 120), (96, 60), (96, 30), (192, 120), (96, 480)]:
        want = R.ref_imresize_np(x, output_shape=shape)
        np.testing.assert_array_equal(imresize_np(x, output_shape=shape), want)
        np.testing.assert_array_equal(hwc(imresize_torch(chw(x), output_shape=shape)), want)


def ramp(h, w, slope):
    """uint8 planes ``slope * (row + col) + offset``: the cubic kernel reproduces straight lines, so inside
    the image the sums of an integer-scale resize (with the right slope) are exact halves ``k + 0.5``."""
    r, c = np.mgrid[:h, :w]
    return np.stack([slope * (r + c) + o for o in (0, 7, 13)], axis=2).astype(np.uint8)


def halves(v):
    return int((v - 0.5 == np.floor(v - 0.5)).sum())


@pytest.mark.parametrize('scale', [2, 4])
def test_exact_halves_round_like_the_reference_through_the_tie_search(scale, monkeypatch):
    hr, lr = ramp(96, 120, 1), ramp(24, 30, scale)
    assert halves(R.ref_imresize_np(hr.astype(np.float64), output_shape=(96 // scale, 120))) > 5000
    assert halves(R.ref_imresize_np(lr.astype(np.float64), output_shape=(24 * scale, 30))) > 3000
    for img in (hr, step_image(96, 120, scale)):
        check_u8(img, 1 / scale)                  # the dyadic shortcut
    check_u8(lr, scale)
    no_exact_plans(monkeypatch)
    seen = count_recounts(monkeypatch)
    for img in (hr, step_image(96, 120, scale)):
        check_u8(img, 1 / scale)                  # the tie search finds the halves and recounts them
    check_u8(lr, scale)
    assert sum(seen) > 10000


@pytest.mark.parametrize('scale', [1 / 2, 1 / 3, 0.7, 2, 2.5, 3])
def test_every_value_recounted_in_tap_order_is_the_reference(scale, monkeypatch):
    # tolerance 0.5: each value goes through _tap_order, whose arithmetic must be the reference's exactly
    no_exact_plans(monkeypatch)
    monkeypatch.setattr(M, '_TIE_TOL', 0.5)
    seen = count_recounts(monkeypatch)
    rng = np.random.default_rng(int(scale * 10))
    img = rng.integers(0, 256, size=(33, 27, 3), dtype=np.uint8)
    want = check_u8(img, scale)
    # rows first (equal scales), then columns; numpy and torch front ends: each value once
    assert sum(seen) == 2 * (want.shape[0] * 27 * 3 + want.size)
    check_u8(img[:, :, 0], scale)
    check_u8(img, output_shape=(50, 9))


def test_torch_engine_uint8_and_autograd(monkeypatch):
    # the path of other devices (and autograd): torch's own block products
    rng = np.random.default_rng(7)
    img = step_image(48, 60, 1)

    def engine_u8(img, s):
        order, plans = M._plan(img.shape[:2], s, None, 'bicubic', None)
        got = M._resize_torch(chw(img).double().contiguous(), order, plans, True)
        np.testing.assert_array_equal(hwc(got.to(torch.uint8)), R.ref_imresize_np(img, s))
    for s in (1 / 2, 1 / 3, 3, 4):
        engine_u8(img, s)
        engine_u8(ramp(24, 30, 2), 2)
    no_exact_plans(monkeypatch)
    seen = count_recounts(monkeypatch)
    engine_u8(ramp(24, 30, 2), 2)                 # exact halves found by torch's tie search
    assert sum(seen) > 1000
    monkeypatch.setattr(M, '_TIE_TOL', 0.5)        # every value recounted by torch's _tap_order
    for s in (1 / 2, 1 / 3, 0.7, 3):
        engine_u8(img, s)
    x = torch.from_numpy(rng.random((2, 3, 19, 22))).requires_grad_()
    x_ref = x.detach().clone().requires_grad_()
    g = torch.from_numpy(rng.random((2, 3, 7, 8)))
    y, y_ref = imresize_torch(x, 1 / 3), R.ref_imresize_torch(x_ref, 1 / 3)
    assert y.requires_grad and (y - y_ref).abs().max().item() <= 1e-12
    (y * g).sum().backward()
    (y_ref * g).sum().backward()
    assert (x.grad - x_ref.grad).abs().max().item() <= 1e-12
