"""PSNR, SSIM and the protocols against independent, straightforward implementations written here,
on real photos (scikit-image's samples), plus bad input and the inf handling of the mean."""
import math

import numpy as np
import pytest
import torch

from srbench.errors import ConfigError, DataError
from srbench.metrics import IFC, PSNR, SSIM, prepare_pair
from srbench.metrics.base import mean_finite
from srbench.registry import METRICS
from srbench.transforms.color import rgb2ycbcr
from srbench.transforms.imresize import imresize_np

skdata = pytest.importorskip('skimage.data')


# ---------------------------------------------------------------- independent reference code
def ref_y_exact(img8):
    """Y = round(16 + (65.481 R + 128.553 G + 24.966 B)/255) in exact integer arithmetic (halves up),
    and where the exact value is a tie (x.5)."""
    x = img8.astype(np.int64)
    num = 65481 * x[..., 0] + 128553 * x[..., 1] + 24966 * x[..., 2] + 16 * 255000   # Y * 255000
    return (num + 127500) // 255000, (num % 255000) == 127500


def ref_y_matlab(img8):
    """MATLAB's rgb2ycbcr on uint8, step by step: T = (1/255) * origT; imlincomb(T(1,1), R, T(1,2), G,
    T(1,3), B, 16) in double; uint8 output rounded half away from zero."""
    t = (1 / 255) * np.array([65.481, 128.553, 24.966])
    x = img8.astype(np.float64)
    return np.floor(t[0] * x[..., 0] + t[1] * x[..., 1] + t[2] * x[..., 2] + 16 + 0.5).astype(np.int64)


def ref_uint8(t):
    """MATLAB uint8(x * 255) of a C×H×W float tensor, element by element in Python's float."""
    a = np.asarray(t, dtype=np.float64).transpose(1, 2, 0)
    return np.clip(np.floor(np.clip(a, 0, 1) * 255.0 + 0.5), 0, 255).astype(np.int64)


def ref_psnr(a, b):
    sse = int(((a.astype(np.int64) - b.astype(np.int64)) ** 2).sum())
    return math.inf if sse == 0 else 10 * math.log10(255 * 255 / (sse / a.size))


def ref_ssim(a, b):
    """Wang et al.'s ssim_index, literally: fspecial('gaussian', 11, 1.5), filter2(..., 'valid')."""
    x, y = np.meshgrid(np.arange(-5, 6), np.arange(-5, 6))
    w = np.exp(-(x * x + y * y) / (2 * 1.5 ** 2))
    w /= w.sum()

    def filt(img):
        v = np.lib.stride_tricks.sliding_window_view(img, (11, 11))
        return np.einsum('ijkl,kl->ij', v, w)
    a, b = a.astype(np.float64), b.astype(np.float64)
    c1, c2 = (0.01 * 255) ** 2, (0.03 * 255) ** 2
    mu1, mu2 = filt(a), filt(b)
    s1, s2, s12 = filt(a * a) - mu1 ** 2, filt(b * b) - mu2 ** 2, filt(a * b) - mu1 * mu2
    m = ((2 * mu1 * mu2 + c1) * (2 * s12 + c2)) / ((mu1 ** 2 + mu2 ** 2 + c1) * (s1 + s2 + c2))
    return m.mean()


# ---------------------------------------------------------------- fixtures
@pytest.fixture(scope='module')
def pair():
    """A real photo (HR, uint8 RGB, mod-cropped to 4) and its x4 bicubic reconstruction as tensors."""
    hr = skdata.astronaut()[:508, :500]
    sr = imresize_np(imresize_np(hr.astype(np.float64) / 255, 0.25), 4.0)    # float, not on the uint8 grid
    t = lambda a: torch.from_numpy(np.ascontiguousarray(a.transpose(2, 0, 1))).float()  # noqa: E731
    return hr, t(sr), t(hr.astype(np.float64) / 255)


def sample(pred, gt, name='astronaut', scale=4, gray=False):
    return {'pred': pred, 'gt': gt, 'metainfo': {'name': name, 'scale': scale, 'is_gray': gray}}


def run_metric(metric, samples):
    metric.process(None, samples)
    return metric.compute_metrics(metric.results)


