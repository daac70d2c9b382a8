"""Make training patch pairs from image folders (the seed's data_aug.py), e.g. SRCNN x2:

  srbench data-aug --number 91 --upsampling bicubic --width 33 --height 33 --stride 14 -uf 2 \\
      --input ../shared/datasets/T91/HR --single_y --use_h5py --same_size --output data/srcnn_train_x2.h5

Output: --format folder (OUT/train_HR, OUT/train_LR), h5 (one file: hr, lr, scale) or lmdb
(OUT/train_HR.lmdb, OUT/train_LR.lmdb). See docs/data.md and srbench/apis/data_aug.py."""
from __future__ import annotations

HELP = 'make training patch pairs (h5, lmdb or folders) from image folders'
FORMATS = ('folder', 'h5', 'lmdb')   # srbench.apis.data_aug.FORMATS (a test keeps them equal)


def add_arguments(ap) -> None:
    ap.add_argument('--input', nargs='+', required=True, metavar='DIR', help='image folder(s), in this order')
    ap.add_argument('--output', required=True, metavar='PATH',
                    help='output file (h5) or folder (folder, lmdb)')
    ap.add_argument('--number', type=int, default=None, metavar='N',
                    help='use the first N images (folders in order, each sorted by name; default: all)')
    ap.add_argument('--width', type=int, default=41, help='HR patch width (default 41)')
    ap.add_argument('--height', type=int, default=41, help='HR patch height (default 41)')
    ap.add_argument('--stride', type=int, default=41, help='HR stride between patches (default 41)')
    ap.add_argument('-uf', '--upscale-factors', '--upscaleFactor', dest='uf', nargs='+', type=int,
                    default=[2], metavar='F',
                    help='upscale factors (several: one multi-scale data set; default 2)')
    ap.add_argument('--scales', nargs='+', type=float, default=[1.0], metavar='S',
                    help='scale augmentation: resize every image by each S first (e.g. 1.0 0.7 0.5)')
    ap.add_argument('--rotations', nargs='+', default=['0'], metavar='DEG',
                    help='rotations, counter-clockwise, multiples of 90 (e.g. 0 90 180 270)')
    ap.add_argument('--flips', '--flip', dest='flips', nargs='+', default=['0'], metavar='CODE',
                    help='flips: 0 none, 1 left-right, 2 up-down, 3 both (applied before the rotation)')
    ap.add_argument('--upsampling', nargs='+', default=None, metavar='METHOD',
                    help='store HR-sized inputs: the LR upsampled back with each METHOD (bicubic, bilinear, '
                         'nearest; one copy of every patch per method)')
    ap.add_argument('--same_size', '--same-size', action='store_true',
                    help='HR-sized inputs (LR bicubic-upsampled back), for SRCNN/VDSR/DRCN/DRRN-style models')
    ap.add_argument('--single_y', '--single-y', action='store_true',
                    help='Y channel of YCbCr only (else RGB)')
    ap.add_argument('--format', choices=FORMATS, default=None,
                    help='folder | h5 | lmdb (default: h5 for a .h5 output, lmdb for .lmdb, else folder)')
    ap.add_argument('--use_h5py', '--use-h5py', action='store_true', help='same as --format h5')
    ap.add_argument('--dtype', choices=['float32', 'uint8'], default=None,
                    help='h5 inputs: float32 (default, not quantised, as the classic MATLAB data) or uint8')
    ap.add_argument('--overwrite', action='store_true', help='replace an existing output')
    ap.add_argument('--dry-run', action='store_true', help='count patches and bytes, write nothing')
    ap.add_argument('--quiet', action='store_true', help='no progress bar')
    ap.add_argument('--summary-json', metavar='FILE', help='also write the summary (patches, bytes, seconds, '
                    'peak memory, ...) to FILE as JSON')


def run(a) -> int:
    from ..apis.data_aug import data_aug, format_summary
    from ..errors import ConfigError
    fmt = a.format
    if a.use_h5py:
        if fmt not in (None, 'h5'):
            raise ConfigError(f'--use_h5py means --format h5, but --format {fmt} was given')
        fmt = 'h5'
    s = data_aug(a.input, a.output, number=a.number, width=a.width, height=a.height, stride=a.stride,
                 upscale_factors=a.uf, scales=a.scales, rotations=a.rotations, flips=a.flips,
                 upsampling=a.upsampling, single_y=a.single_y, same_size=a.same_size, format=fmt,
                 dtype=a.dtype, overwrite=a.overwrite, progress=not a.quiet, dry_run=a.dry_run)
    print(format_summary(s))
    if a.summary_json:
        from ..utils.atomic import write_json_atomic
        write_json_atomic(s, a.summary_json)
    return s
