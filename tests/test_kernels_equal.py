"""The fast kernels give the numbers of the kernels they replaced (kept verbatim in
``tests/_reference_kernels.py``): MATLAB imresize exactly for uint8 (rounded after each dimension) and to
2e-6 for float, numpy and torch front ends; the metric preparation (quantise, Y, crop) exactly; PSNR, SSIM
and IFC to 1e-6 relative. Random images, images with hard edges (where a different summation order could
flip a rounding at an exact .5) and real photos (Set5, skipped when absent)."""

import numpy as np
import pytest
import torch

import _reference_kernels as R
from conftest import benchmark_images, step_image
from srbench.transforms.imresize import imresize_np, imresize_torch

SCALES = [1 / 2, 1 / 3, 1 / 4, 0.7, 0.9, 1.0, 1.5, 2, 3, 4, 8]
SIZES = [(1, 1), (1, 7), (2, 3), (5, 5), (13, 17), (31, 9), (64, 48)]


def set5():
    return benchmark_images('Set5')


def check_uint8(img, scale=None, **kw):
    want = R.ref_imresize_np(img, scale, **kw)
    got = imresize_np(img, scale, **kw)
    assert got.dtype == np.uint8 and got.shape == want.shape
    np.testing.assert_array_equal(got, want)
    chw = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1) if img.ndim == 3 else img[None]))
    tw, tg = R.ref_imresize_torch(chw, scale, **kw), imresize_torch(chw, scale, **kw)
    assert tg.dtype == torch.uint8
    np.testing.assert_array_equal(tg.numpy(), tw.numpy())


def check_float(x, scale=None, **kw):
    want = R.ref_imresize_np(x, scale, **kw)
    got = imresize_np(x, scale, **kw)
    assert got.dtype == x.dtype and got.shape == want.shape
    assert np.abs(got - want).max() <= 2e-6
    t = torch.from_numpy(np.ascontiguousarray(np.moveaxis(x, -1, 0) if x.ndim == 3 else x))
    for dtype in (torch.float64, torch.float32):
        tw, tg = R.ref_imresize_torch(t.to(dtype), scale, **kw), imresize_torch(t.to(dtype), scale, **kw)
        assert tg.dtype == dtype and tg.shape == tw.shape
        assert (tg - tw).abs().max().item() <= 2e-6


@pytest.mark.parametrize('method', ['bicubic', 'bilinear', 'nearest'])
@pytest.mark.parametrize('hw', SIZES)
def test_imresize_random_sizes_scales_methods(hw, method):
    rng = np.random.default_rng(hw[0] * 100 + hw[1])
    for scale in SCALES:
        check_uint8(rng.integers(0, 256, size=hw + (3,), dtype=np.uint8), scale, method=method)
        check_uint8(rng.integers(0, 256, size=hw, dtype=np.uint8), scale, method=method)
        check_float(rng.random(hw + (2,)), scale, method=method)


def test_imresize_output_shapes_and_batches():
    rng = np.random.default_rng(5)
    x8 = rng.integers(0, 256, size=(23, 37, 3), dtype=np.uint8)
    for out_hw in [(46, 37), (11, 74), (7, 9), (23, 12), (69, 111), (5, 150)]:
        check_uint8(x8, output_shape=out_hw)
        check_float(x8 / 255.0, output_shape=out_hw)
    t = torch.from_numpy(rng.random((2, 3, 1, 19, 22))).float()
    got, want = imresize_torch(t, 1 / 3), R.ref_imresize_torch(t, 1 / 3)
    assert got.shape == want.shape == (2, 3, 1, 7, 8) and got.dtype == torch.float32
    assert (got - want).abs().max().item() <= 2e-6       # float32: a matrix product sums in another order


@pytest.mark.parametrize('scale', [2, 3, 4])
def test_imresize_hard_edges_round_like_the_reference(scale):
    img = step_image(96, 120, scale)
    check_uint8(img, 1 / scale)
    lr = R.ref_imresize_np(img, 1 / scale)
    check_uint8(lr, scale)
    check_float(img / 255.0, 1 / scale)


