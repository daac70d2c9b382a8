"""An on-disk cache of deterministic arrays (the decoded HR, LR and bicubic inputs of test images), so that
the second scale of a test set and every later run skip the PNG decoding and MATLAB ``imresize``.

Each entry is one file, ``<cache dir>/arrays/<key[:2]>/<key>.npy``: the array in NumPy's ``.npy`` format
followed by the SHA-256 of those bytes (32 bytes), written atomically (:mod:`srbench.utils.atomic`). The key
is the SHA-256 of the parts the caller gives -- what the array is a function of (the source file's SHA-256,
the scale, the protocol, the version of the code that makes it) -- so an entry is never stale: changed
input or code gives another key. An entry that cannot be read or whose checksum does not match (a damaged
disk, a file edited by hand) is recomputed and rewritten, with a warning naming it.

The cache directory is ``$SRBENCH_CACHE_DIR``, else ``~/.cache/srbench``. ``SRBENCH_CACHE=0`` turns it off
for a process; datasets take ``cache=False`` (``srbench test --no-cache``). A directory that cannot be
written turns the cache off for the process, with one warning.
"""
from __future__ import annotations

import hashlib
import io
import os
import warnings
from pathlib import Path

import numpy as np

from .atomic import atomic_path

ENV_DIR = 'SRBENCH_CACHE_DIR'
ENV_SWITCH = 'SRBENCH_CACHE'
_DIGEST = 32

_broken_dirs: set = set()


def cache_dir() -> Path:
    """``$SRBENCH_CACHE_DIR`` if set, else ``~/.cache/srbench``."""
    d = os.environ.get(ENV_DIR)
    return Path(os.path.expanduser(d)) if d else Path.home() / '.cache' / 'srbench'


def cache_enabled(flag: bool | None = None) -> bool:
    """Whether to use the cache: ``flag`` if given, else on unless ``SRBENCH_CACHE`` is 0/false/no/off."""
    if flag is not None:
        return bool(flag)
    return os.environ.get(ENV_SWITCH, '1').strip().lower() not in ('0', 'false', 'no', 'off')


def file_sha256(path, data: bytes | None = None) -> str:
    """SHA-256 (hex) of a file's bytes (``data``: those bytes, already read)."""
    if data is None:
        data = Path(path).read_bytes()
    return hashlib.sha256(data).hexdigest()


def sources_sha256(*modules) -> str:
    """SHA-256 of the source files of ``modules``: a code version that changes whenever that code does."""
    h = hashlib.sha256()
    for m in modules:
        h.update(Path(m.__file__).read_bytes())
    return h.hexdigest()[:16]


def key_of(*parts) -> str:
    """The key of an entry: SHA-256 (hex) of the ``repr`` of its parts (strings, numbers, tuples, None)."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _npy_view(data: bytearray, end: int) -> np.ndarray:
    """The array of the ``.npy`` bytes ``data[:end]`` as a writable view of ``data`` (no copy)."""
    f = io.BytesIO(bytes(memoryview(data)[:min(end, 4096)]))       # the header: magic, version, dict
    version = np.lib.format.read_magic(f)
    read = {(1, 0): np.lib.format.read_array_header_1_0, (2, 0): np.lib.format.read_array_header_2_0}
    if version not in read:
        raise ValueError(f'.npy format version {version}')
    shape, fortran, dtype = read[version](f)
    if dtype.hasobject:
        raise ValueError('object arrays are not cached')
    count = int(np.prod(shape, dtype=np.int64))
    offset = f.tell()
    if offset + count * dtype.itemsize != end:
        raise ValueError('size does not match the header')
    arr = np.frombuffer(data, dtype=dtype, count=count, offset=offset)
    return arr.reshape(shape, order='F' if fortran else 'C')


class ArrayCache:
    """Arrays on disk by key (:func:`key_of`); ``enabled=False`` makes every lookup a miss and every store a
    no-op."""

    def __init__(self, root=None, enabled: bool = True):
        self.root = Path(root) if root is not None else cache_dir()
        self.enabled = enabled and str(self.root) not in _broken_dirs
        self.hits = self.misses = self.damaged = 0

    def path(self, key: str) -> Path:
        return self.root / 'arrays' / key[:2] / f'{key}.npy'

    def get(self, key: str) -> np.ndarray | None:
        """The stored array, or None (absent, off, or damaged -- then with a warning)."""
        if not self.enabled:
            return None
        p = self.path(key)
        try:
            with open(p, 'rb') as f:
                size = os.fstat(f.fileno()).st_size
                data = bytearray(size)            # read once, hashed and viewed in place: no copies
                got = f.readinto(data)
        except (FileNotFoundError, NotADirectoryError):
            self.misses += 1
            return None
        except OSError as e:
            return self._damaged(p, f'cannot be read ({e.strerror or e})')
        view = memoryview(data)
        if got != size or size <= _DIGEST or hashlib.sha256(view[:-_DIGEST]).digest() != view[-_DIGEST:]:
            return self._damaged(p, 'is damaged (checksum mismatch)')
        try:
            arr = _npy_view(data, size - _DIGEST)
        except Exception as e:  # noqa: BLE001 -- any unreadable content: recompute
            return self._damaged(p, f'is damaged ({e})')
        self.hits += 1
        return arr

    def _damaged(self, p: Path, why: str) -> None:
        self.damaged += 1
        self.misses += 1
        warnings.warn(f'srbench cache entry {p} {why}; recomputing it', RuntimeWarning, stacklevel=3)
        return None

    def put(self, key: str, arr: np.ndarray) -> None:
        """Store ``arr`` (atomically); a cache directory that cannot be written turns the cache off."""
        if not self.enabled:
            return
        buf = io.BytesIO()
        np.save(buf, np.ascontiguousarray(arr), allow_pickle=False)
        raw = buf.getvalue()
        p = self.path(key)
        try:
            p.parent.mkdir(parents=True, exist_ok=True)
            with atomic_path(p, keep_suffix=True) as tmp:
                with open(tmp, 'wb') as f:
                    f.write(raw)
                    f.write(hashlib.sha256(raw).digest())
        except OSError as e:
            _broken_dirs.add(str(self.root))
            self.enabled = False
            warnings.warn(f'srbench cache directory {self.root} cannot be written ({e.strerror or e}); '
                          f'running without the cache (set ${ENV_DIR}, or ${ENV_SWITCH}=0)', RuntimeWarning,
                          stacklevel=2)

    def get_or_make(self, key: str, make):
        """The stored array, or ``make()`` stored and returned."""
        arr = self.get(key)
        if arr is None:
            arr = make()
            self.put(key, arr)
        return arr
