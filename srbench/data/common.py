"""What every srbench dataset shares: scale / input kind / channels, the sample it returns, the collate
function that stacks samples into a batch, and the link to the model's plugin metadata.

A sample is :mod:`srbench.transforms.sample`'s layout: ``{'inputs': Tensor[C, h, w], 'gt': Tensor[C, H, W],
'metainfo': {'name', 'scale', 'channels', 'input_kind', 'dataset', ...}}``, float32 in [0, 1] (uint8 / 255
wherever the data is uint8). The operations that make it (colour/Y, LR generation, crops, flips) are in
:mod:`srbench.transforms`.

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
from ..transforms.sample import pack_sample


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

    def pack(self, inputs, gt, name: str, scale: int, **meta) -> dict:
        """One sample of this dataset (:func:`srbench.transforms.sample.pack_sample`) from H×W×C arrays;
        ``meta``: more metainfo after name, scale, channels, input kind and dataset name."""
        return pack_sample(inputs, gt, dict(name=name, scale=int(scale), channels=self.channels,
                                            input_kind=self.input_kind, dataset=self.name, **meta))

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
