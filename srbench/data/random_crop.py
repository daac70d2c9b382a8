"""Random aligned crops from whole images for training (the seed's "Dataloader" flow)."""
from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataError
from ..registry import DATASETS
from .common import SRDatasetBase, to_tensor, upsample
from .io import list_images
from .paired import _HRLRSource, _match_lr


@DATASETS.register_module()
class RandomCropDataset(SRDatasetBase):
    """Training patches cropped at random from whole images (the seed's "Dataloader" flow).

    Every image is prepared once (mod-crop, channel conversion, LR by MATLAB bicubic or read from
    ``lr_dir``, and the HR-sized bicubic input for ``input_kind='bicubic'``) and kept in memory;
    each sample is an aligned random crop: an LR patch of ``patch_size`` pixels (an HR patch of
    ``patch_size * scale``), flipped/rotated at random when ``augment`` is on.

    Args:
        hr_dir, lr_dir, scale, input_kind, channels, quantize_lr: as :class:`PairedImageDataset`.
        patch_size: LR patch side (the HR patch is ``scale`` times larger).
        length: samples per epoch (default: number of images).
        augment: random horizontal flip, vertical flip and transpose (the 8 dihedral variants).
    """

    def __init__(self, hr_dir, scale, patch_size: int, lr_dir=None, input_kind=None, channels=None,
                 quantize_lr=None, length: int | None = None, augment: bool = True, lr_tmpl: str = '{}',
                 name: str | None = None):
        super().__init__(scale, input_kind, channels, name)
        if self.scale is None:
            raise ConfigError('RandomCropDataset: scale is required')
        if not isinstance(patch_size, int) or patch_size < 1:
            raise ConfigError(f'RandomCropDataset: patch_size must be a positive integer, got {patch_size!r}')
        hr_files = list_images(hr_dir, 'HR folder', 'hr_dir')
        lr_files = _match_lr(hr_files, lr_dir, lr_tmpl, 'lr_dir') if lr_dir else None
        self.quantize_lr = (channels == 'rgb') if quantize_lr is None else bool(quantize_lr)
        self.patch_size, self.augment = patch_size, augment
        src = _HRLRSource(self, hr_files, lr_files)
        self.images = []
        for i in range(len(hr_files)):
            hr, lr, _ = src.load(i)
            if lr.shape[0] < patch_size or lr.shape[1] < patch_size:
                continue
            inp = upsample(lr, self.scale, hr.shape[:2]) if input_kind == 'bicubic' else lr
            self.images.append((inp, hr))
        if not self.images:
            raise DataError(f'RandomCropDataset: no image in {hr_dir} is large enough for LR patches of '
                            f'{patch_size}x{patch_size} at x{self.scale}')
        self.length = int(length) if length else len(self.images)

    def __len__(self):
        return self.length

    def __getitem__(self, i):
        inp, hr = self.images[i % len(self.images)]
        s, p = self.scale, self.patch_size
        f = s if self.input_kind == 'bicubic' else 1
        h, w = hr.shape[0] // s, hr.shape[1] // s
        y, x = np.random.randint(0, h - p + 1), np.random.randint(0, w - p + 1)
        a = inp[y * f:(y + p) * f, x * f:(x + p) * f]
        b = hr[y * s:(y + p) * s, x * s:(x + p) * s]
        if self.augment:
            flip_h, flip_v, transpose = np.random.randint(0, 2, size=3)
            if flip_h:
                a, b = a[:, ::-1], b[:, ::-1]
            if flip_v:
                a, b = a[::-1], b[::-1]
            if transpose:
                a, b = a.transpose(1, 0, 2), b.transpose(1, 0, 2)
        return dict(inputs=to_tensor(a), gt=to_tensor(b),
                    metainfo=dict(scale=s, channels=self.channels, input_kind=self.input_kind, dataset=self.name))
