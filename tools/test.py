#!/usr/bin/env python
"""Test an SR model on every test set of a config and write a results JSON:
tools/test.py CONFIG --ckpt CKPT [--out results.json] [--work-dir DIR] [--cfg-options k=v ...]
(--ckpt may be left out for weight-free models such as Bicubic).

A thin wrapper: the same options and code as ``srbench test`` (srbench/cli/test.py)."""
from srbench.cli import run_command


def main(argv=None):
    """``srbench test`` with ``argv`` (default: the command line); returns what it returns."""
    return run_command('test', argv, prog='tools/test.py')


if __name__ == '__main__':
    main()
