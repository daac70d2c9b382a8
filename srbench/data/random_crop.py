"""Random aligned crops from whole images for training (the seed's "Dataloader" flow).

Two steps, as the seed describes them:

1. **Prepare once** (optional, ``origin_hr_dir``): every original image is augmented -- rescaled
   (``aug_scales``, MATLAB bicubic on the uint8 image), flipped (``flips``) and rotated (``rotations``),
   with the codes of ``tools/data_aug.py`` -- and written whole to ``hr_dir`` (``train_HR_dir``) as
   ``<stem>_s<scale>_f<flip>_r<rot>.png``; with ``lr_dir`` (``train_LR_dir``) the LR images of every
   scale are written too, to ``lr_dir/X<s>/`` (rounded to uint8, in the dataset's channel mode). A
   hidden ``.srbench_data.json`` in each folder records how it was made; a folder made with the same
   settings is reused, one made with other settings is replaced, and a folder srbench did not make is
   never touched (error).
2. **Crop per sample**: an aligned random patch of one image, made by a pipeline of srbench's transforms
   (:mod:`srbench.transforms.pipeline`): ``ModCrop``, ``PairedRandomCrop`` (the HR window), ``MakeLR`` (the
   LR read from ``lr_dir``, or made on the fly from the HR window plus a margin with MATLAB ``imresize``, so
   the patch equals the same window of the whole-image LR up to float rounding; models with HR-sized inputs
   get the LR window bicubic-upsampled the same way), ``RandomDihedral`` (random flips/transposes, when
   ``augment`` is on) and ``PackSRSample``. A config may give its own ``pipeline`` instead.

Only the (uint8) HR images are kept in memory; LR and upsampled inputs are made per patch.
"""
from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np

from ..errors import ConfigError, DataError
from ..registry import DATASETS, TRANSFORMS
from ..transforms.color import to_channels
from ..transforms.degrade import make_lr
from ..transforms.imresize import imresize_np
from ..transforms.paired import check_flips, check_rotations, dihedral, mod_crop
from ..transforms.pipeline import MakeLR, ModCrop, PackSRSample, PairedRandomCrop, RandomDihedral
from ..utils.atomic import publish, remove_path, tmp_sibling
from .common import SRDatasetBase, check_scale
from .io import imread, imwrite, list_images

PREP_MARKER = '.srbench_data.json'


def _scale_tag(s: float) -> str:
    return f'{s:g}'


def _read_marker(d: Path):
    try:
        return json.loads((d / PREP_MARKER).read_text())
    except (OSError, ValueError):
        return None


def _publish(tmp: Path, final: Path, settings: dict):
    """Rename the prepared ``tmp`` onto ``final``; if another process (DDP rank) got there first with
    the same settings, keep theirs."""
    if final.is_dir() and _read_marker(final) == settings:
        remove_path(tmp)
    else:
        publish(tmp, final)


def _check_target(d: Path, key: str, settings: dict) -> bool:
    """True when ``d`` already holds what ``settings`` describe; error when it is not srbench's."""
    if not d.exists():
        return False
    if not d.is_dir():
        raise DataError(f'{key} {d} is not a folder')
    mk = _read_marker(d)
    if mk is None:
        if any(d.iterdir()):
            raise DataError(f'{key} {d} already holds files that srbench did not prepare (no {PREP_MARKER}); '
                            f'point {key} at a new folder or remove it')
        return False
    return mk == settings


