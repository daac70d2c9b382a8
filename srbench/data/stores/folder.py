"""The image-folder patch store: two folders of patch images, their reader (:class:`FolderStore`) and writer
(:class:`FolderPatchWriter`).

Layout: ``train_HR/<name>.<ext>`` and ``train_LR/<name>.<ext>`` (the LR: the model input, LR-sized or
HR-sized), matched by name (the extensions may differ). ``tools/data_aug.py`` writes PNG files named
``<image>_<stem>_<patch>_x<scale>`` (sorted names are generation order; the suffix carries the scale), the
inputs rounded to uint8, and ``srbench_data.json`` beside the folders.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ...errors import DataError
from ...transforms.color import to_channels
from ...utils.uint8 import im2uint8
from ..io import encode_png, imread, list_images
from .base import PatchStore, PatchWriter, read_marker, scale_from_name

HR_DIR, LR_DIR = 'train_HR', 'train_LR'


class FolderStore(PatchStore):
    """Patch pairs as image files: ``hr_dir`` and ``lr_dir`` with matching names, or ``root`` holding
    ``train_HR`` and ``train_LR``. Sizes: LR = HR / scale, or equal sizes with ``same_size=True`` (HR-sized,
    bicubic-upsampled inputs; default: what ``root``'s ``srbench_data.json`` says, else False). The scale of
    a patch is the ``_x<s>`` suffix of its name where it has one. Reading every image to check it would be
    slow: the dataset checks the first pair it serves, and every pair when it reads it."""

    format = 'folder'
    stated_by = 'its name'

    def __init__(self, hr_dir=None, lr_dir=None, *, channels: str, root=None, same_size: bool | None = None):
        super().__init__(channels)
        if root is not None:
            hr_dir, lr_dir = Path(str(root)) / HR_DIR, Path(str(root)) / LR_DIR
            if same_size is None:
                same_size = read_marker(root).get('same_size', False)
        hr_files = list_images(hr_dir, 'HR patch folder', 'hr_dir')
        lr_by_stem = {p.stem: p for p in list_images(lr_dir, 'LR patch folder', 'lr_dir')}
        lr_files = []
        for h in hr_files:
            if h.stem not in lr_by_stem:
                raise DataError(f'LR patch folder {lr_dir} has no image for HR patch {h.name} (looked for '
                                f'{h.stem}.*)')
            lr_files.append(lr_by_stem[h.stem])
        self.hr_files, self.lr_files = hr_files, lr_files
        self.where = f'patch folders {hr_dir}, {lr_dir}'
        self.default_name = Path(str(hr_dir)).resolve().parent.name
        self.same_size = bool(same_size)
        self.kind_by = f'same_size={self.same_size}'
        self.kind_hint = '' if same_size else '; pass same_size=True for HR-sized (bicubic-upsampled) inputs'
        self.stated = np.array([scale_from_name(p.stem) for p in hr_files], np.int16)

    def sizes(self, j):
        return imread(self.hr_files[j]).shape[:2], imread(self.lr_files[j]).shape[:2]

    def pair_names(self, j):
        return f'LR patch {self.lr_files[j]}', f'HR patch {self.hr_files[j].name}'

    def name(self, j):
        return self.hr_files[j].stem

    def read(self, j):
        return (to_channels(imread(self.hr_files[j]), self.channels),
                to_channels(imread(self.lr_files[j]), self.channels))


class FolderPatchWriter(PatchWriter):
    """``OUT/train_HR/<name>.png`` and ``OUT/train_LR/<name>.png`` (inputs rounded to uint8)."""

    def __init__(self, output, overwrite=False):
        super().__init__(output, overwrite)
        self.hr_dir, self.lr_dir = self.out.tmp / HR_DIR, self.out.tmp / LR_DIR
        self.hr_dir.mkdir()
        self.lr_dir.mkdir()

    def _add(self, hr, inp, scale, names):
        inp = im2uint8(inp)
        for h, x, name in zip(hr, inp, names):
            for d, img in ((self.hr_dir, h), (self.lr_dir, x)):
                (d / f'{name}.png').write_bytes(encode_png(img))
