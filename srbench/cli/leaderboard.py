"""Markdown leaderboard of results JSONs (written by ``srbench test``), in the seed README's layout:
``srbench leaderboard RESULTS.json [RESULTS.json ...] [--out FILE.md] [--metrics PSNR SSIM] [--refs LABEL
...] [--per-scale-rows]``. Plugin reference numbers are shown as ours/paper; numbers under different
protocols are marked, never compared silently."""
from __future__ import annotations

import sys

HELP = 'markdown leaderboard of results JSONs, with the plugins\' paper numbers'


def add_arguments(p) -> None:
    p.add_argument('results', nargs='+', metavar='RESULTS', help='results JSON files written by srbench test')
    p.add_argument('--out', help='write the markdown here (default: print it)')
    p.add_argument('--metrics', nargs='+', metavar='METRIC',
                   help='metric columns (default: all in the results)')
    p.add_argument('--refs', nargs='+', metavar='LABEL',
                   help='reference labels (or glob patterns) of the plugins\' paper numbers to show; '
                        '"none" for none (default: all)')
    p.add_argument('--per-scale-rows', action='store_true',
                   help='one row per scale instead of the seed layout')
    p.add_argument('--title', default='Leaderboard', help='the table\'s title (default: Leaderboard)')


def run(a) -> int:
    from ..apis.leaderboard import leaderboard
    md = leaderboard(a.results, out=a.out, metrics=a.metrics, refs=a.refs, merge_scales=not a.per_scale_rows,
                     title=a.title)
    if a.out:
        print(f'leaderboard written to {a.out}', file=sys.stderr)
    else:
        print(md, end='')
    return 0
