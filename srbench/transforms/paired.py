"""Geometric operations on aligned (HR, input) pairs, as plain numpy functions.

Images are H×W or H×W×C arrays. The *input* of a pair is either the LR image (``scale`` times
smaller) or an HR-sized image (the LR bicubic-upsampled back, for SRCNN-style models); every
function here keeps the two aligned in both cases. The MMEngine pipeline classes in
:mod:`srbench.transforms.pipeline` are thin wrappers around these functions.

Flip and rotation codes are the ones ``tools/data_aug.py`` takes (``--flips``, ``--rotations``):

* flip ``0`` none, ``1`` left-right (mirror), ``2`` up-down, ``3`` both (= a 180° rotation);
* rotation: a multiple of 90 degrees, counter-clockwise (MATLAB ``imrotate`` / ``np.rot90``);
  the flip is applied first, then the rotation.
"""
from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataError

__all__ = ['mod_crop', 'dihedral', 'check_flips', 'check_rotations', 'paired_random_crop', 'crop_pair',
           'random_window', 'random_dihedral', 'apply_dihedral', 'dihedral_flags']

FLIP_CODES = {0: 'none', 1: 'left-right', 2: 'up-down', 3: 'left-right and up-down'}


def mod_crop(img: np.ndarray, scale: int) -> np.ndarray:
    """Crop the bottom/right so that both sides are multiples of ``scale`` (MATLAB ``modcrop``)."""
    h, w = img.shape[:2]
    return img[:h - h % scale, :w - w % scale]


def check_flips(flips, owner: str = '--flips') -> list[int]:
    """Flip codes as ints; a ConfigError for anything but 0..3."""
    out = []
    for f in flips:
        try:
            v = int(f)
            if v != float(f):
                raise ValueError
        except (TypeError, ValueError):
            raise ConfigError(f'{owner}: flip codes are 0 (none), 1 (left-right), 2 (up-down), 3 (both); '
                              f'got {f!r}')
        if v not in FLIP_CODES:
            raise ConfigError(f'{owner}: flip codes are 0 (none), 1 (left-right), 2 (up-down), 3 (both); '
                              f'got {f!r}')
        out.append(v)
    if not out:
        raise ConfigError(f'{owner}: give at least one flip code')
    return out


def check_rotations(rotations, owner: str = '--rotations') -> list[int]:
    """Rotation angles as ints (degrees, multiples of 90); a ConfigError otherwise."""
    out = []
    for r in rotations:
        try:
            v = float(r)
        except (TypeError, ValueError):
            v = float('nan')
        if not np.isfinite(v) or v % 90 != 0:
            raise ConfigError(f'{owner}: rotations must be multiples of 90 degrees (0 90 180 270), got '
                              f'{r!r}; other angles would need interpolation and cropping')
        out.append(int(v))
    if not out:
        raise ConfigError(f'{owner}: give at least one rotation')
    return out


# a rotation by k x 90 degrees counter-clockwise as (left-right flip, up-down flip, transpose), flips first
_ROTATIONS = {0: (False, False, False), 1: (True, False, True), 2: (True, True, False),
              3: (False, True, True)}


