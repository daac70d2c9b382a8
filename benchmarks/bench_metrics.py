#!/usr/bin/env python
"""Speed of srbench's kernels:

* seconds per 512×512 image for PSNR, SSIM and IFC (median of repeats, on Set5's 512×512 'baby' and its x2
  Bicubic reconstruction, Y channel, matlab protocol);
* ``--ifc``: IFC per image on Set5 x2 (Y, border 2), srbench against the kernel it replaced
  (``tests/_reference_kernels.py``, when the tests are there);
* ``--resize``: MATLAB imresize per image, Set5 + Set14 each down and up at x2, x3, x4 on float images in
  [0, 1]: srbench's numpy and torch front ends against a loop over output lines with per-pixel weights (the
  BasicSR-style reference of ``bench_eval.py``) and the kernel it replaced, checking that the outputs agree
  (max |difference|);
* unless ``--skip-table``, the wall time of the whole Bicubic table (configs/bicubic_x234.py through
  srbench.apis.test, in this process; ``bench_eval.py`` times it as a user runs it).

Timings are interleaved (each implementation in turn, image by image) and the medians of ``--repeats``
rounds are printed with the load average; ``--markdown`` prints the rows README.md shows.

    .venv/bin/python benchmarks/bench_metrics.py [--repeats 10] [--threads N] [--skip-table] [--ifc]
        [--resize] [--markdown] [--out DIR]
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


def _old_kernels():
    """tests/_reference_kernels.py (the kernels before the speed work), or None."""
    import sys
    tests = REPO / 'tests'
    if not (tests / '_reference_kernels.py').is_file():
        return None
    sys.path.insert(0, str(tests))
    import _reference_kernels
    return _reference_kernels


def _interleaved(fns: dict, args_list, repeats: int) -> dict:
    """{name: median over rounds of the summed seconds over args_list}, the functions taking turns."""
    sums = {k: [] for k in fns}
    for _ in range(repeats):
        tot = dict.fromkeys(fns, 0.0)
        for args in args_list:
            for k, f in fns.items():
                t0 = time.perf_counter()
                f(*args)
                tot[k] += time.perf_counter() - t0
        for k in fns:
            sums[k].append(tot[k])
    return {k: statistics.median(v) for k, v in sums.items()}


# The authors' ifcvec.m run in Octave (issue 15): seconds per Set5 x2 image from the smallest (butterfly)
# to the largest (baby); the goal is 10x faster.
OCTAVE_IFC_S = (0.15, 0.68)


def ifc_set5(repeats: int, rows: list):
    import numpy as np

    from srbench.data.benchmarks import benchmark_root
    from srbench.data.io import imread, list_images
    from srbench.metrics.ifc import ifc
    from srbench.transforms.color import rgb2ycbcr
    from srbench.transforms.imresize import imresize_np
    pairs = []
    for f in list_images(Path(benchmark_root()) / 'Set5' / 'HR'):
        img = imread(f)
        hr = img[:img.shape[0] // 2 * 2, :img.shape[1] // 2 * 2]
        sr = imresize_np(imresize_np(hr, 0.5), 2.0)
        y = [rgb2ycbcr(x, y_only=True).astype(np.float64)[2:-2, 2:-2] for x in (hr, sr)]
        pairs.append((f.stem, y[0], y[1]))
    old = _old_kernels()
    fns = {'srbench': ifc}
    if old is not None:
        # the kernel this round replaced (torch, round 2) and the numpy kernel before it
        if hasattr(old, 'ref_ifc_r2'):
            fns['before'] = old.ref_ifc_r2
        fns['numpy'] = old.ref_ifc
    print(f'IFC per image, Set5 x2 Bicubic, Y, border 2 (median of {repeats}, interleaved, load {_load()}):')
    per = {}
    for name, a, b in pairs:
        t = _interleaved(fns, [(a, b)], repeats)
        per[name] = (a.size, t)
        extra = ''.join(f'  {k} {t[k]:.3f} s ({t[k] / t["srbench"]:.2f}x)' for k in fns if k != 'srbench')
        print(f'  {name:<10s} {a.shape[1]}x{a.shape[0]}  srbench {t["srbench"]:.4f} s{extra}')
    small = min(per.values(), key=lambda v: v[0])[1]
    large = max(per.values(), key=lambda v: v[0])[1]
    o_lo, o_hi = OCTAVE_IFC_S
    r_small, r_large = o_lo / small['srbench'], o_hi / large['srbench']
    print(f'  vs Octave ifcvec.m ({o_lo:.2f}-{o_hi:.2f} s, smallest to largest image): '
          f'smallest {r_small:.1f}x, largest {r_large:.1f}x faster (goal 10x)')
    lo, hi = min(t['srbench'] for _, t in per.values()), max(t['srbench'] for _, t in per.values())
    refs = [f'{k} {min(t[k] for _, t in per.values()):.3f}–{max(t[k] for _, t in per.values()):.3f} s'
            for k in fns if k != 'srbench']
    refs.append(f'Octave ifcvec.m {o_lo:.2f}–{o_hi:.2f} s')
    rows.append(f'| IFC, Set5 x2 images | {lo:.3f}–{hi:.3f} s per image | {"; ".join(refs)} | '
                f'{min(r_small, r_large):.0f}–{max(r_small, r_large):.0f}x vs Octave |')


def resize_timings(repeats: int, rows: list):
    """MATLAB imresize per image (Set5 + Set14, each down and up at x2/x3/x4): float images in [0, 1]
    against the loop with per-pixel weights, the gather kernel of before the speed work and round 2's
    strided kernel; uint8 images (the benchmark table's LR images and Bicubic upscaling) against round 2's
    kernel, checking bit-for-bit equality with the tap-order reference."""
    import numpy as np
    import torch

    import bench_eval
    from srbench.data.benchmarks import benchmark_root
    from srbench.data.io import imread, list_images
    from srbench.transforms.imresize import imresize_np, imresize_torch
    hrs = []
    for ds in ('Set5', 'Set14'):
        for f in list_images(Path(benchmark_root()) / ds / 'HR'):
            img = imread(f)
            hrs.append(img if img.ndim == 3 else img[..., None])
    jobs, jobs8 = [], []
    for img in hrs:
        for s in (2, 3, 4):
            hr8 = img[:img.shape[0] // s * s, :img.shape[1] // s * s]
            hr = hr8.astype(np.float64) / 255.0
            jobs += [(hr, 1.0 / s), (imresize_np(hr, 1.0 / s), float(s))]
            jobs8 += [(hr8, 1.0 / s), (imresize_np(hr8, 1.0 / s), float(s))]
    n_img = len(jobs) // 6

    def torch_front(x, s):
        return imresize_torch(torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1))), s)

    def torch_front_of(fn):
        return lambda x, s: fn(torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1))), s)
    fns = {'numpy': imresize_np, 'torch': torch_front, 'reference': bench_eval.ref_imresize}
    old = _old_kernels()
    if old is not None:
        fns['before'] = old.ref_imresize_np
        if hasattr(old, 'r2_imresize_np'):
            fns['round 2'] = old.r2_imresize_np
    diff = max(max(np.abs(imresize_np(x, s) - bench_eval.ref_imresize(x, s)).max(),
                   np.abs(torch_front(x, s).numpy().transpose(1, 2, 0) - bench_eval.ref_imresize(x, s)).max())
               for x, s in jobs[::7])
    t = {k: v / n_img for k, v in _interleaved(fns, [(x, s) for x, s in jobs], repeats).items()}
    print(f'MATLAB imresize, Set5 + Set14 down and up at x2/x3/x4, float, seconds per image '
          f'(median of {repeats}, load {_load()}): ' + ', '.join(f'{k} {v:.4f}' for k, v in t.items())
          + f'; max |srbench - reference| {diff:.1e}')
    earlier = ''.join(f'; {label}: numpy {t[k]:.4f} s' for k, label in (('before', 'before the speed work'),
                                                                          ('round 2', 'round 2')) if k in t)
    rows.append(f'| MATLAB imresize, Set5 + Set14 down and up at x2/x3/x4, float, per image | numpy '
                f'{t["numpy"]:.4f} s, torch {t["torch"]:.4f} s | loop over output lines with per-pixel '
                f'weights: {t["reference"]:.3f} s{earlier} | {t["reference"] / t["numpy"]:.1f}× / '
                f'{t["reference"] / t["torch"]:.1f}× (largest difference {diff:.0e}) |')
    if old is None or not hasattr(old, 'r2_imresize_np'):
        print('uint8 imresize: skipped (tests/_reference_kernels.py with round 2\'s kernel not found)')
        return
    fns8 = {'numpy': imresize_np, 'torch': torch_front, 'round 2 numpy': old.r2_imresize_np,
            'round 2 torch': torch_front_of(old.r2_imresize_torch)}
    bad = sum(int((imresize_np(x, s) != old.ref_imresize_np(x, s)).sum())
              + int((torch_front(x, s).numpy().transpose(1, 2, 0) != old.ref_imresize_np(x, s)).sum())
              for x, s in jobs8)
    t8 = {k: v / n_img for k, v in _interleaved(fns8, jobs8, repeats).items()}
    print(f'MATLAB imresize, Set5 + Set14 down and up at x2/x3/x4, uint8, seconds per image '
          f'(median of {repeats}, load {_load()}): ' + ', '.join(f'{k} {v:.4f}' for k, v in t8.items())
          + f'; pixels differing from the tap-order reference: {bad}')
    rows.append(f'| MATLAB imresize, uint8 (the table\'s LR images and Bicubic), Set5 + Set14 down and up at '
                f'x2/x3/x4, per image | numpy {t8["numpy"]:.4f} s, torch {t8["torch"]:.4f} s | round 2: '
                f'numpy {t8["round 2 numpy"]:.4f} s, torch {t8["round 2 torch"]:.4f} s | '
                f'{t8["round 2 numpy"] / t8["numpy"]:.1f}× / {t8["round 2 torch"] / t8["torch"]:.1f}× '
                f'({bad} pixels differ) |')


def _load() -> str:
    return ' '.join(f'{x:.2f}' for x in os.getloadavg())


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
    ap.add_argument('--ifc', action='store_true', help='IFC per image on Set5 x2')
    ap.add_argument('--resize', action='store_true', help='imresize per image on Set5 + Set14')
    ap.add_argument('--skip-per-image', action='store_true', help='skip the 512x512 PSNR/SSIM/IFC timings')
    ap.add_argument('--markdown', action='store_true', help='print the rows README.md shows')
    ap.add_argument('--readme', metavar='NAME',
                    help='also write the rows into README.md\'s <!-- bench:NAME:begin/end --> block')
    a = ap.parse_args()
    import sys

    import torch
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    if a.threads:
        torch.set_num_threads(a.threads)
    print(f'cpu count {os.cpu_count()}, torch threads {torch.get_num_threads()}, load {_load()}')
    rows: list = []
    if not a.skip_per_image:
        per_image(a.repeats)
    if a.ifc:
        ifc_set5(a.repeats, rows)
    if a.resize:
        resize_timings(max(1, a.repeats // 3), rows)
    if (a.markdown or a.readme) and rows:
        table = '| Task | srbench | reference | ratio |\n|---|---|---|---|\n' + '\n'.join(rows)
        print('\n' + table)
        if a.readme:
            import bench_eval
            env = (f'OMP_NUM_THREADS={os.environ.get("OMP_NUM_THREADS")}, torch threads '
                   f'{torch.get_num_threads()}, load {_load()} ({os.cpu_count()} CPUs).')
            bench_eval.write_readme_block(a.readme, f'{table}\n\n{env}')
    if not a.skip_table:
        if a.out:
            table(a.out)
        else:
            with tempfile.TemporaryDirectory() as d:
                table(d)


if __name__ == '__main__':
    main()