# ---------------------------------------------------------------- Y, PSNR, SSIM
def test_y_conversion_exact_on_uint8():
    n_ties = 0
    for img in (skdata.astronaut(), skdata.coffee(), skdata.chelsea(), skdata.rocket()):
        mine = rgb2ycbcr(img, y_only=True).astype(np.int64)
        assert np.array_equal(mine, ref_y_matlab(img))
        exact, ties = ref_y_exact(img)
        assert np.array_equal(mine[~ties], exact[~ties])      # MATLAB's double arithmetic only decides ties
        n_ties += int(ties.sum())
    assert n_ties < 10
    t = torch.from_numpy(skdata.astronaut().transpose(2, 0, 1).copy())
    assert np.array_equal(rgb2ycbcr(t, y_only=True)[0].numpy(), ref_y_matlab(skdata.astronaut()))


def test_psnr_exact(pair):
    hr, pred, gt = pair
    sr8, hr8 = ref_uint8(pred), ref_uint8(gt)
    assert np.array_equal(hr8, hr)
    ysr, yhr = ref_y_matlab(sr8), ref_y_matlab(hr8)
    b = 4
    want_y = ref_psnr(ysr[b:-b, b:-b], yhr[b:-b, b:-b])
    want_rgb = ref_psnr(sr8[b:-b, b:-b], hr8[b:-b, b:-b])
    assert run_metric(PSNR(), [sample(pred, gt)])['PSNR'] == want_y
    assert run_metric(PSNR(channel='rgb'), [sample(pred, gt)])['PSNR'] == want_rgb
    assert run_metric(PSNR(crop_border=0), [sample(pred, gt)])['PSNR'] == ref_psnr(ysr, yhr)
    assert 20 < want_y < 40 and want_y != want_rgb


def test_ssim_matches_wang_ssim_index(pair):
    from srbench.metrics import ssim
    hr, pred, gt = pair
    ysr, yhr = ref_y_matlab(ref_uint8(pred)), ref_y_matlab(ref_uint8(gt))
    crop = (slice(60, 220), slice(150, 330))
    assert abs(ssim(ysr[crop], yhr[crop]) - ref_ssim(ysr[crop], yhr[crop])) <= 1e-6
    # the whole image through the metric (uint8, Y, border 4) against the reference computed on two
    # overlapping strips whose SSIM maps are the top and bottom rows of the full map
    got = run_metric(SSIM(), [sample(pred, gt)])['SSIM']
    ya, yb = ysr[4:-4, 4:-4], yhr[4:-4, 4:-4]
    h = ya.shape[0]
    k = h // 2
    top, bot = ref_ssim(ya[:k + 5], yb[:k + 5]), ref_ssim(ya[k - 5:], yb[k - 5:])
    n_top, n_bot = k - 5, h - k - 5
    assert abs(got - (top * n_top + bot * n_bot) / (n_top + n_bot)) <= 1e-6
    assert 0.5 < got < 0.99
    assert run_metric(SSIM(), [sample(gt, gt)])['SSIM'] == pytest.approx(1.0, abs=1e-12)


def test_rgb_channel_is_mean_of_channels(pair):
    _, pred, gt = pair
    a, b = prepare_pair(pred, gt, {'scale': 4}, channel='rgb')
    from srbench.metrics import ssim
    got = run_metric(SSIM(channel='rgb'), [sample(pred, gt)])['SSIM']
    assert got == pytest.approx(np.mean([ssim(a[..., c], b[..., c]) for c in range(3)]), abs=1e-15)


# ---------------------------------------------------------------- protocols and gray images
def test_matlab_gray_image_used_as_y():
    cam = skdata.camera()[:256, :256]
    sr = imresize_np(imresize_np(cam, 0.5), 2.0)
    t1 = torch.from_numpy(sr[None].astype(np.float32) / 255)
    t2 = torch.from_numpy(cam[None].astype(np.float32) / 255)
    want = ref_psnr(sr[2:-2, 2:-2], cam[2:-2, 2:-2])
    assert run_metric(PSNR(), [sample(t1, t2, 'camera', 2, gray=True)])['PSNR'] == want
    # an RGB network on a gray image (3 equal channels): Y is the gray value, not rgb2ycbcr's
    rgb = sample(t1.repeat(3, 1, 1), t2.repeat(3, 1, 1), 'camera', 2, gray=True)
    assert run_metric(PSNR(), [rgb])['PSNR'] == want


