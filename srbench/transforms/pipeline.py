"""Paired transforms for MMEngine data pipelines (TRANSFORMS registry).

A pipeline works on a dict. The keys these transforms use:

* ``'gt'``: the HR image (numpy H×W×C, uint8 or float in [0, 1]);
* ``'inputs'``: the model input (numpy): the LR image, or an HR-sized upsampled image;
* ``'scale'``: the upscaling factor (int);
* ``'lr'`` (optional): the LR of the whole ``gt`` when it is given (read from disk) rather than made;
* ``'input_kind'`` (optional): ``'lr'`` or ``'bicubic'``, what the model takes; :class:`PairedRandomCrop`
  and :class:`MakeLR` follow it when their arguments leave the choice open.

Every transform keeps ``gt`` and ``inputs`` aligned, whatever the input kind. ``PackSRSample`` ends a
pipeline: it returns srbench's sample layout (:mod:`srbench.transforms.sample`), which
:func:`srbench.data.sr_collate` stacks. Two ways to make training patches from whole images::

    # the input of the whole image, then a crop of both
    pipeline = [dict(type='RandomRescale', scales=(1.0, 0.7, 0.5)), dict(type='ModCrop'),
                dict(type='MakeLR', upsample=True), dict(type='PairedRandomCrop', gt_patch_size=41),
                dict(type='PairedFlip'), dict(type='PairedRot90'), dict(type='PackSRSample')]
    # a crop of the HR first, then the input of that window only (cheap; what RandomCropDataset does)
    pipeline = [dict(type='ModCrop'), dict(type='PairedRandomCrop', gt_patch_size=41), dict(type='MakeLR'),
                dict(type='RandomDihedral'), dict(type='PackSRSample')]

Random choices use numpy's global generator, which MMEngine seeds per worker.
"""
from __future__ import annotations

import numpy as np

from ..errors import ConfigError, DataError
from ..registry import TRANSFORMS
from .degrade import make_lr, upsample_float, window_input
from .imresize import imresize_np
from .paired import (apply_dihedral, check_rotations, dihedral_flags, mod_crop, paired_random_crop,
                     random_dihedral, random_window)
from .sample import pack_sample, to_tensor

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


def _dihedral_all(results: dict, flags: tuple) -> None:
    """Flip / transpose ``gt`` and ``inputs`` (those present) together by the ``(hflip, vflip, transpose)``
    flags of :func:`srbench.transforms.paired.apply_dihedral`, in place."""
    if 'window' in results:
        raise DataError('flip/rotation after a PairedRandomCrop without inputs: put it after MakeLR, which '
                        'makes the input of the window')
    for k in KEYS:
        if k in results:
            results[k] = apply_dihedral(results[k], *flags)


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
    """Random aligned crop of ``gt_patch_size`` HR pixels (int or (h, w)), or of ``lr_patch_size`` LR pixels
    (the HR side is ``lr_patch_size * scale``).

    With ``inputs`` in the results the input is cropped at the same place (HR-sized input) or at ``/scale``
    of it (LR input, which needs an HR patch divisible by the scale). Without ``inputs`` only ``gt`` is
    cropped, and the window is kept for :class:`MakeLR`, which then makes the input of that window alone;
    the window lies on the LR grid unless the results say ``input_kind='bicubic'``."""

    def __init__(self, gt_patch_size=None, scale: int | None = None, lr_patch_size=None):
        if (gt_patch_size is None) == (lr_patch_size is None):
            raise ConfigError('PairedRandomCrop: give exactly one of gt_patch_size (HR side) and '
                              'lr_patch_size (LR side)')
        self.gt_patch_size, self.scale, self.lr_patch_size = gt_patch_size, scale, lr_patch_size

    def transform(self, results):
        s = _scale_of(results, self.scale, 'PairedRandomCrop')
        size = self.gt_patch_size if self.lr_patch_size is None else self.lr_patch_size * s
        name = results.get('name', 'image')
        if 'inputs' in results:
            results['gt'], results['inputs'] = paired_random_crop(results['gt'], results['inputs'], s, size,
                                                                  name=name)
            return results
        gt = results['gt']
        top, left, ph, pw = random_window(gt.shape[0], gt.shape[1], s, size,
                                          results.get('input_kind') != 'bicubic', name=name)
        results['gt'] = gt[top:top + ph, left:left + pw]
        results['window'] = (gt, top, left, ph, pw)
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
            _dihedral_all(results, (self.direction == 'horizontal', self.direction == 'vertical', False))
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
            _dihedral_all(results, dihedral_flags(rotation=90 * int(k)))
        return results


