"""Reading and writing the user's own images for ``srbench infer``.

What is accepted (8-bit only):

* gray (H×W), RGB, and RGBA files: the alpha channel is kept -- upscaled with MATLAB bicubic
  (:func:`srbench.transforms.imresize.imresize_np` on uint8) and written back as the PNG's alpha --, the
  colour goes through the network;
* 16-bit images are refused with one :class:`~srbench.errors.DataError` naming the file (the networks and
  the protocol are 8-bit; a silent conversion would change the numbers): convert them first.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from ..data.io import is_image_file
from ..errors import DataError
from ..utils.atomic import atomic_path


@dataclass
class UserImage:
    """An image as read: ``pixels`` (H×W gray or H×W×3 RGB, uint8) and ``alpha`` (H×W uint8 or None)."""
    path: Path
    pixels: np.ndarray
    alpha: np.ndarray | None = None

    @property
    def kind(self) -> str:
        return 'gray' if self.pixels.ndim == 2 else ('rgba' if self.alpha is not None else 'rgb')


def read_image(path) -> UserImage:
    """One image file; a DataError naming the file when it cannot be decoded, is not 8-bit, or has a channel
    count other than 1, 2 (gray + alpha), 3, 4."""
    p = Path(path)
    if not p.is_file():
        raise DataError(f'image file does not exist: {p}')
    img = cv2.imread(str(p), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise DataError(f'cannot decode image {p}: not an image file, or a format OpenCV cannot read')
    if img.dtype != np.uint8:
        raise DataError(f'image {p} is {img.dtype} ({8 * img.dtype.itemsize}-bit); srbench infer takes 8-bit '
                        'images: convert it first (e.g. to 8-bit PNG)')
    alpha = None
    if img.ndim == 3:
        c = img.shape[2]
        if c == 1:
            img = img[:, :, 0]
        elif c == 2:
            img, alpha = img[:, :, 0], img[:, :, 1]
        elif c == 3:
            img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        elif c == 4:
            img, alpha = cv2.cvtColor(img, cv2.COLOR_BGRA2RGB), img[:, :, 3]
        else:
            raise DataError(f'image {p} has {c} channels; expected 1, 3 or 4')
    return UserImage(p, np.ascontiguousarray(img), None if alpha is None else np.ascontiguousarray(alpha))


def expand_inputs(inputs) -> list[Path]:
    """Files and folders (their image files, sorted, not recursive) -> image files; a missing path or a folder
    without images is a DataError naming it. A file given by name is kept whatever its extension (reading it
    says what is wrong with it)."""
    out: list[Path] = []
    for item in [inputs] if isinstance(inputs, (str, os.PathLike)) else list(inputs):
        p = Path(os.path.expanduser(str(item)))
        if p.is_dir():
            files = sorted(f for f in p.iterdir() if f.is_file() and not f.name.startswith('.')
                           and is_image_file(f.name))
            if not files:
                raise DataError(f'input folder {p} holds no image files')
            out += files
        elif p.exists():
            out.append(p)
        else:
            raise DataError(f'input does not exist: {p}')
    if not out:
        raise DataError('no input images given')
    return out


def write_png(path, pixels: np.ndarray, alpha: np.ndarray | None = None) -> None:
    """Write gray / RGB uint8 pixels (and an alpha channel) as a PNG, atomically."""
    img = pixels
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    if alpha is not None:
        if img.ndim == 2:
            img = cv2.cvtColor(img, cv2.COLOR_GRAY2BGR)
        img = np.dstack([img, alpha])
    with atomic_path(path, keep_suffix=True) as tmp:
        if not cv2.imwrite(str(tmp), np.ascontiguousarray(img)):
            raise DataError(f'cannot write image {path}')
