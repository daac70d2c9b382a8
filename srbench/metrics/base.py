"""Common machinery of srbench's full-reference metrics: quantisation, channel selection and
border cropping under a named *protocol*, per-image results, and the protocol record that goes
into every result.

A metric sees model outputs ``{'pred': Tensor[C,H,W], 'gt': Tensor[C,H,W], 'metainfo': {...}}``
with values in [0, 1] (``gt`` is uint8/255 exactly).

Protocol ``matlab`` (default; the classic papers' MATLAB evaluation code, e.g. SelfExSR's
``compute_difference.m``, SRCNN's and VDSR's test scripts):
  * SR is clipped to [0, 1] and rounded to uint8 (``uint8(sr * 255)``, half away from zero); HR is uint8;
  * ``channel='y'``: Y = MATLAB ``rgb2ycbcr`` on uint8, rounded to uint8; a single-channel image is
    used as Y directly (data already in Y, from ``channels='y'`` networks, too); for an RGB network
    given a grayscale image (three equal input channels) the rounded channel mean of its output is Y;
  * ``crop_border`` pixels (default: the scale) are removed on every side before comparing;
  * the metric is computed in double precision on the uint8 values (0..255).

Protocol ``matlab-double`` (LapSRN's test code, ``psnr``/``ssim`` of MATLAB on ``rgb2ycbcr`` of double
images): nothing is rounded -- SR clipped to [0, 1], HR as the data gives it (float Y of the uint8 HR with the
``lapsrn-matlab`` data protocol), Y of RGB in double precision; same border cropping.

Protocol ``basicsr`` (BasicSR / MMagic-era Python code, to compare with numbers from that work):
  * SR is clipped and rounded like BasicSR's ``tensor2img`` (``(x * 255).round()``, half to even);
  * ``channel='y'``: Y = 16 + (65.481 R + 128.553 G + 24.966 B) / 255 in floating point, *not* rounded;
  * a grayscale image is expanded to RGB first, so its Y is ``16 + 219 / 255 * v`` (not ``v``);
    Y data (``channels='y'`` networks) is used as is;
  * same border cropping.

PSNR of two identical images is ``inf``. The data-set mean is taken over the finite values (an
identical pair is left out) and the number of infinite values is reported next to it as
``<metric>_num_inf``; if every value is ``inf`` the mean is ``inf``.
"""
from __future__ import annotations

import math
import threading
from typing import Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from ..errors import ConfigError, DataError
from ..transforms.color import OFFSET as _OFFSET
from ..transforms.color import T as _T
from ..transforms.color import rgb2ycbcr
from ..utils.parallel import both
from ..utils.uint8 import im2uint8, round_u8

PROTOCOLS = {
    'matlab': dict(
        quantize='SR clipped to [0,1], rounded to uint8 (half away from zero); HR uint8',
        y='MATLAB rgb2ycbcr on uint8 (BT.601 limited range), Y rounded to uint8',
        gray='single-channel image used as Y directly',
    ),
    'basicsr': dict(
        quantize='SR clipped to [0,1], (x*255).round() (half to even, BasicSR tensor2img); HR uint8',
        y='BT.601 Y = 16 + (65.481 R + 128.553 G + 24.966 B)/255 in float64, not rounded',
        gray='grayscale image expanded to RGB first (Y = 16 + 219/255 v)',
    ),
    'matlab-double': dict(
        quantize='SR clipped to [0,1], not rounded; HR as the data gives it (with the lapsrn-matlab data '
                 'protocol: the Y of the uint8 RGB image in double precision, not rounded)',
        y='MATLAB rgb2ycbcr in double precision (BT.601 limited range), not rounded',
        gray='single-channel image used as Y directly',
    ),
}
CHANNEL_MODES = ('y', 'rgb')
DEFAULT_DECIMALS = 4     # decimals of a metric whose class does not say (pyiqa metrics, counts, unknown keys)
_Y_COEF = np.array([65.481, 128.553, 24.966]) / 255.0


def check_protocol(protocol, channel, owner: str) -> None:
    """One clear ConfigError for an unknown protocol or channel mode."""
    if protocol not in PROTOCOLS:
        raise ConfigError(f'{owner}: unknown protocol {protocol!r}; expected one of {", ".join(PROTOCOLS)}')
    if channel not in CHANNEL_MODES:
        raise ConfigError(f'{owner}: unknown channel {channel!r}; expected one of {", ".join(CHANNEL_MODES)}')


def _as_float64(x) -> np.ndarray:
    if isinstance(x, np.ndarray):
        return x.astype(np.float64)
    x = x.detach().cpu()
    return (x.float() if x.dtype in (torch.float16, torch.bfloat16) else x).numpy().astype(np.float64)


