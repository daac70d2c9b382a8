"""Train an SR model from a config: ``srbench train CONFIG [--work-dir DIR] [-r [CKPT]] [--amp]
[--cfg-options k=v ...] [--launcher none|pytorch|slurm]``. CONFIG is a file or the name of a config a plugin
ships (``srbench configs`` lists them). Several processes: ``torchrun --nproc_per_node N -m srbench train
CONFIG --launcher pytorch`` (or ``tools/dist_train.sh CONFIG N``)."""
from __future__ import annotations

import argparse

HELP = 'train a model from a config (file or name of a config a plugin ships)'
LAUNCHERS = ('none', 'pytorch', 'slurm')


def add_launcher(p) -> None:
    p.add_argument('--launcher', choices=LAUNCHERS, default='none',
                   help='job launcher: none (one process), pytorch (under torchrun), slurm')
    p.add_argument('--local_rank', '--local-rank', type=int, default=0, help=argparse.SUPPRESS)


def add_arguments(p) -> None:
    p.add_argument('config', help='config file, or the name of a config a plugin ships (e.g. espcn_x3)')
    p.add_argument('--work-dir', help='where logs and checkpoints go (default: work_dirs/<config name>)')
    p.add_argument('-r', '--resume', nargs='?', const='auto', default=None, metavar='CKPT',
                   help='resume from CKPT, or with no value from the latest checkpoint in the work dir')
    p.add_argument('--amp', action='store_true', help='mixed precision (CUDA AMP; bfloat16 autocast on CPU)')
    p.add_argument('--cfg-options', nargs='+', metavar='KEY=VALUE', help='override config keys')
    add_launcher(p)


def run(a) -> int:
    from ..apis import train
    from ..apis.cli import parse_cfg_options
    train(a.config, work_dir=a.work_dir, resume=a.resume, amp=a.amp,
          cfg_options=parse_cfg_options(a.cfg_options), launcher=a.launcher)
    return 0
