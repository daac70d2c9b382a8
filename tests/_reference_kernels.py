"""The kernels as they were before the speed work (srbench at b6fabb5), kept verbatim as slow references:
tests/test_kernels_equal.py checks that the fast kernels give the same numbers (uint8 resizes bit for bit,
float resizes to 2e-6, PSNR/SSIM/IFC to 1e-6 relative). Also imresize's round-2 kernel (``r2_imresize_*``,
the same numbers as ``ref_imresize_*``), which round 3 replaced. Not imported by srbench."""
from __future__ import annotations

import math

import numpy as np
import torch

from srbench.transforms.color import rgb2ycbcr
from srbench.utils.uint8 import im2uint8, round_sat, round_u8


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


def ref_contributions(in_length: int, out_length: int, scale: float, method: str = 'bicubic',
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


def _osize(n, s):
    return int(math.ceil(s * n))


def _ref_plan(in_hw, scale, out_hw, method: str, antialiasing):
    if method not in _KERNELS:
        raise ValueError(f'imresize: unknown method {method!r}; expected one of {", ".join(_KERNELS)}')
    if antialiasing is None:
        antialiasing = method != 'nearest'   # MATLAB's default
    if (scale is None) == (out_hw is None):
        raise ValueError('imresize: give exactly one of scale and output size')
    h, w = int(in_hw[0]), int(in_hw[1])
    if h < 1 or w < 1:
        raise ValueError(f'imresize: empty image of size {h}x{w}')
    if out_hw is not None:
        oh, ow = int(out_hw[0]), int(out_hw[1])
        if oh < 1 or ow < 1:
            raise ValueError(f'imresize: output size must be positive, got {oh}x{ow}')
        scales = (oh / h, ow / w)
    else:
        if isinstance(scale, (tuple, list)):
            scales = (float(scale[0]), float(scale[1]))
        else:
            scales = (float(scale), float(scale))
        if scales[0] <= 0 or scales[1] <= 0 or not all(map(math.isfinite, scales)):
            raise ValueError(f'imresize: scale must be positive and finite, got {scale!r}')
        oh, ow = _osize(h, scales[0]), _osize(w, scales[1])
    order = sorted((0, 1), key=lambda d: scales[d])
    tables = {0: ref_contributions(h, oh, scales[0], method, bool(antialiasing)),
              1: ref_contributions(w, ow, scales[1], method, bool(antialiasing))}
    return order, tables


def ref_imresize_np(img: np.ndarray, scale=None, output_shape=None, method: str = 'bicubic',
                    antialiasing: bool | None = None) -> np.ndarray:
    """MATLAB ``imresize`` of an H×W or H×W×C numpy image.

    uint8 in → uint8 out with MATLAB's per-dimension rounding; float in → same float dtype out,
    computed in float64.
    """
    img = np.asarray(img)
    if img.ndim not in (2, 3):
        raise ValueError(f'imresize: expected an H×W or H×W×C image, got shape {img.shape}')
    is_uint8 = img.dtype == np.uint8
    if not (is_uint8 or np.issubdtype(img.dtype, np.floating)):
        raise ValueError(f'imresize: expected uint8 or float image, got {img.dtype}')
    order, tables = _ref_plan(img.shape[:2], scale, output_shape, method, antialiasing)
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


def ref_imresize_torch(x, scale=None, output_shape=None, method: str = 'bicubic',
                       antialiasing: bool | None = None):
    """MATLAB ``imresize`` of a tensor of shape (..., H, W) (any batch dims, any device).

    Float tensors are computed in their own dtype; uint8 tensors in float64 with MATLAB's rounding.
    """
    if not isinstance(x, torch.Tensor):
        raise ValueError(f'imresize_torch: expected a torch.Tensor, got {type(x).__name__}')
    if x.ndim < 2:
        raise ValueError(f'imresize_torch: expected a tensor of shape (..., H, W), got {tuple(x.shape)}')
    is_uint8 = x.dtype == torch.uint8
    if not (is_uint8 or x.is_floating_point()):
        raise ValueError(f'imresize_torch: expected uint8 or float tensor, got {x.dtype}')
    order, tables = _ref_plan(x.shape[-2:], scale, output_shape, method, antialiasing)
    y = x.to(torch.float64) if is_uint8 else x
    for dim in order:
        w_np, idx_np = tables[dim]
        w = torch.tensor(np.array(w_np), dtype=y.dtype, device=y.device)
        idx = torch.tensor(np.array(idx_np), dtype=torch.long, device=y.device)
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



# ---------------------------------------------------------------- imresize, round 2 (srbench at 9ddeb1a)
# The strided-view kernel that round 3's block matrix products replaced, verbatim but for the names: the
# same arithmetic as ref_imresize_np (one product per tap, summed in tap order), kept to time the change
# (benchmarks/bench_metrics.py --resize) and to check the new kernel against it.
from functools import lru_cache  # noqa: E402
from typing import Sequence  # noqa: E402


@lru_cache(maxsize=256)
def _r2_contributions_full(in_length: int, out_length: int, scale: float, method: str, antialiasing: bool):
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


_R2_MAX_PERIOD = 64
_R2_CHUNK = 1 << 16       # elements per output block on the CPU: the products and sums stay in the cache


class _R2AxisPlan:
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
        for q in range(1, min(n, _R2_MAX_PERIOD) + 1):
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
def _r2_axis_plan(in_length: int, out_length: int, scale: float, method: str,
                  antialiasing: bool) -> _R2AxisPlan:
    w, idx, left0, offsets = _r2_contributions_full(in_length, out_length, scale, method, antialiasing)
    return _R2AxisPlan(w, idx, left0, offsets, in_length)


def _r2_plan(in_hw: Sequence[int], scale, out_hw, method: str, antialiasing):
    if method not in _KERNELS:
        raise ValueError(f'imresize: unknown method {method!r}; expected one of {", ".join(_KERNELS)}')
    if antialiasing is None:
        antialiasing = method != 'nearest'   # MATLAB's default
    if (scale is None) == (out_hw is None):
        raise ValueError('imresize: give exactly one of scale and output size')
    h, w = int(in_hw[0]), int(in_hw[1])
    if h < 1 or w < 1:
        raise ValueError(f'imresize: empty image of size {h}x{w}')
    if out_hw is not None:
        oh, ow = int(out_hw[0]), int(out_hw[1])
        if oh < 1 or ow < 1:
            raise ValueError(f'imresize: output size must be positive, got {oh}x{ow}')
        scales = (oh / h, ow / w)
    else:
        if isinstance(scale, (tuple, list)):
            scales = (float(scale[0]), float(scale[1]))
        else:
            scales = (float(scale), float(scale))
        if scales[0] <= 0 or scales[1] <= 0 or not all(map(math.isfinite, scales)):
            raise ValueError(f'imresize: scale must be positive and finite, got {scale!r}')
        oh, ow = _osize(h, scales[0]), _osize(w, scales[1])
    order = sorted((0, 1), key=lambda d: scales[d])
    plans = {0: _r2_axis_plan(h, oh, scales[0], method, bool(antialiasing)),
             1: _r2_axis_plan(w, ow, scales[1], method, bool(antialiasing))}
    return order, plans


_r2_torch_tables: dict = {}


def _r2_torch_plan(plan: _R2AxisPlan, device, dtype):
    """The plan's weights (and gather indices) as tensors on ``device``, cached."""
    import torch
    key = (id(plan), device, dtype)
    cached = _r2_torch_tables.get(key)
    if cached is None or cached[0] is not plan:
        if len(_r2_torch_tables) > 512:
            _r2_torch_tables.clear()
        if plan.period is None:
            tabs = (torch.tensor(np.array(plan.w), dtype=dtype, device=device),
                    torch.tensor(np.array(plan.idx), dtype=torch.long, device=device))
        else:
            tabs = ([torch.tensor(wp, dtype=dtype, device=device)[:, :, None] for wp in plan.phase_w],
                    torch.tensor(np.array(plan.pad_index), dtype=torch.long, device=device))
        cached = _r2_torch_tables[key] = (plan, tabs)
    return cached[1]


def _r2_resize_axis_torch(x, plan: _R2AxisPlan, is_uint8: bool, dtype):
    """Resize axis 1 of a contiguous tensor (B, N, M) -> (B, out, M) in ``dtype`` (``x`` may be uint8:
    its values are converted exactly by the first products); ``is_uint8``: rounded like MATLAB's uint8
    (block by block, while the block is in the cache)."""
    import torch
    b, _, m = x.shape
    taps = plan.w.shape[1]
    if plan.period is None:
        w, idx = _r2_torch_plan(plan, x.device, dtype)
        acc = None
        for k in range(taps):
            term = torch.index_select(x, 1, idx[:, k]).to(dtype).mul_(w[:, k][:, None])
            acc = term if acc is None else acc.add_(term)
        return round_sat(acc) if is_uint8 else acc
    phase_w, pad_index = _r2_torch_plan(plan, x.device, dtype)
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
    per = max(1, _R2_CHUNK // max(1, b * m)) if x.device.type == 'cpu' else groups  # rows per phase, chunk
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


def _r2_resize_batch(y, order, plans, is_uint8: bool):
    """Resize a tensor (B, H, W) along both axes in ``order`` -> (B, H', W'); ``is_uint8``: a uint8 tensor,
    computed in float64 with MATLAB's rounding after each dimension, else computed in ``y``'s dtype. Each
    axis is resized as axis 1 of a contiguous array."""
    import torch
    dtype = torch.float64 if is_uint8 else y.dtype
    y = (y if order[0] == 0 else y.transpose(1, 2)).contiguous()
    y = _r2_resize_axis_torch(y, plans[order[0]], is_uint8, dtype).transpose(1, 2).contiguous()
    y = _r2_resize_axis_torch(y, plans[order[1]], is_uint8, dtype)
    return y.transpose(1, 2) if order[0] == 0 else y


def r2_imresize_np(img: np.ndarray, scale=None, output_shape=None, method: str = 'bicubic',
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
        raise ValueError(f'imresize: expected an H×W or H×W×C image, got shape {img.shape}')
    is_uint8 = img.dtype == np.uint8
    if not (is_uint8 or np.issubdtype(img.dtype, np.floating)):
        raise ValueError(f'imresize: expected uint8 or float image, got {img.dtype}')
    order, plans = _r2_plan(img.shape[:2], scale, output_shape, method, antialiasing)
    t = torch.from_numpy(img[None] if img.ndim == 2 else img.transpose(2, 0, 1))
    y = _r2_resize_batch(t if is_uint8 else t.to(torch.float64), order, plans, is_uint8)
    if is_uint8:
        y = y.to(torch.uint8)          # whole numbers in 0..255: exact
    out = y.permute(1, 2, 0).contiguous().numpy()
    return out[:, :, 0] if img.ndim == 2 else out.astype(img.dtype, copy=False)


def r2_imresize_torch(x, scale=None, output_shape=None, method: str = 'bicubic',
                   antialiasing: bool | None = None):
    """MATLAB ``imresize`` of a tensor of shape (..., H, W) (any batch dims, any device).

    Float tensors are computed in their own dtype; uint8 tensors in float64 with MATLAB's rounding.
    """
    import torch
    if not isinstance(x, torch.Tensor):
        raise ValueError(f'r2_imresize_torch: expected a torch.Tensor, got {type(x).__name__}')
    if x.ndim < 2:
        raise ValueError(f'r2_imresize_torch: expected a tensor of shape (..., H, W), got {tuple(x.shape)}')
    is_uint8 = x.dtype == torch.uint8
    if not (is_uint8 or x.is_floating_point()):
        raise ValueError(f'r2_imresize_torch: expected uint8 or float tensor, got {x.dtype}')
    lead, (h, w) = x.shape[:-2], x.shape[-2:]
    order, plans = _r2_plan((h, w), scale, output_shape, method, antialiasing)
    y = _r2_resize_batch(x.reshape((-1, h, w)), order, plans, is_uint8)
    y = y.contiguous().reshape(lead + y.shape[1:])
    return y.to(torch.uint8) if is_uint8 else y


# ---------------------------------------------------------------- metrics preparation (base.py)
_Y_COEF = np.array([65.481, 128.553, 24.966]) / 255.0


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


def ref_prepare_pair(pred: torch.Tensor, gt: torch.Tensor, meta: dict, protocol: str = 'matlab',
                 channel: str = 'y', crop_border: int | None = None, owner: str = 'metric'):
    """(sr, hr) as float64 H×W×C arrays on the 0..255 scale: quantised, channel-selected and
    border-cropped under ``protocol`` (``crop_border=None``: the sample's scale)."""
    name = meta.get('name', '?')
    if tuple(pred.shape) != tuple(gt.shape):
        raise ValueError(f'{owner}: SR and HR sizes differ for image {name!r}: '
                        f'SR {tuple(pred.shape)} vs HR {tuple(gt.shape)}')
    if pred.ndim != 3:
        raise ValueError(f'{owner}: expected C×H×W images for {name!r}, got shape {tuple(pred.shape)}')
    p = _as_float64(pred)
    if not np.isfinite(p).all():
        raise ValueError(f'{owner}: the SR image of {name!r} has NaN or infinite values')
    gray = bool(meta.get('is_gray'))
    if protocol == 'matlab':
        sr, hr = to_uint8(p), to_uint8(gt)
        if channel == 'y':
            sr, hr = y_matlab(sr, gray), y_matlab(hr, gray)
    else:
        sr, hr = to_uint8_half_even(p), to_uint8_half_even(gt)
        if channel == 'y':
            sr, hr = y_basicsr(sr, gray), y_basicsr(hr, gray)
    b = crop_border if crop_border is not None else int(meta.get('scale') or 0)
    h, w = hr.shape[:2]
    if 2 * b >= h or 2 * b >= w:
        raise ValueError(f'{owner}: crop border {b} leaves nothing of image {name!r} ({w}x{h}); '
                        f'use a smaller crop_border')
    if b:
        sr, hr = sr[b:h - b, b:w - b], hr[b:h - b, b:w - b]
    return sr.astype(np.float64), hr.astype(np.float64)


# ---------------------------------------------------------------- SSIM (ssim.py)
def gaussian_window_1d(size: int = 11, sigma: float = 1.5) -> np.ndarray:
    """The normalised 1-D Gaussian whose outer product is ``fspecial('gaussian', size, sigma)``."""
    x = np.arange(size, dtype=np.float64) - (size - 1) / 2.0
    g = np.exp(-(x * x) / (2.0 * sigma * sigma))
    return g / g.sum()


def _correlate_axis(a: np.ndarray, g: np.ndarray, axis: int) -> np.ndarray:
    """'valid' 1-D correlation of ``a`` with ``g`` along ``axis`` (a loop over the taps; a symmetric
    ``g`` adds the mirrored taps first, halving the multiplications)."""
    k, n = g.size, a.shape[axis]

    def tap(i):
        sl = [slice(None)] * a.ndim
        sl[axis] = slice(i, n - k + 1 + i)
        return a[tuple(sl)]
    half = k // 2
    if k % 2 == 1 and np.array_equal(g, g[::-1]):
        out = tap(half) * g[half]
        tmp = np.empty_like(out)
        for i in range(half):
            np.add(tap(i), tap(k - 1 - i), out=tmp)
            tmp *= g[i]
            out += tmp
        return out
    out = tap(0) * g[0]
    tmp = np.empty_like(out)
    for i in range(1, k):
        np.multiply(tap(i), g[i], out=tmp)
        out += tmp
    return out


def filter_valid(x: np.ndarray, g: np.ndarray) -> np.ndarray:
    """``filter2(outer(g, g), x, 'valid')`` over the last two axes of ``x`` (separable)."""
    return _correlate_axis(_correlate_axis(x, g, x.ndim - 2), g, x.ndim - 1)


def ref_ssim_map(img1: np.ndarray, img2: np.ndarray, data_range: float = 255.0, k1: float = 0.01,
             k2: float = 0.03, win_size: int = 11, sigma: float = 1.5, strip: int = 64) -> np.ndarray:
    """The SSIM map of two 2-D images (size ``H - win_size + 1`` × ``W - win_size + 1``), computed in
    strips of ``strip`` output rows (the same numbers; the working set stays in the CPU cache)."""
    a, b = np.asarray(img1, np.float64), np.asarray(img2, np.float64)
    if a.shape != b.shape or a.ndim != 2:
        raise ValueError(f'SSIM needs two 2-D images of one size, got {a.shape} and {b.shape}')
    if min(a.shape) < win_size:
        raise ValueError(f'image of {a.shape[1]}x{a.shape[0]} pixels is smaller than the '
                         f'{win_size}x{win_size} SSIM window')
    g = gaussian_window_1d(win_size, sigma)
    c1, c2 = (k1 * data_range) ** 2, (k2 * data_range) ** 2
    out = np.empty((a.shape[0] - win_size + 1, a.shape[1] - win_size + 1))
    for r in range(0, out.shape[0], strip):
        sa, sb = a[r:r + strip + win_size - 1], b[r:r + strip + win_size - 1]
        mu1, mu2, s11, s22, s12 = filter_valid(np.stack([sa, sb, sa * sa, sb * sb, sa * sb]), g)
        mu1_sq, mu2_sq, mu1_mu2 = mu1 * mu1, mu2 * mu2, mu1 * mu2
        s11 -= mu1_sq
        s22 -= mu2_sq
        s12 -= mu1_mu2
        out[r:r + strip] = ((2 * mu1_mu2 + c1) * (2 * s12 + c2)) / ((mu1_sq + mu2_sq + c1) * (s11 + s22 + c2))
    return out


def ref_ssim(img1: np.ndarray, img2: np.ndarray, data_range: float = 255.0, **kwargs) -> float:
    """Mean SSIM of two images (H×W, or H×W×C: the mean of the per-channel values)."""
    a, b = np.asarray(img1, np.float64), np.asarray(img2, np.float64)
    if a.shape != b.shape:
        raise ValueError(f'SSIM of images of different shapes {a.shape} and {b.shape}')
    if a.ndim == 2:
        return float(ref_ssim_map(a, b, data_range, **kwargs).mean())
    return float(np.mean([ref_ssim_map(a[..., c], b[..., c], data_range, **kwargs).mean()
                          for c in range(a.shape[2])]))


# ---------------------------------------------------------------- IFC (ifc.py)
M = 3
LEVELS = 4
MIN_SIZE = 72     # maxPyrHt: 4 levels of 9x9 filters need 9 * 2^3 pixels
_TOL = 1e-15

# sp5Filters (Simoncelli & Freeman 1995; Karasaridis & Simoncelli 1996): the filters that ifcvec uses.
_LO0 = np.array([
    [0.00341614, -0.01551246, -0.03848215, -0.01551246, 0.00341614],
    [-0.01551246, 0.05586982, 0.15925570, 0.05586982, -0.01551246],
    [-0.03848215, 0.15925570, 0.40304148, 0.15925570, -0.03848215],
    [-0.01551246, 0.05586982, 0.15925570, 0.05586982, -0.01551246],
    [0.00341614, -0.01551246, -0.03848215, -0.01551246, 0.00341614]])
_LO = 2.0 * np.array([
    [0.00085404, -0.00244917, -0.00387812, -0.00944432, -0.00962054, -0.00944432, -0.00387812, -0.00244917,
     0.00085404],
    [-0.00244917, -0.00523281, -0.00661117, 0.00410600, 0.01002988, 0.00410600, -0.00661117, -0.00523281,
     -0.00244917],
    [-0.00387812, -0.00661117, 0.01396746, 0.03277038, 0.03981393, 0.03277038, 0.01396746, -0.00661117,
     -0.00387812],
    [-0.00944432, 0.00410600, 0.03277038, 0.06426333, 0.08169618, 0.06426333, 0.03277038, 0.00410600,
     -0.00944432],
    [-0.00962054, 0.01002988, 0.03981393, 0.08169618, 0.10096540, 0.08169618, 0.03981393, 0.01002988,
     -0.00962054],
    [-0.00944432, 0.00410600, 0.03277038, 0.06426333, 0.08169618, 0.06426333, 0.03277038, 0.00410600,
     -0.00944432],
    [-0.00387812, -0.00661117, 0.01396746, 0.03277038, 0.03981393, 0.03277038, 0.01396746, -0.00661117,
     -0.00387812],
    [-0.00244917, -0.00523281, -0.00661117, 0.00410600, 0.01002988, 0.00410600, -0.00661117, -0.00523281,
     -0.00244917],
    [0.00085404, -0.00244917, -0.00387812, -0.00944432, -0.00962054, -0.00944432, -0.00387812, -0.00244917,
     0.00085404]])
# Orientation band 1 of sp5Filters (a 7x7 filter: an odd derivative across rows, even along them);
# band 4 (the 90° one) is its negated transpose.
_B1 = np.array([
    [0.00277643, 0.00496194, 0.01026699, 0.01455399, 0.01026699, 0.00496194, 0.00277643],
    [-0.00986904, -0.00893064, 0.01189859, 0.02755155, 0.01189859, -0.00893064, -0.00986904],
    [-0.01021852, -0.03075356, -0.08226445, -0.11732297, -0.08226445, -0.03075356, -0.01021852],
    [0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.01021852, 0.03075356, 0.08226445, 0.11732297, 0.08226445, 0.03075356, 0.01021852],
    [0.00986904, 0.00893064, -0.01189859, -0.02755155, -0.01189859, 0.00893064, 0.00986904],
    [-0.00277643, -0.00496194, -0.01026699, -0.01455399, -0.01026699, -0.00496194, -0.00277643]])
_BANDS = (_B1, -_B1.T)
# window of the distortion-channel estimate per pyramid level 1 (finest) .. 4: 2^(5-l) + 1
_WIN = {1: 17, 2: 9, 3: 5, 4: 3}


def _tap_groups(f: np.ndarray):
    """The nonzero taps of a filter grouped by coefficient: [(c, [(i, j), ...]), ...] (the sp5
    filters are symmetric, so one multiplication serves up to 8 taps)."""
    groups: dict = {}
    for (i, j), c in np.ndenumerate(f):
        if c != 0.0:
            groups.setdefault(float(c), []).append((i, j))
    return list(groups.items())


_GROUPS: dict = {}


def _corr(x: np.ndarray, f: np.ndarray, step: int = 1) -> np.ndarray:
    """2-D correlation over the last two axes, image reflected about its edge pixels ('reflect1'),
    output at positions 0, step, 2*step, ... (matlabPyrTools ``corrDn``). Loops over the filter
    taps (at most 81), never over pixels."""
    kh, kw = f.shape
    h, w = x.shape[-2:]
    pad = [(0, 0)] * (x.ndim - 2) + [(kh // 2, kh // 2), (kw // 2, kw // 2)]
    xp = np.pad(x, pad, mode='reflect')
    groups = _GROUPS.get(id(f))
    if groups is None:
        groups = _GROUPS[id(f)] = _tap_groups(f)
    out = acc = None
    for c, taps in groups:
        (i, j), rest = taps[0], taps[1:]
        if rest:
            acc = np.add(xp[..., i:i + h:step, j:j + w:step], xp[..., rest[0][0]:rest[0][0] + h:step,
                                                                 rest[0][1]:rest[0][1] + w:step], out=acc)
            for i2, j2 in rest[1:]:
                acc += xp[..., i2:i2 + h:step, j2:j2 + w:step]
            src = acc
        else:
            src = xp[..., i:i + h:step, j:j + w:step]
        if out is None:
            out = src * c
        else:
            out += np.multiply(src, c, out=acc if rest else None)
    return out


def _pyramid_bands(x: np.ndarray) -> dict:
    """{(level, band): subband} for levels 1..4 and bands 0 (orientation 1) and 1 (orientation 4)
    of ``buildSpyr(x, 4, 'sp5Filters', 'reflect1')``; ``x`` may carry leading batch axes."""
    lo = _corr(x, _LO0)
    out = {}
    for level in range(1, LEVELS + 1):
        for k, f in enumerate(_BANDS):
            out[level, k] = _corr(lo, f)
        if level < LEVELS:
            lo = _corr(lo, _LO, step=2)
    return out


def _block_sums_at_centres(x: np.ndarray, win: int) -> np.ndarray:
    """Sum over a win×win window (reflect1 edges) centred on the middle pixel of every
    non-overlapping 3×3 block of ``x`` (whose sides are multiples of 3) → (..., H/3, W/3)."""
    r = win // 2
    h, w = x.shape[-2:]
    pad = [(0, 0)] * (x.ndim - 2) + [(r, r), (r, r)]
    xp = np.pad(x, pad, mode='reflect')
    # centres are rows 1, 4, 7, ...; in the padded array their windows start at rows 1, 4, ... too
    rows = xp[..., 1:1 + h:M, :].copy()
    for d in range(1, win):
        rows += xp[..., 1 + d:1 + d + h:M, :]
    out = rows[..., :, 1:1 + w:M].copy()
    for d in range(1, win):
        out += rows[..., :, 1 + d:1 + d + w:M]
    return out


def _distortion_channel(y: np.ndarray, yn: np.ndarray, win: int):
    """(g, σv²) per non-overlapping block (``distsub_est_m.m``)."""
    n = float(win * win)
    p = np.empty((5,) + y.shape)
    p[0], p[1] = y, yn
    np.multiply(y, yn, out=p[2])
    np.multiply(y, y, out=p[3])
    np.multiply(yn, yn, out=p[4])
    s = _block_sums_at_centres(p, win)
    mean_x, mean_y = s[0] / n, s[1] / n
    cov_xy = s[2] - n * mean_x * mean_y
    ss_x = s[3] - n * mean_x * mean_x
    ss_y = s[4] - n * mean_y * mean_y
    ss_x[ss_x < 0] = 0
    ss_y[ss_y < 0] = 0
    g = cov_xy / (ss_x + _TOL)
    vv = (ss_y - g * cov_xy) / n
    small_x = ss_x < _TOL
    g[small_x] = 0
    vv[small_x] = ss_y[small_x]
    ss_x[small_x] = 0
    small_y = ss_y < _TOL
    g[small_y] = 0
    vv[small_y] = 0
    neg = g < 0
    vv[neg] = ss_y[neg]
    g[neg] = 0
    vv[vv <= _TOL] = _TOL
    return g, vv


def _reference_gsm(y: np.ndarray):
    """(S field per non-overlapping block, eigenvalues of Cu) of a reference subband
    (``refparams_vecgsm.m``)."""
    h, w = y.shape
    # all overlapping 3x3 blocks as 9-vectors (shift (dy, dx) -> component 3*dy + dx)
    u = np.empty(((h - M + 1) * (w - M + 1), M * M))
    for k, (dy, dx) in enumerate((dy, dx) for dy in range(M) for dx in range(M)):
        u[:, k] = y[dy:h - M + 1 + dy, dx:w - M + 1 + dx].ravel()
    mu = u.mean(axis=0)
    cu = (u.T @ u) / u.shape[0] - np.outer(mu, mu)   # the subbands are zero-mean: no cancellation
    # non-overlapping blocks, same component order
    blocks = y.reshape(h // M, M, w // M, M).transpose(0, 2, 1, 3).reshape(h // M, w // M, M * M)
    ss = np.einsum('abi,ij,abj->ab', blocks, np.linalg.inv(cu), blocks, optimize=True) / (M * M)
    return ss, np.linalg.eigvalsh(cu)


def ref_ifc(ref: np.ndarray, dist: np.ndarray) -> float:
    """IFC of ``dist`` against the reference ``ref`` (2-D arrays on the 0..255 scale, or H×W×C:
    the mean of the per-channel values). Higher is better; the order of the arguments matters."""
    a, b = np.asarray(ref, np.float64), np.asarray(dist, np.float64)
    if a.shape != b.shape:
        raise ValueError(f'IFC of images of different shapes {a.shape} and {b.shape}')
    if a.ndim == 3:
        return float(np.mean([ref_ifc(a[..., c], b[..., c]) for c in range(a.shape[2])]))
    if a.ndim != 2:
        raise ValueError(f'IFC needs 2-D images, got shape {a.shape}')
    if min(a.shape) < MIN_SIZE:
        raise ValueError(f'image of {a.shape[1]}x{a.shape[0]} pixels is too small for IFC (its 4-level '
                         f'steerable pyramid needs at least {MIN_SIZE} pixels on each side)')
    bands = _pyramid_bands(np.stack([a, b]))
    total = 0.0
    for (level, _), sub in bands.items():
        h, w = (sub.shape[1] // M) * M, (sub.shape[2] // M) * M
        y, yn = sub[0, :h, :w], sub[1, :h, :w]
        win = _WIN[level]
        g, vv = _distortion_channel(y, yn, win)
        ss, lam = _reference_gsm(y)
        o = int(np.ceil(((win - 1) / 2) / M))
        g, vv, ss = g[o:-o, o:-o], vv[o:-o, o:-o], ss[o:-o, o:-o]
        snr = (g * g * ss / (vv + 1e-10))[..., None] * lam
        total += float(np.log2(1.0 + snr).sum())
    return total / a.size


# ---------------------------------------------------------------- IFC round 2 (ifc.py at 9ddeb1a)
# The torch version of ref_ifc (correlations and window sums on float64 tensors, Cu from a row-major
# block matrix), verbatim but for the _r2 suffixes: the kernel the round-3 ifc replaced. It shares
# the filters, constants, _GROUPS and _tap_groups with ref_ifc.
def _corr_r2(x, f: np.ndarray, step: int = 1):
    """2-D correlation over the last two axes of a float64 tensor, image reflected about its edge pixels
    ('reflect1'), output at positions 0, step, 2*step, ... (matlabPyrTools ``corrDn``). Loops over the
    groups of equal filter taps (at most 81 taps), never over pixels; torch's elementwise loops run
    these strided views several times faster than numpy's."""
    import torch.nn.functional as F
    kh, kw = f.shape
    h, w = x.shape[-2:]
    lead = x.shape[:-2]
    xp = F.pad(x.reshape((-1, 1, h, w)), (kw // 2, kw // 2, kh // 2, kh // 2), mode='reflect')
    xp = xp.reshape(lead + xp.shape[-2:])
    groups = _GROUPS.get(id(f))
    if groups is None:
        groups = _GROUPS[id(f)] = _tap_groups(f)
    out = acc = None
    for c, taps in groups:
        (i, j), rest = taps[0], taps[1:]
        if rest:
            i2, j2 = rest[0]
            a, b = xp[..., i:i + h:step, j:j + w:step], xp[..., i2:i2 + h:step, j2:j2 + w:step]
            acc = torch.add(a, b) if acc is None else torch.add(a, b, out=acc)
            for i2, j2 in rest[1:]:
                acc += xp[..., i2:i2 + h:step, j2:j2 + w:step]
            src = acc
        else:
            src = xp[..., i:i + h:step, j:j + w:step]
        if out is None:
            out = src * c
        else:
            out.add_(src, alpha=c)
    return out


def _pyramid_bands_r2(x: np.ndarray) -> dict:
    """{(level, band): subband} for levels 1..4 and bands 0 (orientation 1) and 1 (orientation 4)
    of ``buildSpyr(x, 4, 'sp5Filters', 'reflect1')``; ``x`` may carry leading batch axes."""
    lo = _corr_r2(x, _LO0)
    out = {}
    for level in range(1, LEVELS + 1):
        for k, f in enumerate(_BANDS):
            out[level, k] = _corr_r2(lo, f)
        if level < LEVELS:
            lo = _corr_r2(lo, _LO, step=2)
    return out


def _block_sums_at_centres_r2(x: np.ndarray, win: int) -> np.ndarray:
    """Sum over a win×win window (reflect1 edges) centred on the middle pixel of every
    non-overlapping 3×3 block of ``x`` (whose sides are multiples of 3) → (..., H/3, W/3)."""
    import torch.nn.functional as F
    r = win // 2
    h, w = x.shape[-2:]
    t = torch.from_numpy(np.ascontiguousarray(x))
    xp = F.pad(t.reshape((-1, 1, h, w)), (r, r, r, r), mode='reflect').reshape(x.shape[:-2] + (h + 2 * r,
                                                                                              w + 2 * r))
    # centres are rows 1, 4, 7, ...; in the padded array their windows start at rows 1, 4, ... too
    rows = xp[..., 1:1 + h:M, :].clone()
    for d in range(1, win):
        rows += xp[..., 1 + d:1 + d + h:M, :]
    out = rows[..., :, 1:1 + w:M].clone()
    for d in range(1, win):
        out += rows[..., :, 1 + d:1 + d + w:M]
    return out.numpy()


def _distortion_channel_r2(y: np.ndarray, yn: np.ndarray, win: int):
    """(g, σv²) per non-overlapping block (``distsub_est_m.m``)."""
    n = float(win * win)
    p = np.empty((5,) + y.shape)
    p[0], p[1] = y, yn
    np.multiply(y, yn, out=p[2])
    np.multiply(y, y, out=p[3])
    np.multiply(yn, yn, out=p[4])
    s = _block_sums_at_centres_r2(p, win)
    mean_x, mean_y = s[0] / n, s[1] / n
    cov_xy = s[2] - n * mean_x * mean_y
    ss_x = s[3] - n * mean_x * mean_x
    ss_y = s[4] - n * mean_y * mean_y
    ss_x[ss_x < 0] = 0
    ss_y[ss_y < 0] = 0
    g = cov_xy / (ss_x + _TOL)
    vv = (ss_y - g * cov_xy) / n
    small_x = ss_x < _TOL
    g[small_x] = 0
    vv[small_x] = ss_y[small_x]
    ss_x[small_x] = 0
    small_y = ss_y < _TOL
    g[small_y] = 0
    vv[small_y] = 0
    neg = g < 0
    vv[neg] = ss_y[neg]
    g[neg] = 0
    vv[vv <= _TOL] = _TOL
    return g, vv


def _reference_gsm_r2(y: np.ndarray):
    """(S field per non-overlapping block, eigenvalues of Cu) of a reference subband
    (``refparams_vecgsm.m``)."""
    h, w = y.shape
    # all overlapping 3x3 blocks as 9-vectors (shift (dy, dx) -> component 3*dy + dx), one row each
    u = np.empty((M * M, h - M + 1, w - M + 1))
    for k, (dy, dx) in enumerate((dy, dx) for dy in range(M) for dx in range(M)):
        u[k] = y[dy:h - M + 1 + dy, dx:w - M + 1 + dx]
    u = u.reshape(M * M, -1)
    mu = u.mean(axis=1)
    cu = (u @ u.T) / u.shape[1] - np.outer(mu, mu)   # the subbands are zero-mean: no cancellation
    # non-overlapping blocks, same component order
    blocks = y.reshape(h // M, M, w // M, M).transpose(0, 2, 1, 3).reshape(h // M, w // M, M * M)
    ss = np.einsum('abi,ij,abj->ab', blocks, np.linalg.inv(cu), blocks, optimize=True) / (M * M)
    return ss, np.linalg.eigvalsh(cu)


def ref_ifc_r2(ref: np.ndarray, dist: np.ndarray) -> float:
    """IFC of ``dist`` against the reference ``ref`` (2-D arrays on the 0..255 scale, or H×W×C:
    the mean of the per-channel values). Higher is better; the order of the arguments matters."""
    a, b = np.asarray(ref, np.float64), np.asarray(dist, np.float64)
    if a.shape != b.shape:
        raise ValueError(f'IFC of images of different shapes {a.shape} and {b.shape}')
    if a.ndim == 3:
        return float(np.mean([ref_ifc_r2(a[..., c], b[..., c]) for c in range(a.shape[2])]))
    if a.ndim != 2:
        raise ValueError(f'IFC needs 2-D images, got shape {a.shape}')
    if min(a.shape) < MIN_SIZE:
        raise ValueError(f'image of {a.shape[1]}x{a.shape[0]} pixels is too small for IFC (its 4-level '
                         f'steerable pyramid needs at least {MIN_SIZE} pixels on each side)')
    bands = {k: v.numpy() for k, v in _pyramid_bands_r2(torch.from_numpy(np.stack([a, b]))).items()}
    total = 0.0
    for (level, _), sub in bands.items():
        h, w = (sub.shape[1] // M) * M, (sub.shape[2] // M) * M
        y, yn = sub[0, :h, :w], sub[1, :h, :w]
        win = _WIN[level]
        g, vv = _distortion_channel_r2(y, yn, win)
        ss, lam = _reference_gsm_r2(y)
        o = int(np.ceil(((win - 1) / 2) / M))
        g, vv, ss = g[o:-o, o:-o], vv[o:-o, o:-o], ss[o:-o, o:-o]
        snr = (g * g * ss / (vv + 1e-10))[..., None] * lam
        total += float(np.log2(1.0 + snr).sum())
    return total / a.size
