"""x8 self-ensemble (geometric self-ensemble of EDSR, Lim et al. 2017, Sec. 4.3): the network runs on the
eight dihedral transforms of the input (identity, rotations by 90/180/270 degrees, and the same after a
horizontal flip), each output is transformed back, and the eight are averaged."""
from __future__ import annotations

from typing import Callable

import torch

DIHEDRAL = tuple((flip, rot) for flip in (False, True) for rot in range(4))
"""The eight transforms as (horizontal flip first, then ``rot`` quarter turns counter-clockwise)."""


def dihedral_forward(x: torch.Tensor, flip: bool, rot: int) -> torch.Tensor:
    """``x`` (…×H×W) flipped left-right (if ``flip``), then turned ``rot`` quarter turns."""
    if flip:
        x = torch.flip(x, dims=(-1,))
    return torch.rot90(x, rot, dims=(-2, -1)) if rot % 4 else x


def dihedral_inverse(y: torch.Tensor, flip: bool, rot: int) -> torch.Tensor:
    """The inverse of :func:`dihedral_forward` (turn back, then flip back)."""
    if rot % 4:
        y = torch.rot90(y, -rot, dims=(-2, -1))
    return torch.flip(y, dims=(-1,)) if flip else y


def self_ensemble(fn: Callable[[torch.Tensor], torch.Tensor], x: torch.Tensor,
                  transforms=DIHEDRAL) -> torch.Tensor:
    """The mean of ``inverse_t(fn(t(x)))`` over the dihedral ``transforms`` (default: all eight).

    ``fn`` maps an N×C×H×W input to its SR output (any size that transforms like the input: the network, or
    its tiled forward). The sum is accumulated in the output's dtype, then divided once."""
    total = None
    for flip, rot in transforms:
        y = dihedral_inverse(fn(dihedral_forward(x, flip, rot)), flip, rot)
        total = y.clone() if total is None else total.add_(y)
    return total / len(transforms)
