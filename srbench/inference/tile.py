"""Tiled forward of any SR network, exact where the margin covers the receptive field.

The input (N×C×H×W, the tensor the network takes: the LR image, or the HR-sized bicubic image) is cut into
*cores* of ``tile`` × ``tile`` pixels. Each core is run with a margin of ``overlap`` pixels of real context
on each side (clipped at the image border, where the network pads exactly as it does on the whole image),
and only the core's part of the output is kept. When ``overlap`` is at least the network's receptive field
(how far an output pixel can see, in input pixels, on each side), every kept output pixel saw exactly what
it sees in the untiled forward: tiled equals untiled up to float rounding (tests check 1e-5). This is the
"halo" scheme; nothing is averaged across tiles.

The windows respect the network's size requirements (:class:`srbench.spec.SizeRequirements`): sides are
aligned to ``multiple_of`` (LapSRN), grown to ``minimum`` (SRCNN with valid convolutions); a network with
one exact input size (GLEAN) cannot be tiled (one :class:`~srbench.errors.ModelInputError`).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Callable

import torch

from ..errors import ConfigError, ModelInputError
from ..spec import GLOBAL, SizeRequirements
from .ensemble import self_ensemble as _self_ensemble


@dataclass(frozen=True)
class TileSpec:
    """How to run a network at test time: ``tile`` (core size in input pixels; None: whole image),
    ``overlap`` (margin on each side; None: the network's receptive field), ``self_ensemble`` (x8)."""
    tile: int | None = None
    overlap: int | None = None
    self_ensemble: bool = False

    @classmethod
    def from_cfg(cls, cfg, where: str = 'model.test_cfg') -> TileSpec:
        """From a dict (``tile``, ``tile_overlap``, ``self_ensemble``), a TileSpec or None; an unknown key
        or a bad value is one ConfigError naming ``where``."""
        if cfg is None:
            return cls()
        if isinstance(cfg, TileSpec):
            return cfg
        if not isinstance(cfg, dict):
            raise ConfigError(f'{where} must be a dict (tile, tile_overlap, self_ensemble), got {cfg!r}')
        unknown = sorted(set(cfg) - {'tile', 'tile_overlap', 'self_ensemble'})
        if unknown:
            raise ConfigError(f'{where}: unknown key {unknown[0]!r}; expected tile, tile_overlap, '
                              'self_ensemble')
        tile, overlap = cfg.get('tile'), cfg.get('tile_overlap')
        for k, v, low in (('tile', tile, 1), ('tile_overlap', overlap, 0)):
            if v is not None and (isinstance(v, bool) or not isinstance(v, int) or v < low):
                raise ConfigError(f'{where}.{k} must be an integer >= {low} (pixels) or None, got {v!r}')
        ens = cfg.get('self_ensemble', False)
        if not isinstance(ens, bool):
            raise ConfigError(f'{where}.self_ensemble must be true or false, got {ens!r}')
        return cls(tile, overlap, ens)

    def as_dict(self) -> dict:
        return dict(tile=self.tile, tile_overlap=self.overlap, self_ensemble=self.self_ensemble)


def receptive_field_of(network, info=None):
    """The receptive field of a network instance: its ``receptive_field()`` method when it has one (a value
    that depends on constructor arguments), else the declaration's ``ModelInfo.receptive_field``; an int,
    :data:`srbench.spec.GLOBAL`, or None (unknown)."""
    own = getattr(network, 'receptive_field', None)
    if callable(own):
        return own()
    return getattr(info, 'receptive_field', None)


def resolve_tiling(tile: int | None, overlap: int | None, receptive_field, req: SizeRequirements | None,
                   name: str = 'the network') -> tuple[int, int] | None:
    """``(tile, overlap)`` to run with, or None for no tiling; one error when the network cannot be tiled
    (exact input size) or the margin cannot be defaulted (receptive field global or unknown)."""
    if tile is None:
        return None
    if isinstance(tile, bool) or not isinstance(tile, int) or tile < 1:
        raise ConfigError(f'tile must be a positive number of pixels, got {tile!r}')
    if req is not None and req.exact is not None:
        raise ModelInputError(f'{name} takes inputs of {req.describe()}'
                              + (f' ({req.note})' if req.note else '')
                              + ': it cannot be run in tiles; remove tile / --tile')
    if overlap is None:
        if receptive_field == GLOBAL:
            raise ModelInputError(
                f'{name} sees the whole image (its receptive field is global, e.g. global pooling): a tiled '
                'output cannot equal the untiled one; give tile_overlap / --tile-overlap explicitly to '
                'accept an approximation')
        if receptive_field is None:
            raise ModelInputError(f'{name} declares no receptive field (ModelInfo.receptive_field or a '
                                  'receptive_field() method): give tile_overlap / --tile-overlap')
        overlap = int(receptive_field)
    if isinstance(overlap, bool) or not isinstance(overlap, int) or overlap < 0:
        raise ConfigError(f'tile_overlap must be a number of pixels >= 0, got {overlap!r}')
    return tile, overlap


def plan_windows(length: int, tile: int, overlap: int, minimum: int = 1, multiple: int = 1) -> list[tuple]:
    """The tiles along one side of ``length`` pixels: ``(core0, core1, win0, win1)`` per tile -- the core
    kept, and the window run (core plus ``overlap`` each side, clipped to the image, grown to ``minimum``,
    its ends aligned to ``multiple``; ``length`` must itself be a multiple of ``multiple``)."""
    step = max(multiple, math.ceil(tile / multiple) * multiple)
    out = []
    for c0 in range(0, length, step):
        c1 = min(length, c0 + step)
        w0, w1 = max(0, c0 - overlap), min(length, c1 + overlap)
        m = min(minimum, length)
        if w1 - w0 < m:                    # grow within the image, about equally on both sides
            w0 = min(max(0, w0 - (m - (w1 - w0)) // 2), length - m)
            w1 = w0 + m
        w0 = w0 // multiple * multiple
        w1 = min(length, math.ceil(w1 / multiple) * multiple)
        out.append((c0, c1, w0, w1))
    return out


def tiled_forward(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, tile: int, overlap: int,
                  out_scale: int = 1, req: SizeRequirements | None = None, name: str = 'the network'
                  ) -> torch.Tensor:
    """``fn(x)`` computed tile by tile (see the module docstring). ``out_scale``: output pixels per input
    pixel (the scale for networks that take the LR image, 1 for networks that take the bicubic image)."""
    req = req or SizeRequirements()
    H, W = x.shape[-2:]
    if not req.check(H, W):
        raise ModelInputError(f'{name} takes inputs of {req.describe()}, got {W}x{H}')
    rows = plan_windows(H, tile, overlap, req.minimum, req.multiple_of)
    cols = plan_windows(W, tile, overlap, req.minimum, req.multiple_of)
    if len(rows) == 1 and len(cols) == 1:
        return fn(x)
    s = int(out_scale)
    out = None
    for c0, c1, w0, w1 in rows:
        for d0, d1, v0, v1 in cols:
            y = fn(x[..., w0:w1, v0:v1])
            want = ((w1 - w0) * s, (v1 - v0) * s)
            if tuple(y.shape[-2:]) != want:
                raise ModelInputError(
                    f'{name} turned a {v1 - v0}x{w1 - w0} tile into {y.shape[-1]}x{y.shape[-2]}, expected '
                    f'{want[1]}x{want[0]} (x{s}): a network that changes the size (valid convolutions) '
                    'cannot be tiled')
            if out is None:
                out = y.new_empty(y.shape[:-2] + (H * s, W * s))
            out[..., c0 * s:c1 * s, d0 * s:d1 * s] = y[..., (c0 - w0) * s:(c1 - w0) * s,
                                                       (d0 - v0) * s:(d1 - v0) * s]
    return out


def run_network(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor, out_scale: int = 1,
                spec: TileSpec | None = None, receptive_field=None, req: SizeRequirements | None = None,
                name: str = 'the network') -> torch.Tensor:
    """The test-time forward: ``fn(x)``, tiled and/or self-ensembled as ``spec`` says."""
    spec = spec or TileSpec()
    tiling = resolve_tiling(spec.tile, spec.overlap, receptive_field, req, name)
    if tiling is None:
        g = fn
    else:
        def g(t):
            return tiled_forward(fn, t, tiling[0], tiling[1], out_scale, req, name)
    return _self_ensemble(g, x) if spec.self_ensemble else g(x)




def measure_receptive_field(fn: Callable[[torch.Tensor], torch.Tensor], channels: int, out_scale: int = 1,
                            size: int = 129, seed: int = 0, dtype=torch.float64):
    """The receptive field of ``fn`` measured by gradients: the farthest input pixel (Chebyshev distance from
    the centre pixel) whose gradient on the outputs of the centre pixel is not zero, on a random
    ``size`` × ``size`` input. Returns an int, or :data:`srbench.spec.GLOBAL` when the gradient reaches the
    input's border (the field is at least ``size // 2``: global, or larger than measured). A lower bound
    in principle (a weight or ReLU can zero a path); the tests check the declared fields by tiling."""
    g = torch.Generator().manual_seed(seed)
    x = torch.rand((1, channels, size, size), generator=g, dtype=dtype).requires_grad_(True)
    c, s = size // 2, int(out_scale)
    with torch.enable_grad():
        y = fn(x)
        y[..., c * s:(c + 1) * s, c * s:(c + 1) * s].sum().backward()
    nz = (x.grad.abs().sum(dim=(0, 1)) > 0).nonzero()
    if nz.numel() == 0:
        return 0
    r = int((nz - c).abs().max())
    return GLOBAL if r >= c else r
