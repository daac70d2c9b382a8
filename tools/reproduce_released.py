#!/usr/bin/env python
"""Test every released model the plugins declare (srbench convert --list) with its own config and the
authors' evaluation protocol, then write the table of srbench's numbers beside the papers':

    python tools/reproduce_released.py /path/to/released/weights [--sets Set5 Set14 BSD100 Urban100]
        [--names vdsr_official ...] [--out-dir work_dirs/released] [--table docs/released_weights.md]

The files are found in the folder (recursively) by their sha256, whatever their names. Each (model, set)
writes ``<out-dir>/<weights name>/<set>.json``; the table is ``srbench leaderboard`` of all the JSONs in
``--out-dir`` (so runs can be split and resumed: a JSON that exists is kept unless --again).
"""
import argparse
import sys
from pathlib import Path

from srbench.apis.cli import run_cli


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('weights_dir')
    ap.add_argument('--sets', nargs='+', default=['Set5', 'Set14', 'BSD100', 'Urban100'])
    ap.add_argument('--names', nargs='+', help='only these released weights (default: all declared)')
    ap.add_argument('--out-dir', default='work_dirs/released')
    ap.add_argument('--table', help='write the leaderboard (markdown) here')
    ap.add_argument('--again', action='store_true', help='re-run (model, set) pairs whose JSON exists')
    a = ap.parse_args(argv)
    return int(run_cli(run, a) or 0)


def run(a) -> int:
    from srbench.apis import test
    from srbench.apis.common import load_config
    from srbench.apis.leaderboard import leaderboard
    from srbench.data.benchmarks import test_loaders
    from srbench.engine.checkpoint import sha256_file
    from srbench.errors import ConfigError
    from srbench.weights import declarations
    by_sha = {}
    for f in sorted(Path(a.weights_dir).rglob('*')):
        if f.is_file() and f.stat().st_size > 1024:
            by_sha.setdefault(sha256_file(f), f)
    out_dir = Path(a.out_dir)
    decls = [d for d in declarations() if not a.names or d.weights.name in a.names]
    if a.names and len(decls) != len(a.names):
        raise ConfigError(f'--names: unknown released weights among {a.names}')
    for d in decls:
        w = d.weights
        src = by_sha.get(w.sha256)
        if src is None:
            print(f'{w.name}: no file with sha256 {w.sha256} in {a.weights_dir}; skipped')
            continue
        for ds in a.sets:
            out = out_dir / w.name / f'{ds}.json'
            if out.exists() and not a.again:
                continue
            cfg = load_config(w.config)
            cfg.test_dataloader = test_loaders([ds], list(w.scales), eval_protocol=w.protocol)
            res = test(cfg, ckpt=src, work_dir=str(out_dir / w.name / 'work'), out=str(out))
            print(w.name, ds, ' '.join(f'x{r["scale"]} {r["metrics"]["PSNR"]:.3f}' for r in res['results']),
                  flush=True)
    results = sorted(out_dir.glob('*/*.json'))
    if a.table and results:
        md = leaderboard([str(p) for p in results], out=a.table, refs=['paper'])
        print(f'table written to {a.table} ({len(md.splitlines())} lines)')
    return 0


if __name__ == '__main__':
    sys.exit(main())
