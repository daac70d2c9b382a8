"""What every srbench dataset shares: the sample layout, the colour/Y handling, LR generation,
the collate function, and the link to the model's plugin metadata.

A sample is a dict::

    {'inputs': Tensor[C, h, w] float32 in [0, 1],   # LR, or LR bicubic-upsampled to the HR size
     'gt':     Tensor[C, H, W] float32 in [0, 1],   # HR (absent for inference-only data)
     'metainfo': {'name': str, 'scale': int, 'channels': 'y'|'rgb', 'input_kind': 'lr'|'bicubic',
                  'is_gray': bool, 'dataset': str, ...}}

``C`` is 1 for ``channels='y'`` and 3 for ``'rgb'``. Values are uint8 / 255 wherever they come
from uint8 data, so ``round(x * 255)`` gives the exact uint8 back (what the MATLAB protocol needs).

``input_kind`` and ``channels`` default to ``None``: srbench's train/test APIs fill them from the
model's plugin metadata (:func:`srbench.apis.common.apply_model_meta`), so that a config never
repeats them. A dataset built by hand must be given both.
"""
from __future__ import annotations

import numpy as np
import torch

from ..errors import ConfigError, DataError
from ..spec import CHANNELS, INPUT_KINDS
from ..registry import FUNCTIONS
from ..transforms.color import rgb2ycbcr
from ..transforms.imresize import imresize_np
from ..transforms.paired import mod_crop  # noqa: F401  (re-exported: datasets import it from here)


def check_kind_channels(input_kind, channels, owner: str):
    if input_kind is None or channels is None:
        raise ConfigError(
            f'{owner}: input_kind and channels are not set; srbench fills them from the model\'s plugin '
            f'metadata when a config is run through tools/train.py or tools/test.py -- when building the '
            f'dataset by hand pass input_kind={INPUT_KINDS} and channels={CHANNELS}')
    if input_kind not in INPUT_KINDS:
        raise ConfigError(f'{owner}: input_kind must be one of {INPUT_KINDS}, got {input_kind!r}')
    if channels not in CHANNELS:
        raise ConfigError(f'{owner}: channels must be one of {CHANNELS}, got {channels!r}')


def check_scale(scale, owner: str) -> int:
    if isinstance(scale, bool) or not isinstance(scale, (int, np.integer)) or int(scale) < 1:
        raise ConfigError(f'{owner}: scale must be a positive integer, got {scale!r}')
    return int(scale)


def to_channels(img: np.ndarray, channels: str) -> np.ndarray:
    """An RGB (H×W×3) or single-channel (H×W or H×W×1) image → H×W×C with C = 1 (Y) or 3 (RGB).

    uint8 images: Y is MATLAB ``rgb2ycbcr`` on uint8, rounded. Float images (values in [0, 1]):
    Y in float, not rounded. A single-channel image is used as Y directly, and repeated to three
    channels for RGB.
    """
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    if img.ndim != 2 and not (img.ndim == 3 and img.shape[2] == 3):
        raise DataError(f'expected an H×W or H×W×3 image, got shape {img.shape}')
    if channels == 'y':
        y = img if img.ndim == 2 else rgb2ycbcr(img, y_only=True)
        return y[:, :, None]
    if channels != 'rgb':
        raise ConfigError(f'channels must be one of {CHANNELS}, got {channels!r}')
    if img.ndim == 2:
        return np.repeat(img[:, :, None], 3, axis=2)
    return img


def to_tensor(img: np.ndarray) -> torch.Tensor:
    """H×W×C uint8 or float array → Tensor[C, H, W] float32 (uint8 scaled by 1/255)."""
    if img.ndim == 2:
        img = img[:, :, None]
    t = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))
    return t.float().div_(255.0) if img.dtype == np.uint8 else t.float()


LR_SOURCES = ('rgb', 'y')


def make_lr(hr: np.ndarray, scale: int, quantize: bool) -> np.ndarray:
    """LR by MATLAB bicubic ``imresize(hr, 1/scale)`` of a mod-cropped uint8 HR (H×W or H×W×C).

    ``quantize=True`` resizes the uint8 image: MATLAB rounds to uint8 after each dimension, which is
    exactly an LR image saved to disk (SelfExSR/A+ data, the seed's Bicubic table). ``False`` resizes
    ``hr / 255`` in double precision and keeps the float result in [0, 1] (the classic Y-channel test
    code: SRCNN, VDSR, DRRN).
    """
    if quantize:
        return imresize_np(hr, 1.0 / scale)
    return imresize_np(hr.astype(np.float64) / 255.0, 1.0 / scale)