def prepare_images(origin_hr_dir, hr_dir, lr_dir=None, aug_scales=(1.0,), rotations=(0,), flips=(0,),
                   lr_scales=(), channels: str = 'rgb', log=None) -> list[str]:
    """Write the augmented whole images of ``origin_hr_dir`` to ``hr_dir`` (and their LR, per scale in
    ``lr_scales``, to ``lr_dir/X<s>``), unless they are already there; returns the image names."""
    files = list_images(origin_hr_dir, 'original HR folder', 'origin_hr_dir')
    aug_scales = [float(s) for s in aug_scales]
    if not aug_scales or any(not (math.isfinite(s) and s > 0) for s in aug_scales):
        raise ConfigError(f'RandomCropDataset: aug_scales must be positive numbers, got {aug_scales!r}')
    rotations, flips = check_rotations(rotations, 'RandomCropDataset.rotations'), check_flips(flips, 'flips')
    base = dict(version=1, origin=str(Path(origin_hr_dir).resolve()),
                files=[f'{p.name}:{p.stat().st_size}' for p in files], aug_scales=aug_scales,
                rotations=rotations, flips=flips)
    names = [f'{p.stem}_s{_scale_tag(s)}_f{fl}_r{r}' for p in files for s in aug_scales for fl in flips
             for r in rotations]
    hr_dir = Path(hr_dir)
    hr_set = dict(base, what='HR')
    lr_set = dict(base, what='LR', scales=sorted(lr_scales), channels=channels)
    need_hr = not _check_target(hr_dir, 'hr_dir', hr_set)
    need_lr = lr_dir is not None and not _check_target(Path(lr_dir), 'lr_dir', lr_set)
    if not (need_hr or need_lr):
        return names
    if log:
        log(f'preparing augmented images of {origin_hr_dir} in {hr_dir}'
            + (f' and {lr_dir}' if need_lr else ''))
    tmps = {}
    for key, d, want in (('hr', hr_dir, need_hr), ('lr', Path(lr_dir) if lr_dir else None, need_lr)):
        if want:
            d.parent.mkdir(parents=True, exist_ok=True)
            tmps[key] = tmp_sibling(d)
            remove_path(tmps[key])
            tmps[key].mkdir()
    try:
        for p in files:
            img = imread(p)
            for s in aug_scales:
                im = img if s == 1.0 else imresize_np(img, s)
                for fl in flips:
                    for r in rotations:
                        out = np.ascontiguousarray(dihedral(im, fl, r))
                        name = f'{p.stem}_s{_scale_tag(s)}_f{fl}_r{r}'
                        if 'hr' in tmps:
                            imwrite(tmps['hr'] / f'{name}.png', out)
                        if 'lr' in tmps:
                            ch = to_channels(out, channels)
                            for sc in lr_scales:
                                hr = mod_crop(ch, sc)
                                if min(hr.shape[:2]) >= sc:
                                    lr = make_lr(hr, sc, quantize=True)
                                    imwrite(tmps['lr'] / f'X{sc}' / f'{name}.png',
                                            lr[:, :, 0] if lr.shape[2] == 1 else lr)
        for key, settings, d in (('hr', hr_set, hr_dir), ('lr', lr_set, Path(lr_dir) if lr_dir else None)):
            if key in tmps:
                (tmps[key] / PREP_MARKER).write_text(json.dumps(settings))
                _publish(tmps[key], d, settings)
    finally:
        for t in tmps.values():
            remove_path(t)
    return names


