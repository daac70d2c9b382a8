"""Pack an image folder into an LMDB (BasicSR/MMagic layout: data.mdb, lock.mdb, meta_info.txt with lines
"key.png (h,w,c) compression"; keys are the file stems; pixels stored losslessly as PNG):
``srbench create-lmdb FOLDER OUT.lmdb [--overwrite]``."""
from __future__ import annotations

import time

HELP = 'pack an image folder into an LMDB (BasicSR/MMagic layout)'


def add_arguments(p) -> None:
    p.add_argument('folder', help='image folder')
    p.add_argument('output', help='LMDB folder to create (e.g. DIV2K_train_HR.lmdb)')
    p.add_argument('--overwrite', action='store_true', help='replace an existing LMDB written by srbench')


def run(a) -> int:
    from ..data.stores.lmdb import make_lmdb_from_folder
    t0 = time.time()
    s = make_lmdb_from_folder(a.folder, a.output, overwrite=a.overwrite)     # progress: srbench.utils.progress
    print(f'{s["images"]} images, {s["bytes"] / 1e6:.1f} MB, {time.time() - t0:.1f} s -> {s["path"]}')
    return s
