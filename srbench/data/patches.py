"""Training datasets of prepared patch pairs: folders (:class:`PatchPairDataset`), one HDF5 file
(:class:`H5PatchDataset`) and LMDB (:class:`LMDBDataset`), as ``tools/data_aug.py`` writes them.

What they share:

* **Scale.** Each patch has a scale, read from the store (h5 dataset ``scale``; a ``_x<s>`` suffix of
  the patch name; the HR/LR size ratio). ``scale=None`` uses every patch (multi-scale training: pair
  the loader with ``batch_sampler=dict(type='ScaleBatchSampler')``); ``scale=s`` keeps only the
  patches of scale ``s``. :attr:`sample_scales` gives the scale of every index.
* **Input kind.** A store holds either LR inputs (``scale`` times smaller than the HR) or HR-sized
  inputs (the LR upsampled back: ``--same_size``/``--upsampling``). HR-sized inputs given to a model
  that takes the LR image (``input_kind='lr'``) are an error; LR inputs given to a model that takes the
  upsampled image (``input_kind='bicubic'``) are upsampled on the fly with MATLAB ``imresize``
  (bicubic, per patch: the patch borders are mirror-padded, unlike an upsampled whole image).
* **Workers.** Files are opened lazily, once per process, so the datasets work with
  ``num_workers > 0`` and under DDP.

Values: uint8 data → ``uint8 / 255``; float data (the unquantised LR of the classic recipes) as is.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from ..errors import DataError
from ..registry import DATASETS
from ..transforms.imresize import imresize_np
from .common import SRDatasetBase, to_channels, to_tensor
from .io import check_dir, imdecode, imread, list_images

SCALE_SUFFIX = re.compile(r'_x(\d+)$')


def scale_from_name(name: str):
    """The scale in a patch name ``..._x<s>`` (``tools/data_aug.py`` names), or None."""
    m = SCALE_SUFFIX.search(name)
    return int(m.group(1)) if m else None


class PatchDatasetBase(SRDatasetBase):
    """Per-patch scales, the input-kind check and the sample layout shared by the patch datasets."""

    #: a sample depends on its index alone (no random transforms): a resumed training run skips the
    #: sampler's indices instead of reloading the batches already trained on (srbench.engine.train_loop)
    index_determined_samples = True

    def _resolve_scales(self, where: str, n: int, same_size: bool, stored=None):
        """Check the input kind and settle the per-patch scales (``stored``: array of n scales or None).
        Sets ``self._index`` (the stored items this dataset serves) and ``self._scales``."""
        if n == 0:
            raise DataError(f'{where} holds no patches')
        if same_size and self.input_kind == 'lr':
            raise DataError(
                f'{where} holds HR-sized (bicubic-upsampled) inputs, but the model takes the LR image '
                f"(input_kind='lr'); make the data without --same_size/--upsampling (LR-sized inputs)")
        self.same_size = bool(same_size)
        if stored is None:
            if self.scale is None:
                raise DataError(f'{where} holds HR-sized inputs and does not say their scale: pass scale=')
            stored = np.full(n, self.scale, dtype=np.int16)
        stored = np.asarray(stored, dtype=np.int16)
        if self.scale is None:
            self._index = None
            self._scales = stored
        else:
            self._index = np.flatnonzero(stored == self.scale)
            if self._index.size == 0:
                have = ', '.join(f'x{s}' for s in np.unique(stored))
                raise DataError(f'{where} has no x{self.scale} patches (it holds {have}); '
                                'pass scale=None to use every scale')
            if self._index.size == n:
                self._index = None
            self._scales = stored if self._index is None else stored[self._index]
        self.scales = sorted(int(s) for s in np.unique(self._scales))

    @property
    def sample_scales(self) -> np.ndarray:
        """The scale of every index (what :class:`srbench.data.ScaleBatchSampler` groups by)."""
        return self._scales

    def __len__(self):
        return len(self._scales)

    def _item(self, i: int) -> int:
        if i < 0:
            i += len(self)
        if not 0 <= i < len(self):
            raise IndexError(f'index {i} out of range for {len(self)} patches')
        return int(i) if self._index is None else int(self._index[i])

    def _sample(self, hr: np.ndarray, inp: np.ndarray, scale: int, name: str, where: str) -> dict:
        """H×W×C arrays → the sample layout; upsamples LR inputs for 'bicubic' models."""
        H, W = hr.shape[:2]
        h, w = inp.shape[:2]
        if self.same_size:
            if (h, w) != (H, W):
                raise DataError(f'{where}: input {name} is {w}x{h}, HR is {W}x{H}; expected the same size')
        elif (h * scale, w * scale) != (H, W):
            raise DataError(f'{where}: LR {name} is {w}x{h}, HR is {W}x{H}; at x{scale} expected LR '
                            f'{W // scale}x{H // scale}' + ('' if W % scale == 0 and H % scale == 0 else
                                                         f' (HR sides are not multiples of {scale})'))
        if not self.same_size and self.input_kind == 'bicubic':
            x = inp.astype(np.float64) / 255.0 if inp.dtype == np.uint8 else inp.astype(np.float64)
            inp = imresize_np(x, output_shape=(H, W)).astype(np.float32)
        return dict(inputs=to_tensor(inp), gt=to_tensor(hr),
                    metainfo=dict(name=name, scale=int(scale), channels=self.channels,
                                  input_kind=self.input_kind, dataset=self.name))


# ------------------------------------------------------------------------------------------- HDF5
@DATASETS.register_module()
class H5PatchDataset(PatchDatasetBase):
    """Patch pairs in one HDF5 file: datasets ``hr`` and ``lr`` (N×H×W for Y, N×H×W×C), optional
    ``scale`` (N,) for multi-scale files.

    ``lr`` is the model input: LR-sized, or HR-sized (bicubic-upsampled, the classic SRCNN/VDSR
    data). uint8 or float arrays; ``tools/data_aug.py`` writes ``hr`` uint8 and ``lr`` float32.

    Args:
        h5_path: the ``.h5`` file.
        scale: keep only the patches of this scale (default: all; a single-scale file without a
            ``scale`` dataset and with HR-sized inputs needs it).
        input_kind / channels: from the model's plugin metadata (filled by srbench's APIs).
        in_memory: load both arrays into RAM on construction (forked workers share the pages).
    """

    def __init__(self, h5_path, scale=None, input_kind=None, channels=None, in_memory: bool = False,
                 name: str | None = None):
        super().__init__(scale, input_kind, channels, name or Path(str(h5_path)).stem)
        import h5py
        p = Path(os.path.expanduser(str(h5_path)))
        if not p.is_file():
            raise DataError(f'h5 file (h5_path) does not exist: {p}' if not p.exists() else
                            f'h5_path is not a file: {p}')
        self.h5_path, self.in_memory = str(p), bool(in_memory)
        try:
            f = h5py.File(self.h5_path, 'r')
        except OSError as e:
            raise DataError(f'cannot open {p} as an HDF5 file: {str(e).splitlines()[0]}') from None
        with f:
            for key in ('hr', 'lr'):
                if key not in f or not isinstance(f[key], h5py.Dataset):
                    raise DataError(f'{p} has no dataset "{key}" (expected datasets "lr" and "hr", '
                                    f'N×H×W or N×H×W×C; found: {", ".join(sorted(f.keys())) or "nothing"})')
            hr, lr = f['hr'], f['lr']
            for key, d in (('hr', hr), ('lr', lr)):
                if d.ndim not in (3, 4):
                    raise DataError(f'{p}: dataset "{key}" has shape {d.shape}; expected N×H×W or N×H×W×C')
                if not (d.dtype == np.uint8 or np.issubdtype(d.dtype, np.floating)):
                    raise DataError(f'{p}: dataset "{key}" is {d.dtype}; expected uint8 or float')
            if hr.shape[0] != lr.shape[0]:
                raise DataError(f'{p}: "hr" has {hr.shape[0]} patches but "lr" has {lr.shape[0]}')
            n = hr.shape[0]
            ch = {k: (1 if d.ndim == 3 else d.shape[3]) for k, d in (('hr', hr), ('lr', lr))}
            want = 1 if self.channels == 'y' else 3
            for k, c in ch.items():
                if c != want:
                    raise DataError(f'{p}: "{k}" has {c} channel(s) but the model takes '
                                    f'{self.channels.upper()} '
                                    f'({want}); make the data ' + ('with --single_y' if want == 1 else
                                                                   'without --single_y'))
            (H, W), (h, w) = hr.shape[1:3], lr.shape[1:3]
            same = (h, w) == (H, W)
            stored = None
            if 'scale' in f:
                sd = f['scale']
                if not isinstance(sd, h5py.Dataset) or sd.shape != (n,):
                    raise DataError(f'{p}: dataset "scale" must have shape ({n},), got '
                                    f'{getattr(sd, "shape", None)}')
                stored = np.asarray(sd[...]).astype(np.int64)
                if stored.size and stored.min() < 1:
                    raise DataError(f'{p}: dataset "scale" holds {stored.min()}; scales are positive '
                                    'integers')
            if not same:
                if H % h or W % w or H // h != W // w:
                    raise DataError(f'{p}: "hr" patches are {W}x{H} and "lr" patches {w}x{h}: not an integer '
                                    'scale (expected LR = HR / scale, or the same size)')
                ratio = H // h
                if stored is not None and np.any(stored != ratio):
                    raise DataError(f'{p}: dataset "scale" says x{int(stored[stored != ratio][0])}, but the '
                                    f'patch sizes say x{ratio}')
                if stored is None:
                    if self.scale is not None and self.scale != ratio:
                        raise DataError(f'{p} holds x{ratio} patches (HR {W}x{H}, LR {w}x{h}), not '
                                        f'x{self.scale}')
                    stored = np.full(n, ratio)
            self._resolve_scales(str(p), n, same, stored)
            self.hr_shape, self.lr_shape = hr.shape[1:], lr.shape[1:]
            self._hr = self._lr = None
            if self.in_memory:
                sel = slice(None) if self._index is None else self._index
                self._hr, self._lr = hr[sel], lr[sel]
                self._index = None
        self._file = self._pid = None

    def _open(self):
        if self._file is None or self._pid != os.getpid():
            import h5py
            try:
                self._file = h5py.File(self.h5_path, 'r')
            except OSError as e:
                raise DataError(f'cannot open {self.h5_path}: {str(e).splitlines()[0]}') from None
            self._pid = os.getpid()
            self._dsets = (self._file['hr'], self._file['lr'])
        return self._dsets

    def __getstate__(self):
        state = dict(self.__dict__)
        state['_file'] = state['_pid'] = None
        state.pop('_dsets', None)
        return state

    def __getitem__(self, i):
        j = self._item(i)
        if self._hr is not None:
            hr, lr = self._hr[j], self._lr[j]
        else:
            dh, dl = self._open()
            hr, lr = dh[j], dl[j]
        if hr.ndim == 2:
            hr, lr = hr[:, :, None], lr[:, :, None]
        return self._sample(hr, lr, self._scales[i], f'{self.name}[{j}]', self.h5_path)


# ------------------------------------------------------------------------------------------- folders
@DATASETS.register_module()
class PatchPairDataset(PatchDatasetBase):
    """Patch pairs as image files: ``hr_dir`` (``train_HR``) and ``lr_dir`` (``train_LR``) with matching
    names (the LR may have another extension).

    Sizes: LR = HR / scale, or equal sizes with ``same_size=True`` (HR-sized, bicubic-upsampled inputs).
    The first pair is checked on construction, every pair when it is read. The scale of a patch is the
    ``_x<s>`` suffix of its name (``tools/data_aug.py`` names), else ``scale``, else the size ratio of
    the first pair.
    """

    def __init__(self, hr_dir, lr_dir, scale=None, same_size: bool = False, input_kind=None, channels=None,
                 name: str | None = None):
        super().__init__(scale, input_kind, channels, name or Path(str(hr_dir)).resolve().parent.name)
        hr_files = list_images(hr_dir, 'HR patch folder', 'hr_dir')
        lr_by_stem = {p.stem: p for p in list_images(lr_dir, 'LR patch folder', 'lr_dir')}
        lr_files = []
        for h in hr_files:
            if h.stem not in lr_by_stem:
                raise DataError(f'LR patch folder {lr_dir} has no image for HR patch {h.name} (looked for '
                                f'{h.stem}.*)')
            lr_files.append(lr_by_stem[h.stem])
        self.hr_files, self.lr_files = hr_files, lr_files
        named = [scale_from_name(p.stem) for p in hr_files]
        stored = np.array(named) if all(s is not None for s in named) else None
        k0 = 0                                   # the first pair this dataset serves is checked now
        if stored is not None and self.scale is not None and np.any(stored == self.scale):
            k0 = int(np.flatnonzero(stored == self.scale)[0])
        hp, lp = hr_files[k0], lr_files[k0]
        (H, W), (h, w) = imread(hp).shape[:2], imread(lp).shape[:2]
        if same_size:
            if (h, w) != (H, W):
                raise DataError(f'same_size=True, but LR patch {lp} is {w}x{h} and HR patch {hp.name} is '
                                f'{W}x{H}')
        else:
            if (h, w) == (H, W):
                raise DataError(f'LR patch {lp} is as large as its HR patch ({W}x{H}): pass same_size=True '
                                'for HR-sized (bicubic-upsampled) inputs')
            if H % h or W % w or H // h != W // w:
                raise DataError(f'LR patch {lp} is {w}x{h} and HR patch {hp.name} is {W}x{H}: not an '
                                'integer scale')
            ratio = H // h
            want = stored[k0] if stored is not None else self.scale
            if want is not None and want != ratio:
                raise DataError(f'LR patch {lp} is {w}x{h} and HR patch {hp.name} is {W}x{H} (x{ratio}), '
                                f'but the scale is x{want}')
            if stored is None:
                stored = np.full(len(hr_files), ratio)
        self._resolve_scales(f'HR patch folder {hr_dir}', len(hr_files), bool(same_size), stored)

    def __getitem__(self, i):
        j = self._item(i)
        hr = to_channels(imread(self.hr_files[j]), self.channels)
        lr = to_channels(imread(self.lr_files[j]), self.channels)
        return self._sample(hr, lr, self._scales[i], self.hr_files[j].stem, str(self.lr_files[j].parent))


# ------------------------------------------------------------------------------------------- LMDB
META_LINE = re.compile(r'^(?P<key>\S+?)(?:\.(?:png|jpg|jpeg|bmp))?'
                       r'\s+\((?P<h>\d+),\s*(?P<w>\d+),\s*(?P<c>\d+)\)'
                       r'(?:\s+(?P<comp>\S+))?\s*$', re.IGNORECASE)


def read_lmdb_meta(path) -> list[tuple[str, tuple[int, int, int]]]:
    """``meta_info.txt`` of a BasicSR/MMagic LMDB: lines ``key.png (h,w,c) compression`` →
    [(key, (h, w, c)), ...]."""
    d = check_dir(path, 'LMDB folder')
    if not (d / 'data.mdb').is_file():
        raise DataError(f'{d} is not an LMDB folder (no data.mdb)')
    meta = d / 'meta_info.txt'
    if not meta.is_file():
        raise DataError(f'{d} has no meta_info.txt (BasicSR/MMagic layout: one line "key.png (h,w,c) '
                        'compression" per image); write the LMDB with tools/create_lmdb.py or '
                        'tools/data_aug.py --format lmdb')
    out = []
    with open(meta, encoding='utf-8') as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            m = META_LINE.match(line.strip())
            if not m:
                raise DataError(f'{meta}:{n}: expected "key.png (h,w,c) compression", got {line.strip()!r}')
            out.append((m['key'], (int(m['h']), int(m['w']), int(m['c']))))
    if not out:
        raise DataError(f'{meta} lists no images')
    return out


_LMDB_ENVS: dict = {}
_LMDB_PID = [os.getpid()]


def open_lmdb(path):
    """A read-only environment for ``path``, shared by everything in this process.

    LMDB refuses to open the same environment twice in one process, and a forked DataLoader worker
    inherits its parent's open environments (which it must not use): so environments are cached per
    process, and a process that finds its parent's cache closes those copies (that only unmaps them in
    the child) and opens its own.
    """
    import lmdb
    pid = os.getpid()
    if _LMDB_PID[0] != pid:
        for env in _LMDB_ENVS.values():
            try:
                env.close()
            except Exception:  # noqa: BLE001 -- the parent's handle; nothing to do if it will not close
                pass
        _LMDB_ENVS.clear()
        _LMDB_PID[0] = pid
    key = os.path.realpath(str(path))
    env = _LMDB_ENVS.get(key)
    if env is None:
        try:
            env = lmdb.open(key, readonly=True, lock=False, readahead=False, meminit=False, max_readers=2048)
        except lmdb.Error as e:
            raise DataError(f'cannot open LMDB {path}: {e}') from None
        _LMDB_ENVS[key] = env
    return env


@DATASETS.register_module()
class LMDBDataset(PatchDatasetBase):
    """Patch pairs in two LMDBs (HR and LR) in the BasicSR/MMagic layout: a folder with ``data.mdb``,
    ``lock.mdb`` and ``meta_info.txt``; values are PNG-encoded images, keys as listed in
    ``meta_info.txt``. Every HR key needs the same key in the LR LMDB. Opened read-only, lazily per
    process. The scale of a pair is its size ratio (from ``meta_info.txt``), or for HR-sized inputs
    the ``_x<s>`` suffix of its key, or ``scale``.
    """

    def __init__(self, hr_lmdb, lr_lmdb, scale=None, input_kind=None, channels=None, name: str | None = None):
        super().__init__(scale, input_kind, channels, name or Path(str(hr_lmdb)).stem)
        self.hr_lmdb, self.lr_lmdb = str(hr_lmdb), str(lr_lmdb)
        hr_meta = read_lmdb_meta(hr_lmdb)
        lr_meta = dict(read_lmdb_meta(lr_lmdb))
        keys, stored, same = [], [], None
        for key, (H, W, _) in hr_meta:
            if key not in lr_meta:
                raise DataError(f'LMDB {lr_lmdb} has no key {key!r} (listed in {hr_lmdb}/meta_info.txt)')
            h, w, _ = lr_meta[key]
            this_same = (h, w) == (H, W)
            if same is None:
                same = this_same
            elif same != this_same:
                raise DataError(f'LMDB {lr_lmdb}: key {key!r} is {"" if this_same else "not "}HR-sized, '
                                'unlike the first key; a store holds either LR-sized or HR-sized inputs')
            named = scale_from_name(key)
            if this_same:
                stored.append(named if named is not None else (self.scale or 0))
            else:
                if H % h or W % w or H // h != W // w:
                    raise DataError(f'LMDB key {key!r}: HR {W}x{H} and LR {w}x{h} are not an integer scale '
                                    'apart')
                if named is not None and named != H // h:
                    raise DataError(f'LMDB key {key!r}: named x{named} but HR {W}x{H} / LR {w}x{h} is '
                                    f'x{H // h}')
                stored.append(H // h)
            keys.append(key)
        stored = np.array(stored)
        if same and np.any(stored == 0):
            stored = None                 # HR-sized without names or scale=: _resolve_scales explains
        self.keys = keys
        self._resolve_scales(f'LMDB {hr_lmdb}', len(keys), bool(same), stored)

    def _open(self):
        return open_lmdb(self.hr_lmdb), open_lmdb(self.lr_lmdb)

    def _read(self, env, path, key):
        with env.begin(write=False) as txn:
            buf = txn.get(key.encode('utf-8'))
        if buf is None:
            raise DataError(f'LMDB {path} has no key {key!r}')
        return imdecode(buf, f'{path}[{key}]')

    def __getitem__(self, i):
        j = self._item(i)
        key = self.keys[j]
        ehr, elr = self._open()
        hr = to_channels(self._read(ehr, self.hr_lmdb, key), self.channels)
        lr = to_channels(self._read(elr, self.lr_lmdb, key), self.channels)
        return self._sample(hr, lr, self._scales[i], key, self.lr_lmdb)

