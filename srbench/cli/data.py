"""Check a benchmark data root against srbench's manifest of the standard sets:
``srbench data check ROOT [--sets Set5 Set14 ...] [--manifest FILE]``.

One line per problem (missing set folder, missing / extra / duplicate image, size, channels or decoded
pixels that differ), then one summary line per set; exit status 0 when everything matches, 1 otherwise
(2 for an error in the arguments, as every srbench command). See srbench/data/check.py and docs/user-guide.md
"Getting the benchmark data".
"""
from __future__ import annotations

import sys

HELP = 'check benchmark data (Set5, Set14, BSD100, Urban100, T91, BSD200) against the manifest'


def add_arguments(p) -> None:
    sub = p.add_subparsers(dest='data_cmd', required=True, metavar='ACTION', help='what to do with the data (check)')
    c = sub.add_parser('check', help='compare ROOT/<Set>/HR/* with the manifest of the standard sets '
                                     '(names, sizes, channels, hashes of the decoded pixels)')
    c.add_argument('root', metavar='ROOT',
                   help='data root holding <Set>/HR/ folders (e.g. $SRBENCH_DATA_ROOT)')
    c.add_argument('--sets', nargs='+', default=None, metavar='SET',
                   help='only these sets (default: every set of the manifest)')
    c.add_argument('--manifest', default=None, metavar='FILE',
                   help='another manifest (default: the one shipped with srbench)')


def check(root, sets=None, manifest=None, out=None) -> int:
    """Print the check of ``root`` (problems, then per-set counts) to ``out``; 0 if all match, else 1."""
    from ..data.check import check_root
    from ..utils.progress import ProgressBar
    out = out or sys.stdout
    bars: dict = {}

    def progress(s, i, n):
        if s not in bars:
            for b in bars.values():
                b.close()
            bars[s] = ProgressBar(n, s, unit='img')
        bars[s].update(1)

    try:
        rep = check_root(root, sets, manifest, progress=progress)
    finally:
        for b in bars.values():
            b.close()
    for line in rep.lines():
        print(line, file=out)
    return 0 if rep.ok else 1


def run(a) -> int:
    if a.data_cmd == 'check':
        return check(a.root, a.sets, a.manifest)
    return 2    # pragma: no cover -- argparse rejects other actions


def main(argv=None) -> int:
    """``python -m srbench.cli.data check ROOT`` (the same as ``srbench data check ROOT``)."""
    import argparse

    from ..apis.cli import run_cli
    p = argparse.ArgumentParser(prog='srbench data', description=__doc__.splitlines()[0])
    add_arguments(p)
    return run_cli(run, p.parse_args(argv))


if __name__ == '__main__':
    sys.exit(main())
