#!/usr/bin/env python
"""Pack an image folder into an LMDB (BasicSR/MMagic layout: data.mdb, lock.mdb, meta_info.txt with
lines "key.png (h,w,c) compression"; keys are the file stems; pixels stored losslessly as PNG):

  tools/create_lmdb.py FOLDER OUT.lmdb [--overwrite]"""
import argparse
import sys
import time

from srbench.apis.cli import run_cli
from srbench.data.stores.lmdb import make_lmdb_from_folder


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('folder', help='image folder')
    ap.add_argument('output', help='LMDB folder to create (e.g. DIV2K_train_HR.lmdb)')
    ap.add_argument('--overwrite', action='store_true', help='replace an existing LMDB written by srbench')
    a = ap.parse_args(argv)

    def progress(i, n):
        if i == n or i % max(1, n // 20) == 0:
            print(f'{i}/{n} images', file=sys.stderr, flush=True)

    def go():
        t0 = time.time()
        s = make_lmdb_from_folder(a.folder, a.output, overwrite=a.overwrite, progress=progress)
        print(f'{s["images"]} images, {s["bytes"] / 1e6:.1f} MB, {time.time() - t0:.1f} s -> {s["path"]}')
        return s

    return run_cli(go)


if __name__ == '__main__':
    main()