def to_uint8(x) -> np.ndarray:
    """Tensor[C,H,W] in [0,1] → H×W×C uint8, MATLAB ``uint8(x * 255)`` (round half away, saturate)."""
    return im2uint8(_as_float64(x)).transpose(1, 2, 0)


def to_uint8_half_even(x) -> np.ndarray:
    """Tensor[C,H,W] in [0,1] → H×W×C uint8 like BasicSR's ``tensor2img`` (``(x*255).round()``)."""
    a = _as_float64(x)
    np.clip(a, 0.0, 1.0, out=a)
    a *= 255.0
    return np.round(a).astype(np.uint8).transpose(1, 2, 0)


def y_matlab(img8: np.ndarray, is_gray: bool = False) -> np.ndarray:
    """H×W×C uint8 → H×W×1 uint8 Y under the ``matlab`` protocol (see the module docstring)."""
    c = img8.shape[2]
    if c == 1:                                  # Y data, or a single-channel image
        return img8
    if is_gray:                                 # gray image seen by an RGB network
        return round_u8(img8.astype(np.float64).mean(axis=2, keepdims=True))
    return rgb2ycbcr(img8, y_only=True)[:, :, None]


def y_basicsr(img8: np.ndarray, is_gray: bool = False) -> np.ndarray:
    """H×W×C uint8 → H×W×1 float64 Y under the ``basicsr`` protocol (0..255 scale, not rounded)."""
    x = img8.astype(np.float64)
    if x.shape[2] == 1:
        return x * (219.0 / 255.0) + 16.0 if is_gray else x   # gray → RGB → Y; Y data as is
    return (_Y_COEF[0] * x[..., 0] + _Y_COEF[1] * x[..., 1] + _Y_COEF[2] * x[..., 2] + 16.0)[:, :, None]


_CHUNK = 1 << 18     # elements per block of rows: few, large operations (measured, also with two threads)


def _all_finite(x: torch.Tensor) -> bool:
    """No NaN or infinity in ``x``: a float64 sum of float32/16 values cannot overflow, so it is finite
    exactly when every value is (one pass, no temporary the size of the image)."""
    if x.dtype == torch.float64 or not x.is_floating_point():
        return bool(torch.isfinite(x).all())
    return bool(torch.isfinite(x.sum(dtype=torch.float64)))


