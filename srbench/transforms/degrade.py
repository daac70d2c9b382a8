"""How srbench makes a model's input from an HR image: the LR by MATLAB bicubic downscaling, and the
HR-sized input of SRCNN-style models by MATLAB bicubic upscaling of that LR.

* :func:`make_lr`: the LR of a (mod-cropped) HR image, quantised or not;
* :func:`make_test_pair`: (HR, LR) of a test image by the MATLAB test protocols (``lr_from``);
* :func:`upsample`: the test protocol's HR-sized input (a uint8 LR stays uint8, as MATLAB does);
  :func:`upsample_float`: the training one (in double precision, never rounded);
* :func:`window_input`: the input for one HR window of a whole image, made from the window plus a margin
  of :data:`MARGIN` LR pixels -- what makes random crops cheap: it equals the same window of the input made
  from the whole image, up to float rounding.
"""
from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataError
from .color import to_channels
from .imresize import imresize_np
from .paired import mod_crop

__all__ = ['LR_SOURCES', 'MARGIN', 'make_lr', 'make_test_pair', 'test_base', 'upsample', 'upsample_float',
           'window_input']

LR_SOURCES = ('rgb', 'y')
MARGIN = 3          # LR pixels around a window: more than the bicubic kernel's reach (2) at any integer scale


def make_lr(hr: np.ndarray, scale: int, quantize: bool) -> np.ndarray:
    """LR by MATLAB bicubic ``imresize(hr, 1/scale)`` of a mod-cropped uint8 HR (H×W or H×W×C).

    ``quantize=True`` resizes the uint8 image: MATLAB rounds to uint8 after each dimension, which is
    exactly an LR image saved to disk (SelfExSR/A+ data, the seed's Bicubic table). ``False`` resizes
    ``hr / 255`` in double precision and keeps the float result in [0, 1] (the classic Y-channel test
    code: SRCNN, VDSR, DRRN).
    """
    if quantize:
        return imresize_np(hr, 1.0 / scale)
    return imresize_np(hr.astype(np.float64) / 255.0, 1.0 / scale)


def make_test_pair(img: np.ndarray, scale: int, channels: str, lr_from: str = 'rgb', quantize: bool = True):
    """(HR, LR) of one uint8 test image as read (RGB H×W×3 or gray H×W), both H×W×C in ``channels``
    (uint8; a LR that is not quantised is float in [0, 1]), by the MATLAB test protocols:

    * ``lr_from='rgb'``: the LR is made from the mod-cropped image as read (RGB, or gray), then
      converted to ``channels`` (Y of the LR, rounded when the LR is uint8);
    * ``lr_from='y'`` (``channels='y'`` only): the LR is made from the Y channel (MATLAB
      ``rgb2ycbcr`` on uint8, rounded) of the mod-cropped HR.
    """
    base = test_base(img, scale, channels, lr_from)
    return to_channels(base, channels), to_channels(make_lr(base, scale, quantize), channels)


def test_base(img: np.ndarray, scale: int, channels: str, lr_from: str = 'rgb') -> np.ndarray:
    """The mod-cropped image :func:`make_test_pair` makes its LR from (its HR is ``to_channels(base,
    channels)``): the image as read (``lr_from='rgb'``) or its Y (``'y'``)."""
    if lr_from not in LR_SOURCES:
        raise ConfigError(f'lr_from must be one of {LR_SOURCES}, got {lr_from!r}')
    if lr_from == 'y' and channels != 'y':
        raise ConfigError(f"lr_from='y' makes the LR from the Y channel and needs channels='y', "
                          f'got {channels!r}')
    base = mod_crop(img if lr_from == 'rgb' else to_channels(img, 'y'), scale)
    if min(base.shape[:2]) < scale:
        raise DataError(f'image of {img.shape[1]}x{img.shape[0]} pixels is smaller than scale {scale}')
    return base


def upsample(lr: np.ndarray, scale: int, out_hw) -> np.ndarray:
    """The HR-sized bicubic input of the test protocol: MATLAB ``imresize(lr, scale)`` (a uint8 LR gives a
    uint8 result, rounded after each dimension as MATLAB does; a float LR stays float)."""
    return imresize_np(lr, output_shape=out_hw) if out_hw is not None else imresize_np(lr, float(scale))


def upsample_float(lr: np.ndarray, out_hw) -> np.ndarray:
    """The HR-sized bicubic input of training data: MATLAB ``imresize`` of the LR (uint8 → / 255) in double
    precision to ``out_hw``, float64, not rounded."""
    x = lr.astype(np.float64) / 255.0 if lr.dtype == np.uint8 else lr
    return imresize_np(x, output_shape=out_hw)


def _lr_rows(hr, scale, a0, a1, b0, b1, quantize, lr):
    """LR rows a0:a1, cols b0:b1 of the LR of the mod-cropped ``hr``: a window of ``lr`` when given, else
    made from the HR under the window plus MARGIN LR pixels (clipped at the image border)."""
    if lr is not None:
        return lr[a0:a1, b0:b1]
    s = scale
    h, w = hr.shape[0] // s, hr.shape[1] // s
    r0, r1, c0, c1 = max(0, a0 - MARGIN), min(h, a1 + MARGIN), max(0, b0 - MARGIN), min(w, b1 + MARGIN)
    out = make_lr(hr[r0 * s:r1 * s, c0 * s:c1 * s], s, quantize)
    return out[a0 - r0:a1 - r0, b0 - c0:b1 - c0]


def window_input(hr: np.ndarray, scale: int, top: int, left: int, ph: int, pw: int, upsampled: bool,
                 quantize: bool, lr: np.ndarray | None = None) -> np.ndarray:
    """The model input for the HR window ``[top, top+ph) x [left, left+pw)`` of the mod-cropped uint8 ``hr``
    (H×W×C), equal -- up to float rounding -- to the same window of the input made from the whole image:

    * ``upsampled=False``: the LR window (the HR window must lie on the LR grid: ``top``, ``left``, ``ph``,
      ``pw`` multiples of ``scale``);
    * ``upsampled=True``: the HR-sized window of the bicubic-upsampled LR (:func:`upsample_float`), float32.

    The LR is ``lr`` when given (the LR of the whole image, e.g. read from disk), else made by
    :func:`make_lr` (``quantize``) from the HR under the window plus a margin of :data:`MARGIN` LR pixels,
    so only that part of the image is resized.
    """
    s = scale
    if not upsampled:
        return _lr_rows(hr, s, top // s, (top + ph) // s, left // s, (left + pw) // s, quantize, lr)
    H, W = hr.shape[:2]
    a0, a1 = max(0, top // s - MARGIN), min(H // s, -(-(top + ph) // s) + MARGIN)
    b0, b1 = max(0, left // s - MARGIN), min(W // s, -(-(left + pw) // s) + MARGIN)
    up = upsample_float(_lr_rows(hr, s, a0, a1, b0, b1, quantize, lr), ((a1 - a0) * s, (b1 - b0) * s))
    return up[top - a0 * s:top - a0 * s + ph, left - b0 * s:left - b0 * s + pw].astype(np.float32)