def make_test_pair(img: np.ndarray, scale: int, channels: str, lr_from: str = 'rgb', quantize: bool = True):
    """(HR, LR) of one uint8 test image as read (RGB H×W×3 or gray H×W), both H×W×C in ``channels``
    (uint8; a LR that is not quantised is float in [0, 1]), by the MATLAB test protocols:

    * ``lr_from='rgb'``: the LR is made from the mod-cropped image as read (RGB, or gray), then
      converted to ``channels`` (Y of the LR, rounded when the LR is uint8);
    * ``lr_from='y'`` (``channels='y'`` only): the LR is made from the Y channel (MATLAB
      ``rgb2ycbcr`` on uint8, rounded) of the mod-cropped HR.
    """
    if lr_from not in LR_SOURCES:
        raise ConfigError(f'lr_from must be one of {LR_SOURCES}, got {lr_from!r}')
    if lr_from == 'y' and channels != 'y':
        raise ConfigError(f"lr_from='y' makes the LR from the Y channel and needs channels='y', "
                          f'got {channels!r}')
    base = mod_crop(img if lr_from == 'rgb' else to_channels(img, 'y'), scale)
    if min(base.shape[:2]) < scale:
        raise DataError(f'image of {img.shape[1]}x{img.shape[0]} pixels is smaller than scale {scale}')
    return to_channels(base, channels), to_channels(make_lr(base, scale, quantize), channels)


def upsample(lr: np.ndarray, scale: int, out_hw) -> np.ndarray:
    """The HR-sized bicubic input of SRCNN-style models: MATLAB ``imresize(lr, scale)`` (a uint8 LR
    gives a uint8 result, rounded after each dimension as MATLAB does; a float LR stays float)."""
    return imresize_np(lr, output_shape=out_hw) if out_hw is not None else imresize_np(lr, float(scale))


class SRDatasetBase(torch.utils.data.Dataset):
    """Base of srbench datasets: scale / input kind / channels."""

    def __init__(self, scale=None, input_kind=None, channels=None, name: str | None = None):
        owner = type(self).__name__
        self.scale = check_scale(scale, owner) if scale is not None else None
        check_kind_channels(input_kind, channels, owner)
        self.input_kind = input_kind
        self.channels = channels
        self.name = name or owner

    @property
    def metainfo(self) -> dict:
        return dict(dataset=self.name, scale=self.scale, channels=self.channels, input_kind=self.input_kind)


@FUNCTIONS.register_module()
def sr_collate(batch):
    """Stack samples into ``{'inputs': Tensor[N,C,h,w], 'data_samples': {'gt': Tensor[N,C,H,W] | None,
    'metainfo': [dict, ...]}}``. All samples of a batch must share a size and a scale."""
    if not batch:
        raise DataError('empty batch')
    shapes = {tuple(s['inputs'].shape) for s in batch}
    if len(shapes) > 1:
        raise DataError(f'samples of different sizes in one batch: {sorted(shapes)}; use batch_size=1 for '
                        'whole test images or crop training patches to one size')
    scales = {s['metainfo'].get('scale') for s in batch}
    if len(scales) > 1:
        raise DataError(f'samples of different scales in one batch: {sorted(scales)}; multi-scale training '
                        'needs a batch sampler that keeps one scale per batch')
    gts = [s.get('gt') for s in batch]
    gt = torch.stack(gts) if all(g is not None for g in gts) else None
    return dict(inputs=torch.stack([s['inputs'] for s in batch]),
                data_samples=dict(gt=gt, metainfo=[s['metainfo'] for s in batch]))


# MMEngine's Runner looks collate functions up in the *root* FUNCTIONS registry without a scope, so
# ``collate_fn=dict(type='sr_collate')`` needs the name there too.
def _register_root_collate():
    from mmengine.registry import FUNCTIONS as ROOT_FUNCTIONS
    if ROOT_FUNCTIONS.get('sr_collate') is None:
        ROOT_FUNCTIONS.register_module('sr_collate', module=sr_collate)
