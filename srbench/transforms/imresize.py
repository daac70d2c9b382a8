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

How it is fast: the resize along one axis is linear, ``out = A @ in`` with ``A`` (out × in) banded (4 to
18 taps per output pixel, mirrored taps folded in). The plan of an axis (cached per in size, out size, scale
and kernel) cuts ``A`` into blocks of output pixels, each with the slice of input pixels its band reads,
so an axis is a few dozen small dense matrix products (``numpy.matmul`` into views of the output, also for
CPU tensors) that touch only the band. No transposes or gathers: an H×W×C image is resized down its rows as
``A_block @ X[rows]`` with X of shape (H, W·C) and along its columns as ``X[:, cols] @ (A_blockᵀ ⊗ I_C)``
(the Kronecker factor keeps the channels interleaved); a (B, H, W) tensor as ``A_block @ X[b, rows]`` and
``X[:, cols] @ A_blockᵀ`` with X of shape (B·H, W). Float results differ from the tap-by-tap sum only by
the summation order: a few ulps (~1e-16 for images in [0, 1]).

Why uint8 stays exact: the rounding after each axis is MATLAB's ``floor(y + 0.5)`` of the tap-order sum,
and a matrix product sums in another order. For integer scales (x2, x4 and their inverses) the weights are
dyadic and every product and partial sum of integers in 0..255 is exact, so both orders give the same
number. Otherwise the two sums are within ~1e-12 of each other (proof in :func:`_tie_tol`), and only the
values within 1e-9 of some ``k + 0.5`` -- almost never one -- are recomputed in tap order before rounding.
The result is the reference's bit for bit (tests/test_imresize_fast.py, tests/test_kernels_equal.py).
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Sequence

import numpy as np

from ..errors import SRBenchError

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
def _contributions(in_length: int, out_length: int, scale: float, method: str, antialiasing: bool):
    """:func:`contributions`, cached (read-only arrays)."""
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
    for a in (w, idx):
        a.setflags(write=False)
    return w, idx


