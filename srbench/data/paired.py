"""Paired whole images for testing (and the HR/LR loading that other datasets reuse).

An HR folder and either an LR folder with matching names or LR images made from the mod-cropped
HR by MATLAB bicubic downscaling (:func:`srbench.data.common.make_lr`).
"""
from __future__ import annotations


from ..errors import ConfigError, DataError
from ..registry import DATASETS
from .common import SRDatasetBase, make_lr, mod_crop, to_channels, to_tensor, upsample
from .io import imread, list_images


def _match_lr(hr_files, lr_dir, tmpl: str, key: str):
    lr_files = {p.stem: p for p in list_images(lr_dir, 'LR folder', key)}
    out = []
    for h in hr_files:
        stem = tmpl.format(h.stem)
        if stem not in lr_files:
            raise DataError(f'LR folder {lr_dir} has no image for HR {h.name} (looked for {stem}.*)')
        out.append(lr_files[stem])
    return out


class _HRLRSource:
    """Loads one (HR, LR) pair as H×W×C arrays in the dataset's channel mode."""

    def __init__(self, ds, hr_files, lr_files):
        self.ds, self.hr_files, self.lr_files = ds, hr_files, lr_files

    def load(self, i):
        ds, s = self.ds, self.ds.scale
        src = imread(self.hr_files[i])
        gray = src.ndim == 2
        hr = mod_crop(to_channels(src, ds.channels), s)
        if self.lr_files is not None:
            lr = to_channels(imread(self.lr_files[i]), ds.channels)
            if lr.shape[0] * s != hr.shape[0] or lr.shape[1] * s != hr.shape[1]:
                raise DataError(
                    f'LR image {self.lr_files[i]} is {lr.shape[1]}x{lr.shape[0]}, but HR {self.hr_files[i].name} '
                    f'mod-cropped to x{s} is {hr.shape[1]}x{hr.shape[0]}: expected LR '
                    f'{hr.shape[1] // s}x{hr.shape[0] // s}')
        else:
            if min(hr.shape[:2]) < s:
                raise DataError(f'HR image {self.hr_files[i]} ({src.shape[1]}x{src.shape[0]}) is smaller than scale {s}')
            lr = make_lr(hr, s, ds.quantize_lr)
        return hr, lr, gray


@DATASETS.register_module()
class PairedImageDataset(SRDatasetBase):
    """Test images: an HR folder plus an LR folder or LR made with MATLAB bicubic.

    Args:
        hr_dir: folder of HR images (the original, un-cropped ones; they are mod-cropped to ``scale``).
        lr_dir: optional folder of LR images with the same stems (``lr_tmpl`` maps an HR stem to an LR
            stem, e.g. ``'{}x2'``). Without it LR images are made from the mod-cropped HR.
        scale: upscaling factor.
        input_kind / channels: from the model's plugin metadata (filled by srbench's APIs).
        quantize_lr: round generated LR images to uint8 (default: True for RGB, False for Y --
            see :func:`srbench.data.common.make_lr`).
        name: the data set's name in results (default: the HR folder's parent name, e.g. ``Set5``).
    """

    def __init__(self, hr_dir, scale, lr_dir=None, input_kind=None, channels=None, quantize_lr=None,
                 lr_tmpl: str = '{}', name: str | None = None):
        super().__init__(scale, input_kind, channels, name)
        if self.scale is None:
            raise ConfigError('PairedImageDataset: scale is required')
        hr_files = list_images(hr_dir, 'HR folder', 'hr_dir')
        lr_files = _match_lr(hr_files, lr_dir, lr_tmpl, 'lr_dir') if lr_dir else None
        self.quantize_lr = (channels == 'rgb') if quantize_lr is None else bool(quantize_lr)
        self.hr_dir, self.lr_dir = str(hr_dir), lr_dir
        if name is None:
            from pathlib import Path
            p = Path(hr_dir).resolve()
            self.name = p.parent.name if p.name.upper() in ('HR', 'GT') else p.name
        self._src = _HRLRSource(self, hr_files, lr_files)

    def __len__(self):
        return len(self._src.hr_files)

    def protocol_info(self) -> dict:
        """How HR and LR were made (goes into every result)."""
        lr = (f'read from {self.lr_dir}' if self.lr_dir else
              'MATLAB imresize bicubic (antialiased) 1/scale of the mod-cropped HR'
              + (', rounded to uint8' if self.quantize_lr else ', in double precision, not rounded'))
        return dict(hr=f'mod-cropped to a multiple of {self.scale}',
                    channels=('Y of MATLAB rgb2ycbcr on uint8 (gray images used as Y)' if self.channels == 'y'
                              else 'RGB (gray images repeated to 3 channels)'),
                    lr=lr, input=('LR' if self.input_kind == 'lr' else
                                  'LR upsampled to the HR size with MATLAB imresize bicubic'))

    def __getitem__(self, i):
        hr, lr, gray = self._src.load(i)
        inp = upsample(lr, self.scale, hr.shape[:2]) if self.input_kind == 'bicubic' else lr
        return dict(inputs=to_tensor(inp), gt=to_tensor(hr),
                    metainfo=dict(name=self._src.hr_files[i].stem, gt_path=str(self._src.hr_files[i]),
                                  scale=self.scale, channels=self.channels, input_kind=self.input_kind,
                                  is_gray=gray, dataset=self.name))
