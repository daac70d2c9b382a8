#!/usr/bin/env python
"""Regenerate what docs/results.md shows, from the results JSONs in docs/results/ (one command):

    python tools/make_docs_results.py [--weights ../shared/weights] [--rerun --sets Set5 Set14 BSD100]

1. **the table**: ``srbench leaderboard docs/results --summary --paper --update docs/results.md`` (the marked
   section of docs/results.md: one table per data set, scale and protocol, one row per model);
2. **the plot**: ``srbench compare --plot params --dataset Set5 --scale 3 docs/results --out
   docs/figures/psnr_vs_params_Set5_x3.png`` (PSNR against parameters);
3. **the comparison figure** (needs the authors' released files, ``--weights``): the x4 released models run
   on scikit-image's public-domain ``astronaut`` photo (``srbench test --save-images``, each under its
   authors' protocol), then ``srbench compare`` of one crop: ``docs/figures/compare_astronaut_x4.png``.
   Without the files (or scikit-image) this step is skipped with a message.

``--rerun`` first re-runs ``tools/reproduce_released.py WEIGHTS --sets ... --bicubic --out-dir docs/results
--again`` (every released model and Bicubic on the benchmark sets; tens of minutes on a CPU). Benchmark
images never enter the repository: the figure is made of a scikit-image sample photo, the tables of numbers.
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from srbench.apis.cli import run_cli

REPO = Path(__file__).resolve().parents[1]
DOCS = REPO / 'docs'
PLOT = dict(dataset='Set5', scale=3, x='params', name='psnr_vs_params_Set5_x3.png')
COMPARE_IMAGE = 'astronaut'           # skimage.data: NASA photo, public domain (no copyright restrictions)
COMPARE_BOX = (128, 344, 96, 80)      # HR pixels (x, y, w, h): the mission patch (lettering, fine lines)
COMPARE_SCALE = 4
COMPARE_MODELS = {'srcnn_9-1-5_91images_x4': 'SRCNN 9-1-5', 'srcnn_9-5-5_imagenet_x4': 'SRCNN 9-5-5',
                  'vdsr_official': 'VDSR', 'lapsrn_x4': 'LapSRN'}       # released weights: label
COMPARE_NAME = f'compare_{COMPARE_IMAGE}_x{COMPARE_SCALE}.png'


def default_weights() -> str:
    """``../shared/weights`` beside the repository (where the project keeps the released files)."""
    return str(REPO.parent / 'shared' / 'weights')


def make_table(results_dir, md) -> str:
    """The marked section of ``md`` rewritten from the results JSONs under ``results_dir``."""
    from srbench.apis.leaderboard import summary
    return summary([str(results_dir)], paper=True, update=str(md))


def make_plot(results_dir, png) -> dict:
    """PSNR against parameters on Set5 x3 (the protocol of the first table: the SRCNN / VDSR one)."""
    from srbench.apis.figures import tradeoff_plot
    return tradeoff_plot([str(results_dir)], PLOT['dataset'], PLOT['scale'], x=PLOT['x'], out=str(png))


def find_weights(weights_dir, names) -> dict:
    """{weights name: (declaration, file)} of the released files in ``weights_dir`` (found by sha256)."""
    from srbench.engine.checkpoint import sha256_file
    from srbench.weights import declarations
    decls = {d.weights.name: d for d in declarations() if d.weights.name in names}
    want = {d.weights.sha256: n for n, d in decls.items()}
    found = {}
    for f in sorted(Path(weights_dir).rglob('*')) if Path(weights_dir).is_dir() else []:
        if f.is_file() and f.stat().st_size > 1024:
            n = want.get(sha256_file(f))
            if n and n not in found:
                found[n] = (decls[n], f)
    return found


def make_comparison(weights_dir, work_dir, png, names=COMPARE_MODELS, box=COMPARE_BOX,
                    log=print) -> dict | None:
    """Run the released models ``names`` (weights names) on the sample photo (saving their SR images) and
    draw the crop ``box`` of HR, Bicubic and each of them with PSNR / SSIM; None (and a message) when a file
    or scikit-image is missing."""
    from srbench.apis import test
    from srbench.apis.common import load_config
    from srbench.apis.demo import sample_photo_dir
    from srbench.apis.figures import compare
    from srbench.data.benchmarks import test_loader
    from srbench.data.io import imread, imwrite
    from srbench.errors import DataError
    try:
        src = sample_photo_dir() / f'{COMPARE_IMAGE}.png'
    except DataError as e:
        log(f'comparison figure skipped: {e}')
        return None
    found = find_weights(weights_dir, names)
    missing = [n for n in names if n not in found]
    if missing:
        log(f'comparison figure skipped: no released file for {", ".join(missing)} in {weights_dir}')
        return None
    work = Path(work_dir)
    hr = work / 'data' / 'SamplePhoto' / 'HR' / f'{COMPARE_IMAGE}.png'
    if not hr.exists():
        imwrite(hr, imread(src))
    dirs, labels = [], []
    for n in names:
        d, f = found[n]
        cfg = load_config(d.weights.config)
        cfg.test_dataloader = [test_loader('SamplePhoto', COMPARE_SCALE, root=str(work / 'data'),
                                           eval_protocol=d.weights.protocol)]
        out_dir = work / 'sr' / n
        test(cfg, ckpt=str(f), work_dir=str(work / 'logs' / n), save_images=str(out_dir))
        dirs.append(out_dir)
        labels.append(COMPARE_MODELS.get(n, n))
    return compare(COMPARE_IMAGE, box, dirs, hr, COMPARE_SCALE, out=str(png), labels=labels)


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--weights', default=default_weights(),
                    help='the authors\' released files (default: ../shared/weights beside the repository)')
    ap.add_argument('--results', default=str(DOCS / 'results'),
                    help='the results JSONs (default docs/results)')
    ap.add_argument('--md', default=str(DOCS / 'results.md'),
                    help='the page whose marked section is rewritten (default docs/results.md)')
    ap.add_argument('--figures', default=str(DOCS / 'figures'),
                    help='where the PNGs go (default docs/figures)')
    ap.add_argument('--work-dir', default='work_dirs/docs_results', help='logs, converted weights, SR images')
    ap.add_argument('--no-comparison', action='store_true', help='skip the comparison figure (step 3)')
    ap.add_argument('--rerun', action='store_true',
                    help='first re-run every released model and Bicubic on --sets '
                         '(tools/reproduce_released.py)')
    ap.add_argument('--sets', nargs='+', default=['Set5', 'Set14', 'BSD100'], help='--rerun: the data sets')
    a = ap.parse_args(argv)
    return int(run_cli(run, a) or 0)


def run(a) -> int:
    t0 = time.time()
    if a.rerun:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        import reproduce_released
        rc = reproduce_released.main([a.weights, '--sets', *a.sets, '--bicubic', '--again', '--out-dir',
                                      a.results, '--work-dir', a.work_dir])
        if rc:
            return rc
    make_table(a.results, a.md)
    print(f'table: {a.md} (marked section rewritten from {a.results})')
    figures = Path(a.figures)
    r = make_plot(a.results, figures / PLOT['name'])
    print(f'plot: {r["out"]} ({len(r["points"])} models'
          + (f'; baseline {", ".join(n for n, _ in r["baselines"])}' if r['baselines'] else '') + ')')
    if not a.no_comparison:
        c = make_comparison(a.weights, a.work_dir, figures / COMPARE_NAME)
        if c is not None:
            print(f'comparison: {c["out"]} ('
                  + ', '.join(f'{n} {p:.2f} dB' for n, p, _ in c['panels'][1:]) + ')')
    print(f'done in {time.time() - t0:.0f} s')
    return 0


if __name__ == '__main__':
    sys.exit(main())