@TRANSFORMS.register_module()
class RandomRotation(_Transform):
    """Rotate ``gt`` and ``inputs`` together by an angle drawn from ``angles`` (multiples of 90)."""

    def __init__(self, angles=(0, 90, 180, 270)):
        self.angles = check_rotations(angles, 'RandomRotation.angles')

    def transform(self, results):
        _dihedral_all(results, dihedral_flags(rotation=self.angles[np.random.randint(len(self.angles))]))
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
class RandomDihedral(_Transform):
    """One of the 8 flips/rotations of ``gt`` and ``inputs`` together, uniformly: one draw of three random
    bits for a left-right flip, an up-down flip and a transpose (each can be switched off)."""

    def __init__(self, hflip: bool = True, vflip: bool = True, transpose: bool = True):
        self.hflip, self.vflip, self.transpose = bool(hflip), bool(vflip), bool(transpose)

    def transform(self, results):
        _dihedral_all(results, random_dihedral(None, self.hflip, self.vflip, self.transpose))
        return results


@TRANSFORMS.register_module()
class MakeLR(_Transform):
    """Make ``inputs`` by MATLAB bicubic ``imresize(gt, 1/scale)`` of the (mod-cropped) uint8 ``gt``, like the
    test protocol (:func:`srbench.transforms.degrade.make_lr`), or take the LR given as ``lr``;
    ``upsample=True`` brings it back to the HR size (the input of SRCNN-style models; default: when the
    results say ``input_kind='bicubic'``). ``quantize``: round a made LR to uint8 (default: keep it float).

    After a :class:`PairedRandomCrop` without inputs only the window's input is made, from the window plus a
    margin (:func:`srbench.transforms.degrade.window_input`): the same values, up to float rounding, as the
    window of the whole image's input."""

    def __init__(self, scale: int | None = None, quantize: bool = False, upsample: bool | None = None):
        self.scale, self.quantize = scale, bool(quantize)
        self.upsample = None if upsample is None else bool(upsample)

    def transform(self, results):
        s = _scale_of(results, self.scale, 'MakeLR')
        up = self.upsample if self.upsample is not None else results.get('input_kind') == 'bicubic'
        lr = results.pop('lr', None)
        window = results.pop('window', None)
        if window is not None:
            whole, top, left, ph, pw = window
            results['inputs'] = window_input(whole, s, top, left, ph, pw, up, self.quantize, lr)
            results['scale'] = s
            return results
        gt = mod_crop(results['gt'], s)
        if lr is None:
            if gt.dtype != np.uint8:
                raise DataError('MakeLR: expects a uint8 HR image')
            lr = make_lr(gt if gt.ndim == 3 else gt[:, :, None], s, self.quantize)
        elif (lr.shape[0] * s, lr.shape[1] * s) != gt.shape[:2]:
            raise DataError(f'MakeLR: {results.get("name", "image")}: the given LR is {lr.shape[1]}x'
                            f'{lr.shape[0]}, the HR {gt.shape[1]}x{gt.shape[0]}: not x{s}')
        results['gt'], results['scale'] = gt, s
        results['inputs'] = upsample_float(lr, gt.shape[:2]) if up else lr
        return results


@TRANSFORMS.register_module()
class ToTensor(_Transform):
    """``keys`` (numpy H×W×C) → Tensor[C, H, W] float32; uint8 is divided by 255."""

    def __init__(self, keys=KEYS):
        self.keys = tuple(keys)

    def transform(self, results):
        for k in self.keys:
            if k in results and isinstance(results[k], np.ndarray):
                results[k] = to_tensor(results[k])
        return results


@TRANSFORMS.register_module()
class PackSRSample(_Transform):
    """End of a pipeline: srbench's sample layout ``{'inputs': Tensor, 'gt': Tensor, 'metainfo': {...}}``
    (:func:`srbench.transforms.sample.pack_sample`); every other key of the results goes into ``metainfo``
    (or those of ``meta_keys``)."""

    def __init__(self, meta_keys=None):
        self.meta_keys = None if meta_keys is None else tuple(meta_keys)

    def transform(self, results):
        if 'inputs' not in results:
            raise DataError('PackSRSample: the results have no "inputs" (make them with MakeLR)')
        if self.meta_keys is None:
            meta = {k: v for k, v in results.items() if k not in KEYS}
        else:
            meta = {k: results[k] for k in self.meta_keys if k in results}
        return pack_sample(results['inputs'], results.get('gt'), meta)
