#!/usr/bin/env python
"""Test an SR model on every test set of a config and write a results JSON:
tools/test.py CONFIG --ckpt CKPT [--out results.json] [--work-dir DIR] [--cfg-options k=v ...]
(--ckpt may be left out for weight-free models such as Bicubic)."""
import argparse

from srbench.apis import test
from srbench.apis.cli import parse_cfg_options, run_cli


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('config')
    ap.add_argument('--ckpt', '--checkpoint', dest='ckpt', help='checkpoint or weight file')
    ap.add_argument('--out', help='results JSON (default: <work dir>/results.json)')
    ap.add_argument('--work-dir')
    ap.add_argument('--cfg-options', nargs='+', metavar='KEY=VALUE')
    ap.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'], default='none')
    ap.add_argument('--local_rank', '--local-rank', type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args()
    res = run_cli(lambda: test(a.config, ckpt=a.ckpt, out=a.out, work_dir=a.work_dir,
                               cfg_options=parse_cfg_options(a.cfg_options), launcher=a.launcher))
    if res and res.get('out'):
        from srbench.apis.report import results_table
        print(results_table(res))
        print(f'results written to {res["out"]}')


if __name__ == '__main__':
    main()
