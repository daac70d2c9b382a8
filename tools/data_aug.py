#!/usr/bin/env python
"""Make training patch pairs from image folders (the seed's data_aug.py): tools/data_aug.py
--input DIR --output PATH [options]; the options of `srbench data-aug --help`.

A thin wrapper: the same options and code as ``srbench data-aug`` (srbench/cli/data_aug.py)."""
import sys

from srbench.cli import tool_main

if __name__ == '__main__':
    sys.exit(tool_main('data-aug'))
