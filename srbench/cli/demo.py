"""The main job: train ESPCN x3 briefly on scikit-image's sample photos, test it and Bicubic on held-out
photos, print the table: ``srbench demo [--work-dir DIR] [--iters N] [--minutes M]``."""
from __future__ import annotations

HELP = 'train ESPCN x3 briefly on scikit-image sample photos, test it and Bicubic'


def add_arguments(p) -> None:
    p.add_argument('--work-dir', default='work_dirs/demo', help='where data, logs and results go '
                                                               '(default: work_dirs/demo)')
    p.add_argument('--iters', type=int, default=None, help='training iterations (default: from the config)')
    p.add_argument('--minutes', type=float, default=None, help='stop training after this many minutes')
    p.add_argument('--threads', type=int, default=None,
                   help='CPU threads for training (default: OMP_NUM_THREADS if set, else 1: measured fastest on '
                        'a busy 2-core machine)')


def run(a) -> int:
    from ..apis.demo import run_demo
    run_demo(work_dir=a.work_dir, minutes=a.minutes, iters=a.iters, threads=a.threads)
    return 0
