#!/usr/bin/env python
"""Speed of srbench's metrics: seconds per 512×512 image for PSNR, SSIM and IFC (median of repeats,
on Set5's 512×512 'baby' and its x2 Bicubic reconstruction, Y channel, matlab protocol), and the
wall time of the whole Bicubic table (configs/bicubic_x234.py: Set5, Set14, BSD100, Urban100 at x2,
x3, x4 with PSNR + SSIM + IFC, through srbench.apis.test -- data loading and Bicubic included).

    .venv/bin/python benchmarks/bench_metrics.py [--repeats 10] [--threads N] [--skip-table] [--out DIR]
"""
import argparse
import os
import statistics
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def per_image(repeats: int):
    import numpy as np
    import torch

    from srbench.data.benchmarks import benchmark_root
    from srbench.transforms.degrade import make_test_pair
    from srbench.data.io import imread
    from srbench.metrics import IFC, PSNR, SSIM
    from srbench.transforms.imresize import imresize_np

    path = Path(benchmark_root()) / 'Set5' / 'HR' / 'baby.png'
    img = imread(path)
    if img.shape[:2] != (512, 512):
        raise SystemExit(f'{path} is not 512x512')
    hr, lr = make_test_pair(img, 2, 'rgb')
    sr = imresize_np(lr, 2.0)
    pred, gt = (torch.from_numpy(x.transpose(2, 0, 1).copy()).float() / 255 for x in (sr, hr))
    meta = dict(name='baby', scale=2, is_gray=False)
    print(f'per 512x512 image ({path.name}, x2 Bicubic, Y, matlab protocol), '
          f'median of {repeats} after a warm-up:')
    for cls in (PSNR, SSIM, IFC):
        m = cls()
        a, b = m.prepare(pred, gt, meta)
        for label, fn in ((f'{cls.metric_name} (score only)', lambda: m.score(a, b)),
                          (f'{cls.metric_name} (uint8 + Y + crop + score)',
                           lambda: m.score(*m.prepare(pred, gt, meta)))):
            fn()
            ts = []
            for _ in range(repeats):
                t0 = time.perf_counter()
                v = fn()
                ts.append(time.perf_counter() - t0)
            print(f'  {label:<40s} {statistics.median(ts):8.4f} s   (value {v:.4f})')
    return np.nan


def table(out_dir):
    from srbench.apis import test
    from srbench.apis.report import results_table
    t0 = time.perf_counter()
    res = test(str(REPO / 'configs' / 'bicubic_x234.py'), work_dir=str(out_dir),
               out=str(Path(out_dir) / 'bicubic_results.json'))
    wall = time.perf_counter() - t0
    print(results_table(res))
    if res.get('skipped'):
        print('skipped (missing):', ', '.join(res['skipped']))
    n = sum(r['num_images'] for r in res['results'])
    print(f'whole Bicubic table: {len(res["results"])} (set, scale) pairs, {n} images, PSNR + SSIM + IFC: '
          f'{wall:.1f} s wall')
    print(f'results JSON: {res.get("out")}')


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--repeats', type=int, default=10)
    ap.add_argument('--threads', type=int, default=None, help='torch threads (default: torch\'s)')
    ap.add_argument('--skip-table', action='store_true', help='only the per-image timings')
    ap.add_argument('--out', help='work dir of the table run (default: a temporary folder)')
    a = ap.parse_args()
    import torch
    if a.threads:
        torch.set_num_threads(a.threads)
    print(f'cpu count {os.cpu_count()}, torch threads {torch.get_num_threads()}')
    per_image(a.repeats)
    if not a.skip_table:
        if a.out:
            table(a.out)
        else:
            with tempfile.TemporaryDirectory() as d:
                table(d)


if __name__ == '__main__':
    main()
