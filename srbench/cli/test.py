"""Test an SR model on every test set of a config and write a results JSON: ``srbench test CONFIG --ckpt
CKPT [--out results.json] [--work-dir DIR] [--cfg-options k=v ...]`` (``--ckpt`` may be left out for
weight-free models such as Bicubic). CONFIG is a file or the name of a config a plugin ships."""
from __future__ import annotations

from .infer import add_tiling
from .train import add_launcher

HELP = 'test a model on the test sets of a config and write a results JSON'


def add_arguments(p) -> None:
    p.add_argument('config', help='config file, or the name of a config a plugin ships (e.g. bicubic_x234)')
    p.add_argument('--ckpt', '--checkpoint', dest='ckpt',
                   help='checkpoint or weight file (not needed for weight-free models such as Bicubic)')
    p.add_argument('--out', help='results JSON (default: <work dir>/results.json)')
    p.add_argument('--work-dir', help='where logs go (default: work_dirs/<config name>)')
    p.add_argument('--cfg-options', nargs='+', metavar='KEY=VALUE', help='override config keys')
    p.add_argument('--save-images', metavar='DIR',
                   help='write every SR output as DIR/<dataset>/x<scale>/<image>.png (what was scored)')
    p.add_argument('--no-cache', action='store_true',
                   help="make the test images' decoded pixels, LR and bicubic inputs afresh, not from "
                        "srbench's on-disk cache ($SRBENCH_CACHE_DIR, default ~/.cache/srbench)")
    add_tiling(p)
    add_launcher(p)


def run(a) -> int:
    from ..apis import test
    from ..apis.cli import parse_cfg_options
    res = test(a.config, ckpt=a.ckpt, out=a.out, work_dir=a.work_dir,
               cfg_options=parse_cfg_options(a.cfg_options), launcher=a.launcher, save_images=a.save_images,
               tile=a.tile, tile_overlap=a.tile_overlap, self_ensemble=a.self_ensemble,
               cache=False if a.no_cache else None)
    if res and res.get('out'):
        from ..apis.report import results_table
        print(results_table(res))
        print(f'results written to {res["out"]}')
    return 0
