"""MATLAB imresize / rgb2ycbcr against straightforward references written here from MATLAB's documented
algorithm. The references never call srbench's code: they build the dense resampling matrix one output
index at a time (cubic kernel a = -0.5, width 4 stretched by 1/scale when downscaling, symmetric index
padding, weights normalised per output pixel) and apply it per dimension."""
import math
import os

import numpy as np
import pytest
import torch

from srbench.data.benchmarks import benchmark_root
from srbench.transforms.color import rgb2ycbcr, ycbcr2rgb
from srbench.transforms.imresize import imresize, imresize_np, imresize_torch

SCALES = [1 / 2, 1 / 3, 1 / 4, 0.7, 2, 3, 4]


# ---------------------------------------------------------------- the reference
def ref_cubic(x):
    a = abs(x)
    if a <= 1:
        return 1.5 * a ** 3 - 2.5 * a ** 2 + 1
    if a <= 2:
        return -0.5 * a ** 3 + 2.5 * a ** 2 - 4 * a + 2
    return 0.0


def ref_box(x):
    return 1.0 if -0.5 <= x < 0.5 else 0.0


def ref_matrix(n_in, n_out, scale, method='bicubic'):
    """Dense (n_out x n_in) matrix of MATLAB imresize along one dimension."""
    kernel, width = (ref_cubic, 4.0) if method == 'bicubic' else (ref_box, 1.0)
    antialias = scale < 1 and method == 'bicubic'
    if antialias:
        width = width / scale
    m = np.zeros((n_out, n_in))
    for i in range(1, n_out + 1):                        # MATLAB's 1-based output index
        u = i / scale + 0.5 * (1 - 1 / scale)            # where it falls in the input
        ws = {}
        for k in range(math.floor(u - width / 2) - 1, math.ceil(u + width / 2) + 2):
            w = scale * kernel(scale * (u - k)) if antialias else kernel(u - k)
            if w == 0:
                continue
            j = (k - 1) % (2 * n_in)                      # symmetric padding: ... 2 1 | 1 2 .. n | n n-1 ...
            if j >= n_in:
                j = 2 * n_in - 1 - j
            ws[j] = ws.get(j, 0.0) + w
        total = sum(ws.values())
        for j, w in ws.items():
            m[i - 1, j] += w / total
    return m


def ref_imresize(img, scale, method='bicubic', out_hw=None, uint8=False):
    """H x W [x C] float64 image; per-dimension rounding like MATLAB when ``uint8``."""
    h, w = img.shape[:2]
    if out_hw is None:
        sh = sw = scale
        oh, ow = math.ceil(scale * h), math.ceil(scale * w)
    else:
        oh, ow = out_hw
        sh, sw = oh / h, ow / w
    x = img.astype(np.float64)
    dims = [0, 1] if sh <= sw else [1, 0]               # smaller scale first, rows first on ties
    for d in dims:
        if d == 0:
            x = np.tensordot(ref_matrix(h, oh, sh, method), x, axes=([1], [0]))
        else:
            x = np.moveaxis(np.tensordot(ref_matrix(w, ow, sw, method), x, axes=([1], [1])), 0, 1)
        if uint8:
            x = np.clip(np.floor(x + 0.5), 0, 255)
    return x


def set5_images():
    d = os.path.join(benchmark_root(), 'Set5', 'HR')
    if not os.path.isdir(d):
        pytest.skip(f'Set5 not found at {d} (set SRBENCH_DATA_ROOT)')
    from srbench.data.io import imread, list_images
    return [(p.stem, imread(p)) for p in list_images(d)]


# ---------------------------------------------------------------- tests
def test_reference_sanity():
    # the reference is itself right on cases with a known answer
    assert np.allclose(ref_matrix(5, 5, 1.0), np.eye(5))
    assert np.allclose(ref_matrix(8, 16, 2.0).sum(1), 1)
    m = ref_matrix(8, 4, 0.5)
    np.testing.assert_allclose(m @ np.full(8, 0.3), 0.3, atol=1e-15)       # constants stay constant
    np.testing.assert_allclose(m, m[::-1, ::-1], atol=1e-15)                # exact 1/2: mirror-symmetric
    # hand-computed first row of x2: u = 0.75, taps -1..2 mirrored onto pixels 2,1,1,2 (1-based)
    np.testing.assert_allclose(ref_matrix(4, 8, 2.0)[0], [1.09375, -0.09375, 0, 0], atol=1e-15)


