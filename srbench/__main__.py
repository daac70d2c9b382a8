"""``python -m srbench <command>``: plugins (list installed plugins), demo (the main job)."""
from __future__ import annotations

import argparse
import json
import sys


def _plugins(a) -> int:
    from .errors import SRBenchError, one_line
    from .discovery import autoload_enabled, records
    from .lookup import format_table
    try:
        recs = records()
    except SRBenchError as e:
        print(f'srbench: error: {one_line(e)}', file=sys.stderr)
        return 2
    if a.json:
        print(json.dumps([r.as_dict() for r in recs], indent=1))
    else:
        if not autoload_enabled():
            print('plugin autoload is off (SRBENCH_PLUGINS_AUTOLOAD=0): no plugin was discovered')
        print(format_table(recs))
    return 0


def _demo(a) -> int:
    from .apis.cli import run_cli
    from .apis.demo import run_demo
    run_cli(run_demo, work_dir=a.work_dir, minutes=a.minutes, iters=a.iters)
    return 0


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog='srbench', description='srbench: super-resolution benchmark harness')
    sub = ap.add_subparsers(dest='cmd', required=True)
    p = sub.add_parser('plugins', help='list installed plugins: name, distribution, version, status, '
                                       'what they registered, the metadata of their networks')
    p.add_argument('--json', action='store_true', help='machine-readable output')
    p.set_defaults(fn=_plugins)
    d = sub.add_parser('demo', help='train ESPCN x3 briefly on scikit-image sample photos, test it and '
                                    'Bicubic')
    d.add_argument('--work-dir', default='work_dirs/demo')
    d.add_argument('--iters', type=int, default=None, help='training iterations (default: from the config)')
    d.add_argument('--minutes', type=float, default=None, help='stop training after this many minutes')
    d.set_defaults(fn=_demo)
    a = ap.parse_args(argv)
    return a.fn(a)


if __name__ == '__main__':
    sys.exit(main())
