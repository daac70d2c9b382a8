"""Figures: ``srbench compare --image NAME --box X Y W H --hr HR.png --scale S RUN_DIR [RUN_DIR ...] --out
FIG.png`` (the same crop of HR, Bicubic and each model's saved SR image -- ``srbench test --save-images
RUN_DIR`` --, PSNR / SSIM under each); ``srbench compare --plot params|macs|runtime --dataset Set5 --scale 3
RESULTS.json ... --out FIG.png`` (PSNR against cost, one labelled point per model). Needs matplotlib."""
from __future__ import annotations

HELP = 'figures: comparison crops of saved SR images, or PSNR vs parameters / runtime plots'


def add_arguments(p) -> None:
    p.add_argument('sources', nargs='+', metavar='SOURCE',
                   help='--save-images folders (crops), or results JSONs or folders of them (--plot)')
    p.add_argument('--out', required=True, help='the PNG to write')
    p.add_argument('--scale', type=int, required=True, help='the scale of the results to show (e.g. 4)')
    p.add_argument('--image', help='crops: the test image\'s name (file stem)')
    p.add_argument('--box', type=int, nargs=4, metavar=('X', 'Y', 'W', 'H'),
                   help='crops: the crop, HR pixels')
    p.add_argument('--hr', help='crops: the HR image file')
    p.add_argument('--labels', nargs='+', help='crops: names of the sources (default: their folder names)')
    p.add_argument('--plot', choices=('params', 'macs', 'runtime'), help='a trade-off plot instead of crops')
    p.add_argument('--dataset', help='--plot: the data set')
    p.add_argument('--metric', default='PSNR', help='--plot: the metric on the y axis (default PSNR)')


def run(a) -> int:
    from ..apis import figures
    from ..errors import ConfigError
    if a.plot:
        if not a.dataset:
            raise ConfigError('--plot needs --dataset')
        r = figures.tradeoff_plot(a.sources, a.dataset, a.scale, x=a.plot, metric=a.metric, out=a.out)
        base = [n for n, _ in r['baselines']]
        left = [n for n in r['missing'] if n not in base]
        print(f'{len(r["points"])} model(s) plotted to {r["out"]}'
              + (f'; as a line ({a.plot} = 0): {", ".join(base)}' if base else '')
              + (f'; without {a.plot}: {", ".join(left)}' if left else ''))
        return 0
    if not (a.image and a.box and a.hr):
        raise ConfigError('crops need --image, --box X Y W H and --hr (or give --plot)')
    r = figures.compare(a.image, a.box, a.sources, a.hr, a.scale, out=a.out, labels=a.labels)
    for name, p, s in r['panels'][1:]:
        print(f'{name}: PSNR {p:.2f} dB, SSIM {s:.4f}')
    print(f'figure written to {r["out"]}')
    return 0
