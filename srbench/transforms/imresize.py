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

Both front ends use precomputed plans per (in size, out size, scale, kernel) and loop only over the
kernel taps (4 to 18) and, upscaling, the output phases (the scale), never over pixels: the input is
mirrored once into a padded copy, every tap reads a strided view of it (no gather), and the output is
made in cache-sized blocks of rows of a channel-first copy (a float64 tensor for numpy images too: torch's
elementwise loops are faster than numpy's on these views). The arithmetic -- one product per tap, summed
in tap order -- is that of a plain per-tap gather loop, so the results are the same bit for bit (which
matters for uint8: a different summation order could flip a rounding at an exact .5).
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
def _contributions_full(in_length: int, out_length: int, scale: float, method: str, antialiasing: bool):
    """(weights, indices, left, offsets): :func:`contributions` plus, per output pixel, its first tap's
    0-based input position before mirroring (``left``) and the offsets of the kept taps from it."""
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
    offsets = np.flatnonzero(keep)
    left0 = left.astype(np.int64) - 1
    for a in (w, idx, offsets, left0):
        a.setflags(write=False)
    return w, idx, left0, offsets


def contributions(in_length: int, out_length: int, scale: float, method: str = 'bicubic',
                  antialiasing: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(weights, indices) of shape (out_length, taps): output pixel i is
    ``sum_j weights[i, j] * input[indices[i, j]]`` (0-based indices)."""
    return _contributions_full(in_length, out_length, scale, method, bool(antialiasing))[:2]


_MAX_PERIOD = 64
_CHUNK = 1 << 16       # elements per output block on the CPU: the products and sums stay in the cache


class _AxisPlan:
    """How to resize one axis with strided views instead of gathers: the input is mirrored once into a
    padded copy (``pad_index``: padded position -> input position), and the output pixels split into
    ``period`` phases; in phase p, output pixels p, p + period, ... read tap k at padded positions
    ``start[p, k] + step * n`` (n = 0, 1, ...). The arithmetic -- one product per tap, added in tap order --
    is the gather loop's, so the numbers are the same bit for bit. ``period`` is None when the first taps
    do not advance regularly (a non-integer scale ratio): then the plan gathers (``idx``)."""

    def __init__(self, w, idx, left0, offsets, in_length):
        self.w, self.idx, self.out_length = w, idx, w.shape[0]
        first, last = left0 + offsets[0], left0 + offsets[-1]
        self.pad_lo = int(max(0, -first.min()))
        pad_hi = int(max(0, last.max() - (in_length - 1)))
        n2 = 2 * in_length
        pos = np.arange(-self.pad_lo, in_length + pad_hi) % n2
        self.pad_index = np.where(pos < in_length, pos, n2 - 1 - pos)
        self.period = self.step = None
        n = left0.size
        for q in range(1, min(n, _MAX_PERIOD) + 1):
            d = left0[q:] - left0[:-q]
            if d.size == 0 or (d == d[0]).all():
                self.period, self.step = q, int(d[0]) if d.size else 1
                break
        if self.period is not None:
            self.start = (left0[:self.period, None] + offsets[None, :] + self.pad_lo)
            self.phase_w = [np.ascontiguousarray(w[p::self.period].T) for p in range(self.period)]
            # the padded mirror must reproduce the table's indices exactly
            assert all((self.pad_index[left0 + o + self.pad_lo] == idx[:, k]).all()
                       for k, o in enumerate(offsets))


@lru_cache(maxsize=256)
def _axis_plan(in_length: int, out_length: int, scale: float, method: str, antialiasing: bool) -> _AxisPlan:
    w, idx, left0, offsets = _contributions_full(in_length, out_length, scale, method, antialiasing)
    return _AxisPlan(w, idx, left0, offsets, in_length)


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
    plans = {0: _axis_plan(h, oh, scales[0], method, bool(antialiasing)),
             1: _axis_plan(w, ow, scales[1], method, bool(antialiasing))}
    return order, plans


_torch_tables: dict = {}


def _torch_plan(plan: _AxisPlan, device, dtype):
    """The plan's weights (and gather indices) as tensors on ``device``, cached."""
    import torch
    key = (id(plan), device, dtype)
    cached = _torch_tables.get(key)
    if cached is None or cached[0] is not plan:
        if len(_torch_tables) > 512:
            _torch_tables.clear()
        if plan.period is None:
            tabs = (torch.tensor(np.array(plan.w), dtype=dtype, device=device),
                    torch.tensor(np.array(plan.idx), dtype=torch.long, device=device))
        else:
            tabs = ([torch.tensor(wp, dtype=dtype, device=device)[:, :, None] for wp in plan.phase_w],
                    torch.tensor(np.array(plan.pad_index), dtype=torch.long, device=device))
        cached = _torch_tables[key] = (plan, tabs)
    return cached[1]


def _resize_axis_torch(x, plan: _AxisPlan, is_uint8: bool, dtype):
    """Resize axis 1 of a contiguous tensor (B, N, M) -> (B, out, M) in ``dtype`` (``x`` may be uint8:
    its values are converted exactly by the first products); ``is_uint8``: rounded like MATLAB's uint8
    (block by block, while the block is in the cache)."""
    import torch
    b, _, m = x.shape
    taps = plan.w.shape[1]
    if plan.period is None:
        w, idx = _torch_plan(plan, x.device, dtype)
        acc = None
        for k in range(taps):
            term = torch.index_select(x, 1, idx[:, k]).to(dtype).mul_(w[:, k][:, None])
            acc = term if acc is None else acc.add_(term)
        return round_sat(acc) if is_uint8 else acc
    phase_w, pad_index = _torch_plan(plan, x.device, dtype)
    n_in, lo = x.shape[1], plan.pad_lo
    hi = pad_index.numel() - n_in - lo
    if lo or hi:   # the mirrored rows are few: gather them, and copy the rest as a block
        xp = torch.cat([torch.index_select(x, 1, pad_index[:lo]), x,
                        torch.index_select(x, 1, pad_index[lo + n_in:])], dim=1)
    else:
        xp = x
    q, d, n = plan.period, plan.step, plan.out_length
    out = torch.empty((b, n, m), dtype=dtype, device=x.device)
    groups = -(-n // q)            # group g = output rows g*q .. g*q + q - 1 (one per phase)
    per = max(1, _CHUNK // max(1, b * m)) if x.device.type == 'cpu' else groups   # rows per phase and chunk
    acc = tmp = None
    grad = x.requires_grad and torch.is_grad_enabled()
    for g0 in range(0, groups, per):
        for p in range(min(q, n)):
            g1 = min(g0 + per, len(range(p, n, q)))
            r = g1 - g0
            if r <= 0:
                continue
            wp = phase_w[p]
            if grad:                 # autograd (e.g. a receptive-field measurement): no out= buffers
                acc = None
                for k in range(taps):
                    s0 = int(plan.start[p, k]) + d * g0
                    src = xp[:, s0:s0 + d * (r - 1) + 1:d] if d else xp[:, s0:s0 + 1]
                    acc = src * wp[k, g0:g1] if acc is None else acc + src * wp[k, g0:g1]
                out[:, p + q * g0:p + q * (g1 - 1) + 1:q] = round_sat(acc) if is_uint8 else acc
                continue
            if acc is None or acc.shape[1] != r:
                acc = torch.empty((b, r, m), dtype=dtype, device=x.device)
                tmp = torch.empty_like(acc)
            for k in range(taps):
                s0 = int(plan.start[p, k]) + d * g0
                src = xp[:, s0:s0 + d * (r - 1) + 1:d] if d else xp[:, s0:s0 + 1]   # d = 0: one row for all
                if k == 0:
                    torch.mul(src, wp[k, g0:g1], out=acc)
                else:
                    acc.add_(torch.mul(src, wp[k, g0:g1], out=tmp))
            out[:, p + q * g0:p + q * (g1 - 1) + 1:q] = round_sat(acc) if is_uint8 else acc
    return out


def _resize_batch(y, order, plans, is_uint8: bool):
    """Resize a tensor (B, H, W) along both axes in ``order`` -> (B, H', W'); ``is_uint8``: a uint8 tensor,
    computed in float64 with MATLAB's rounding after each dimension, else computed in ``y``'s dtype. Each
    axis is resized as axis 1 of a contiguous array."""
    import torch
    dtype = torch.float64 if is_uint8 else y.dtype
    y = (y if order[0] == 0 else y.transpose(1, 2)).contiguous()
    y = _resize_axis_torch(y, plans[order[0]], is_uint8, dtype).transpose(1, 2).contiguous()
    y = _resize_axis_torch(y, plans[order[1]], is_uint8, dtype)
    return y.transpose(1, 2) if order[0] == 0 else y


def imresize_np(img: np.ndarray, scale=None, output_shape=None, method: str = 'bicubic',
                antialiasing: bool | None = None) -> np.ndarray:
    """MATLAB ``imresize`` of an H×W or H×W×C numpy image.

    uint8 in → uint8 out with MATLAB's per-dimension rounding; float in → same float dtype out,
    computed in float64. (The arithmetic runs on a float64 tensor sharing nothing with the input:
    torch's elementwise loops are several times faster than numpy's on these strided views, and the
    operations -- IEEE products and sums in the same order -- give the same numbers.)
    """
    import torch
    img = np.asarray(img)
    if img.ndim not in (2, 3):
        raise ResizeError(f'imresize: expected an H×W or H×W×C image, got shape {img.shape}')
    is_uint8 = img.dtype == np.uint8
    if not (is_uint8 or np.issubdtype(img.dtype, np.floating)):
        raise ResizeError(f'imresize: expected uint8 or float image, got {img.dtype}')
    order, plans = _plan(img.shape[:2], scale, output_shape, method, antialiasing)
    t = torch.from_numpy(img[None] if img.ndim == 2 else img.transpose(2, 0, 1))
    y = _resize_batch(t if is_uint8 else t.to(torch.float64), order, plans, is_uint8)
    if is_uint8:
        y = y.to(torch.uint8)          # whole numbers in 0..255: exact
    out = y.permute(1, 2, 0).contiguous().numpy()
    return out[:, :, 0] if img.ndim == 2 else out.astype(img.dtype, copy=False)


def imresize_torch(x, scale=None, output_shape=None, method: str = 'bicubic',
                   antialiasing: bool | None = None):
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
    lead, (h, w) = x.shape[:-2], x.shape[-2:]
    order, plans = _plan((h, w), scale, output_shape, method, antialiasing)
    y = _resize_batch(x.reshape((-1, h, w)), order, plans, is_uint8)
    y = y.contiguous().reshape(lead + y.shape[1:])
    return y.to(torch.uint8) if is_uint8 else y


def imresize(img, scale=None, output_shape=None, method: str = 'bicubic', antialiasing: bool | None = None):
    """MATLAB ``imresize``: numpy (H×W[×C]) or torch ((..., H, W)) front end by input type."""
    if isinstance(img, np.ndarray):
        return imresize_np(img, scale, output_shape, method, antialiasing)
    return imresize_torch(img, scale, output_shape, method, antialiasing)
