#!/usr/bin/env python
"""Train an SR model: tools/train.py CONFIG [--work-dir DIR] [-r [CKPT]] [--amp] [--cfg-options k=v ...]
[--launcher none|pytorch|slurm]. CONFIG is a file or the name of a config a plugin ships.

A thin wrapper: the same options and code as ``srbench train`` (srbench/cli/train.py)."""
from srbench.cli import run_command


def main(argv=None):
    """``srbench train`` with ``argv`` (default: the command line); returns what it returns."""
    return run_command('train', argv, prog='tools/train.py')


if __name__ == '__main__':
    main()
