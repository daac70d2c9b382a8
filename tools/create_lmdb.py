#!/usr/bin/env python
"""Pack an image folder into an LMDB: tools/create_lmdb.py FOLDER OUT.lmdb [--overwrite].

A thin wrapper: the same options and code as ``srbench create-lmdb`` (srbench/cli/create_lmdb.py)."""
from srbench.cli import run_command


def main(argv=None):
    """``srbench create-lmdb`` with ``argv`` (default: the command line); returns what it returns."""
    return run_command('create-lmdb', argv, prog='tools/create_lmdb.py')


if __name__ == '__main__':
    main()