@pytest.mark.parametrize('scale', [2, 3, 4])
def test_imresize_set5_down_and_up(scale):
    for name, img in set5():
        hr = img[:img.shape[0] // scale * scale, :img.shape[1] // scale * scale]
        check_uint8(hr, 1 / scale)
        check_uint8(R.ref_imresize_np(hr, 1 / scale), scale)
    name, img = set5()[0]
    check_float(img[:128, :96] / 255.0, 1 / scale)


# ---------------------------------------------------------------- metric preparation (quantise, Y, crop)
def pairs(seed):
    """(pred, gt, meta) cases: float SR with values outside [0, 1] and exact .5 steps, uint8 HR; RGB, gray
    RGB, single channel; float32, float64 and float16 SR."""
    rng = np.random.default_rng(seed)
    hr8 = rng.integers(0, 256, size=(3, 40, 52), dtype=np.uint8)
    gt = torch.from_numpy(hr8).float() / 255
    sr = torch.from_numpy(rng.normal(0.5, 0.35, size=(3, 40, 52))).float()
    sr[0, :4] = (torch.arange(52) + 0.5) / 255            # exact halves: round half away from zero
    gray8 = np.repeat(hr8[:1], 3, axis=0)
    yield sr, gt, dict(name='rgb', scale=3)
    yield sr.double(), gt, dict(name='f64', scale=2)
    yield sr.half(), gt, dict(name='f16', scale=4)
    yield sr[:1], gt[:1], dict(name='y', scale=2)
    yield sr, torch.from_numpy(gray8).float() / 255, dict(name='gray', scale=3, is_gray=True)
    tall8 = rng.integers(0, 256, size=(3, 900, 40), dtype=np.uint8)   # several blocks of rows, the last short
    tall = torch.from_numpy(rng.normal(0.5, 0.35, size=(3, 900, 40))).float()
    yield tall, torch.from_numpy(tall8).float() / 255, dict(name='tall', scale=2)
    gray_tall = torch.from_numpy(np.repeat(tall8[:1], 3, axis=0)).float() / 255
    yield tall, gray_tall, dict(name='tall gray', scale=2, is_gray=True)


@pytest.mark.parametrize('protocol', ['matlab', 'basicsr'])
@pytest.mark.parametrize('channel', ['y', 'rgb'])
@pytest.mark.parametrize('crop', [None, 0, 5])
def test_prepare_pair_equals_reference(protocol, channel, crop):
    from srbench.metrics.base import prepare_pair
    for pred, gt, meta in pairs(7):
        want = R.ref_prepare_pair(pred, gt, meta, protocol, channel, crop)
        got = prepare_pair(pred, gt, meta, protocol, channel, crop)
        for a, b in zip(got, want):
            assert a.dtype == np.float64 and a.shape == b.shape, meta
            np.testing.assert_array_equal(a, b)
        assert prepare_pair(pred, gt, meta, protocol, channel, crop) is got        # reused by the next metric


def test_prepare_pair_reuse_follows_the_tensors():
    from srbench.metrics.base import prepare_pair
    pred, gt, meta = next(pairs(8))
    a = prepare_pair(pred, gt, meta)
    assert not a[0].flags.writeable                   # a metric cannot spoil the next metric's input
    pred.mul_(0.5)                                    # in place: the version counter moves on
    b = prepare_pair(pred, gt, meta)
    assert b is not a and not np.array_equal(a[0], b[0])
    np.testing.assert_array_equal(b[0], R.ref_prepare_pair(pred, gt, meta)[0])
    assert prepare_pair(pred, gt, meta, crop_border=1) is not b
    assert prepare_pair(pred.clone(), gt, meta) is not b


# ---------------------------------------------------------------- PSNR, SSIM
def close(a, b, rel=1e-6):
    return a == b or abs(a - b) <= rel * max(abs(a), abs(b))


def y_pairs():
    rng = np.random.default_rng(11)
    for hw in [(11, 11), (11, 40), (37, 12), (100, 30), (203, 157)]:
        hr = np.floor(rng.random(hw) * 256)
        yield hr, np.clip(hr + np.round(rng.normal(0, 6, hw)), 0, 255)
        yield hr, np.floor(rng.random(hw) * 256)                           # unrelated: SSIM near 0
    flat = np.full((40, 50), 17.0)
    yield flat, flat.copy()                                                 # zero variance
    yield flat, np.full((40, 50), 18.0)


def test_psnr_ssim_equal_reference_on_random_images():
    from srbench.metrics.psnr import psnr
    from srbench.metrics.ssim import ssim, ssim_map
    for hr, sr in y_pairs():
        ref_mse = np.mean((sr - hr) ** 2)
        want = float('inf') if ref_mse == 0 else 10 * np.log10(255.0 ** 2 / ref_mse)
        assert close(psnr(sr, hr), want)
        assert close(ssim(sr, hr), R.ref_ssim(sr, hr)), hr.shape
        assert np.abs(ssim_map(sr, hr) - R.ref_ssim_map(sr, hr)).max() <= 1e-12
    hr, sr = next(y_pairs())
    rgb_hr, rgb_sr = np.stack([hr, hr[::-1], sr], -1), np.stack([sr, sr[::-1], hr], -1)
    assert close(ssim(rgb_sr, rgb_hr), R.ref_ssim(rgb_sr, rgb_hr))


def test_psnr_ssim_equal_reference_on_set5_bicubic():
    from srbench.metrics import PSNR, SSIM
    from srbench.metrics.base import prepare_pair
    for name, img in set5():
        hr = img[:img.shape[0] // 3 * 3, :img.shape[1] // 3 * 3]
        sr = R.ref_imresize_np(R.ref_imresize_np(hr, 1 / 3), 3)
        pred, gt = (torch.from_numpy(x.transpose(2, 0, 1).copy()).float() / 255 for x in (sr, hr))
        meta = dict(name=name, scale=3)
        a, b = R.ref_prepare_pair(pred, gt, meta)
        ref_psnr = 10 * np.log10(255.0 ** 2 / np.mean((a - b) ** 2))
        s, h = prepare_pair(pred, gt, meta)
        assert close(PSNR().score(s, h), ref_psnr) and close(SSIM().score(s, h), R.ref_ssim(a, b)), name


@pytest.mark.parametrize('dtype', [torch.float32, torch.float16, torch.float64])
@pytest.mark.parametrize('bad', [float('nan'), float('inf'), -float('inf')])
def test_prepare_pair_finds_nan_and_inf_in_the_border_too(dtype, bad):
    from srbench.errors import DataError
    from srbench.metrics.base import prepare_pair
    pred, gt, meta = next(pairs(9))
    pred = pred.to(dtype)
    pred[1, 0, 0] = bad                                 # inside the cropped border
    with pytest.raises(DataError, match='NaN or infinite'):
        prepare_pair(pred, gt, meta)
    big = torch.full((3, 20, 20), 6e4 if dtype == torch.float16 else 3e38, dtype=dtype)
    prepare_pair(big, big.clone(), dict(name='big', scale=2))       # huge but finite: no error


# ---------------------------------------------------------------- IFC
def test_ifc_equals_reference():
    from srbench.metrics.ifc import ifc
    rng = np.random.default_rng(12)
    for hw in [(72, 72), (75, 101), (130, 96)]:
        hr = np.floor(rng.random(hw) * 256)
        for sr in (np.clip(hr + np.round(rng.normal(0, 8, hw)), 0, 255), np.floor(rng.random(hw) * 256),
                   np.full(hw, 100.0), hr.copy()):
            assert close(ifc(hr, sr), R.ref_ifc(hr, sr)), hw
    for name, img in set5()[:2]:
        hr = R.rgb2ycbcr(img, y_only=True).astype(np.float64)
        sr = R.ref_imresize_np(R.ref_imresize_np(R.rgb2ycbcr(img, y_only=True), 1 / 2), 2).astype(np.float64)
        assert close(ifc(hr[2:-2, 2:-2], sr[2:-2, 2:-2]), R.ref_ifc(hr[2:-2, 2:-2], sr[2:-2, 2:-2])), name
