#!/usr/bin/env python
"""Markdown leaderboard of results JSONs (written by tools/test.py), in the seed README's layout:
tools/leaderboard.py RESULTS.json [RESULTS.json ...] [--out FILE.md] [--metrics PSNR SSIM] [--refs LABEL ...]
[--per-scale-rows]. Plugin reference numbers are shown as ours/paper; numbers under different
protocols are marked, never compared silently."""
import argparse
import sys

from srbench.apis.cli import run_cli
from srbench.apis.leaderboard import leaderboard


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('results', nargs='+', metavar='RESULTS', help='results JSON files of tools/test.py')
    ap.add_argument('--out', help='write the markdown here (default: print it)')
    ap.add_argument('--metrics', nargs='+', metavar='METRIC',
                    help='metric columns (default: all in the results)')
    ap.add_argument('--refs', nargs='+', metavar='LABEL',
                    help='reference labels (or glob patterns) of the plugins\' paper numbers to show; '
                         '"none" for none (default: all)')
    ap.add_argument('--per-scale-rows', action='store_true',
                    help='one row per scale instead of the seed layout')
    ap.add_argument('--title', default='Leaderboard')
    a = ap.parse_args()
    md = run_cli(lambda: leaderboard(a.results, out=a.out, metrics=a.metrics, refs=a.refs,
                                     merge_scales=not a.per_scale_rows, title=a.title))
    if a.out:
        print(f'leaderboard written to {a.out}', file=sys.stderr)
    else:
        print(md, end='')


if __name__ == '__main__':
    main()