def test_basicsr_protocol_float_y_and_gray_expanded(pair):
    hr, pred, gt = pair
    sr8 = np.round(np.clip(pred.numpy().astype(np.float64), 0, 1) * 255).transpose(1, 2, 0)   # half to even
    y = lambda a: 16 + (65.481 * a[..., 0] + 128.553 * a[..., 1] + 24.966 * a[..., 2]) / 255  # noqa: E731
    ya, yb = y(sr8)[4:-4, 4:-4], y(hr.astype(np.float64))[4:-4, 4:-4]
    want = 10 * np.log10(255 ** 2 / np.mean((ya - yb) ** 2))
    got = run_metric(PSNR(protocol='basicsr'), [sample(pred, gt)])['PSNR']
    assert got == pytest.approx(want, abs=1e-9)
    assert abs(got - run_metric(PSNR(), [sample(pred, gt)])['PSNR']) > 1e-4   # rounding Y matters
    cam = skdata.camera()[:128, :128].astype(np.float64)
    noisy = np.clip(cam + np.random.default_rng(0).normal(0, 5, cam.shape).round(), 0, 255)
    t1, t2 = (torch.from_numpy(a[None] / 255) for a in (noisy, cam))
    m = run_metric(PSNR(protocol='basicsr', crop_border=0), [sample(t1, t2, 'camera', 2, gray=True)])['PSNR']
    mse = np.mean((noisy - cam) ** 2) * (219 / 255) ** 2           # gray → RGB → Y scales by 219/255
    assert m == pytest.approx(10 * np.log10(255 ** 2 / mse), abs=1e-9)


def test_protocol_recorded():
    m = SSIM()
    info = m.protocol_info(3)
    assert info['name'] == 'matlab' and info['channel'] == 'y' and info['crop_border'] == 3
    assert 'rounded' in info['y'] and '11x11' in info['formula']
    assert PSNR(protocol='basicsr', crop_border=0).protocol_info(4)['crop_border'] == 0
    assert 'not rounded' in PSNR(protocol='basicsr').protocol_info()['y']


# ---------------------------------------------------------------- inf and the mean
def test_identical_images_give_inf_left_out_of_the_mean(pair):
    _, pred, gt = pair
    r = run_metric(PSNR(), [sample(gt, gt, 'same'), sample(pred, gt, 'a'), sample(pred, gt, 'b')])
    one = run_metric(PSNR(), [sample(pred, gt, 'a')])['PSNR']
    assert r['PSNR'] == pytest.approx(one, abs=1e-12) and r['PSNR_num_inf'] == 1
    m = PSNR()
    assert run_metric(m, [sample(gt, gt, 'same')]) == {'PSNR': math.inf, 'PSNR_num_inf': 1}
    assert m.per_image == [{'name': 'same', 'PSNR': math.inf}]
    assert math.isnan(mean_finite([]))


# ---------------------------------------------------------------- bad input
def test_size_mismatch_names_the_image(pair):
    _, pred, gt = pair
    for cls in (PSNR, SSIM, IFC):
        with pytest.raises(DataError, match="'butterfly'.*SR \\(3, 508, 496\\) vs HR \\(3, 508, 500\\)"):
            cls().process(None, [sample(pred[:, :, :496], gt, 'butterfly')])


def test_crop_border_larger_than_the_image():
    t = torch.zeros(1, 20, 30)
    with pytest.raises(DataError, match="crop border 10 leaves nothing of image 'tiny' \\(30x20\\)"):
        PSNR(crop_border=10).process(None, [sample(t, t, 'tiny')])
    with pytest.raises(DataError, match="crop border 12 .*'tiny'"):   # the default border: the scale
        PSNR().process(None, [sample(t, t, 'tiny', scale=12)])
    with pytest.raises(DataError, match="SSIM: image 'tiny'.*smaller than the 11x11 SSIM window"):
        SSIM(crop_border=5).process(None, [sample(t, t, 'tiny')])
    with pytest.raises(DataError, match="IFC: image 'tiny'.*too small for IFC.*72"):
        IFC(crop_border=0).process(None, [sample(t, t, 'tiny')])


@pytest.mark.parametrize('kwargs, match', [
    (dict(protocol='matlb'), "unknown protocol 'matlb'; expected one of matlab, basicsr"),
    (dict(channel='ycbcr'), "unknown channel 'ycbcr'; expected one of y, rgb"),
    (dict(crop_border=-1), 'crop_border must be a non-negative integer'),
])
def test_unknown_protocol_or_channel(kwargs, match):
    for cls in ('PSNR', 'SSIM', 'IFC'):
        with pytest.raises(ConfigError, match=match):
            METRICS.build(dict(type=cls, **kwargs))


def test_nan_output_names_the_image(pair):
    _, pred, gt = pair
    bad = pred.clone()
    bad[0, 10, 10] = float('nan')
    with pytest.raises(DataError, match="'astronaut' has NaN"):
        PSNR().process(None, [sample(bad, gt)])
