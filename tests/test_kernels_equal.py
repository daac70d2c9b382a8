"""The fast kernels give the numbers of the kernels they replaced (kept verbatim in
``tests/_reference_kernels.py``): MATLAB imresize exactly for uint8 (rounded after each dimension) and to
2e-6 for float, numpy and torch front ends; the metric preparation (quantise, Y, crop) exactly; PSNR, SSIM
and IFC to 1e-6 relative. Random images, images with hard edges (where a different summation order could
flip a rounding at an exact .5) and real photos (Set5, skipped when absent)."""
import os

import numpy as np
import pytest
import torch

import _reference_kernels as R
from srbench.data.benchmarks import benchmark_root
from srbench.transforms.imresize import imresize_np, imresize_torch

SCALES = [1 / 2, 1 / 3, 1 / 4, 0.7, 0.9, 1.0, 1.5, 2, 3, 4, 8]
SIZES = [(1, 1), (1, 7), (2, 3), (5, 5), (13, 17), (31, 9), (64, 48)]


def set5():
    d = os.path.join(benchmark_root(), 'Set5', 'HR')
    if not os.path.isdir(d):
        pytest.skip(f'Set5 not found at {d} (set SRBENCH_DATA_ROOT)')
    from srbench.data.io import imread, list_images
    return [(p.stem, imread(p)) for p in list_images(d)]


def edges(h, w, seed):
    """uint8 image of hard vertical and horizontal steps between random levels (odd sums included)."""
    rng = np.random.default_rng(seed)
    rows = np.repeat(rng.integers(0, 256, size=(h + 7) // 8), 8)[:h]
    cols = np.repeat(rng.integers(0, 256, size=(w + 5) // 6), 6)[:w]
    img = np.stack([rows[:, None] + 0 * cols[None], 0 * rows[:, None] + cols[None],
                    (rows[:, None] + cols[None]) % 256], axis=2)
    return img.astype(np.uint8)


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
    np.testing.assert_array_equal(imresize_torch(t, 1 / 3).numpy(), R.ref_imresize_torch(t, 1 / 3).numpy())


@pytest.mark.parametrize('scale', [2, 3, 4])
def test_imresize_hard_edges_round_like_the_reference(scale):
    img = edges(96, 120, scale)
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
