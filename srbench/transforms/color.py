"""MATLAB ``rgb2ycbcr`` / ``ycbcr2rgb`` (ITU-R BT.601, limited range), and :func:`to_channels` (an image
in the channel mode of a model: Y or RGB).

uint8 in → uint8 out, rounded half away from zero and saturated, as MATLAB's ``imlincomb`` does:
``Y = round(65.481/255 R + 128.553/255 G + 24.966/255 B + 16)``.
float in (values in [0, 1]) → float out (Y in [16/255, 235/255]), not rounded.

numpy images are channel-last (H×W×3); tensors are channel-first ((..., 3, H, W)).
"""
from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataError, SRBenchError
from ..utils.uint8 import round_u8

__all__ = ['rgb2ycbcr', 'ycbcr2rgb', 'rgb2y', 'to_channels', 'T', 'OFFSET']

T = np.array([[65.481, 128.553, 24.966],
              [-37.797, -74.203, 112.0],
              [112.0, -93.786, -18.214]], dtype=np.float64)
OFFSET = np.array([16.0, 128.0, 128.0], dtype=np.float64)
_TINV = np.linalg.inv(T)


class ColorError(SRBenchError, ValueError):
    pass


def _check_np(img):
    if img.ndim != 3 or img.shape[2] != 3:
        raise ColorError(f'expected an H×W×3 RGB image, got shape {img.shape}')
    if not (img.dtype == np.uint8 or np.issubdtype(img.dtype, np.floating)):
        raise ColorError(f'expected uint8 or float image, got {img.dtype}')


def _lincomb_np(img, rows, offset_scale):
    x = img.astype(np.float64)
    coef = (1.0 / 255.0) * T[rows]   # MATLAB: T = scaleFactor.T * origT with scaleFactor.T = 1/255
    out = np.empty(img.shape[:2] + (len(rows),), dtype=np.float64)
    for k, r in enumerate(rows):
        # imlincomb order: T(p,1)*R + T(p,2)*G + T(p,3)*B + offset
        out[..., k] = coef[k, 0] * x[..., 0] + coef[k, 1] * x[..., 1] + coef[k, 2] * x[..., 2] \
            + OFFSET[r] * offset_scale
    return out


def rgb2ycbcr(img, y_only: bool = False):
    """MATLAB ``rgb2ycbcr``. Returns H×W×3 (or H×W with ``y_only``) for numpy, (..., 3|1, H, W)
    for torch."""
    if not isinstance(img, np.ndarray):
        return _rgb2ycbcr_torch(img, y_only)
    _check_np(img)
    rows = [0] if y_only else [0, 1, 2]
    if img.dtype == np.uint8:
        out = round_u8(_lincomb_np(img, rows, 1.0))
    else:
        out = _lincomb_np(img, rows, 1.0 / 255.0).astype(img.dtype)
    return out[..., 0] if y_only else out


def rgb2y(img):
    """Y of MATLAB ``rgb2ycbcr`` (uint8 → rounded uint8)."""
    return rgb2ycbcr(img, y_only=True)


def to_channels(img: np.ndarray, channels: str) -> np.ndarray:
    """An RGB (H×W×3) or single-channel (H×W or H×W×1) image → H×W×C with C = 1 (Y) or 3 (RGB).

    uint8 images: Y is MATLAB ``rgb2ycbcr`` on uint8, rounded. Float images (values in [0, 1]):
    Y in float, not rounded. A single-channel image is used as Y directly, and repeated to three
    channels for RGB.
    """
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    if img.ndim != 2 and not (img.ndim == 3 and img.shape[2] == 3):
        raise DataError(f'expected an H×W or H×W×3 image, got shape {img.shape}')
    if channels == 'y':
        y = img if img.ndim == 2 else rgb2ycbcr(img, y_only=True)
        return y[:, :, None]
    if channels != 'rgb':
        raise ConfigError(f"channels must be 'y' or 'rgb', got {channels!r}")
    if img.ndim == 2:
        return np.repeat(img[:, :, None], 3, axis=2)
    return img


def ycbcr2rgb(img):
    """MATLAB ``ycbcr2rgb`` (uint8 → rounded, saturated uint8; float → float, not clipped)."""
    if not isinstance(img, np.ndarray):
        return _ycbcr2rgb_torch(img)
    _check_np(img)
    x = img.astype(np.float64)
    if img.dtype == np.uint8:
        x = x / 255.0
    rgb = np.einsum('ij,hwj->hwi', _TINV * 255.0, x - OFFSET / 255.0)
    if img.dtype == np.uint8:
        return round_u8(rgb * 255.0)
    return rgb.astype(img.dtype)


def _rgb2ycbcr_torch(x, y_only):
    import torch
    if not isinstance(x, torch.Tensor) or x.ndim < 3 or x.shape[-3] != 3:
        raise ColorError(f'expected an RGB tensor of shape (..., 3, H, W), got '
                         f'{tuple(getattr(x, "shape", ())) or type(x).__name__}')
    rows = [0] if y_only else [0, 1, 2]
    is_u8 = x.dtype == torch.uint8
    xf = x.to(torch.float64) if is_u8 else x
    outs = []
    for r in rows:
        c = (1.0 / 255.0) * T[r]
        off = OFFSET[r] * (1.0 if is_u8 else 1.0 / 255.0)
        outs.append(c[0] * xf[..., 0, :, :] + c[1] * xf[..., 1, :, :] + c[2] * xf[..., 2, :, :] + off)
    out = torch.stack(outs, dim=-3)
    if is_u8:
        out = round_u8(out)
    return out


def _ycbcr2rgb_torch(x):
    import torch
    if not isinstance(x, torch.Tensor) or x.ndim < 3 or x.shape[-3] != 3:
        raise ColorError('expected a YCbCr tensor of shape (..., 3, H, W), got '
                         f'{tuple(getattr(x, "shape", ()))}')
    is_u8 = x.dtype == torch.uint8
    xf = x.to(torch.float64) / 255.0 if is_u8 else x
    m = torch.as_tensor(_TINV * 255.0, dtype=xf.dtype, device=xf.device)
    off = torch.as_tensor(OFFSET / 255.0, dtype=xf.dtype, device=xf.device).view(3, 1, 1)
    rgb = torch.einsum('ij,...jhw->...ihw', m, xf - off)
    if is_u8:
        return round_u8(rgb * 255.0)
    return rgb
