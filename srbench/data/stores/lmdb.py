"""The LMDB patch store: two LMDBs in the BasicSR/MMagic layout, their reader (:class:`LMDBStore`) and
writers (:class:`LMDBPatchWriter`; :func:`make_lmdb_from_folder` for ``tools/create_lmdb.py``).

Layout of one LMDB: a folder with ``data.mdb``, ``lock.mdb`` and ``meta_info.txt``, whose lines are
``key.png (h,w,c) compression``; values are PNG bytes (BGR order, as OpenCV writes them). A patch store is
two of them with the same keys, ``train_HR.lmdb`` and ``train_LR.lmdb`` (the LR: the model input,
LR-sized or HR-sized; uint8). ``tools/data_aug.py`` names keys ``<image>_<stem>_<patch>_x<scale>``.
"""
from __future__ import annotations

import os
import re
from pathlib import Path

import numpy as np

from ...errors import DataError
from ...transforms.color import to_channels
from ...utils.uint8 import im2uint8
from ..io import PNG_LEVEL, check_dir, encode_png, imdecode, imread, list_images
from .base import AtomicOutput, PatchStore, PatchWriter, dir_bytes, scale_from_name, write_marker

HR_LMDB, LR_LMDB, META = 'train_HR.lmdb', 'train_LR.lmdb', 'meta_info.txt'
META_LINE = re.compile(r'^(?P<key>\S+?)(?:\.(?:png|jpg|jpeg|bmp))?'
                       r'\s+\((?P<h>\d+),\s*(?P<w>\d+),\s*(?P<c>\d+)\)'
                       r'(?:\s+(?P<comp>\S+))?\s*$', re.IGNORECASE)


def meta_line(key: str, img: np.ndarray) -> str:
    """The ``meta_info.txt`` line of one PNG value (what :data:`META_LINE` reads back)."""
    h, w = img.shape[:2]
    c = 1 if img.ndim == 2 else img.shape[2]
    return f'{key}.png ({h},{w},{c}) {PNG_LEVEL}\n'


def read_lmdb_meta(path) -> list[tuple[str, tuple[int, int, int]]]:
    """``meta_info.txt`` of a BasicSR/MMagic LMDB: lines ``key.png (h,w,c) compression`` →
    [(key, (h, w, c)), ...]."""
    d = check_dir(path, 'LMDB folder')
    if not (d / 'data.mdb').is_file():
        raise DataError(f'{d} is not an LMDB folder (no data.mdb)')
    meta = d / META
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


def _read_value(env, path, key):
    with env.begin(write=False) as txn:
        buf = txn.get(key.encode('utf-8'))
    if buf is None:
        raise DataError(f'LMDB {path} has no key {key!r}')
    return imdecode(buf, f'{path}[{key}]')


