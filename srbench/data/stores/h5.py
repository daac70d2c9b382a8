"""The HDF5 patch store: one file, its reader (:class:`H5Store`) and writer (:class:`H5PatchWriter`).

Layout: datasets ``hr`` and ``lr`` (the model input: LR-sized, or HR-sized = bicubic-upsampled), N×H×W for
one channel (Y) and N×H×W×C otherwise, uint8 or float; optional ``scale`` (N,), the scale of every patch
(multi-scale files); the file attribute ``srbench`` holds the settings that made it (JSON).
``tools/data_aug.py`` writes ``hr`` uint8, ``lr`` float32 in [0, 1] (not quantised; ``--dtype uint8``
rounds it with MATLAB ``im2uint8``) and ``scale`` uint8, contiguous when the count is known in advance.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np

from ...errors import ConfigError, DataError, describe_exception
from ...utils.uint8 import im2uint8
from .base import PatchStore, PatchWriter

HR, LR, SCALE, ATTR = 'hr', 'lr', 'scale', 'srbench'
DTYPES = ('float32', 'uint8')       # what the writer stores inputs as


def _open_h5(path):
    import h5py
    try:
        return h5py.File(path, 'r')
    except OSError as e:
        raise DataError(f'cannot open {path} as an HDF5 file: {describe_exception(e)}') from None


class H5Store(PatchStore):
    """Patch pairs in one HDF5 file (see the module docstring). The scale of a patch: the ``scale`` dataset
    (checked against the sizes of LR-sized patches), else the HR/LR size ratio.

    Args:
        path: the ``.h5`` file.
        channels: 'y' or 'rgb': the file must hold that many channels (1 or 3).
        in_memory: load the patches the dataset serves into RAM (forked workers share the pages); otherwise
            the file is opened lazily, once per process.
    """

    format = 'h5'
    stated_by = 'dataset "scale"'

    def __init__(self, path, channels: str, in_memory: bool = False):
        super().__init__(channels)
        import h5py
        p = Path(os.path.expanduser(str(path)))
        if not p.is_file():
            raise DataError(f'h5 file does not exist: {p}' if not p.exists() else
                            f'h5 path is not a file: {p}')
        self.path, self.in_memory = str(p), bool(in_memory)
        self.where, self.default_name = self.path, p.stem
        self._mem = self._mem_index = None
        with _open_h5(self.path) as f:
            for key in (HR, LR):
                if key not in f or not isinstance(f[key], h5py.Dataset):
                    raise DataError(f'{p} has no dataset "{key}" (expected datasets "lr" and "hr", '
                                    f'N×H×W or N×H×W×C; found: {", ".join(sorted(f.keys())) or "nothing"})')
            hr, lr = f[HR], f[LR]
            for key, d in ((HR, hr), (LR, lr)):
                if d.ndim not in (3, 4):
                    raise DataError(f'{p}: dataset "{key}" has shape {d.shape}; expected N×H×W or N×H×W×C')
                if not (d.dtype == np.uint8 or np.issubdtype(d.dtype, np.floating)):
                    raise DataError(f'{p}: dataset "{key}" is {d.dtype}; expected uint8 or float')
            if hr.shape[0] != lr.shape[0]:
                raise DataError(f'{p}: "hr" has {hr.shape[0]} patches but "lr" has {lr.shape[0]}')
            n = hr.shape[0]
            want = 1 if channels == 'y' else 3
            for key, d in ((HR, hr), (LR, lr)):
                c = 1 if d.ndim == 3 else d.shape[3]
                if c != want:
                    raise DataError(f'{p}: "{key}" has {c} channel(s) but the model takes {channels.upper()} '
                                    f'({want}); make the data ' + ('with --single_y' if want == 1 else
                                                                   'without --single_y'))
            self.hr_shape, self.lr_shape = hr.shape[1:], lr.shape[1:]
            stated = np.zeros(n, np.int64)
            if SCALE in f:
                sd = f[SCALE]
                if not isinstance(sd, h5py.Dataset) or sd.shape != (n,):
                    raise DataError(f'{p}: dataset "scale" must have shape ({n},), got '
                                    f'{getattr(sd, "shape", None)}')
                stated = np.asarray(sd[...]).astype(np.int64)
                if stated.size and stated.min() < 1:
                    raise DataError(f'{p}: dataset "scale" holds {stated.min()}; scales are positive '
                                    'integers')
        self.same_size = self.hr_shape[:2] == self.lr_shape[:2]
        if not self.same_size and n:                # one patch size: the sizes say one scale for all
            ratio = self.check_pair(0)
            for s in np.unique(stated[stated != ratio]):
                self.check_pair(0, stated=int(s))     # a "scale" that contradicts the sizes: the error
            stated[:] = ratio
        self.stated = stated.astype(np.int16)

    def sizes(self, j):
        return self.hr_shape[:2], self.lr_shape[:2]

    def pair_names(self, j):
        return f'{self.path}: "lr" patch {j}', f'"hr" patch {j}'

    def preload(self, index):
        if not self.in_memory:
            return
        sel = slice(None) if index is None else index
        with _open_h5(self.path) as f:
            self._mem = (f[HR][sel], f[LR][sel])
        self._mem_index = index

    def _open(self):
        f = _open_h5(self.path)
        return f, f[HR], f[LR]

    def read(self, j):
        if self._mem is not None:
            k = j if self._mem_index is None else int(np.searchsorted(self._mem_index, j))
            hr, lr = self._mem[0][k], self._mem[1][k]
        else:
            _, dh, dl = self.handle()
            hr, lr = dh[j], dl[j]
        if hr.ndim == 2:
            return hr[:, :, None], lr[:, :, None]
        return hr, lr


def _item_shape(a):
    """Shape of one patch as stored: H×W for one channel, H×W×C otherwise."""
    return a.shape[1:3] + (a.shape[3:] if a.shape[3] != 1 else ())


class H5PatchWriter(PatchWriter):
    """Writes the layout of the module docstring: ``hr`` uint8, ``lr`` float32 or uint8 (``dtype``),
    ``scale`` uint8; the summary goes into the file attribute ``srbench`` (JSON).

    With ``total`` (the number of patches, known in advance) the datasets are contiguous: no chunk
    index, so memory stays flat however many patches arrive, and random reads touch one patch.
    Without it they are chunked and grow per chunk."""

    is_dir = False

    def __init__(self, output, overwrite=False, dtype: str = 'float32', total: int | None = None):
        if dtype not in DTYPES:
            raise ConfigError(f'--dtype must be float32 or uint8, got {dtype!r}')
        super().__init__(output, overwrite)
        import h5py
        self.dtype, self.total = dtype, total
        self.f = h5py.File(self.out.tmp, 'w', track_order=False)
        self.d = None

    def _create(self, hr, inp):
        shp = {k: _item_shape(a) for k, a in ((HR, hr), (LR, inp))}
        dt = {HR: np.uint8, LR: self.dtype, SCALE: np.uint8}
        full = {HR: shp[HR], LR: shp[LR], SCALE: ()}
        if self.total is not None:
            self.d = {k: self.f.create_dataset(k, shape=(self.total,) + full[k], dtype=dt[k],
                                               track_times=False) for k in full}
        else:
            item = 4 if self.dtype == 'float32' else 1
            big = max(int(np.prod(shp[HR])), int(np.prod(shp[LR])) * item)
            n = int(max(1, min(1024, (64 << 10) // big)))
            chunks = {k: (n if k != SCALE else max(n, 4096),) + full[k] for k in full}
            self.d = {k: self.f.create_dataset(k, shape=(0,) + full[k], maxshape=(None,) + full[k],
                                               dtype=dt[k], chunks=chunks[k], track_times=False)
                      for k in full}
        self.shapes = shp

    def _add(self, hr, inp, scale, names):
        if self.d is None:
            self._create(hr, inp)
        for k, a in ((HR, hr), (LR, inp)):
            got = _item_shape(a)
            if got != self.shapes[k]:
                raise DataError(f'--format h5 stores patches of one size; got {k} patches of {got} after '
                                f'{self.shapes[k]} (LR-sized patches of several scales differ in size: use '
                                '--same_size, one file per scale, or --format folder/lmdb)')
        n0, n = self.count, len(hr)
        if self.total is not None and n0 + n > self.total:
            raise DataError(f'{self.out.final}: more patches than the {self.total} planned')
        lr = im2uint8(inp) if self.dtype == 'uint8' else inp.astype(np.float32)
        arrays = {HR: hr.reshape((n,) + self.shapes[HR]), LR: lr.reshape((n,) + self.shapes[LR]),
                  SCALE: np.full(n, scale, np.uint8)}
        for key, arr in arrays.items():
            ds = self.d[key]
            if self.total is None:
                ds.resize(n0 + n, axis=0)
            ds[n0:n0 + n] = arr

    def _finish(self, meta):
        if self.total is not None and self.count != self.total:
            raise DataError(f'{self.out.final}: {self.count} patches written, {self.total} planned')
        self.f.attrs[ATTR] = json.dumps(meta, default=str)
        self.f.close()

    def abort(self):
        try:
            self.f.close()
        except Exception:  # noqa: BLE001
            pass
        super().abort()
