"""Super-resolve your own images: ``srbench infer CONFIG --ckpt CKPT INPUT [INPUT ...] --out DIR [--scale S]
[--tile N [--tile-overlap PX]] [--self-ensemble] [--device cuda] [--amp]``. INPUT: image files or folders.
Y networks super-resolve Y (CbCr by MATLAB bicubic), RGB networks the image; PNGs are written atomically as
``DIR/<name>.png``. An image that fails is one error line; the others are still written (exit status 1 when
any failed)."""
from __future__ import annotations

HELP = 'super-resolve images or folders with a model and write PNGs'


def add_tiling(p) -> None:
    """--tile, --tile-overlap, --self-ensemble (shared with ``srbench test``)."""
    p.add_argument('--tile', type=int, metavar='N',
                   help='run the network on tiles of N x N input pixels (less memory)')
    p.add_argument('--tile-overlap', type=int, metavar='PX',
                   help='context around each tile, in input pixels (default: the network\'s receptive field, '
                        'which makes the tiled output equal the untiled one)')
    p.add_argument('--self-ensemble', action='store_true',
                   help='x8 self-ensemble: average the outputs of the 8 flips / rotations (EDSR)')


def add_arguments(p) -> None:
    p.add_argument('config', help='config file, or the name of a config a plugin ships (e.g. espcn_x3)')
    p.add_argument('inputs', nargs='+', metavar='INPUT', help='image files or folders of images')
    p.add_argument('--ckpt', '--checkpoint', dest='ckpt',
                   help='checkpoint or weight file (not needed for weight-free models such as Bicubic)')
    p.add_argument('--out', required=True, metavar='DIR', help='folder for the SR images')
    p.add_argument('--scale', type=int, help='upscaling factor (needed for networks that serve several)')
    add_tiling(p)
    p.add_argument('--device', default='cpu', help='cpu, cuda, cuda:1, ... (default: cpu)')
    p.add_argument('--amp', action='store_true', help='automatic mixed precision')
    p.add_argument('--cfg-options', nargs='+', metavar='KEY=VALUE', help='override config keys')


def run(a) -> int:
    from ..apis.cli import parse_cfg_options
    from ..apis.infer import infer
    res = infer(a.config, a.ckpt, a.inputs, a.out, scale=a.scale, tile=a.tile, tile_overlap=a.tile_overlap,
                self_ensemble=a.self_ensemble, device=a.device, amp=a.amp,
                cfg_options=parse_cfg_options(a.cfg_options))
    print(f'{len(res["written"])} image(s) written to {a.out}'
          + (f'; {len(res["errors"])} failed' if res['errors'] else ''))
    return 0 if res['ok'] else 1
