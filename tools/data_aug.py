#!/usr/bin/env python
"""Make training patch pairs from image folders (the seed's data_aug.py): tools/data_aug.py
--input DIR --output PATH [options]; the options of `srbench data-aug --help`.

A thin wrapper: the same options and code as ``srbench data-aug`` (srbench/cli/data_aug.py)."""
from srbench.cli import run_command


def main(argv=None):
    """``srbench data-aug`` with ``argv`` (default: the command line); returns what it returns."""
    return run_command('data-aug', argv, prog='tools/data_aug.py')


if __name__ == '__main__':
    main()
