"""``tools/data_aug.py``: training patch pairs from image folders, as the classic SR papers made them.

For every image (the first ``number`` of the inputs, each folder sorted by name, folders in the order
given), the steps are::

    for s in scales:                      # scale augmentation (--scales 1.0 0.7 0.5)
        I = imresize(img, s)              # MATLAB bicubic on the uint8 RGB image (s = 1: untouched)
        I = Y of rgb2ycbcr(I) (--single_y; uint8, as MATLAB) or RGB      (gray images: used as Y / repeated)
        for f in upscale factors:         # -uf 2 3 4
            HR = modcrop(I, f)            # uint8
            LR = imresize(HR / 255, 1/f)  # MATLAB bicubic in double precision, not rounded
            for m in upsampling methods:  # only with HR-sized inputs (--same_size / --upsampling)
                IN = imresize(LR, size(HR), m)   # else IN = LR
                for flip in flips:        # 0 none, 1 left-right, 2 up-down, 3 both
                    for rot in rotations: # counter-clockwise, multiples of 90
                        (HR', IN') = rot(flip(HR)), rot(flip(IN))
                        patches: HR' windows of height x width at every position
                        (y, x) = (0, stride, 2*stride, ...) that fits (MATLAB's 1:stride:H-h+1),
                        and the matching IN' windows (the same window, or /f of it)

``--upsampling`` lists the methods that bring the LR back to the HR size (bicubic, bilinear, nearest;
the LR itself is always made with MATLAB bicubic, the degradation the benchmarks test). Giving it
means HR-sized inputs (as ``--same_size``, whose method is bicubic); with two methods every patch is
stored once per method (``--upsampling nearest bicubic``: a nearest-upsampled and a bicubic-upsampled
input for each HR patch). Without either flag the inputs are LR-sized, and width, height and stride
must be multiples of every upscale factor.

Flips and rotations combine: ``--rotations 0 90 180 270 --flips 0 1`` gives all 8 dihedral variants;
``--flips 0 1 2 3`` with four rotations gives each of them twice (flip 2 = flip 1 + 180°, flip 3 = 180°),
as the seed's VDSR recipe asks.

Patches stream to the writer of the output's format (:mod:`srbench.data.stores`) in chunks; the output
appears at its final path only when complete. The run is deterministic: the same inputs and flags give the
same patches in the same order.
"""
from __future__ import annotations

import math
import resource
import sys
import time
from pathlib import Path

import numpy as np

from ..data.io import imread, list_images
from ..data.stores import WRITERS
from ..errors import ConfigError, DataError
from ..transforms.color import to_channels
from ..transforms.degrade import make_lr
from ..transforms.imresize import imresize_np
from ..transforms.paired import check_flips, check_rotations, dihedral, mod_crop
from ..utils.atomic import check_writable, clean_stale_temps
from ..utils.uint8 import im2uint8

METHODS = ('bicubic', 'bilinear', 'nearest')
FORMATS = tuple(WRITERS)


def gather_images(inputs, number=None, log=print) -> list[Path]:
    """The first ``number`` images of ``inputs`` (folders in the given order, each sorted by name)."""
    if isinstance(inputs, (str, Path)):
        inputs = [inputs]
    if not inputs:
        raise ConfigError('--input: give at least one image folder')
    files = []
    for d in inputs:
        files.extend(list_images(d, 'input folder', '--input'))
    if number is not None:
        number = _pos_int(number, '--number')
        if number > len(files):
            log(f'note: --number {number}, but the inputs hold {len(files)} images; using all {len(files)}')
        files = files[:number]
    return files


def _pos_int(v, key):
    try:
        iv = int(v)
        ok = iv == float(v) and iv >= 1 and not isinstance(v, bool)
    except (TypeError, ValueError):
        ok = False
    if not ok:
        raise ConfigError(f'{key} must be a positive integer, got {v!r}')
    return iv


