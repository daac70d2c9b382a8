"""Common machinery of srbench's full-reference metrics: quantisation, channel selection and
border cropping under a named *protocol*, per-image results, and the protocol record that goes
into every result.

A metric sees model outputs ``{'pred': Tensor[C,H,W], 'gt': Tensor[C,H,W], 'metainfo': {...}}``
with values in [0, 1] (``gt`` is uint8/255 exactly).

Protocol ``matlab`` (the classic papers' evaluation code):
  * SR is clipped to [0, 1] and rounded to uint8 (``uint8(sr * 255)``); HR is uint8;
  * ``channel='y'``: Y = MATLAB ``rgb2ycbcr`` on uint8, rounded to uint8; a single-channel image
    (and, for RGB networks, the channel mean of their output on such an image) is used as Y
    directly; data already in Y (``channels='y'`` networks) is used as is;
  * ``crop_border`` pixels (default: the scale) are removed on every side before comparing.
"""
from __future__ import annotations

import math
from typing import Sequence

import numpy as np
import torch
from mmengine.evaluator import BaseMetric

from ..errors import ConfigError, DataError
from ..transforms.color import rgb2ycbcr

PROTOCOLS = {
    'matlab': dict(
        quantize='SR clipped to [0,1], rounded to uint8; HR uint8',
        y='MATLAB rgb2ycbcr on uint8 (BT.601 limited range), Y rounded to uint8',
        gray='single-channel image used as Y directly',
    ),
}
CHANNEL_MODES = ('y', 'rgb')


def to_uint8(x: torch.Tensor) -> np.ndarray:
    """Tensor[C,H,W] in [0,1] → H×W×C uint8, MATLAB ``uint8(x * 255)`` (round half away, saturate)."""
    a = x.detach().to('cpu', torch.float64).clamp_(0, 1).mul_(255.0).add_(0.5).floor_()
    return a.numpy().astype(np.uint8).transpose(1, 2, 0)


class SRMetric(BaseMetric):
    """Base of PSNR/SSIM/...: subclasses implement :meth:`score` on prepared float64 arrays.

    Args:
        crop_border: pixels removed on each side; ``None`` = the sample's scale.
        channel: ``'y'`` (default) or ``'rgb'``.
        protocol: ``'matlab'`` (default).
        prefix: MMEngine metric prefix (to use one metric twice in an evaluator).
    """
    metric_name = 'metric'
    higher_is_better = True
    default_prefix = ''   # no prefix unless asked (and no MMEngine warning about it)

    def __init__(self, crop_border: int | None = None, channel: str = 'y', protocol: str = 'matlab',
                 collect_device: str = 'cpu', prefix: str | None = None):
        super().__init__(collect_device=collect_device, prefix=prefix)
        if protocol not in PROTOCOLS:
            raise ConfigError(f'{type(self).__name__}: unknown protocol {protocol!r}; expected one of '
                              f'{", ".join(PROTOCOLS)}')
        if channel not in CHANNEL_MODES:
            raise ConfigError(f'{type(self).__name__}: unknown channel {channel!r}; expected one of '
                              f'{", ".join(CHANNEL_MODES)}')
        if crop_border is not None and (not isinstance(crop_border, int) or crop_border < 0):
            raise ConfigError(f'{type(self).__name__}: crop_border must be a non-negative integer or None, '
                              f'got {crop_border!r}')
        self.crop_border, self.channel, self.protocol = crop_border, channel, protocol
        self.per_image: list = []

    # -- the protocol ------------------------------------------------------------------------
    def protocol_info(self, scale=None) -> dict:
        return dict(name=self.protocol, channel=self.channel,
                    crop_border=self.crop_border if self.crop_border is not None else (scale or 'scale'),
                    **PROTOCOLS[self.protocol])

    def prepare(self, pred: torch.Tensor, gt: torch.Tensor, meta: dict) -> tuple[np.ndarray, np.ndarray]:
        """(sr, hr) as float64 H×W×C arrays on the 0..255 scale, channel-selected and border-cropped."""
        name = meta.get('name', '?')
        if pred.shape != gt.shape:
            raise DataError(f'{self.metric_name}: SR and HR sizes differ for image {name!r}: '
                            f'SR {tuple(pred.shape)} vs HR {tuple(gt.shape)}')
        sr8, hr8 = to_uint8(pred), to_uint8(gt)
        if self.channel == 'y':
            sr8, hr8 = self._to_y(sr8, meta), self._to_y(hr8, meta)
        b = self.crop_border if self.crop_border is not None else int(meta.get('scale') or 0)
        h, w = hr8.shape[:2]
        if 2 * b >= h or 2 * b >= w:
            raise DataError(f'{self.metric_name}: crop border {b} leaves nothing of image {name!r} '
                            f'({w}x{h})')
        if b:
            sr8, hr8 = sr8[b:h - b, b:w - b], hr8[b:h - b, b:w - b]
        return sr8.astype(np.float64), hr8.astype(np.float64)

    @staticmethod
    def _to_y(img8: np.ndarray, meta: dict) -> np.ndarray:
        c = img8.shape[2]
        if c == 1:                                  # Y data, or a single-channel image
            return img8
        if meta.get('is_gray'):                     # gray image seen by an RGB network
            return np.floor(img8.astype(np.float64).mean(axis=2, keepdims=True) + 0.5).astype(np.uint8)
        return rgb2ycbcr(img8, y_only=True)[:, :, None]

    def score(self, sr: np.ndarray, hr: np.ndarray) -> float:
        raise NotImplementedError

    # -- MMEngine ----------------------------------------------------------------------------
    def process(self, data_batch, data_samples: Sequence[dict]) -> None:
        for s in data_samples:
            meta = s.get('metainfo') or {}
            if s.get('gt') is None:
                raise DataError(f'{self.metric_name} needs the HR image (gt) of {meta.get("name", "?")!r}')
            sr, hr = self.prepare(s['pred'], s['gt'], meta)
            self.results.append({'name': meta.get('name', str(len(self.results))),
                                 self.metric_name: float(self.score(sr, hr))})

    def compute_metrics(self, results: list) -> dict:
        self.per_image = list(results)
        vals = [r[self.metric_name] for r in results]
        return {self.metric_name: mean_finite(vals)}


def mean_finite(vals) -> float:
    """Mean of the finite values (an identical pair has PSNR = inf; it is left out of the mean,
    and counted in the results as ``<metric>_inf``). NaN if no value is finite."""
    fin = [v for v in vals if math.isfinite(v)]
    return float(np.mean(fin)) if fin else float('nan')
