"""MATLAB's conversion of doubles to uint8, in one place: round half away from zero, then saturate to
[0, 255] (``uint8(x)``; for images in [0, 1], ``im2uint8(x) = uint8(x * 255)``).

For ``x >= -0.5`` rounding half away from zero is ``floor(x + 0.5)``; anything below rounds to a negative
number and saturates to 0 either way, so ``clip(floor(x + 0.5), 0, 255)`` is exact for every input.
Works on numpy arrays (computed in float64) and torch tensors (in their own floating dtype, float64 for
integer tensors).
"""
from __future__ import annotations

import numpy as np


def _is_numpy(x) -> bool:
    return isinstance(x, np.ndarray) or np.isscalar(x)


def round_sat(x):
    """``uint8(x)``'s values, kept in floating point (for computations that go on, such as MATLAB's
    per-dimension rounding inside ``imresize``): ``clip(floor(x + 0.5), 0, 255)``."""
    if _is_numpy(x):
        a = np.asarray(x, dtype=np.float64) + 0.5          # a new array: the in-place steps below are safe
        np.floor(a, out=a)
        return np.clip(a, 0, 255, out=a)
    import torch
    if not x.is_floating_point():
        x = x.to(torch.float64)
    return torch.clamp(torch.floor(x + 0.5), 0, 255)


def round_u8(x):
    """MATLAB ``uint8(x)`` of values on the 0..255 scale (numpy array or torch tensor) → uint8."""
    if _is_numpy(x):
        return round_sat(x).astype(np.uint8)
    import torch
    return round_sat(x).to(torch.uint8)


def im2uint8(x):
    """MATLAB ``im2uint8`` of a float image in [0, 1] (values outside saturate); uint8 input is returned
    as it is."""
    if _is_numpy(x):
        x = np.asarray(x)
        return x if x.dtype == np.uint8 else round_u8(x.astype(np.float64) * 255.0)
    import torch
    if x.dtype == torch.uint8:
        return x
    return round_u8((x if x.is_floating_point() else x.to(torch.float64)) * 255.0)