def _matlab_channels(x: torch.Tensor, channel: str, is_gray: bool) -> np.ndarray:
    """C×H×W tensor in [0, 1] -> H×W×C' float64 array of whole numbers 0..255 under the ``matlab``
    protocol, block of rows by block of rows, in place in two buffers: quantised (MATLAB ``uint8(x * 255)``:
    ``clip(floor(x * 255 + 0.5), 0, 255)`` in float64, exact for float16/32 input) and, for ``channel='y'``,
    Y: MATLAB ``rgb2ycbcr`` on uint8 (:data:`srbench.transforms.color.T`, the same products and sums in
    the same order) rounded like ``uint8``; the rounded channel mean of a gray image seen by an RGB network;
    single-channel data as it is."""
    x = x.detach().cpu()
    c, h, w = x.shape
    to_y = channel == 'y' and c > 1
    out = torch.empty((h, w, 1 if channel == 'y' else c), dtype=torch.float64)
    view = out.permute(2, 0, 1)
    rows = max(1, _CHUNK // max(1, c * w))
    q = torch.empty((c, min(rows, h), w), dtype=torch.float64)
    tmp = torch.empty((min(rows, h), w), dtype=torch.float64)
    cy = [float(v) for v in (1.0 / 255.0) * _T[0]]
    for r in range(0, h, rows):
        n = min(rows, h - r)
        qq = q[:, :n]
        qq.copy_(x[:, r:r + n])                                  # exact: float16/32 -> float64
        qq.mul_(255.0).add_(0.5).floor_().clamp_(0, 255)         # uint8(x * 255)
        if not to_y:
            view[:, r:r + n] = qq
            continue
        y = view[0, r:r + n]
        if is_gray:                                              # rounded channel mean
            torch.add(qq[0], qq[1], out=y)
            y.add_(qq[2]).div_(3.0)
        else:                                                    # rgb2ycbcr on uint8: T's products in order
            t = tmp[:n]
            torch.mul(qq[0], cy[0], out=y)
            y.add_(torch.mul(qq[1], cy[1], out=t))
            y.add_(torch.mul(qq[2], cy[2], out=t))
            y.add_(float(_OFFSET[0]))
        y.add_(0.5).floor_().clamp_(0, 255)                      # uint8(Y)
    return out.numpy()


class _LastPair(threading.local):
    """The last prepared pair of this thread, shared by the metrics of one evaluator (PSNR, SSIM and IFC
    prepare the same tensors under the same protocol): keyed on the tensors themselves (and their version
    counters, which in-place changes bump) and the protocol arguments; the arrays are read-only."""
    key = None
    value = None


_last = _LastPair()


def forget_last_pair() -> None:
    """Drop this thread's last prepared pair (its arrays are not needed any more)."""
    _last.key = _last.value = None


def _cache_key(pred, gt, meta, protocol, channel, crop_border):
    if not (isinstance(pred, torch.Tensor) and isinstance(gt, torch.Tensor)):
        return None
    return (pred, gt, pred._version, gt._version, protocol, channel, crop_border, bool(meta.get('is_gray')),
            meta.get('scale'), meta.get('name', '?'))


def _same_key(a, b) -> bool:
    return a is not None and b is not None and a[0] is b[0] and a[1] is b[1] and a[2:] == b[2:]


def prepare_pair(pred: torch.Tensor, gt: torch.Tensor, meta: dict, protocol: str = 'matlab',
                 channel: str = 'y', crop_border: int | None = None, owner: str = 'metric'):
    """(sr, hr) as float64 H×W×C arrays on the 0..255 scale: quantised, channel-selected and
    border-cropped under ``protocol`` (``crop_border=None``: the sample's scale).

    Quantisation and Y are per pixel, so the border is cropped first; the ``matlab`` protocol runs on
    float64 tensors (whole numbers, the same values as the uint8 steps of the module docstring). The
    result of the last call is reused when the next one asks for the same tensors and arguments (the
    metrics of one evaluator); the returned arrays are read-only."""
    key = _cache_key(pred, gt, meta, protocol, channel, crop_border)
    if _same_key(key, _last.key):
        return _last.value
    name = meta.get('name', '?')
    if tuple(pred.shape) != tuple(gt.shape):
        raise DataError(f'{owner}: SR and HR sizes differ for image {name!r}: '
                        f'SR {tuple(pred.shape)} vs HR {tuple(gt.shape)}')
    if pred.ndim != 3:
        raise DataError(f'{owner}: expected C×H×W images for {name!r}, got shape {tuple(pred.shape)}')
    p = torch.from_numpy(pred) if isinstance(pred, np.ndarray) else pred
    g = torch.from_numpy(gt) if isinstance(gt, np.ndarray) else gt
    if not _all_finite(p):
        raise DataError(f'{owner}: the SR image of {name!r} has NaN or infinite values')
    gray = bool(meta.get('is_gray'))
    b = crop_border if crop_border is not None else int(meta.get('scale') or 0)
    h, w = g.shape[-2:]
    if 2 * b >= h or 2 * b >= w:
        raise DataError(f'{owner}: crop border {b} leaves nothing of image {name!r} ({w}x{h}); '
                        f'use a smaller crop_border')
    if b:
        p, g = p[:, b:h - b, b:w - b], g[:, b:h - b, b:w - b]
    if protocol == 'matlab':             # the two sides in two threads (srbench.utils.parallel)
        sr, hr = both(lambda: _matlab_channels(p, channel, gray), lambda: _matlab_channels(g, channel, gray))
    elif protocol == 'matlab-double':          # the LapSRN authors' evaluation: Y in double, never rounded
        sr = p.detach().cpu().to(torch.float64).clamp(0.0, 1.0).permute(1, 2, 0).numpy() * 255.0
        hr = g.detach().cpu().to(torch.float64).permute(1, 2, 0).numpy() * 255.0
        if channel == 'y' and sr.shape[2] == 3:
            sr, hr = (16.0 + (x * _Y_COEF).sum(axis=2, keepdims=True) for x in (sr, hr))
    else:
        sr, hr = to_uint8_half_even(p), to_uint8_half_even(g)
        if channel == 'y':
            sr, hr = y_basicsr(sr, gray), y_basicsr(hr, gray)
        sr, hr = sr.astype(np.float64), hr.astype(np.float64)
    for a in (sr, hr):
        a.setflags(write=False)
    out = (sr, hr)
    if key is not None:
        _last.key, _last.value = key, out
    return out


class SRMetric(BaseMetric):
    """Base of PSNR/SSIM/IFC/...: subclasses implement :meth:`score` on prepared float64 arrays
    (H×W×C, 0..255, cropped).

    Args:
        crop_border: pixels removed on each side; ``None`` = the sample's scale.
        channel: ``'y'`` (default) or ``'rgb'``.
        protocol: ``'matlab'`` (default) or ``'basicsr'`` (see the module docstring).
        prefix: MMEngine metric prefix (to use one metric twice in an evaluator).
    """
    metric_name = 'metric'
    higher_is_better = True
    decimals = DEFAULT_DECIMALS   # how many decimals tables print (the leaderboard, tools/test.py's table)
    metric_info: dict = {}   # metric-specific details for the protocol record
    default_prefix = ''      # no prefix unless asked (and no MMEngine warning about it)

    def __init__(self, crop_border: int | None = None, channel: str = 'y', protocol: str = 'matlab',
                 collect_device: str = 'cpu', prefix: str | None = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        check_protocol(protocol, channel, type(self).__name__)
        if crop_border is not None and (isinstance(crop_border, bool) or not isinstance(crop_border, int)
                                        or crop_border < 0):
            raise ConfigError(f'{type(self).__name__}: crop_border must be a non-negative integer or None, '
                              f'got {crop_border!r}')
        self.crop_border, self.channel, self.protocol = crop_border, channel, protocol
        self.per_image: list = []

    # -- the protocol ------------------------------------------------------------------------
    def protocol_info(self, scale=None) -> dict:
        """What this metric's numbers mean (stored with every result)."""
        return dict(name=self.protocol, channel=self.channel,
                    crop_border=self.crop_border if self.crop_border is not None else (scale or 'scale'),
                    **PROTOCOLS[self.protocol], **self.metric_info)

    def prepare(self, pred: torch.Tensor, gt: torch.Tensor, meta: dict) -> tuple[np.ndarray, np.ndarray]:
        """(sr, hr) as float64 H×W×C arrays on the 0..255 scale, channel-selected and border-cropped."""
        return prepare_pair(pred, gt, meta, self.protocol, self.channel, self.crop_border, self.metric_name)

    def score(self, sr: np.ndarray, hr: np.ndarray) -> float:
        raise NotImplementedError

    def score_named(self, sr: np.ndarray, hr: np.ndarray, name: str) -> float:
        """:meth:`score`, with a ValueError about the image turned into a DataError naming it."""
        try:
            return float(self.score(sr, hr))
        except ValueError as e:
            raise DataError(f'{self.metric_name}: image {name!r}: {e}') from None

    # -- MMEngine ----------------------------------------------------------------------------
    def rows(self, data_samples: Sequence[dict], first_index: int = 0) -> list[dict]:
        """The results rows of ``data_samples`` (``{'name', <metric>: value}`` each; an image without a name
        is named by its index, counted from ``first_index``), without storing them: what :meth:`process`
        stores; the test loop computes the rows of two batches in two threads and stores them in order."""
        out = []
        for i, s in enumerate(data_samples):
            meta = s.get('metainfo') or {}
            name = meta.get('name', str(first_index + i))
            if s.get('gt') is None:
                raise DataError(f'{self.metric_name} needs the HR image (gt) of {name!r}')
            sr, hr = self.prepare(s['pred'], s['gt'], meta)
            out.append({'name': name, self.metric_name: self.score_named(sr, hr, name)})
        return out

    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        self.results.extend(self.rows(data_samples, len(self.results)))

    def compute_metrics(self, results: list) -> dict:
        forget_last_pair()                          # the last pair is not needed any more
        self.per_image = list(results)
        vals = [r[self.metric_name] for r in results]
        out = {self.metric_name: mean_finite(vals)}
        n_inf = sum(1 for v in vals if math.isinf(v))
        if n_inf:
            out[f'{self.metric_name}_num_inf'] = n_inf
        return out


def mean_finite(vals) -> float:
    """Mean of the finite values: an identical pair (PSNR = inf) is left out of the mean (and
    counted by the metric as ``<metric>_num_inf``). ``inf`` if every value is ``+inf``; NaN if
    there is no value."""
    vals = list(vals)
    fin = [v for v in vals if math.isfinite(v)]
    if fin:
        return float(np.mean(fin))
    if vals and all(v == math.inf for v in vals):
        return math.inf
    return float('nan')


def metric_decimals(name: str) -> int:
    """The decimals tables print a metric's values with: the ``decimals`` of the registered metric class
    whose ``metric_name`` (or registry name) is the last ``/`` part of ``name`` (a prefix is ignored), e.g.
    2 for ``PSNR``, 4 for ``SSIM``; :data:`DEFAULT_DECIMALS` for any other key (pyiqa metrics, counts such
    as ``PSNR_num_inf``)."""
    return decimals_table().get(str(name).split('/')[-1], DEFAULT_DECIMALS)


def decimals_table() -> dict:
    """``{metric name: decimals}`` of every metric class in srbench's METRICS registry (core and plugins:
    the first lookup imports them), by ``metric_name`` and by registry name."""
    from ..registry import METRICS
    METRICS.import_from_location()
    out: dict = {}
    for reg_name, cls in list(METRICS.module_dict.items()):
        d = getattr(cls, 'decimals', None)
        if not isinstance(d, int) or isinstance(d, bool):
            continue
        name = getattr(cls, 'metric_name', None)
        if isinstance(name, str) and name != SRMetric.metric_name:
            out.setdefault(name, d)
        out.setdefault(reg_name, d)
    return out
