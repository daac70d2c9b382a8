#!/usr/bin/env python
"""Markdown leaderboard of results JSONs (written by tools/test.py):
tools/leaderboard.py RESULTS.json [RESULTS.json ...] [--out FILE.md] [--metrics PSNR SSIM]
[--refs LABEL ...] [--per-scale-rows].

A thin wrapper: the same options and code as ``srbench leaderboard`` (srbench/cli/leaderboard.py)."""
import sys

from srbench.cli import tool_main

if __name__ == '__main__':
    sys.exit(tool_main('leaderboard'))
