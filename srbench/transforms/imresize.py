"""MATLAB ``imresize`` (bicubic, bilinear, nearest; antialiasing when downscaling), exactly.

The algorithm is MATLAB's documented one (Image Processing Toolbox ``imresize.m``):

* output size ``ceil(scale * input size)`` when a scale is given; with an output size the scale is
  ``out / in`` per dimension;
* output pixel ``x`` (1-based) maps to input coordinate ``u = x / scale + 0.5 * (1 - 1 / scale)``;
* the kernel (cubic with a = -0.5, width 4) is stretched by ``1 / scale`` when downscaling with
  antialiasing (``h(x) = scale * cubic(scale * x)``), so ``ceil(width / scale) + 2`` taps;
* indices outside the image are mirrored (symmetric padding ``[1..n, n..1]``);
* weights are normalised to sum to 1 per output pixel;
* the dimension with the smaller scale is resized first (rows first on ties);
* **uint8 input is rounded (half away from zero) and saturated after each dimension**, because
  MATLAB's ``imresizemex`` returns the input's class. Float input is computed in float64 (numpy)
  or in the tensor's dtype (torch) and never clipped.

Both front ends use precomputed (weights, indices) tables per (in size, out size, scale, kernel),
and loop only over the kernel taps (4 to 18), never over pixels.
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..errors import SRBenchError
from ..utils.uint8 import round_sat

__all__ = ['imresize', 'imresize_np', 'imresize_torch', 'contributions', 'output_size', 'cubic']


class ResizeError(SRBenchError, ValueError):
    pass


def cubic(x: np.ndarray) -> np.ndarray:
    """Keys' cubic convolution kernel with a = -0.5 (MATLAB's ``cubic``)."""
    ax = np.abs(x)
    ax2 = ax * ax
    ax3 = ax2 * ax
    return ((1.5 * ax3 - 2.5 * ax2 + 1) * (ax <= 1)
            + (-0.5 * ax3 + 2.5 * ax2 - 4 * ax + 2) * ((ax > 1) & (ax <= 2)))


def _triangle(x):
    x = np.asarray(x, dtype=np.float64)
    return (x + 1) * ((-1 <= x) & (x < 0)) + (1 - x) * ((0 <= x) & (x <= 1))


def _box(x):
    x = np.asarray(x, dtype=np.float64)
    return ((-0.5 <= x) & (x < 0.5)).astype(np.float64)


_KERNELS = {'bicubic': (cubic, 4.0), 'bilinear': (_triangle, 2.0), 'nearest': (_box, 1.0)}


def output_size(in_size: int, scale: float) -> int:
    """MATLAB: ``ceil(scale * in_size)`` (same double arithmetic)."""
    return int(math.ceil(scale * in_size))


@lru_cache(maxsize=256)
def contributions(in_length: int, out_length: int, scale: float, method: str = 'bicubic',
                  antialiasing: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(weights, indices) of shape (out_length, taps): output pixel i is
    ``sum_j weights[i, j] * input[indices[i, j]]`` (0-based indices)."""
    kernel, width = _KERNELS[method]
    if scale < 1 and antialiasing:
        def h(x):
            return scale * kernel(scale * x)
        width = width / scale
    else:
        h = kernel
    x = np.arange(1, out_length + 1, dtype=np.float64)
    u = x / scale + 0.5 * (1 - 1 / scale)
    left = np.floor(u - width / 2)
    taps = int(math.ceil(width)) + 2
    idx = left[:, None] + np.arange(taps, dtype=np.float64)[None, :]          # 1-based
    w = h(u[:, None] - idx)
    w = w / w.sum(axis=1, keepdims=True)
    aux = np.concatenate([np.arange(in_length), np.arange(in_length - 1, -1, -1)])
    idx = aux[np.mod(idx.astype(np.int64) - 1, aux.size)]
    keep = np.any(w != 0, axis=0)                                             # MATLAB drops empty taps
    w, idx = np.ascontiguousarray(w[:, keep]), np.ascontiguousarray(idx[:, keep])
    w.setflags(write=False)
    idx.setflags(write=False)
    return w, idx


