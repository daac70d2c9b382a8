"""Paired whole images for testing.

An HR folder and either an LR folder with matching names or LR images made from the mod-cropped
HR by MATLAB bicubic downscaling (:func:`srbench.transforms.degrade.make_test_pair`). How the LR is made
is part of the evaluation protocol and goes into every result (:meth:`PairedImageDataset.protocol_info`):

* ``lr_from='rgb'``, ``quantize_lr=True`` (``rgb-uint8``; default for RGB networks): MATLAB
  ``imresize(hr, 1/scale)`` of the uint8 image as read, rounded to uint8 -- an LR image saved to
  disk, as in SelfExSR's and A+'s data; with Bicubic this reproduces the seed's Bicubic table;
* ``lr_from='y'``, ``quantize_lr=False`` (``y-double``; default for Y networks): ``imresize`` of the
  rounded Y channel / 255 in double precision, not rounded -- SRCNN's, VDSR's and DRRN's test code.

A network that takes the bicubic-upsampled Y (SRCNN, VDSR, DRCN, DRRN) given a uint8 RGB LR (``rgb-uint8``
or LR files) gets the LR's Y in float, not rounded, upsampled in double precision -- what the authors' code
does with an LR image (``rgb2ycbcr(im2double(lr))``, ``imresize`` in double). Rounding that Y and upsampling
in uint8, as srbench did before, cost VDSR 0.25-0.67 dB, and no author's code does it.

The authors' evaluation protocols are named (:data:`EVAL_PROTOCOLS`): ``eval_protocol='lapsrn-matlab'`` sets
how the LR is made as that paper's test code does, and the name and its description go into every result
(``protocol.data.eval_protocol``), so a row can be computed -- and recognised -- exactly as the paper did.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from ..errors import ConfigError, DataError
from ..registry import DATASETS
from ..transforms.color import to_channels
from ..transforms.degrade import LR_SOURCES, make_lr, test_base, upsample
from ..transforms.paired import mod_crop
from ..utils.cache import ArrayCache, cache_enabled, file_sha256, key_of
from .common import SRDatasetBase
from .io import imdecode, imread, list_images

LR_PROTOCOLS = {
    'rgb-uint8': 'MATLAB imresize bicubic (antialiased) 1/scale of the mod-cropped uint8 image as read '
                 '(RGB or gray), rounded to uint8 after each dimension (an LR image saved to disk)',
    'rgb-double': 'MATLAB imresize bicubic (antialiased) 1/scale of the mod-cropped image as read / 255, in '
                  'double precision, not rounded',
    'y-double': 'MATLAB imresize bicubic (antialiased) 1/scale of Y/255 (Y: rgb2ycbcr of the mod-cropped '
                'uint8 HR, rounded) in double precision, not rounded',
    'y-uint8': 'MATLAB imresize bicubic (antialiased) 1/scale of the uint8 Y (rgb2ycbcr of the mod-cropped '
               'HR, rounded), rounded to uint8 after each dimension',
}


EVAL_PROTOCOLS = {
    'srcnn-matlab': dict(
        lr_from='y', quantize_lr=False,
        description="SRCNN's demo_SR.m (also FSRCNN's demo_FSRCNN.m, VDSR's numbers): Y = rgb2ycbcr of the "
                    'uint8 image, rounded; mod-crop; LR = imresize(Y/255, 1/scale) in floating point, not '
                    'rounded; SR uint8(sr*255); PSNR on Y, border = scale'),
    'lapsrn-matlab': dict(
        lr_from='rgb', quantize_lr=False, hr_float=True, metric=dict(protocol='matlab-double'),
        description="LapSRN's test_LapSRN.m: LR = imresize(im2double(RGB), 1/scale), not rounded; its Y = "
                    'rgb2ycbcr in double, not rounded; HR Y = rgb2ycbcr(im2double(HR)), not rounded; '
                    'PSNR/SSIM on these double Y, border = scale (metric protocol matlab-double; the authors '
                    'round the RGB made of SR Y and bicubic CbCr to uint8 first, which srbench leaves out: '
                    '< 0.01 dB)'),
}
"""The authors' evaluation protocols by name: the ``PairedImageDataset`` arguments each sets, and what it
is (recorded in results). ``srbench`` -- no name -- is the default of the module docstring."""


_CODE_VERSION: list = []


def code_version() -> str:
    """The version of the code the cached arrays come from (:mod:`srbench.utils.cache`): OpenCV's version
    (decoding) and a hash of the sources of image reading, ``imresize``, colour conversion, LR generation and
    cropping -- any change there gives new cache keys."""
    if not _CODE_VERSION:
        import importlib

        import cv2

        from ..utils.cache import sources_sha256
        mods = [importlib.import_module(f'srbench.{m}') for m in (
            'data.io', 'transforms.imresize', 'transforms.color', 'transforms.degrade', 'transforms.paired',
            'utils.uint8')]
        _CODE_VERSION.append(f'cv2-{cv2.__version__}-{sources_sha256(*mods)}')
    return _CODE_VERSION[0]


def _match_lr(hr_files, lr_dir, tmpl: str, key: str):
    lr_files = {p.stem: p for p in list_images(lr_dir, 'LR folder', key)}
    out = []
    for h in hr_files:
        stem = tmpl.format(h.stem)
        if stem not in lr_files:
            raise DataError(f'LR folder {lr_dir} has no image for HR {h.name} (looked for {stem}.*)')
        out.append(lr_files[stem])
    return out


@DATASETS.register_module()
class PairedImageDataset(SRDatasetBase):
    """Test images: an HR folder plus an LR folder or LR made with MATLAB bicubic.

    Args:
        hr_dir: folder of HR images (the original, un-cropped ones; they are mod-cropped to ``scale``).
        lr_dir: optional folder of LR images with the same stems (``lr_tmpl`` maps an HR stem to an LR
            stem, e.g. ``'{}x2'``). Without it LR images are made from the mod-cropped HR.
        scale: upscaling factor.
        input_kind / channels: from the model's plugin metadata (filled by srbench's APIs).
        lr_from: ``'rgb'`` (make the LR from the image as read, then take the model's channels) or
            ``'y'`` (make it from the Y channel; Y networks only). Default: ``'y'`` for Y networks,
            ``'rgb'`` for RGB networks.
        quantize_lr: round generated LR images to uint8 (default: True for ``lr_from='rgb'``, False
            for ``'y'``). See the module docstring for the named combinations.
        name: the data set's name in results (default: the HR folder's parent name, e.g. ``Set5``).
        cache: keep the decoded HR, the LR and the bicubic input of each image in srbench's on-disk cache
            (:mod:`srbench.utils.cache`, keyed by the file's SHA-256, the scale, the protocol and the code's
            version): the next scale of a set and later runs read them instead of decoding and resizing.
            ``None`` (default): on unless ``SRBENCH_CACHE=0``; the numbers are the same either way.
    """

    def __init__(self, hr_dir, scale, lr_dir=None, input_kind=None, channels=None, lr_from=None,
                 quantize_lr=None, lr_tmpl: str = '{}', name: str | None = None, eval_protocol=None,
                 cache: bool | None = None):
        super().__init__(scale, input_kind, channels, name)
        self.cache = cache
        self._cache = None
        if eval_protocol is not None:
            if eval_protocol not in EVAL_PROTOCOLS:
                raise ConfigError(f'PairedImageDataset: unknown eval_protocol {eval_protocol!r}; expected '
                                  f'one of {", ".join(EVAL_PROTOCOLS)}')
            named = EVAL_PROTOCOLS[eval_protocol]
            for k, v in (('lr_from', lr_from), ('quantize_lr', quantize_lr)):
                if v is not None and v != named[k]:
                    raise ConfigError(f'PairedImageDataset: {k}={v!r} contradicts eval_protocol '
                                      f'{eval_protocol!r} ({k}={named[k]!r})')
            lr_from, quantize_lr = named['lr_from'], named['quantize_lr']
        self.eval_protocol = eval_protocol
        self.hr_float = bool(eval_protocol and EVAL_PROTOCOLS[eval_protocol].get('hr_float'))
        if self.scale is None:
            raise ConfigError('PairedImageDataset: scale is required')
        if lr_from is None:
            lr_from = 'y' if channels == 'y' else 'rgb'
        if lr_from not in LR_SOURCES:
            raise ConfigError(f'PairedImageDataset: lr_from must be one of {LR_SOURCES}, got {lr_from!r}')
        if lr_from == 'y' and channels != 'y':
            raise ConfigError("PairedImageDataset: lr_from='y' makes the LR from the Y channel and needs a "
                              f"Y network (channels='y'), got channels={channels!r}")
        self.lr_from = lr_from
        self.quantize_lr = (lr_from == 'rgb') if quantize_lr is None else bool(quantize_lr)
        self.hr_files = list_images(hr_dir, 'HR folder', 'hr_dir')
        self.lr_files = _match_lr(self.hr_files, lr_dir, lr_tmpl, 'lr_dir') if lr_dir else None
        self.hr_dir, self.lr_dir = str(hr_dir), lr_dir
        if name is None:
            p = Path(hr_dir).resolve()
            self.name = p.parent.name if p.name.upper() in ('HR', 'GT') else p.name

    def __len__(self):
        return len(self.hr_files)

    @property
    def lr_protocol(self) -> str:
        """``'files'`` (LR read from ``lr_dir``) or one of :data:`LR_PROTOCOLS`."""
        if self.lr_dir:
            return 'files'
        return f'{self.lr_from}-{"uint8" if self.quantize_lr else "double"}'

    def protocol_info(self) -> dict:
        """How HR and LR were made (goes into every result)."""
        lp = self.lr_protocol
        lr = f'read from {self.lr_dir}' if lp == 'files' else LR_PROTOCOLS[lp]
        if self.channels == 'y' and self.lr_from == 'rgb':
            if self._float_y:
                lr += ', then its Y (rgb2ycbcr in float, not rounded; upsampled in double precision)'
            else:
                lr += ', then its Y (rgb2ycbcr' + (' on uint8, rounded)' if self.quantize_lr or lp == 'files'
                                                  else ' in float, not rounded)')
        hr_text = f'mod-cropped to a multiple of {self.scale}'
        if self.hr_float and self.channels == 'y':
            hr_text += '; its Y in double precision, not rounded'
        named = {} if self.eval_protocol is None else dict(
            eval_protocol=self.eval_protocol,
            eval_protocol_info=EVAL_PROTOCOLS[self.eval_protocol]['description'])
        return dict(**named, hr=hr_text,
                    channels=('Y of MATLAB rgb2ycbcr on uint8, rounded (gray images used as Y)'
                              if self.channels == 'y' else 'RGB (gray images repeated to 3 channels)'),
                    lr_protocol=lp, lr=lr,
                    input=('LR' if self.input_kind == 'lr' else
                           'LR upsampled to the HR size with MATLAB imresize bicubic'))

    @property
    def _float_y(self) -> bool:
        """A bicubic-input Y network given a uint8 RGB LR: its Y in float, upsampled in double (see the
        module docstring)."""
        return (self.input_kind == 'bicubic' and self.channels == 'y' and self.lr_from == 'rgb'
                and (self.quantize_lr or self.lr_files is not None))

    def _y_of(self, lr):
        if self._float_y and lr.dtype == np.uint8:
            lr = lr.astype(np.float64) / 255.0
        return to_channels(lr, self.channels)

    def _array_cache(self) -> ArrayCache:
        if self._cache is None:
            self._cache = ArrayCache(enabled=cache_enabled(self.cache))
        return self._cache

    def _read(self, path) -> tuple[np.ndarray, str | None]:
        """(the decoded image, its file's SHA-256 -- None without the cache)."""
        cache = self._array_cache()
        if not cache.enabled:
            return imread(path), None
        try:
            data = Path(path).read_bytes()
        except OSError:
            return imread(path), None          # imread says what is wrong with the file
        sha = file_sha256(path, data)
        img = cache.get_or_make(key_of('decoded', sha, code_version()), lambda: imdecode(data, str(path)))
        return img, sha

    def _lr_key(self, sha, lr_sha, what: str, *more):
        """The cache key of an array made from the image ``sha`` (and the LR file ``lr_sha``) under this
        dataset's protocol."""
        return key_of(what, sha, lr_sha, self.scale, self.lr_protocol, self.channels, self._float_y,
                      self.hr_float, self.input_kind, *more, code_version())

    def load_pair(self, i):
        """(HR, LR, is_gray): H×W×C arrays in the dataset's channel mode."""
        return self._load_pair(i)[:3]

    def _load_pair(self, i):
        """:meth:`load_pair` and the files' SHA-256 (None without the cache)."""
        s, path = self.scale, self.hr_files[i]
        src, sha = self._read(path)
        gray = src.ndim == 2
        if self.lr_files is not None:
            hr = mod_crop(to_channels(src, self.channels), s)
            lr_img, lr_sha = self._read(self.lr_files[i])
            lr = self._y_of(lr_img)
            if lr.shape[0] * s != hr.shape[0] or lr.shape[1] * s != hr.shape[1]:
                raise DataError(
                    f'LR image {self.lr_files[i]} is {lr.shape[1]}x{lr.shape[0]}, but HR {path.name} '
                    f'mod-cropped to x{s} is {hr.shape[1]}x{hr.shape[0]}: expected LR '
                    f'{hr.shape[1] // s}x{hr.shape[0] // s}')
            return hr, lr, gray, sha, lr_sha
        if min(src.shape[:2]) < s:
            raise DataError(f'HR image {path} ({src.shape[1]}x{src.shape[0]}) is smaller than scale {s}')
        if self._float_y:
            base = mod_crop(src, s)
            hr = to_channels(base, 'y')

            def make():
                return self._y_of(make_lr(base, s, True))
        else:
            base = test_base(src, s, self.channels, self.lr_from)
            hr = to_channels(base, self.channels)

            def make():
                return to_channels(make_lr(base, s, self.quantize_lr), self.channels)
        cache = self._array_cache()
        lr = cache.get_or_make(self._lr_key(sha, None, 'lr'), make) if sha is not None else make()
        if self.hr_float:              # the Y of the uint8 HR in double, not rounded (LapSRN's test code)
            hr = to_channels(mod_crop(src, s).astype(np.float64) / 255.0, self.channels)
        return hr, lr, gray, sha, None

    def __getitem__(self, i):
        hr, lr, gray, sha, lr_sha = self._load_pair(i)
        if self.input_kind == 'bicubic':
            def make():
                return upsample(lr, self.scale, hr.shape[:2])
            key = self._lr_key(sha, lr_sha, 'bicubic', hr.shape[:2])
            inp = self._array_cache().get_or_make(key, make) if sha is not None else make()
        else:
            inp = lr
        return self.pack(inp, hr, self.hr_files[i].stem, self.scale, gt_path=str(self.hr_files[i]),
                         is_gray=gray, lr_protocol=self.lr_protocol)
