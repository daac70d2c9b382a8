#!/usr/bin/env python
"""Train an SR model: tools/train.py CONFIG [--work-dir DIR] [-r [CKPT]] [--amp] [--cfg-options k=v ...]
[--launcher none|pytorch|slurm]. CONFIG is a file or the name of a config a plugin ships.

A thin wrapper: the same options and code as ``srbench train`` (srbench/cli/train.py)."""
import sys

from srbench.cli import tool_main

if __name__ == '__main__':
    sys.exit(tool_main('train'))
