"""Paired transforms for MMEngine data pipelines (TRANSFORMS registry).

A pipeline works on a dict. The keys these transforms use:

* ``'gt'``: the HR image (numpy H×W×C, uint8 or float in [0, 1]);
* ``'inputs'``: the model input (numpy): the LR image, or an HR-sized upsampled image;
* ``'scale'``: the upscaling factor (int).

Every transform keeps ``gt`` and ``inputs`` aligned, whatever the input kind. ``PackSRSample`` ends a
pipeline: it returns srbench's sample layout (``inputs``/``gt`` tensors and ``metainfo``), which
:func:`srbench.data.sr_collate` stacks. Example::

    pipeline = [dict(type='RandomRescale', scales=(1.0, 0.7, 0.5)), dict(type='ModCrop'),
                dict(type='MakeLR', upsample=True), dict(type='PairedRandomCrop', gt_patch_size=41),
                dict(type='PairedFlip'), dict(type='PairedRot90'), dict(type='PackSRSample')]

Random choices use numpy's global generator, which MMEngine seeds per worker.
"""
from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataError
from ..registry import TRANSFORMS
from .imresize import imresize_np
from .paired import check_rotations, dihedral, mod_crop, paired_random_crop

KEYS = ('gt', 'inputs')


class _Transform:
    """Callable on a results dict (MMEngine's ``Compose`` calls ``t(results)``)."""

    def __call__(self, results: dict) -> dict:
        if not isinstance(results, dict):
            raise DataError(f'{type(self).__name__}: expected a dict of results, got '
                            f'{type(results).__name__}')
        return self.transform(results)

    def transform(self, results: dict) -> dict:  # pragma: no cover - abstract
        raise NotImplementedError

    def __repr__(self):
        args = ', '.join(f'{k}={v!r}' for k, v in vars(self).items() if not k.startswith('_'))
        return f'{type(self).__name__}({args})'


def _scale_of(results, scale, owner):
    s = scale if scale is not None else results.get('scale')
    if s is None:
        raise ConfigError(f'{owner}: no scale: give scale= or put "scale" in the results')
    return int(s)


def _dihedral_all(results: dict, flip: int = 0, rotation: int = 0) -> None:
    """Flip / rotate ``gt`` and ``inputs`` (those present) together, in place."""
    for k in KEYS:
        if k in results:
            results[k] = dihedral(results[k], flip=flip, rotation=rotation)


@TRANSFORMS.register_module()
class ModCrop(_Transform):
    """Crop ``keys`` bottom/right to a multiple of the scale (MATLAB ``modcrop``)."""

    def __init__(self, scale: int | None = None, keys=('gt',)):
        self.scale, self.keys = scale, tuple(keys)

    def transform(self, results):
        s = _scale_of(results, self.scale, 'ModCrop')
        for k in self.keys:
            if k in results:
                results[k] = mod_crop(results[k], s)
        return results


@TRANSFORMS.register_module()
class PairedRandomCrop(_Transform):
    """Random aligned crop of ``gt_patch_size`` HR pixels (int or (h, w)); the input is cropped at the
    same place (HR-sized input) or at ``/scale`` of it (LR input, which needs a patch size divisible
    by the scale)."""

    def __init__(self, gt_patch_size, scale: int | None = None):
        self.gt_patch_size, self.scale = gt_patch_size, scale

    def transform(self, results):
        s = _scale_of(results, self.scale, 'PairedRandomCrop')
        results['gt'], results['inputs'] = paired_random_crop(
            results['gt'], results['inputs'], s, self.gt_patch_size, name=results.get('name', 'image'))
        return results


@TRANSFORMS.register_module()
class PairedFlip(_Transform):
    """Flip ``gt`` and ``inputs`` together with probability ``prob`` (``direction``: 'horizontal' =
    left-right, 'vertical' = up-down)."""

    def __init__(self, prob: float = 0.5, direction: str = 'horizontal'):
        if direction not in ('horizontal', 'vertical'):
            raise ConfigError(f'PairedFlip: direction must be "horizontal" or "vertical", got {direction!r}')
        self.prob, self.direction = float(prob), direction

    def transform(self, results):
        if np.random.random() < self.prob:
            _dihedral_all(results, flip=1 if self.direction == 'horizontal' else 2)
        return results


