#!/usr/bin/env python
"""Markdown leaderboard of results JSONs (written by tools/test.py):
tools/leaderboard.py RESULTS.json [RESULTS.json ...] [--out FILE.md] [--metrics PSNR SSIM]
[--refs LABEL ...] [--per-scale-rows].

A thin wrapper: the same options and code as ``srbench leaderboard`` (srbench/cli/leaderboard.py)."""
from srbench.cli import run_command


def main(argv=None):
    """``srbench leaderboard`` with ``argv`` (default: the command line); returns what it returns."""
    return run_command('leaderboard', argv, prog='tools/leaderboard.py')


if __name__ == '__main__':
    main()