class LMDBStore(PatchStore):
    """Patch pairs in two LMDBs (see the module docstring): ``hr_lmdb`` and ``lr_lmdb``, or ``root`` holding
    ``train_HR.lmdb`` and ``train_LR.lmdb``. Every HR key needs the same key in the LR LMDB. The kind of
    inputs (LR-sized or HR-sized) is the first key's; the scale of a pair is its size ratio (from
    ``meta_info.txt``, checked against an ``_x<s>`` suffix of its key), or for HR-sized inputs the suffix.
    Opened read-only, lazily, one environment per process and path (:func:`open_lmdb`)."""

    format = 'lmdb'
    stated_by = 'its key'

    def __init__(self, hr_lmdb=None, lr_lmdb=None, *, channels: str, root=None):
        super().__init__(channels)
        if root is not None:
            hr_lmdb, lr_lmdb = Path(str(root)) / HR_LMDB, Path(str(root)) / LR_LMDB
        self.hr_lmdb, self.lr_lmdb = str(hr_lmdb), str(lr_lmdb)
        self.where, self.default_name = f'LMDBs {self.hr_lmdb}, {self.lr_lmdb}', Path(self.hr_lmdb).stem
        hr_meta = read_lmdb_meta(hr_lmdb)
        lr_meta = dict(read_lmdb_meta(lr_lmdb))
        self.keys, self._sizes = [], []
        for key, (H, W, _) in hr_meta:
            if key not in lr_meta:
                raise DataError(f'LMDB {lr_lmdb} has no key {key!r} (listed in {hr_lmdb}/meta_info.txt)')
            self.keys.append(key)
            self._sizes.append(((H, W), lr_meta[key][:2]))
        (H, W), hw = self._sizes[0]
        self.same_size = hw == (H, W)
        self.kind_by = f'its first key {self.keys[0]!r}'
        stated = []
        for j, key in enumerate(self.keys):
            named = scale_from_name(key)
            stated.append(self.check_pair(j, stated=named) or named)
        self.stated = np.array(stated, np.int16)

    def sizes(self, j):
        return self._sizes[j]

    def pair_names(self, j):
        return f'LR {self.keys[j]!r} in {self.lr_lmdb}', f'HR {self.keys[j]!r}'

    def name(self, j):
        return self.keys[j]

    def _open(self):
        return open_lmdb(self.hr_lmdb), open_lmdb(self.lr_lmdb)

    def read(self, j):
        key = self.keys[j]
        ehr, elr = self.handle()
        return (to_channels(_read_value(ehr, self.hr_lmdb, key), self.channels),
                to_channels(_read_value(elr, self.lr_lmdb, key), self.channels))


# ------------------------------------------------------------------------------------------- writers
class LMDBWriter:
    """Streams (key, image) into one LMDB folder as PNG values and writes ``meta_info.txt`` line by line. The
    map size starts small and grows (doubling) when a transaction does not fit."""

    def __init__(self, path, map_size: int = 64 << 20):
        import lmdb
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.env = lmdb.open(str(self.path), map_size=map_size, subdir=True, readonly=False, meminit=False,
                             map_async=True, sync=False, metasync=False)
        self.meta = open(self.path / META, 'w', encoding='utf-8')
        self.bytes = 0
        self.count = 0
        self._pending: list = []
        self._pending_bytes = 0

    def put(self, key: str, img: np.ndarray):
        buf = encode_png(img)
        self._pending.append((key.encode('utf-8'), buf))
        self.meta.write(meta_line(key, img))
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

    def abort(self):
        """Close without flushing (best effort, before the temporary output is removed)."""
        try:
            self.meta.close()
            self.env.close()
        except Exception:  # noqa: BLE001
            pass


class LMDBPatchWriter(PatchWriter):
    """``OUT/train_HR.lmdb`` and ``OUT/train_LR.lmdb`` (same keys; inputs rounded to uint8)."""

    def __init__(self, output, overwrite=False):
        super().__init__(output, overwrite)
        self.hr = LMDBWriter(self.out.tmp / HR_LMDB)
        self.lr = LMDBWriter(self.out.tmp / LR_LMDB)

    def _add(self, hr, inp, scale, names):
        inp = im2uint8(inp)
        for h, x, name in zip(hr, inp, names):
            self.hr.put(name, h)
            self.lr.put(name, x)

    def _finish(self, meta):
        self.hr.close()
        self.lr.close()

    def abort(self):
        self.hr.abort()
        self.lr.abort()
        super().abort()


def make_lmdb_from_folder(folder, output, overwrite: bool = False, progress='auto') -> dict:
    """Every image of ``folder`` (sorted) into one LMDB at ``output`` (keys are the file stems; pixels
    re-encoded losslessly as PNG). Streams; atomic. Returns a summary. ``progress``: a ``(done, total)``
    callback, ``'auto'`` (a bar on a terminal, else a line per 5% on stderr) or None."""
    if progress == 'auto':
        from ...utils.progress import progress_callback
        progress = progress_callback('images')
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
        write_marker(out.tmp, dict(source=str(folder), images=len(files)))
        size = dir_bytes(out.tmp)
        out.commit()
    except BaseException:
        out.abort()
        raise
    return dict(images=len(files), bytes=size, path=str(out.final))