@pytest.mark.parametrize('scale', SCALES)
def test_imresize_equals_reference_on_set5(scale):
    for name, img in set5_images():
        x = img.astype(np.float64) / 255.0
        ref = ref_imresize(x, scale)
        out = imresize_np(x, scale)
        assert out.shape == ref.shape, name
        assert np.abs(out - ref).max() <= 1e-6, (name, scale)
        t = imresize_torch(torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1)))[None], scale)
        assert t.shape == (1, 3) + ref.shape[:2]
        assert np.abs(t[0].numpy().transpose(1, 2, 0) - ref).max() <= 1e-6, (name, scale)


ODD = [(1, 1), (1, 7), (7, 1), (2, 3), (5, 5), (13, 17), (31, 9)]


@pytest.mark.parametrize('hw', ODD)
def test_imresize_odd_sizes_and_one_pixel_edges(hw):
    rng = np.random.default_rng(sum(hw))
    x = rng.random(hw + (2,))
    for scale in SCALES + [0.9, 0.5, 8]:
        ref = ref_imresize(x, scale)
        out = imresize(x, scale)
        assert out.shape == ref.shape
        assert np.abs(out - ref).max() <= 1e-6, (hw, scale)


def test_imresize_output_shape_and_anisotropic():
    rng = np.random.default_rng(0)
    x = rng.random((23, 37))
    for out_hw in [(46, 37), (11, 74), (7, 9), (23, 12)]:
        ref = ref_imresize(x, None, out_hw=out_hw)
        out = imresize_np(x, output_shape=out_hw)
        assert out.shape == out_hw
        assert np.abs(out - ref).max() <= 1e-6


@pytest.mark.parametrize('scale', [1 / 2, 1 / 3, 0.7, 3])
def test_imresize_uint8_rounds_after_each_dimension(scale):
    rng = np.random.default_rng(1)
    x = rng.integers(0, 256, size=(29, 34, 3), dtype=np.uint8)
    ref = ref_imresize(x.astype(np.float64), scale, uint8=True).astype(np.uint8)
    out = imresize_np(x, scale)
    assert out.dtype == np.uint8
    np.testing.assert_array_equal(out, ref)
    t = imresize_torch(torch.from_numpy(x.transpose(2, 0, 1).copy()), scale)
    assert t.dtype == torch.uint8
    np.testing.assert_array_equal(t.numpy().transpose(1, 2, 0), ref)
    # rounding once at the end would differ somewhere: the per-dimension rounding matters
    once = np.clip(np.floor(ref_imresize(x.astype(np.float64), scale) + 0.5), 0, 255)
    assert (once != ref).any() or scale == 3


def test_imresize_nearest_replicates_pixels():
    x = np.arange(12, dtype=np.float64).reshape(3, 4)
    out = imresize_np(x, 2, method='nearest')
    np.testing.assert_array_equal(out, np.repeat(np.repeat(x, 2, 0), 2, 1))
    np.testing.assert_array_equal(out, ref_imresize(x, 2, method='nearest'))


def test_imresize_torch_batches_and_float32():
    rng = np.random.default_rng(2)
    x = rng.random((2, 3, 1, 19, 22))
    t = imresize_torch(torch.from_numpy(x).float(), 1 / 3)
    assert t.shape == (2, 3, 1, 7, 8) and t.dtype == torch.float32
    for i in range(2):
        for j in range(3):
            assert np.abs(t[i, j, 0].double().numpy() - ref_imresize(x[i, j, 0], 1 / 3)).max() <= 1e-5


def test_rgb2ycbcr_matches_matlab_formula():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 256, size=(9, 11, 3), dtype=np.uint8)
    r, g, b = (x[..., i].astype(np.float64) for i in range(3))
    y = 16 + (65.481 * r + 128.553 * g + 24.966 * b) / 255
    cb = 128 + (-37.797 * r - 74.203 * g + 112.0 * b) / 255
    cr = 128 + (112.0 * r - 93.786 * g - 18.214 * b) / 255
    want = np.stack([y, cb, cr], -1)
    np.testing.assert_array_equal(rgb2ycbcr(x), np.floor(want + 0.5).astype(np.uint8))
    np.testing.assert_array_equal(rgb2ycbcr(x, y_only=True), np.floor(y + 0.5).astype(np.uint8))
    f = rgb2ycbcr(x.astype(np.float64) / 255)
    assert np.abs(f * 255 - want).max() < 1e-9
    back = ycbcr2rgb(f)
    assert np.abs(back - x / 255).max() < 1e-9
    tt = rgb2ycbcr(torch.from_numpy(x.transpose(2, 0, 1).copy()), y_only=True)
    np.testing.assert_array_equal(tt[0].numpy(), np.floor(y + 0.5).astype(np.uint8))
