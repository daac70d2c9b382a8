"""Streaming writers for patch pairs (folders, HDF5, LMDB) and an LMDB writer for image folders.

Every writer builds its output under a temporary sibling name (``.<name>.tmp-<pid>``) and renames it
onto the final path only when :meth:`close` completes; on any error (or Ctrl-C) the temporary output
is removed, so an interrupted run leaves nothing at the final path. Patches arrive in chunks
(:meth:`add`) and go straight to disk: memory does not grow with the data set.

Stored values:

* HR patches: uint8 (the classic training data is built from uint8 images, so HR is exact).
* inputs (LR, or LR upsampled to the HR size): float32 in [0, 1] in HDF5 by default, not quantised --
  what the classic MATLAB scripts store (``single``); ``dtype='uint8'`` rounds them
  (``round(x * 255)``, MATLAB ``im2uint8``). Folders and LMDB hold PNG images, so their inputs are
  always rounded to uint8 that way.

LMDB layout (BasicSR/MMagic): a folder with ``data.mdb``, ``lock.mdb`` and ``meta_info.txt`` whose
lines are ``key.png (h,w,c) compression``; values are PNG bytes (BGR order, as OpenCV writes them).
The map size grows from the bytes actually written.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

import cv2
import numpy as np

from ..errors import ConfigError, DataError
from ..utils.atomic import publish, remove_path, tmp_sibling
from ..utils.uint8 import im2uint8
from .io import imread, list_images

MARKER = 'srbench_data.json'
PNG_LEVEL = 1




def encode_png(img: np.ndarray, level: int = PNG_LEVEL) -> bytes:
    """H×W, H×W×1 or H×W×3 (RGB) uint8 → PNG bytes (BGR order inside, as BasicSR/MMagic read them)."""
    if img.ndim == 3 and img.shape[2] == 1:
        img = img[:, :, 0]
    elif img.ndim == 3:
        img = cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_RGB2BGR)
    ok, buf = cv2.imencode('.png', np.ascontiguousarray(img), [cv2.IMWRITE_PNG_COMPRESSION, level])
    if not ok:
        raise DataError(f'cannot encode a {img.shape} image as PNG')
    return buf.tobytes()


class AtomicOutput:
    """A temporary sibling of ``final`` that becomes ``final`` on :meth:`commit`.

    An existing ``final`` is an error unless ``overwrite``; a directory is only replaced when srbench
    wrote it (it holds ``srbench_data.json``).
    """

    def __init__(self, final, is_dir: bool, overwrite: bool = False):
        self.final = Path(os.path.expanduser(str(final)))
        if str(final) == '':
            raise ConfigError('output path is empty')
        if self.final.exists():
            if not overwrite:
                raise DataError(f'output already exists: {self.final}; pass --overwrite to replace it')
            if self.final.is_dir() and not (self.final / MARKER).is_file():
                raise DataError(f'output {self.final} is a folder that srbench did not write (no {MARKER}); '
                                'remove it yourself or choose another --output')
        self.final.parent.mkdir(parents=True, exist_ok=True)
        self.tmp = tmp_sibling(self.final)
        remove_path(self.tmp)
        if is_dir:
            self.tmp.mkdir()
        self.done = False

    def commit(self):
        publish(self.tmp, self.final)
        self.done = True

    def abort(self):
        if not self.done:
            remove_path(self.tmp)


class LMDBWriter:
    """Streams (key, PNG bytes) into one LMDB folder and writes ``meta_info.txt`` line by line. The map
    size starts small and grows (doubling) when a transaction does not fit."""

    def __init__(self, path, map_size: int = 64 << 20):
        import lmdb
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.env = lmdb.open(str(self.path), map_size=map_size, subdir=True, readonly=False, meminit=False,
                             map_async=True, sync=False, metasync=False)
        self.meta = open(self.path / 'meta_info.txt', 'w', encoding='utf-8')
        self.bytes = 0
        self.count = 0
        self._pending: list = []
        self._pending_bytes = 0

    def put(self, key: str, img: np.ndarray):
        buf = encode_png(img)
        h, w = img.shape[:2]
        c = 1 if img.ndim == 2 else img.shape[2]
        self._pending.append((key.encode('utf-8'), buf))
        self.meta.write(f'{key}.png ({h},{w},{c}) {PNG_LEVEL}\n')
        self._pending_bytes += len(buf)
        if self._pending_bytes >= (32 << 20):
            self.flush()

    def flush(self):
        import lmdb
        if not self._pending:
            return
        while True:
            try:
                with self.env.begin(write=True) as txn:
                    for k, v in self._pending:
                        if not txn.put(k, v, overwrite=False):
                            raise DataError(f'LMDB {self.path}: duplicate key {k.decode()!r}')
                break
            except lmdb.MapFullError:
                self.env.set_mapsize(self.env.info()['map_size'] * 2)
        self.bytes += self._pending_bytes
        self.count += len(self._pending)
        self._pending, self._pending_bytes = [], 0

    def close(self):
        self.flush()
        self.meta.close()
        self.env.sync(True)
        self.env.close()


def dir_bytes(path: Path) -> int:
    """Bytes on disk of a file or of the files under a folder (apparent sizes)."""
    p = Path(path)
    if p.is_file():
        return p.stat().st_size
    return sum(f.stat().st_size for f in p.rglob('*') if f.is_file())


class PatchWriter:
    """Base of the patch-pair writers. ``add(hr, inp, scale, names)`` with ``hr`` N×h×w×C uint8 and
    ``inp`` N×h'×w'×C (float in [0, 1] or uint8); ``close(meta)`` finishes and renames."""

    is_dir = True

    def __init__(self, output, overwrite: bool = False):
        self.out = AtomicOutput(output, self.is_dir, overwrite)
        self.count = 0
        self.per_scale: dict = {}

    def add(self, hr, inp, scale: int, names):
        n = len(hr)
        self._add(hr, inp, int(scale), names)
        self.count += n
        self.per_scale[int(scale)] = self.per_scale.get(int(scale), 0) + n

    def _add(self, hr, inp, scale, names):  # pragma: no cover - abstract
        raise NotImplementedError

    def _finish(self, meta: dict):
        pass

    def close(self, meta: dict) -> dict:
        """Finish, rename onto the final path; returns {'patches', 'bytes', 'path'}."""
        per = {f'x{k}': v for k, v in sorted(self.per_scale.items())}
        meta = dict(meta, patches=self.count, per_scale=per)
        self._finish(meta)
        if self.is_dir:
            (self.out.tmp / MARKER).write_text(json.dumps(meta, indent=1, default=str))
        size = dir_bytes(self.out.tmp)
        self.out.commit()
        return dict(patches=self.count, bytes=size, path=str(self.out.final))

    def abort(self):
        self.out.abort()


class FolderPatchWriter(PatchWriter):
    """``OUT/train_HR/<name>.png`` and ``OUT/train_LR/<name>.png`` (inputs rounded to uint8)."""

    def __init__(self, output, overwrite=False):
        super().__init__(output, overwrite)
        self.hr_dir, self.lr_dir = self.out.tmp / 'train_HR', self.out.tmp / 'train_LR'
        self.hr_dir.mkdir()
        self.lr_dir.mkdir()

    def _add(self, hr, inp, scale, names):
        inp = im2uint8(inp)
        for h, x, name in zip(hr, inp, names):
            for d, img in ((self.hr_dir, h), (self.lr_dir, x)):
                (d / f'{name}.png').write_bytes(encode_png(img))


class LMDBPatchWriter(PatchWriter):
    """``OUT/train_HR.lmdb`` and ``OUT/train_LR.lmdb`` (BasicSR/MMagic layout, same keys; inputs rounded
    to uint8)."""

    def __init__(self, output, overwrite=False):
        super().__init__(output, overwrite)
        self.hr = LMDBWriter(self.out.tmp / 'train_HR.lmdb')
        self.lr = LMDBWriter(self.out.tmp / 'train_LR.lmdb')

    def _add(self, hr, inp, scale, names):
        inp = im2uint8(inp)
        for h, x, name in zip(hr, inp, names):
            self.hr.put(name, h)
            self.lr.put(name, x)

    def _finish(self, meta):
        self.hr.close()
        self.lr.close()

    def abort(self):
        for w in (self.hr, self.lr):
            try:
                w.meta.close()
                w.env.close()
            except Exception:  # noqa: BLE001 -- best effort before removing the folder
                pass
        super().abort()


def _item_shape(a):
    """Shape of one patch as stored: H×W for one channel, H×W×C otherwise."""
    return a.shape[1:3] + (a.shape[3:] if a.shape[3] != 1 else ())


class H5PatchWriter(PatchWriter):
    """One HDF5 file: ``hr`` uint8 and ``lr`` (float32 or uint8), N×H×W for Y (N×H×W×C for RGB), and
    ``scale`` uint8 (N,); the arguments go into the file's ``srbench`` attribute (JSON).

    With ``total`` (the number of patches, known in advance) the datasets are contiguous: no chunk
    index, so memory stays flat however many patches arrive, and random reads touch one patch.
    Without it they are chunked and grow per chunk."""

    is_dir = False

    def __init__(self, output, overwrite=False, dtype: str = 'float32', total: int | None = None):
        if dtype not in ('float32', 'uint8'):
            raise ConfigError(f'--dtype must be float32 or uint8, got {dtype!r}')
        super().__init__(output, overwrite)
        import h5py
        self.dtype, self.total = dtype, total
        self.f = h5py.File(self.out.tmp, 'w', track_order=False)
        self.d = None

    def _create(self, hr, inp):
        shp = {k: _item_shape(a) for k, a in (('hr', hr), ('lr', inp))}
        dt = dict(hr=np.uint8, lr=self.dtype, scale=np.uint8)
        full = dict(hr=shp['hr'], lr=shp['lr'], scale=())
        if self.total is not None:
            self.d = {k: self.f.create_dataset(k, shape=(self.total,) + full[k], dtype=dt[k],
                                               track_times=False) for k in full}
        else:
            item = 4 if self.dtype == 'float32' else 1
            big = max(int(np.prod(shp['hr'])), int(np.prod(shp['lr'])) * item)
            n = int(max(1, min(1024, (64 << 10) // big)))
            chunks = {k: (n if k != 'scale' else max(n, 4096),) + full[k] for k in full}
            self.d = {k: self.f.create_dataset(k, shape=(0,) + full[k], maxshape=(None,) + full[k],
                                               dtype=dt[k], chunks=chunks[k], track_times=False)
                      for k in full}
        self.shapes = shp

    def _add(self, hr, inp, scale, names):
        if self.d is None:
            self._create(hr, inp)
        for k, a in (('hr', hr), ('lr', inp)):
            got = _item_shape(a)
            if got != self.shapes[k]:
                raise DataError(f'--format h5 stores patches of one size; got {k} patches of {got} after '
                                f'{self.shapes[k]} (LR-sized patches of several scales differ in size: use '
                                '--same_size, one file per scale, or --format folder/lmdb)')
        n0, n = self.count, len(hr)
        if self.total is not None and n0 + n > self.total:
            raise DataError(f'{self.out.final}: more patches than the {self.total} planned')
        lr = im2uint8(inp) if self.dtype == 'uint8' else inp.astype(np.float32)
        arrays = dict(hr=hr.reshape((n,) + self.shapes['hr']), lr=lr.reshape((n,) + self.shapes['lr']),
                      scale=np.full(n, scale, np.uint8))
        for key, arr in arrays.items():
            ds = self.d[key]
            if self.total is None:
                ds.resize(n0 + n, axis=0)
            ds[n0:n0 + n] = arr

    def _finish(self, meta):
        if self.total is not None and self.count != self.total:
            raise DataError(f'{self.out.final}: {self.count} patches written, {self.total} planned')
        self.f.attrs['srbench'] = json.dumps(meta, default=str)
        self.f.close()

    def abort(self):
        try:
            self.f.close()
        except Exception:  # noqa: BLE001
            pass
        super().abort()


WRITERS = {'folder': FolderPatchWriter, 'h5': H5PatchWriter, 'lmdb': LMDBPatchWriter}


def make_lmdb_from_folder(folder, output, overwrite: bool = False, progress=None) -> dict:
    """Every image of ``folder`` (sorted) into one LMDB at ``output`` (BasicSR/MMagic layout; keys are
    the file stems; pixels re-encoded losslessly as PNG). Streams; atomic. Returns a summary."""
    files = list_images(folder, 'image folder', 'FOLDER')
    stems = [p.stem for p in files]
    if len(set(stems)) != len(stems):
        dup = next(s for s in stems if stems.count(s) > 1)
        raise DataError(f'image folder {folder} has two images named {dup}.* (LMDB keys are file stems)')
    out = AtomicOutput(output, True, overwrite)
    try:
        w = LMDBWriter(out.tmp)
        for i, p in enumerate(files):
            w.put(p.stem, imread(p))
            if progress:
                progress(i + 1, len(files))
        w.close()
        (out.tmp / MARKER).write_text(json.dumps(dict(source=str(folder), images=len(files)), indent=1))
        size = dir_bytes(out.tmp)
        out.commit()
    except BaseException:
        out.abort()
        raise
    return dict(images=len(files), bytes=size, path=str(out.final))