def _plan(in_hw: Sequence[int], scale, out_hw, method: str, antialiasing):
    if method not in _KERNELS:
        raise ResizeError(f'imresize: unknown method {method!r}; expected one of {", ".join(_KERNELS)}')
    if antialiasing is None:
        antialiasing = method != 'nearest'   # MATLAB's default
    if (scale is None) == (out_hw is None):
        raise ResizeError('imresize: give exactly one of scale and output size')
    h, w = int(in_hw[0]), int(in_hw[1])
    if h < 1 or w < 1:
        raise ResizeError(f'imresize: empty image of size {h}x{w}')
    if out_hw is not None:
        oh, ow = int(out_hw[0]), int(out_hw[1])
        if oh < 1 or ow < 1:
            raise ResizeError(f'imresize: output size must be positive, got {oh}x{ow}')
        scales = (oh / h, ow / w)
    else:
        if isinstance(scale, (tuple, list)):
            scales = (float(scale[0]), float(scale[1]))
        else:
            scales = (float(scale), float(scale))
        if scales[0] <= 0 or scales[1] <= 0 or not all(map(math.isfinite, scales)):
            raise ResizeError(f'imresize: scale must be positive and finite, got {scale!r}')
        oh, ow = output_size(h, scales[0]), output_size(w, scales[1])
    order = sorted((0, 1), key=lambda d: scales[d])
    tables = {0: contributions(h, oh, scales[0], method, bool(antialiasing)),
              1: contributions(w, ow, scales[1], method, bool(antialiasing))}
    return order, tables


def imresize_np(img: np.ndarray, scale=None, output_shape=None, method: str = 'bicubic',
                antialiasing: bool | None = None) -> np.ndarray:
    """MATLAB ``imresize`` of an H×W or H×W×C numpy image.

    uint8 in → uint8 out with MATLAB's per-dimension rounding; float in → same float dtype out,
    computed in float64.
    """
    img = np.asarray(img)
    if img.ndim not in (2, 3):
        raise ResizeError(f'imresize: expected an H×W or H×W×C image, got shape {img.shape}')
    is_uint8 = img.dtype == np.uint8
    if not (is_uint8 or np.issubdtype(img.dtype, np.floating)):
        raise ResizeError(f'imresize: expected uint8 or float image, got {img.dtype}')
    order, tables = _plan(img.shape[:2], scale, output_shape, method, antialiasing)
    x = img.astype(np.float64)
    for dim in order:
        w, idx = tables[dim]
        shape = [1] * x.ndim
        shape[dim] = w.shape[0]
        acc = None
        for t in range(w.shape[1]):
            term = np.take(x, idx[:, t], axis=dim) * w[:, t].reshape(shape)
            acc = term if acc is None else acc + term
        x = acc
        if is_uint8:
            x = round_sat(x)   # MATLAB: uint8 after each dimension
    return x.astype(np.uint8) if is_uint8 else x.astype(img.dtype)


_torch_tables: dict = {}


def imresize_torch(x, scale=None, output_shape=None, method: str = 'bicubic', antialiasing: bool | None = None):
    """MATLAB ``imresize`` of a tensor of shape (..., H, W) (any batch dims, any device).

    Float tensors are computed in their own dtype; uint8 tensors in float64 with MATLAB's rounding.
    """
    import torch
    if not isinstance(x, torch.Tensor):
        raise ResizeError(f'imresize_torch: expected a torch.Tensor, got {type(x).__name__}')
    if x.ndim < 2:
        raise ResizeError(f'imresize_torch: expected a tensor of shape (..., H, W), got {tuple(x.shape)}')
    is_uint8 = x.dtype == torch.uint8
    if not (is_uint8 or x.is_floating_point()):
        raise ResizeError(f'imresize_torch: expected uint8 or float tensor, got {x.dtype}')
    order, tables = _plan(x.shape[-2:], scale, output_shape, method, antialiasing)
    y = x.to(torch.float64) if is_uint8 else x
    for dim in order:
        w_np, idx_np = tables[dim]
        key = (id(w_np), y.device, y.dtype)
        cached = _torch_tables.get(key)
        if cached is None or cached[0] is not w_np:
            cached = (w_np, torch.tensor(np.array(w_np), dtype=y.dtype, device=y.device),
                      torch.tensor(np.array(idx_np), dtype=torch.long, device=y.device))
            if len(_torch_tables) > 512:
                _torch_tables.clear()
            _torch_tables[key] = cached
        _, w, idx = cached
        axis = y.ndim - 2 + dim
        shape = [1] * y.ndim
        shape[axis] = w.shape[0]
        acc = None
        for t in range(w.shape[1]):
            term = torch.index_select(y, axis, idx[:, t]) * w[:, t].reshape(shape)
            acc = term if acc is None else acc + term
        y = acc
        if is_uint8:
            y = round_sat(y)
    return y.to(torch.uint8) if is_uint8 else y


def imresize(img, scale=None, output_shape=None, method: str = 'bicubic', antialiasing: bool | None = None):
    """MATLAB ``imresize``: numpy (H×W[×C]) or torch ((..., H, W)) front end by input type."""
    if isinstance(img, np.ndarray):
        return imresize_np(img, scale, output_shape, method, antialiasing)
    return imresize_torch(img, scale, output_shape, method, antialiasing)
