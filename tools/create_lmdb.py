#!/usr/bin/env python
"""Pack an image folder into an LMDB: tools/create_lmdb.py FOLDER OUT.lmdb [--overwrite].

A thin wrapper: the same options and code as ``srbench create-lmdb`` (srbench/cli/create_lmdb.py)."""
import sys

from srbench.cli import tool_main

if __name__ == '__main__':
    sys.exit(tool_main('create-lmdb'))
