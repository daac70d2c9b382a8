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


PNG_SIGNATURE = b'\x89PNG\r\n\x1a\n'
PNG_GRAY_ALPHA = 4      # IHDR colour type of a grayscale image with alpha (PNG spec 11.2.2)


def png_color_type(buf) -> int | None:
    """The IHDR colour type of PNG bytes (0 gray, 2 RGB, 3 palette, 4 gray + alpha, 6 RGBA); None if not a PNG."""
    head = bytes(buf[:26])
    if len(head) < 26 or not head.startswith(PNG_SIGNATURE) or head[12:16] != b'IHDR':
        return None
    return head[25]


def imread(path) -> np.ndarray:
    """Read an 8-bit image as RGB (H×W×3) or single-channel (H×W) uint8, as MATLAB's ``imread`` does.

    An alpha channel is dropped; a grayscale PNG with alpha stays grayscale (OpenCV would expand it to four
    channels, and the image would then be scored as RGB). 16-bit images and undecodable files are a DataError
    naming the file.
    """
    p = str(path)
    if not os.path.isfile(p):
        raise DataError(f'image file does not exist: {p}')
    try:
        buf = np.fromfile(p, dtype=np.uint8)
    except OSError as e:
        raise DataError(f'cannot read image {p}: {e.strerror or e}') from None
    return imdecode(buf, p)


def imdecode(buf, name: str = '<bytes>') -> np.ndarray:
    """Like :func:`imread` for encoded bytes (an LMDB value, a file's content); ``name`` is used in errors."""
    arr = np.frombuffer(buf, np.uint8) if isinstance(buf, (bytes, bytearray, memoryview)) else buf
    img = cv2.imdecode(arr, cv2.IMREAD_UNCHANGED) if arr.size else None
    if img is None:
        raise DataError(f'cannot decode image {name}: not an image file, or a format OpenCV cannot read')
    if img.dtype != np.uint8:
        raise DataError(f'image {name} is {img.dtype}; srbench expects 8-bit images')
    if img.ndim == 3:
        if img.shape[2] == 1:
            img = img[:, :, 0]
        elif img.shape[2] == 3:
            img = cv2.cvtColor(img, cv2.COLOR_BGR2RGB)
        elif img.shape[2] == 4:
            if png_color_type(arr) == PNG_GRAY_ALPHA:    # OpenCV expanded gray + alpha to BGRA
                img = img[:, :, 0]
            else:
                img = cv2.cvtColor(img, cv2.COLOR_BGRA2RGB)
        else:
            raise DataError(f'image {name} has {img.shape[2]} channels; expected 1, 3 or 4')
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