def dihedral_flags(flip: int = 0, rotation: int = 0) -> tuple:
    """A flip code (0..3) followed by a counter-clockwise rotation (degrees, a multiple of 90) as the
    ``(hflip, vflip, transpose)`` of :func:`apply_dihedral`."""
    hk, vk, transpose = _ROTATIONS[(int(rotation) // 90) % 4]
    return (flip in (1, 3)) != hk, (flip in (2, 3)) != vk, transpose


def apply_dihedral(img: np.ndarray, hflip: bool, vflip: bool, transpose: bool) -> np.ndarray:
    """Left-right flip, up-down flip, then transpose (each when asked): the one implementation of the 8
    dihedral variants. Returns a view."""
    if hflip or vflip:
        img = img[::-1 if vflip else 1, ::-1 if hflip else 1]
    return img.swapaxes(0, 1) if transpose else img


def dihedral(img: np.ndarray, flip: int = 0, rotation: int = 0) -> np.ndarray:
    """Flip (code 0..3), then rotate counter-clockwise by ``rotation`` degrees (a multiple of 90): the same
    pixels as ``np.rot90(flipped, rotation // 90)``, as a view."""
    return apply_dihedral(img, *dihedral_flags(flip, rotation))


def random_dihedral(rng=None, hflip: bool = True, vflip: bool = True, transpose: bool = True) -> tuple:
    """Random ``(hflip, vflip, transpose)`` flags for :func:`apply_dihedral` from one draw of three random
    bits: all 8 variants equally likely (those switched off are left out)."""
    r = (rng.integers(0, 2, size=3) if rng is not None else np.random.randint(0, 2, size=3)).tolist()
    return bool(r[0] and hflip), bool(r[1] and vflip), bool(r[2] and transpose)


def crop_pair(gt: np.ndarray, inp: np.ndarray, scale: int, top: int, left: int, gt_h: int, gt_w: int):
    """Aligned crop: the HR window ``[top, top+gt_h) x [left, left+gt_w)`` and the matching input window
    (the same window for an HR-sized input; ``/scale`` of it for an LR input, which then needs
    ``top``, ``left``, ``gt_h``, ``gt_w`` to be multiples of ``scale``)."""
    g = gt[top:top + gt_h, left:left + gt_w]
    if inp.shape[:2] == gt.shape[:2]:
        return g, inp[top:top + gt_h, left:left + gt_w]
    s = scale
    if top % s or left % s or gt_h % s or gt_w % s:
        raise ConfigError(f'crop {gt_w}x{gt_h} at ({left},{top}) is not aligned to scale {s}: an LR input '
                          f'needs HR windows whose size and position are multiples of {s}')
    return g, inp[top // s:(top + gt_h) // s, left // s:(left + gt_w) // s]


def random_window(H: int, W: int, scale: int, gt_patch_size, on_grid: bool, rng=None, name: str = 'image'):
    """A random HR window ``(top, left, h, w)`` of ``gt_patch_size`` pixels (int or (h, w)) in an H×W image:
    anywhere, or on the LR grid (``on_grid``: position and size multiples of ``scale``, for LR inputs; a
    size that is not is a ConfigError). One draw for the row, then one for the column."""
    ph, pw = (gt_patch_size, gt_patch_size) if np.isscalar(gt_patch_size) else tuple(gt_patch_size)
    if on_grid and (ph % scale or pw % scale):
        raise ConfigError(f'HR patch {pw}x{ph} is not divisible by scale {scale}: with LR inputs the HR '
                          'patch must be a multiple of the scale')
    if ph > H or pw > W:
        raise DataError(f'{name}: {W}x{H} is smaller than the HR patch {pw}x{ph}')
    randint = rng.integers if rng is not None else np.random.randint
    if on_grid:
        top = int(randint(0, H // scale - ph // scale + 1)) * scale
        left = int(randint(0, W // scale - pw // scale + 1)) * scale
    else:
        top, left = int(randint(0, H - ph + 1)), int(randint(0, W - pw + 1))
    return top, left, ph, pw


def paired_random_crop(gt: np.ndarray, inp: np.ndarray, scale: int, gt_patch_size, rng=None,
                       name: str = 'image'):
    """A random aligned crop of ``gt_patch_size`` HR pixels (int or (h, w)).

    HR-sized input: any position. LR input (``scale`` times smaller): the patch size must be a multiple
    of ``scale`` (ConfigError otherwise) and the window lies on the LR grid.
    """
    H, W = gt.shape[:2]
    same = inp.shape[:2] == gt.shape[:2]
    if not same and (inp.shape[0] * scale, inp.shape[1] * scale) != (H, W):
        raise DataError(f'{name}: input {inp.shape[1]}x{inp.shape[0]} does not match HR {W}x{H} at '
                        f'scale {scale} (expected the same size or {W // scale}x{H // scale})')
    return crop_pair(gt, inp, scale, *random_window(H, W, scale, gt_patch_size, not same, rng, name))
