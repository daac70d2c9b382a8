"""Markdown leaderboard of results JSONs (written by ``srbench test``), in the seed README's layout:
``srbench leaderboard RESULTS.json [RESULTS.json ...] [--out FILE.md] [--metrics PSNR SSIM] [--refs LABEL
...] [--per-scale-rows]``. Plugin reference numbers are shown as ours/paper; numbers under different
protocols are marked, never compared silently."""
from __future__ import annotations

import sys

HELP = 'markdown leaderboard of results JSONs, with the plugins\' paper numbers'


def add_arguments(p) -> None:
    p.add_argument('results', nargs='+', metavar='RESULTS',
                   help='results JSONs written by srbench test, or folders of them (every *.json under it)')
    p.add_argument('--out', help='write the markdown here (default: print it)')
    p.add_argument('--metrics', nargs='+', metavar='METRIC',
                   help='metric columns (default: all in the results)')
    p.add_argument('--refs', nargs='+', metavar='LABEL',
                   help='reference labels (or glob patterns) of the plugins\' paper numbers to show; '
                        '"none" for none (default: all)')
    p.add_argument('--per-scale-rows', action='store_true',
                   help='one row per scale instead of the seed layout')
    p.add_argument('--title', default=None, help='the table\'s title (default: Leaderboard, or Summary)')
    g = p.add_argument_group('summary tables (one table per data set and scale, one row per model)')
    g.add_argument('--summary', action='store_true',
                   help='summary tables: metrics (best in bold), parameters, MACs, runtime, training data')
    g.add_argument('--format', choices=['md', 'csv', 'json'], default=None, help='output format (default md)')
    g.add_argument('--datasets', nargs='+', metavar='NAME', help='only these data sets')
    g.add_argument('--scales', nargs='+', type=int, metavar='S', help='only these scales')
    g.add_argument('--models', nargs='+', metavar='NAME', help='only these models')
    g.add_argument('--paper', action='store_true',
                   help='a Paper column: the numbers each model\'s plugin cites (released weights: their '
                        'declaration\'s)')
    g.add_argument('--update', metavar='FILE.md',
                   help='rewrite the marked section (<!-- srbench:leaderboard:begin --> ... end) of FILE.md')


def run(a) -> int:
    if a.summary or a.format or a.datasets or a.scales or a.models or a.update or a.paper:
        from ..apis.leaderboard import summary
        text = summary(a.results, fmt=a.format or 'md', out=a.out, datasets=a.datasets, scales=a.scales,
                       models=a.models, metrics=a.metrics, update=a.update, title=a.title or 'Summary',
                       paper=a.paper)
        if a.out or a.update:
            print(f'summary written to {a.update or a.out}', file=sys.stderr)
        else:
            print(text, end='' if text.endswith('\n') else '\n')
        return 0
    from ..apis.leaderboard import leaderboard
    md = leaderboard(a.results, out=a.out, metrics=a.metrics, refs=a.refs, merge_scales=not a.per_scale_rows,
                     title=a.title or 'Leaderboard')
    if a.out:
        print(f'leaderboard written to {a.out}', file=sys.stderr)
    else:
        print(md, end='')
    return 0