@DATASETS.register_module()
class RandomCropDataset(SRDatasetBase):
    """Training patches cropped at random from whole images (the seed's "Dataloader" flow).

    Args:
        hr_dir: folder of whole HR images (``train_HR_dir``); with ``origin_hr_dir`` it is written first.
        scale: upscaling factor; or ``scales=[2, 3, 4]`` for one multi-scale data set (sample ``i`` has
            scale ``scales[i % len(scales)]``; use ``batch_sampler=dict(type='ScaleBatchSampler')``).
        patch_size: LR patch side (the HR patch is ``scale`` times larger); or ``gt_patch_size``: HR patch
            side (for HR-sized inputs any size; for LR inputs a multiple of every scale).
        lr_dir: LR images (``train_LR_dir``), with the HR names (``lr_tmpl`` maps an HR stem to an LR stem)
            in ``lr_dir/X<s>/`` or, for one scale, in ``lr_dir`` itself; default: made on the fly.
        input_kind / channels: from the model's plugin metadata (filled by srbench's APIs).
        quantize_lr: round LR made on the fly to uint8 (default: True for RGB, False for Y, as the test
            protocol, :func:`srbench.transforms.degrade.make_lr`).
        length: samples per epoch (default: images x scales).
        augment: random horizontal flip, vertical flip and transpose per sample (8 dihedral variants; on
            unless False).
        origin_hr_dir: original images (``origin_HR_dir``) to prepare into ``hr_dir`` (and ``lr_dir``) once,
            augmented by ``aug_scales`` x ``flips`` x ``rotations`` (codes as ``tools/data_aug.py``).
        pipeline: transforms (configs of TRANSFORMS, or callables) that make a sample from the results
            ``dict(gt=<whole HR image>, name, scale, channels, input_kind, dataset[, lr=<its LR from
            lr_dir>])``, ending with ``PackSRSample``; replaces patch_size / gt_patch_size / quantize_lr /
            augment. Default: ``[ModCrop, PairedRandomCrop(patch), MakeLR(quantize=quantize_lr),
            RandomDihedral (augment), PackSRSample]``.
    """

    def __init__(self, hr_dir, scale=None, patch_size=None, lr_dir=None, input_kind=None, channels=None,
                 quantize_lr=None, length: int | None = None, augment: bool | None = None,
                 lr_tmpl: str = '{}', name: str | None = None, scales=None, gt_patch_size=None,
                 origin_hr_dir=None, aug_scales=(1.0,), rotations=(0,), flips=(0,), pipeline=None):
        owner = 'RandomCropDataset'
        if (scale is None) == (scales is None):
            raise ConfigError(f'{owner}: give exactly one of scale (one scale) and scales (multi-scale)')
        super().__init__(scale, input_kind, channels, name)
        self.scales = [self.scale] if scale is not None else [check_scale(s, owner) for s in scales]
        if not self.scales or len(set(self.scales)) != len(self.scales):
            raise ConfigError(f'{owner}: scales must be distinct positive integers, got {scales!r}')
        self.patch = {}                          # HR patch side per scale (the default pipeline's)
        if pipeline is not None:
            given = dict(patch_size=patch_size, gt_patch_size=gt_patch_size, quantize_lr=quantize_lr,
                         augment=augment)
            given = [k for k, v in given.items() if v is not None]
            if given:
                raise ConfigError(f'{owner}: {", ".join(given)} and pipeline exclude each other (the '
                                  'pipeline says how a patch is made)')
            self.pipeline = [TRANSFORMS.build(t) if isinstance(t, dict) else t for t in pipeline]
        else:
            self.pipeline = self._default_pipeline(patch_size, gt_patch_size, quantize_lr, augment)
        if origin_hr_dir is not None:
            prepare_images(origin_hr_dir, hr_dir, lr_dir, aug_scales, rotations, flips,
                           lr_scales=self.scales if lr_dir else (), channels=channels)
        hr_files = list_images(hr_dir, 'HR folder', 'hr_dir')
        self.names = [p.stem for p in hr_files]
        self.images = [to_channels(imread(p), channels) for p in hr_files]
        self.lr = {s: self._load_lr(lr_dir, s, hr_files, lr_tmpl) for s in self.scales} if lr_dir else None
        self.eligible = {}
        for s in self.scales:
            P = self.patch.get(s, s)               # a pipeline's patch size is its own: any image of s pixels
            self.eligible[s] = [j for j, im in enumerate(self.images)
                                if min(im.shape[0] - im.shape[0] % s, im.shape[1] - im.shape[1] % s) >= P]
            if not self.eligible[s]:
                raise DataError(f'{owner}: no image in {hr_dir} is large enough for HR patches of {P}x{P} '
                                f'at x{s}')
        self.length = int(length) if length else len(self.images) * len(self.scales)
        k = len(self.scales)
        self._scales = np.array([self.scales[i % k] for i in range(self.length)], dtype=np.int16)

    def _default_pipeline(self, patch_size, gt_patch_size, quantize_lr, augment) -> list:
        owner = 'RandomCropDataset'
        if (patch_size is None) == (gt_patch_size is None):
            raise ConfigError(f'{owner}: give exactly one of patch_size (LR side) and gt_patch_size '
                              '(HR side)')
        for s in self.scales:
            if patch_size is not None:
                self.patch[s] = check_scale(patch_size, f'{owner}.patch_size') * s
            else:
                P = check_scale(gt_patch_size, f'{owner}.gt_patch_size')
                if self.input_kind == 'lr' and P % s:
                    raise ConfigError(f'{owner}: gt_patch_size {P} is not divisible by scale {s}; a model '
                                      'with LR inputs needs HR patches that are a multiple of the scale')
                self.patch[s] = P
        quantize = (self.channels == 'rgb') if quantize_lr is None else bool(quantize_lr)
        crop = (PairedRandomCrop(lr_patch_size=patch_size) if patch_size is not None else
                PairedRandomCrop(gt_patch_size=gt_patch_size))
        flips = [RandomDihedral()] if augment is None or augment else []
        return [ModCrop(), crop, MakeLR(quantize=quantize)] + flips + [PackSRSample()]

    def _load_lr(self, lr_dir, s, hr_files, tmpl):
        d = Path(lr_dir) / f'X{s}'
        if not d.is_dir():
            if len(self.scales) > 1:
                raise DataError(f'lr_dir {lr_dir} has no X{s} folder (multi-scale LR images go to '
                                'lr_dir/X<s>/)')
            d = Path(lr_dir)
        by_stem = {p.stem: p for p in list_images(d, 'LR folder', 'lr_dir')}
        out = []
        for h, img in zip(hr_files, self.images):
            stem = tmpl.format(h.stem)
            if stem not in by_stem:
                raise DataError(f'LR folder {d} has no image for HR {h.name} (looked for {stem}.*)')
            lr = to_channels(imread(by_stem[stem]), self.channels)
            H, W = mod_crop(img, s).shape[:2]
            if lr.shape[:2] != (H // s, W // s):
                raise DataError(f'LR image {by_stem[stem]} is {lr.shape[1]}x{lr.shape[0]}, but HR {h.name} '
                                f'mod-cropped to x{s} is {W}x{H}: expected LR {W // s}x{H // s}')
            out.append(lr)
        return out

    @property
    def sample_scales(self) -> np.ndarray:
        return self._scales

    def __len__(self):
        return self.length

    def __getitem__(self, i):
        if not 0 <= i < self.length:
            raise IndexError(f'index {i} out of range for {self.length} samples')
        k = len(self.scales)
        s = self.scales[i % k]
        el = self.eligible[s]
        j = el[(i // k) % len(el)]
        results = dict(gt=self.images[j], name=self.names[j], scale=s, channels=self.channels,
                       input_kind=self.input_kind, dataset=self.name)
        if self.lr is not None:
            results['lr'] = self.lr[s][j]
        for t in self.pipeline:
            results = t(results)
            if results is None:
                raise DataError(f'RandomCropDataset: transform {t!r} returned no results for {self.names[j]}')
        if not (isinstance(results, dict) and 'inputs' in results and 'metainfo' in results):
            what = f'keys {sorted(results)}' if isinstance(results, dict) else type(results).__name__
            raise DataError(f'RandomCropDataset: the pipeline must end with PackSRSample (it returned '
                            f'{what})')
        return results