@TRANSFORMS.register_module()
class PairedRot90(_Transform):
    """With probability ``prob``, rotate ``gt`` and ``inputs`` together by 90, 180 or 270 degrees
    counter-clockwise (uniformly; or always ``k`` x 90 when ``k`` is given)."""

    def __init__(self, prob: float = 0.5, k: int | None = None):
        self.prob, self.k = float(prob), k

    def transform(self, results):
        if np.random.random() < self.prob:
            k = self.k if self.k is not None else np.random.randint(1, 4)
            _dihedral_all(results, rotation=90 * int(k))
        return results


@TRANSFORMS.register_module()
class RandomRotation(_Transform):
    """Rotate ``gt`` and ``inputs`` together by an angle drawn from ``angles`` (multiples of 90)."""

    def __init__(self, angles=(0, 90, 180, 270)):
        self.angles = check_rotations(angles, 'RandomRotation.angles')

    def transform(self, results):
        _dihedral_all(results, rotation=self.angles[np.random.randint(len(self.angles))])
        return results


@TRANSFORMS.register_module()
class RandomRescale(_Transform):
    """Rescale the HR image (``key``) by a factor drawn from ``scales`` with MATLAB ``imresize``
    (bicubic, antialiased) -- the classic "scale augmentation" (VDSR: 1.0 0.7 0.5). Use it before the
    LR is made (:class:`MakeLR`)."""

    def __init__(self, scales=(1.0, 0.7, 0.5), key: str = 'gt'):
        vals = [float(s) for s in scales]
        if not vals or any(not (0 < s <= 1) for s in vals):
            raise ConfigError(f'RandomRescale: scales must be in (0, 1], got {scales!r}')
        self.scales, self.key = vals, key

    def transform(self, results):
        s = self.scales[np.random.randint(len(self.scales))]
        if s != 1.0:
            results[self.key] = imresize_np(results[self.key], s)
        return results


@TRANSFORMS.register_module()
class MakeLR(_Transform):
    """Make ``inputs`` from the (mod-cropped) ``gt`` by MATLAB bicubic ``imresize(gt, 1/scale)``, like the
    test protocol (:func:`srbench.data.common.make_lr`); ``upsample=True`` brings it back to the HR size
    (the input of SRCNN-style models). ``quantize``: round the LR to uint8 (default: keep it float)."""

    def __init__(self, scale: int | None = None, quantize: bool = False, upsample: bool = False):
        self.scale, self.quantize, self.upsample = scale, bool(quantize), bool(upsample)

    def transform(self, results):
        from ..data.common import make_lr
        s = _scale_of(results, self.scale, 'MakeLR')
        gt = mod_crop(results['gt'], s)
        if gt.dtype != np.uint8:
            raise DataError('MakeLR: expects a uint8 HR image')
        lr = make_lr(gt if gt.ndim == 3 else gt[:, :, None], s, self.quantize)
        if self.upsample:
            x = lr.astype(np.float64) / 255.0 if lr.dtype == np.uint8 else lr
            lr = imresize_np(x, output_shape=gt.shape[:2])
        results['gt'], results['inputs'], results['scale'] = gt, lr, s
        return results


@TRANSFORMS.register_module()
class ToTensor(_Transform):
    """``keys`` (numpy H×W×C) → Tensor[C, H, W] float32; uint8 is divided by 255."""

    def __init__(self, keys=KEYS):
        self.keys = tuple(keys)

    def transform(self, results):
        from ..data.common import to_tensor
        for k in self.keys:
            if k in results and isinstance(results[k], np.ndarray):
                results[k] = to_tensor(results[k])
        return results


@TRANSFORMS.register_module()
class PackSRSample(_Transform):
    """End of a pipeline: ``{'inputs': Tensor, 'gt': Tensor, 'metainfo': {...}}`` (srbench's sample
    layout); every other key of the results goes into ``metainfo``."""

    def __init__(self, meta_keys=None):
        self.meta_keys = None if meta_keys is None else tuple(meta_keys)

    def transform(self, results):
        from ..data.common import to_tensor
        if 'inputs' not in results:
            raise DataError('PackSRSample: the results have no "inputs"')
        out = {k: (to_tensor(results[k]) if isinstance(results[k], np.ndarray) else results[k])
               for k in KEYS if k in results}
        keys = self.meta_keys if self.meta_keys is not None else [k for k in results if k not in KEYS]
        out['metainfo'] = {k: results[k] for k in keys if k in results}
        return out
