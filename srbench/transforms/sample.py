"""srbench's sample layout, in one place: what every dataset returns, what :class:`PackSRSample` ends a
pipeline with, and what :func:`srbench.data.sr_collate` stacks::

    {'inputs': Tensor[C, h, w] float32 in [0, 1],   # LR, or LR bicubic-upsampled to the HR size
     'gt':     Tensor[C, H, W] float32 in [0, 1],   # HR (absent for inference-only data)
     'metainfo': {'name': str, 'scale': int, 'channels': 'y'|'rgb', 'input_kind': 'lr'|'bicubic',
                  'dataset': str, ...}}

``C`` is 1 for ``channels='y'`` and 3 for ``'rgb'``. Values are uint8 / 255 wherever they come from uint8
data, so ``round(x * 255)`` gives the exact uint8 back (what the MATLAB protocol needs); float data (an LR
that is not quantised, a bicubic-upsampled input) is kept as is.
"""
from __future__ import annotations

import numpy as np
import torch

__all__ = ['to_tensor', 'pack_sample']


def to_tensor(img: np.ndarray) -> torch.Tensor:
    """H×W×C (or H×W) uint8 or float array → Tensor[C, H, W] float32 (uint8 scaled by 1/255)."""
    if img.ndim == 2:
        img = img[:, :, None]
    t = torch.from_numpy(np.ascontiguousarray(img.transpose(2, 0, 1)))
    return t.float().div_(255.0) if img.dtype == np.uint8 else t.float()


def pack_sample(inputs, gt, metainfo: dict) -> dict:
    """The sample layout from H×W×C arrays (or tensors, kept as they are); ``gt=None`` leaves it out."""
    out = {'inputs': to_tensor(inputs) if isinstance(inputs, np.ndarray) else inputs}
    if gt is not None:
        out['gt'] = to_tensor(gt) if isinstance(gt, np.ndarray) else gt
    out['metainfo'] = metainfo
    return out
