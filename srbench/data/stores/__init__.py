"""Patch stores: the on-disk formats of training patch pairs, one module per format, each with its layout
defined once and both its reader (a :class:`PatchStore`, what :class:`srbench.data.PatchDataset` reads
through) and its writer (a :class:`PatchWriter`, what ``tools/data_aug.py`` writes through):

* :mod:`.h5`: one HDF5 file (datasets ``hr``, ``lr``, ``scale``);
* :mod:`.lmdb`: two LMDBs in the BasicSR/MMagic layout (``train_HR.lmdb``, ``train_LR.lmdb``);
* :mod:`.folder`: two image folders (``train_HR``, ``train_LR``).

A dataset config names its store like BasicSR's ``io_backend``: ``store=dict(type='h5', path=...)``,
``dict(type='lmdb', root=...)`` / ``dict(type='lmdb', hr_lmdb=..., lr_lmdb=...)``,
``dict(type='folder', root=..., same_size=False)`` / ``dict(type='folder', hr_dir=..., lr_dir=...)``, or
just the path of a ``tools/data_aug.py`` output (its format is recognised from its layout).
"""
from __future__ import annotations

import os
from pathlib import Path

from ...errors import ConfigError, DataError
from .base import PatchStore, PatchWriter, pair_scale, scale_from_name  # noqa: F401
from .folder import HR_DIR, FolderPatchWriter, FolderStore
from .h5 import H5PatchWriter, H5Store
from .lmdb import HR_LMDB, LMDBPatchWriter, LMDBStore, make_lmdb_from_folder  # noqa: F401

STORES = {'h5': H5Store, 'lmdb': LMDBStore, 'folder': FolderStore}
WRITERS = {'folder': FolderPatchWriter, 'h5': H5PatchWriter, 'lmdb': LMDBPatchWriter}


def store_format(path) -> str:
    """The store format of a ``tools/data_aug.py`` output, from its layout."""
    p = Path(os.path.expanduser(str(path)))
    if p.is_file():
        return 'h5'
    if (p / HR_LMDB).is_dir():
        return 'lmdb'
    if (p / HR_DIR).is_dir():
        return 'folder'
    raise DataError(f'{p} is not a patch store: expected an .h5 file, or a folder holding {HR_LMDB} '
                    f'(lmdb) or {HR_DIR} (folder), as tools/data_aug.py writes them'
                    + ('' if p.exists() else ' (it does not exist)'))


def build_store(store, channels: str) -> PatchStore:
    """A store from a config (``dict(type=<format>, **arguments)``), the path of a data_aug output, or a
    :class:`PatchStore` (which must read ``channels``)."""
    if isinstance(store, PatchStore):
        if store.channels != channels:
            raise ConfigError(f'the store reads channels={store.channels!r}, the dataset wants {channels!r}')
        return store
    if isinstance(store, (str, os.PathLike)):
        fmt = store_format(store)
        if fmt == 'h5':
            return H5Store(store, channels=channels)
        return STORES[fmt](root=store, channels=channels)
    if not isinstance(store, dict) or 'type' not in store:
        raise ConfigError(f'store must be dict(type=<{"|".join(STORES)}>, ...), a path or a PatchStore; '
                          f'got {store!r}')
    kw = dict(store)
    fmt = kw.pop('type')
    if fmt not in STORES:
        raise ConfigError(f'store type must be one of {", ".join(STORES)}, got {fmt!r}')
    try:
        return STORES[fmt](**kw, channels=channels)
    except TypeError as e:
        raise ConfigError(f'store {fmt}: {e}') from None