def infer_format(output, fmt=None) -> str:
    if fmt is not None:
        if fmt not in FORMATS:
            raise ConfigError(f'--format must be one of {", ".join(FORMATS)}, got {fmt!r}')
        return fmt
    suffix = Path(str(output)).suffix.lower()
    return 'h5' if suffix in ('.h5', '.hdf5') else 'lmdb' if suffix == '.lmdb' else 'folder'


def check_options(width, height, stride, upscale_factors, scales, rotations, flips, upsampling, same_size,
                  fmt):
    """Validated options (ConfigError naming the flag otherwise)."""
    width, height = _pos_int(width, '--width'), _pos_int(height, '--height')
    stride = _pos_int(stride, '--stride')
    ufs = [_pos_int(u, '-uf/--upscale-factors') for u in (upscale_factors or [])]
    if not ufs:
        raise ConfigError('-uf/--upscale-factors: give at least one upscale factor')
    sc = []
    for s in scales or [1.0]:
        try:
            v = float(s)
        except (TypeError, ValueError):
            v = float('nan')
        if not math.isfinite(v) or v <= 0:
            raise ConfigError(f'--scales must be positive numbers (e.g. 1.0 0.7 0.5), got {s!r}')
        sc.append(v)
    rotations = check_rotations(rotations if rotations is not None else [0])
    flips = check_flips(flips if flips is not None else [0])
    if upsampling is not None:
        if isinstance(upsampling, str):
            upsampling = [upsampling]
        if not upsampling:
            raise ConfigError(f'--upsampling: give one or more of {", ".join(METHODS)}')
        for m in upsampling:
            if m not in METHODS:
                raise ConfigError(f'--upsampling: unknown method {m!r}; expected one of {", ".join(METHODS)}')
    same = bool(same_size) or upsampling is not None
    methods = list(upsampling) if upsampling is not None else (['bicubic'] if same else [None])
    if not same:
        for u in ufs:
            for key, v in (('--width', width), ('--height', height), ('--stride', stride)):
                if v % u:
                    raise ConfigError(
                        f'{key} {v} is not divisible by upscale factor {u}: LR-sized patches (no '
                        '--same_size or --upsampling) need --width, --height and --stride divisible by '
                        'every -uf')
        if fmt == 'h5' and len(set(ufs)) > 1:
            raise ConfigError('--format h5 holds patches of one size, but LR-sized patches differ in size '
                              'per upscale factor: use --same_size (HR-sized inputs), one file per -uf, or '
                              '--format folder/lmdb')
    return dict(width=width, height=height, stride=stride, ufs=ufs, scales=sc, rotations=rotations,
                flips=flips, methods=methods, same_size=same)


