"""Reading and writing images, with one clear error per bad file.

Images are numpy arrays, channel-last, RGB order, uint8: H×W for single-channel files (kept 2-D,
so that grayscale images can be used as Y directly, as MATLAB does), H×W×3 otherwise.
"""
from __future__ import annotations

import os
from pathlib import Path

import cv2
import numpy as np

from ..errors import DataError
from ..utils.atomic import atomic_path

IMAGE_EXTENSIONS = ('.png', '.bmp', '.jpg', '.jpeg', '.tif', '.tiff', '.webp', '.ppm', '.pgm')
PNG_LEVEL = 1       # PNG compression of the patches srbench writes (lossless at any level; 1 is fast)


def is_image_file(path) -> bool:
    return str(path).lower().endswith(IMAGE_EXTENSIONS)


def check_dir(path, what: str = 'data dir', key: str | None = None) -> Path:
    """The folder as a Path, or a DataError naming it (and the config key it came from)."""
    where = f' ({key})' if key else ''
    if path is None or str(path) == '':
        raise DataError(f'{what}{where} is not set')
    p = Path(os.path.expanduser(str(path)))
    if not p.exists():
        raise DataError(f'{what}{where} does not exist: {p}')
    if not p.is_dir():
        raise DataError(f'{what}{where} is not a folder: {p}')
    return p


def list_images(folder, what: str = 'image folder', key: str | None = None) -> list[Path]:
    """Sorted image files of a folder. Any other (non-hidden) file is an error: a stray file in a
    benchmark folder usually means the wrong folder. Empty folders are an error too."""
    d = check_dir(folder, what, key)
    files, strays = [], []
    for e in sorted(d.iterdir(), key=lambda p: p.name):
        if e.name.startswith('.') or e.is_dir():
            continue
        (files if is_image_file(e.name) else strays).append(e)
    if strays:
        raise DataError(f'{what} {d} holds a file that is not an image: {strays[0].name} '
                        f'(expected only {", ".join(IMAGE_EXTENSIONS)} files)')
    if not files:
        raise DataError(f'{what} {d} holds no images (expected {", ".join(IMAGE_EXTENSIONS)} files)')
    return files


def imread(path) -> np.ndarray:
    """Read an 8-bit image as RGB (H×W×3) or single-channel (H×W) uint8.

    An alpha channel is dropped; 16-bit images and undecodable files are a DataError naming the file.
    """
    p = str(path)
    if not os.path.isfile(p):
        raise DataError(f'image file does not exist: {p}')
    img = cv2.imread(p, cv2.IMREAD_UNCHANGED)
    if img is None:
        raise DataError(f'cannot decode image {p}: not an image file, or a format OpenCV cannot read')
    if img.dtype != np.uint8:
        raise DataError(f'image {p} is {img.dtype}; srbench expects 8-bit images')
    if img.ndim == 3:
        if img.shape[2] == 1:
            img = img[:, :, 0]
        elif img.shape[2] == 3:
            img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        elif img.shape[2] == 4:
            img = cv2.cvtColor(img, cv2.COLOR_BGRA2RGB)
        else:
            raise DataError(f'image {p} has {img.shape[2]} channels; expected 1, 3 or 4')
    return np.ascontiguousarray(img)


def imdecode(buf: bytes, name: str = '<bytes>') -> np.ndarray:
    """Like :func:`imread` for encoded bytes (LMDB values)."""
    img = cv2.imdecode(np.frombuffer(buf, np.uint8), cv2.IMREAD_UNCHANGED)
    if img is None:
        raise DataError(f'cannot decode image {name}')
    if img.ndim == 3 and img.shape[2] == 3:
        img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
    elif img.ndim == 3 and img.shape[2] == 4:
        img = cv2.cvtColor(img, cv2.COLOR_BGRA2RGB)
    elif img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    return np.ascontiguousarray(img)


def encode_png(img: np.ndarray, level: int = PNG_LEVEL) -> bytes:
    """H×W, H×W×1 or H×W×3 (RGB) uint8 → PNG bytes (BGR order inside, as BasicSR/MMagic read them)."""
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    elif img.ndim == 3:
        img = cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode('.png', np.ascontiguousarray(img), [cv2.IMWRITE_PNG_COMPRESSION, level])
    if not ok:
        raise DataError(f'cannot encode a {img.shape} image as PNG')
    return buf.tobytes()


def imwrite(path, img: np.ndarray) -> None:
    """Write an RGB or single-channel uint8 image atomically (temporary name, then rename)."""
    if img.ndim == 3:
        img = cv2.cvtColor(img, cv2.COLOR_RGB2BGR)
    with atomic_path(path, keep_suffix=True) as tmp:    # OpenCV picks the format by the extension
        if not cv2.imwrite(str(tmp), img):
            raise DataError(f'cannot write image {path}')


def is_gray(img: np.ndarray) -> bool:
    """Single-channel image (2-D array)."""
    return img.ndim == 2