def contributions(in_length: int, out_length: int, scale: float, method: str = 'bicubic',
                  antialiasing: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """(weights, indices) of shape (out_length, taps): output pixel i is
    ``sum_j weights[i, j] * input[indices[i, j]]`` (0-based indices)."""
    return _contributions(in_length, out_length, scale, method, bool(antialiasing))


# output rows per block of A @ X, output columns per block of X @ (Aᵀ ⊗ I_q); [upscaling, downscaling]
_BLOCK = (16, 8)
_KRON_COLS = (24, 24)
_MNK = 1 << 18                       # OpenBLAS runs a product of m*n*k <= 65536 * 4 on one thread
_KRON_MAX = 4                        # inner sizes up to this use Kronecker-expanded blocks (channels last)
_ROUND_CHUNK = 1 << 15               # elements per chunk of the uint8 rounding
_TIE_TOL = 1e-9                      # least distance from k + 0.5 kept without a tap-order recount
_U = 2.0 ** -53                      # unit roundoff of float64


class _AxisPlan:
    """One axis of the resize as a banded matrix ``a`` (out_length × in_length, never stored whole):
    output pixel i is ``sum_j a[i, j] * input[j]``, the mirrored taps folded in (a mirrored index that
    meets another tap adds its weight). :meth:`blocks` cuts it into blocks of output pixels with the
    slice of the input each reads, ``(r0, r1, c0, c1, a[r0:r1, c0:c1])``. The tap tables (``w``, ``idx``)
    stay for the uint8 tie recount (:func:`_tap_order`); ``wsum`` (the largest sum of |weights|) and
    ``exact`` (dyadic weights: every sum of products with integers in 0..255 exact) serve
    :func:`_tie_tol`."""

    def __init__(self, w, idx, in_length):
        self.w, self.idx = w, idx
        self.in_length, self.out_length = in_length, w.shape[0]
        self.down = int(self.out_length < in_length)
        self._cache = {}
        self.wsum = s = float(np.abs(w).sum(axis=1).max())      # the largest sum of |weights|
        # dyadic weights (integer scales): with integers in 0..255 every product and partial sum is exact
        # (folded weights too: sums of multiples of 2**-e, far below 2**53 * 2**-e)
        self.exact = False
        for e in range(41):
            f = 2.0 ** e
            if (np.floor(w * f) == w * f).all():
                self.exact = 255.0 * s * f <= 2.0 ** 52
                break

    def blocks(self, rows: int):
        """``[(r0, r1, c0, c1, a[r0:r1, c0:c1])]`` for blocks of ``rows`` output pixels, each with the
        slice of the input its band reads (made from the tap tables: no dense matrix is kept)."""
        key = ('blocks', rows)
        got = self._cache.get(key)
        if got is None:
            got = []
            for r0 in range(0, self.out_length, rows):
                r1 = min(r0 + rows, self.out_length)
                wb, ib = self.w[r0:r1], self.idx[r0:r1]
                nz = wb != 0
                c0, c1 = (int(ib[nz].min()), int(ib[nz].max()) + 1) if nz.any() else (0, 1)
                blk = np.zeros((r1 - r0, c1 - c0))
                np.add.at(blk, (np.nonzero(nz)[0], ib[nz] - c0), wb[nz])    # taps in order, folded
                got.append((r0, r1, c0, c1, blk))
            self._cache[key] = got
        return got

    def kron(self, q: int, dtype):
        """Blocks for ``X @ K`` with X of shape (P, in_length * q) (q channels last): K = A_blockᵀ ⊗ I_q,
        about ``_KRON_COLS`` output columns each."""
        key = ('kron', q, np.dtype(dtype).str)
        got = self._cache.get(key)
        if got is None:
            eye = np.eye(q)
            got = self._cache[key] = [(r0 * q, r1 * q, c0 * q, c1 * q,
                                       np.ascontiguousarray(np.kron(b.T, eye), dtype=dtype))
                                      for r0, r1, c0, c1, b in self.blocks(max(1, _KRON_COLS[self.down] // q))
                                      ]
        return got

    def left(self, dtype):
        """Blocks of ``_BLOCK`` output rows for ``A_block @ X``."""
        key = ('left', np.dtype(dtype).str)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = [(r0, r1, c0, c1, b.astype(dtype))
                                      for r0, r1, c0, c1, b in self.blocks(_BLOCK[self.down])]
        return got

    def torch_taps(self, device, dtype):
        key = ('taps', str(device), dtype)
        got = self._cache.get(key)
        if got is None:
            import torch
            got = self._cache[key] = (torch.tensor(np.array(self.idx), device=device),
                                      torch.tensor(np.array(self.w), dtype=dtype, device=device))
        return got

    def torch_blocks(self, kind: str, q: int, device, dtype):
        key = ('torch', kind, q, str(device), dtype)
        got = self._cache.get(key)
        if got is None:
            import torch
            src = self.kron(q, np.float64) if kind == 'kron' else self.left(np.float64)
            got = self._cache[key] = [(r0, r1, c0, c1, torch.tensor(b, dtype=dtype, device=device))
                                      for r0, r1, c0, c1, b in src]
        return got


@lru_cache(maxsize=256)
def _axis_plan(in_length: int, out_length: int, scale: float, method: str, antialiasing: bool) -> _AxisPlan:
    w, idx = _contributions(in_length, out_length, scale, method, antialiasing)
    return _AxisPlan(w, idx, in_length)


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


def _axis_np(x: np.ndarray, plan: _AxisPlan, is_uint8: bool = False) -> np.ndarray:
    """Resize axis 1 of a contiguous float array (P, N, Q) -> (P, out_length, Q), block by block;
    ``is_uint8``: ``x`` holds integers in 0..255 and the result is rounded like MATLAB's uint8
    (:func:`_round_np`).

    Each product is cut (along the dimension the block does not resize) to ``m * n * k <= _MNK = 2**18``
    multiply-adds: OpenBLAS (numpy's BLAS) runs such products on the calling thread. Larger ones it splits
    over a thread per core in every process, DataLoader workers included (which torch limits to 1 thread):
    two processes resizing at once on 2 cores then ran 10-35x slower (measured). ``torch.mm`` would follow
    torch's thread count but is 1.5-2x slower on these shapes here (MKL on an AMD CPU)."""
    p, n, q = x.shape
    out = np.empty((p, plan.out_length, q), dtype=x.dtype)
    if p == 1:                                   # A @ X: the axis is the rows of a (N, Q) matrix
        x2, o2 = x[0], out[0]
        for r0, r1, c0, c1, b in plan.left(x.dtype):
            step = max(1, _MNK // b.size)
            for j0 in range(0, q, step):
                np.matmul(b, x2[c0:c1, j0:j0 + step], out=o2[r0:r1, j0:j0 + step])
    elif q <= _KRON_MAX:                         # X @ (Aᵀ ⊗ I_q): the axis (and q channels) in the columns
        x2, o2 = x.reshape(p, n * q), out.reshape(p, plan.out_length * q)
        for r0, r1, c0, c1, k in plan.kron(q, x.dtype):
            step = max(1, _MNK // k.size)
            for i0 in range(0, p, step):
                np.matmul(x2[i0:i0 + step, c0:c1], k, out=o2[i0:i0 + step, r0:r1])
    else:                                        # A @ X[i] for each i
        for r0, r1, c0, c1, b in plan.left(x.dtype):
            step = max(1, _MNK // b.size)
            for j0 in range(0, q, step):
                np.matmul(b, x[:, c0:c1, j0:j0 + step], out=out[:, r0:r1, j0:j0 + step])
    return _round_np(out, x, plan) if is_uint8 else out


def _axis_torch(x, plan: _AxisPlan):
    """:func:`_axis_np` for a contiguous tensor (any device, dtype, autograd): the blocks are concatenated."""
    import torch
    p, n, q = x.shape
    if p == 1:
        x2 = x[0]
        parts = [b @ x2[c0:c1] for r0, r1, c0, c1, b in plan.torch_blocks('left', 1, x.device, x.dtype)]
        return torch.cat(parts, dim=0)[None]
    if q <= _KRON_MAX:
        x2 = x.reshape(p, n * q)
        parts = [x2[:, c0:c1] @ k for r0, r1, c0, c1, k in plan.torch_blocks('kron', q, x.device, x.dtype)]
        return torch.cat(parts, dim=1).reshape(p, plan.out_length, q)
    parts = [b @ x[:, c0:c1] for r0, r1, c0, c1, b in plan.torch_blocks('left', 1, x.device, x.dtype)]
    return torch.cat(parts, dim=1)


def _tap_order(x, plan: _AxisPlan, pi, ii, qi):
    """The outputs (pi, ii, qi) of resizing axis 1 of ``x`` (P, N, Q) computed as the reference does: one
    product per tap, ``((x[i0] * w0 + x[i1] * w1) + x[i2] * w2) + ...`` (separate IEEE operations)."""
    if isinstance(x, np.ndarray):
        idx, w = plan.idx[ii], plan.w[ii]
    else:
        idx, w = plan.torch_taps(x.device, x.dtype)
        idx, w = idx[ii], w[ii]
    acc = x[pi, idx[:, 0], qi] * w[:, 0]
    for k in range(1, w.shape[1]):
        acc = acc + x[pi, idx[:, k], qi] * w[:, k]
    return acc


def _tie_tol(x, plan: _AxisPlan) -> float:
    """How close to a rounding boundary a block product ``y`` of ``x`` (P, N, Q) may lie for MATLAB's
    uint8 rounding ``clip(floor(y + 0.5), 0, 255)`` to possibly differ from that of the tap-order sum
    (:func:`_tap_order`) that the reference kernel and MATLAB's loop compute; closer values are recounted.

    Proof. The inputs are integers in 0..255 (a uint8 image, or the previous axis rounded). An output is
    ``v = sum_k w_k x_k`` with ``sum_k |w_k| <= S`` (``plan.wsum``, about 1.2). Its block product ``y`` adds
    at most ``n`` products (``n = N``, or ``N * Q`` in the Kronecker form; the zeros of the band and of the
    Kronecker factor among them) in an order chosen by BLAS, with or without fused multiply-adds, using the
    weights of mirrored taps folded together (one more rounding); the reference ``r`` adds ``taps``
    products in order. With ``u = 2**-53``, the classical dot-product bound gives
    ``|y - v| <= 1.01 (n + 1) u 255 S`` and ``|r - v| <= 1.01 taps u 255 S``. ``floor(fl(t + 0.5))`` is
    non-decreasing in ``t``, and ``fl(t + 0.5)`` is within ``u (255 S + 1)`` of ``t + 0.5``; so the two
    roundings can differ only if ``y + 0.5`` lies within ``1.01 (n + taps + 3) u (255 S + 1)`` of an
    integer, and the fractional part of ``fl(y + 0.5)`` that the rounding tests is then within
    ``1.01 (n + taps + 4) u (255 S + 1)`` of 0 or 1. The tolerance, ``4 (n + taps + 4) u (255 S + 1)`` and
    at least ``_TIE_TOL`` = 1e-9, is larger (a 512×512×3 image: n <= 1536, the formula gives 2e-10):
    every value within the tolerance is recomputed with :func:`_tap_order` before rounding, the others
    round as the reference does.

    Exact plans (``plan.exact``): when every weight and folded weight is a multiple of ``2**-e`` and
    ``255 S 2**e <= 2**52``, every product and partial sum, in any order, is a multiple of ``2**-e`` below
    ``2**52 2**-e`` in magnitude, hence exact: ``y == r`` and nothing is recomputed. Integer scales give such
    dyadic weights (x2: e = 7, x4: e = 10; 1/2: 8, 1/4: 12); x3 does not (thirds)."""
    p, n, q = x.shape
    terms = n * q if p > 1 and q <= _KRON_MAX else n     # as _axis_np and _axis_torch cut the products
    return max(_TIE_TOL, 4.0 * (terms + plan.w.shape[1] + 4) * _U * (255.0 * plan.wsum + 1.0))


def _round_np(y: np.ndarray, x: np.ndarray, plan: _AxisPlan) -> np.ndarray:
    """MATLAB's uint8 rounding ``clip(floor(y + 0.5), 0, 255)`` of the block products ``y`` (P, N', Q,
    contiguous) of ``x`` (P, N, Q), in place, chunk by chunk (in the cache); unless the plan is exact, the
    values within :func:`_tie_tol` of a rounding boundary are recounted in tap order first."""
    tol, flat = _tie_tol(x, plan), y.reshape(-1)
    scratch = np.empty(min(flat.size, _ROUND_CHUNK))
    found = []
    for i0 in range(0, flat.size, _ROUND_CHUNK):
        yc = flat[i0:i0 + _ROUND_CHUNK]
        t = scratch[:yc.size]
        np.add(yc, 0.5, out=t)
        np.floor(t, out=yc)                      # floor(y + 0.5)
        if not plan.exact:
            t -= yc                              # the fractional part of y + 0.5, in [0, 1)
            t -= 0.5
            near = np.abs(t, out=t) >= 0.5 - tol
            if near.any():
                found.append(np.flatnonzero(near) + i0)
        np.clip(yc, 0, 255, out=yc)
    if found:
        pi, ii, qi = np.unravel_index(np.concatenate(found), y.shape)
        y[pi, ii, qi] = np.clip(np.floor(_tap_order(x, plan, pi, ii, qi) + 0.5), 0, 255)
    return y


def _round_ties(y, x, plan: _AxisPlan):
    """:func:`_round_np` for a tensor ``y`` (P, N', Q), the block products of ``x`` (P, N, Q), on any
    device: the rounded tensor."""
    import torch
    tol = _tie_tol(x, plan)
    t = y + 0.5
    r = torch.floor(t)
    if plan.exact:
        return torch.clamp_(r, 0, 255)
    t -= r
    near = (t <= tol) | (t >= 1.0 - tol)
    if bool(near.any()):
        pi, ii, qi = torch.nonzero(near, as_tuple=True)
        r[pi, ii, qi] = torch.floor(_tap_order(x, plan, pi, ii, qi) + 0.5)
    return torch.clamp_(r, 0, 255)


def _resize_np(x: np.ndarray, order, plans, is_uint8: bool, channels_last: bool) -> np.ndarray:
    """Resize a contiguous float array (H, W, C) (``channels_last``) or (B, H, W) along both axes in
    ``order``; ``is_uint8``: float64 values of a uint8 image, rounded like MATLAB after each axis.

    Float images with channels last may go columns first: the column products (Kronecker form, ``C``
    times the work per output) then run on the smaller of the two intermediate images (upscaling). The
    operations are linear, so this changes only the rounding of the sums (a few ulps); uint8 images keep
    MATLAB's order, which decides where they are rounded."""
    if channels_last and not is_uint8 and x.shape[2] > 1:
        h, w, c = x.shape
        oh, ow = plans[0].out_length, plans[1].out_length
        rows_first = oh * w + c * oh * ow            # work, in output values, of rows then columns
        cols_first = c * h * ow + oh * ow
        order = (0, 1) if rows_first <= cols_first else (1, 0)
    for dim in order:
        if channels_last:
            h, w, c = x.shape
            x3 = x.reshape(1, h, w * c) if dim == 0 else x
        else:
            b, h, w = x.shape
            x3 = x if dim == 0 else x.reshape(b * h, w, 1)
        y = _axis_np(x3, plans[dim], is_uint8)
        if channels_last:
            x = y.reshape((plans[0].out_length, w, c) if dim == 0 else (h, plans[1].out_length, c))
        else:
            x = y.reshape((b, plans[0].out_length, w) if dim == 0 else (b, h, plans[1].out_length))
    return x


def _resize_torch(x, order, plans, is_uint8: bool):
    """:func:`_resize_np` for a contiguous tensor (B, H, W) in any dtype and on any device."""
    for dim in order:
        b, h, w = x.shape
        x3 = x if dim == 0 else x.reshape(b * h, w, 1)
        y = _axis_torch(x3, plans[dim])
        if is_uint8:
            y = _round_ties(y, x3, plans[dim])
        x = y.reshape((b, plans[0].out_length, w) if dim == 0 else (b, h, plans[1].out_length))
    return x


def imresize_np(img: np.ndarray, scale=None, output_shape=None, method: str = 'bicubic',
                antialiasing: bool | None = None) -> np.ndarray:
    """MATLAB ``imresize`` of an H×W or H×W×C numpy image.

    uint8 in → uint8 out with MATLAB's per-dimension rounding; float in → same float dtype out,
    computed in float64. The image stays H×W×C: the rows are resized as ``A @ X`` with X of shape
    (H, W·C), the columns as ``X @ (Bᵀ ⊗ I_C)`` with X of shape (H', W·C), both by blocks of the band.
    """
    img = np.asarray(img)
    if img.ndim not in (2, 3):
        raise ResizeError(f'imresize: expected an H×W or H×W×C image, got shape {img.shape}')
    is_uint8 = img.dtype == np.uint8
    if not (is_uint8 or np.issubdtype(img.dtype, np.floating)):
        raise ResizeError(f'imresize: expected uint8 or float image, got {img.dtype}')
    order, plans = _plan(img.shape[:2], scale, output_shape, method, antialiasing)
    x = np.ascontiguousarray(img if img.ndim == 3 else img[:, :, None], dtype=np.float64)
    y = _resize_np(x, order, plans, is_uint8, channels_last=True)
    y = y if img.ndim == 3 else y[:, :, 0]
    return y.astype(np.uint8) if is_uint8 else y.astype(img.dtype, copy=False)


def imresize_torch(x, scale=None, output_shape=None, method: str = 'bicubic',
                   antialiasing: bool | None = None):
    """MATLAB ``imresize`` of a tensor of shape (..., H, W) (any batch dims, any device).

    Float tensors are computed in their own dtype; uint8 tensors in float64 with MATLAB's rounding. On
    the CPU, float64/float32/uint8 tensors without autograd are resized by :func:`_axis_np` on numpy views
    of their memory (numpy's products are faster here); elsewhere (other devices, autograd, half precision)
    torch's block products are concatenated (:func:`_axis_torch`).
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
    y = x.reshape((-1, h, w))
    dtype = torch.float64 if is_uint8 else y.dtype
    if (y.device.type == 'cpu' and dtype in (torch.float64, torch.float32)
            and not (y.requires_grad and torch.is_grad_enabled())):
        a = np.ascontiguousarray(y.detach().numpy(), dtype=np.float64 if is_uint8 else None)
        y = torch.from_numpy(_resize_np(a, order, plans, is_uint8, channels_last=False))
    else:
        y = _resize_torch(y.to(dtype).contiguous(), order, plans, is_uint8)
    y = y.reshape(lead + y.shape[1:])
    return y.to(torch.uint8) if is_uint8 else y


def imresize(img, scale=None, output_shape=None, method: str = 'bicubic', antialiasing: bool | None = None):
    """MATLAB ``imresize``: numpy (H×W[×C]) or torch ((..., H, W)) front end by input type."""
    if isinstance(img, np.ndarray):
        return imresize_np(img, scale, output_shape, method, antialiasing)
    return imresize_torch(img, scale, output_shape, method, antialiasing)