def count_patches(shape, opt) -> dict:
    """Patches per upscale factor that one image of ``shape`` gives (from the sizes alone)."""
    from ..transforms.imresize import output_size
    H0, W0 = shape[:2]
    ph, pw, st = opt['height'], opt['width'], opt['stride']
    out = {}
    for s in opt['scales']:
        H, W = (H0, W0) if s == 1.0 else (output_size(H0, s), output_size(W0, s))
        for f in opt['ufs']:
            h, w = H - H % f, W - W % f
            if min(h, w) < f:
                continue
            n = 0
            for r in opt['rotations']:
                hh, ww = (w, h) if r % 180 else (h, w)
                if hh >= ph and ww >= pw:
                    n += ((hh - ph) // st + 1) * ((ww - pw) // st + 1)
            out[f] = out.get(f, 0) + n * len(opt['flips']) * len(opt['methods'])
    return out


def window_patches(hr: np.ndarray, inp: np.ndarray, factor: int, ph: int, pw: int, stride: int, chunk: int):
    """Yield (hr_patches N×ph×pw×C, inp_patches N×·×·×C) over every window position, ``chunk`` patches
    at most at a time (``factor``: 1 for HR-sized inputs, else the upscale factor)."""
    H, W = hr.shape[:2]
    if H < ph or W < pw:
        return
    ny, nx = (H - ph) // stride + 1, (W - pw) // stride + 1
    vh = np.lib.stride_tricks.sliding_window_view(hr, (ph, pw), axis=(0, 1))[::stride, ::stride]
    f = factor
    vi = np.lib.stride_tricks.sliding_window_view(inp, (ph // f, pw // f), axis=(0, 1))
    vi = vi[::stride // f, ::stride // f]
    vi = vi[:ny, :nx]
    rows = max(1, chunk // nx)
    for r0 in range(0, ny, rows):
        a = vh[r0:r0 + rows]                                   # (r, nx, C, ph, pw)
        b = vi[r0:r0 + rows]
        yield (np.ascontiguousarray(a.reshape((-1,) + a.shape[2:]).transpose(0, 2, 3, 1)),
               np.ascontiguousarray(b.reshape((-1,) + b.shape[2:]).transpose(0, 2, 3, 1)))


class _Progress:
    """Images done: a bar (:class:`srbench.utils.progress.ProgressBar`) where stderr is a terminal, else a
    line on stderr at every tenth of the images (logs of long runs stay short)."""

    def __init__(self, total, enabled):
        from ..utils.progress import ProgressBar, interactive
        self.total, self.enabled, self.t0 = total, enabled, time.time()
        self.bar = ProgressBar(total, 'images', unit='img', fields=('patches',),
                               enabled=enabled and interactive())
        self.last = -1

    def update(self, i, name, patches):
        if not self.enabled:
            return
        if self.bar.enabled:
            self.bar.update(1, patches=patches)
            if i == self.total:
                self.bar.close()
            return
        pct = int(100 * i / max(1, self.total))
        if pct // 10 != self.last // 10 or i == self.total:
            print(f'{i}/{self.total} images, {patches} patches, {time.time() - self.t0:.1f}s  {name[:30]}',
                  file=sys.stderr, flush=True)
            self.last = pct

    def close(self):
        self.bar.close()


def data_aug(inputs, output, number=None, width=41, height=41, stride=41, upscale_factors=(2,), scales=(1.0,),
             rotations=(0,), flips=(0,), upsampling=None, single_y: bool = False, same_size: bool = False,
             format: str | None = None, dtype: str | None = None, overwrite: bool = False, chunk: int = 4096,
             progress: bool = True, log=print, dry_run: bool = False) -> dict:
    """Make training patch pairs (see the module docstring); returns a summary dict (patches, bytes,
    seconds, peak_rss_mb, ...). ``format``: 'folder' | 'h5' | 'lmdb' (default from the output's
    suffix: .h5 → h5, .lmdb → lmdb, else folder). ``dtype`` (h5 only): 'float32' (default, not
    quantised) or 'uint8'. ``dry_run``: count patches and bytes without writing."""
    t0 = time.time()
    rss0 = current_rss_mb()
    fmt = infer_format(output, format)
    if not dry_run:
        check_writable(output, '--output', is_dir=fmt == 'folder')      # before the work, not after it
        clean_stale_temps(Path(output).parent, Path(output).name)     # a killed run's half-written store
    opt = check_options(width, height, stride, upscale_factors, scales, rotations, flips, upsampling,
                        same_size, fmt)
    if dtype is None:
        dtype = 'float32' if fmt == 'h5' else 'uint8'
    if dtype not in ('float32', 'uint8'):
        raise ConfigError(f'--dtype must be float32 or uint8, got {dtype!r}')
    if fmt != 'h5' and dtype != 'uint8':
        raise ConfigError(f'--dtype {dtype}: --format {fmt} stores PNG images, which are uint8')
    files = gather_images(inputs, number, log)
    chunk = _pos_int(chunk, 'chunk')
    channels = 'y' if single_y else 'rgb'
    ph, pw, st = opt['height'], opt['width'], opt['stride']
    ins = [inputs] if isinstance(inputs, (str, Path)) else inputs
    args = dict(inputs=[str(i) for i in ins], images=len(files),
                width=pw, height=ph, stride=st, upscale_factors=opt['ufs'], scales=opt['scales'],
                rotations=opt['rotations'], flips=opt['flips'],
                upsampling=opt['methods'] if opt['same_size'] else None,
                same_size=opt['same_size'], channels=channels, format=fmt, dtype=dtype,
                input_kind='bicubic' if opt['same_size'] else 'lr')
    # pass 1: the patch count from the image sizes (an h5 file is then written contiguously)
    per_scale, largest = {}, (0, 0)
    for path in files:
        shape = imread(path).shape
        largest = max(largest, shape[:2], key=lambda hw: hw[0] * hw[1])
        for f, n in count_patches(shape, opt).items():
            per_scale[f] = per_scale.get(f, 0) + n
    total = sum(per_scale.values())
    if total == 0:
        raise DataError(f'no patch fits: --width {pw} x --height {ph} is larger than every image '
                        f'(largest input {largest[1]}x{largest[0]}, before --scales and mod-crop)')
    c = 1 if single_y else 3
    itemsize = 4 if dtype == 'float32' else 1
    array_bytes = sum(n * c * (ph * pw + (ph * pw if opt['same_size'] else ph * pw // (f * f)) * itemsize)
                      for f, n in per_scale.items())
    summary = dict(args, patches=total, per_scale={f'x{k}': v for k, v in sorted(per_scale.items())},
                   array_bytes=array_bytes)
    if dry_run:
        summary.update(bytes=array_bytes, path=None)
    else:
        writer = (WRITERS[fmt](output, overwrite, dtype, total=total) if fmt == 'h5'
                  else WRITERS[fmt](output, overwrite))
        bar = _Progress(len(files), progress)
        count = 0
        try:
            for i, path in enumerate(files):
                count += _image_patches(i, path, opt, channels, dtype, chunk, writer)
                bar.update(i + 1, path.name, count)
            res = writer.close(summary)
        except BaseException:
            writer.abort()
            raise
        finally:
            bar.close()
        summary.update(bytes=res['bytes'], path=res['path'])
    summary['seconds'] = round(time.time() - t0, 2)
    summary['start_rss_mb'] = rss0
    summary['peak_rss_mb'] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return summary


def current_rss_mb() -> float:
    """Resident memory of this process now (MB; Linux /proc, else the peak so far)."""
    try:
        with open('/proc/self/statm') as f:
            import os
            return round(int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2 ** 20, 1)
    except (OSError, ValueError, IndexError):
        return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _image_patches(i, path, opt, channels, dtype, chunk, writer) -> int:
    """Every patch of one image (the loops of the module docstring) into ``writer``; returns the count."""
    ph, pw, st = opt['height'], opt['width'], opt['stride']
    img = imread(path)
    k = 0
    for s in opt['scales']:
        im = img if s == 1.0 else imresize_np(img, s)
        ch = to_channels(im, channels)
        for f in opt['ufs']:
            hr = mod_crop(ch, f)
            if min(hr.shape[:2]) < f:
                continue
            lr = make_lr(hr, f, quantize=False)
            for m in opt['methods']:
                inp = lr if m is None else imresize_np(lr, output_shape=hr.shape[:2], method=m)
                inp = im2uint8(inp) if dtype == 'uint8' else inp.astype(np.float32)
                factor = 1 if opt['same_size'] else f
                for fl in opt['flips']:
                    for rot in opt['rotations']:
                        h2, i2 = dihedral(hr, fl, rot), dihedral(inp, fl, rot)
                        for a, b in window_patches(h2, i2, factor, ph, pw, st, chunk):
                            n = len(a)
                            names = [f'{i:05d}_{path.stem}_{k + j:07d}_x{f}' for j in range(n)] \
                                if writer.is_dir else None
                            writer.add(a, b, f, names)
                            k += n
    return k


def format_summary(s: dict) -> str:
    per = ', '.join(f'{k}: {v}' for k, v in s['per_scale'].items())
    where = s['path'] or '(dry run, nothing written)'
    return (f'{s["patches"]} patches ({per}) from {s["images"]} images, {s["bytes"] / 1e6:.1f} MB, '
            f'{s["seconds"]:.1f} s, peak RSS {s["peak_rss_mb"]:.0f} MB (at start '
            f'{s["start_rss_mb"]:.0f} MB) -> {where} '
            f'[{s["format"]}, {s["channels"]}, inputs {s["input_kind"]}, {s["dtype"]}]')
