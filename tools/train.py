#!/usr/bin/env python
"""Train an SR model: tools/train.py CONFIG [--work-dir DIR] [-r [CKPT]] [--amp] [--cfg-options k=v ...]
[--launcher none|pytorch|slurm]. CONFIG is a file or the name of a config a plugin ships."""
import argparse

from srbench.apis import train
from srbench.apis.cli import parse_cfg_options, run_cli


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('config')
    ap.add_argument('--work-dir', help='where logs and checkpoints go (default: work_dirs/<config name>)')
    ap.add_argument('-r', '--resume', nargs='?', const='auto', default=None, metavar='CKPT',
                    help='resume from CKPT, or with no value from the latest checkpoint in the work dir')
    ap.add_argument('--amp', action='store_true', help='mixed precision (CUDA AMP; bfloat16 autocast on CPU)')
    ap.add_argument('--cfg-options', nargs='+', metavar='KEY=VALUE', help='override config keys')
    ap.add_argument('--launcher', choices=['none', 'pytorch', 'slurm'], default='none')
    ap.add_argument('--local_rank', '--local-rank', type=int, default=0, help=argparse.SUPPRESS)
    a = ap.parse_args()
    run_cli(lambda: train(a.config, work_dir=a.work_dir, resume=a.resume, amp=a.amp,
                          cfg_options=parse_cfg_options(a.cfg_options), launcher=a.launcher))


if __name__ == '__main__':
    main()
