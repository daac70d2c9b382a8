#!/usr/bin/env python
"""Data pipeline figures (prints them; not a test).

  python benchmarks/bench_data.py loaders   # patches/s per dataset type: batch 64, 2 workers, 41x41 Y patches
  python benchmarks/bench_data.py cpu       # the same datasets: CPU microseconds per sample in one process
                                            # (process time, median of passes: steadier on a shared machine)
  python benchmarks/bench_data.py imresize  # MATLAB imresize images/s, numpy and torch, on Set5
  python benchmarks/bench_data.py recipes   # the seed's data_aug recipes on full T91: patches, bytes, s, RSS
  python benchmarks/bench_data.py memory    # peak RSS of one recipe as the number of images grows
  python benchmarks/bench_data.py all       # loaders + imresize (recipes and memory write GBs: run alone)

Data comes from $SRBENCH_DATA_ROOT or ../shared/datasets (T91, Set5); scratch files go to a temporary
folder (--tmp) that is removed at the end.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]

RECIPES = {   # the seed README's data_aug recipes, verbatim except --input/--output
    'SRCNN x2': '--number 91 --upsampling bicubic --width 33 --height 33 --stride 14 -uf 2 --single_y '
                '--use_h5py '
                '--same_size',
    'FSRCNN x2': '--number 91 --width 20 --height 20 --stride 2 -uf 2 --rotations 0 90 180 270 '
                 '--scales 1.0 0.9 0.8 0.7 0.6 --single_y --use_h5py',
    'VDSR x2-4 (T91 only)': '--number 291 --upsampling nearest bicubic --width 41 --height 41 --stride 41 '
                            '-uf 2 3 4 '
                            '--scales 1.0 0.7 0.5 --rotations 0 90 180 270 --flips 0 1 2 3 --use_h5py '
                            '--same_size '
                            '--single_y',
    'ESPCN x4': '--number 1000 --width 68 --height 68 --stride 56 -uf 4 --single_y --use_h5py',
    'DRCN x2': '--number 91 --width 41 --height 41 --stride 21 -uf 2 --rotations 0 90 180 270 --scales 1.0 '
               '0.7 0.5 '
               '--upsampling bicubic --single_y --use_h5py',
    'DRRN x2-4 (T91 only)': '--number 291 --width 31 --height 31 --stride 28 -uf 2 3 4 --rotations 0 90 180 '
                            '270 '
                            '--flip 0 1 2 --upsampling bicubic --single_y --use_h5py',
}


def data_root() -> Path:
    from srbench.data.benchmarks import benchmark_root
    return Path(benchmark_root())


def run_data_aug(argv, tmp: Path) -> dict:
    """tools/data_aug.py in a fresh process (so its peak RSS is its own); returns its summary."""
    js = tmp / 'summary.json'
    cmd = [sys.executable, str(ROOT / 'tools' / 'data_aug.py'), *argv, '--quiet', '--summary-json', str(js)]
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        raise SystemExit(f'data_aug failed ({r.returncode}): {r.stderr.strip()[-500:]}')
    return json.loads(js.read_text())


# ------------------------------------------------------------------------------ loaders
def loader_sets(tmp: Path):
    """The loader benchmark's data (made with tools/data_aug.py) and datasets: (header, {name: maker})."""
    from srbench.data import H5PatchDataset, LMDBDataset, PatchPairDataset, RandomCropDataset
    t91 = data_root() / 'T91' / 'HR'
    flags = ['--input', str(t91), '--width', '41', '--height', '41', '--stride', '21', '-uf', '3',
             '--same_size', '--single_y', '--rotations', '0', '90']
    made = {}
    for fmt, out in (('h5', 'p.h5'), ('folder', 'fold'), ('lmdb', 'db')):
        made[fmt] = run_data_aug(flags + ['--format', fmt, '--output', str(tmp / out)], tmp)
    lr_h5 = run_data_aug(['--input', str(t91), '--width', '42', '--height', '42', '--stride', '21',
                          '-uf', '3',
                          '--single_y', '--rotations', '0', '90', '--output', str(tmp / 'lr.h5')], tmp)
    kw = dict(channels='y')
    sets = {
        'H5PatchDataset (lazy, float32 inputs)':
            lambda: H5PatchDataset(tmp / 'p.h5', input_kind='bicubic', **kw),
        'H5PatchDataset (in_memory)':
            lambda: H5PatchDataset(tmp / 'p.h5', input_kind='bicubic', in_memory=True, **kw),
        'H5PatchDataset (LR-sized, upsampled per patch)':
            lambda: H5PatchDataset(tmp / 'lr.h5', input_kind='bicubic', **kw),
        'PatchPairDataset (PNG folders)': lambda: PatchPairDataset(
            tmp / 'fold' / 'train_HR', tmp / 'fold' / 'train_LR', same_size=True, scale=3,
            input_kind='bicubic', **kw),
        'LMDBDataset (PNG in LMDB)': lambda: LMDBDataset(
            tmp / 'db' / 'train_HR.lmdb', tmp / 'db' / 'train_LR.lmdb', scale=3, input_kind='bicubic', **kw),
        'RandomCropDataset (whole T91, LR+bicubic per patch)': lambda: RandomCropDataset(
            t91, scale=3, gt_patch_size=41, input_kind='bicubic', length=10 ** 7, **kw),
    }
    head = (f'# data: {made["h5"]["patches"]} patches from T91 (stride 21, rotations 0 90); h5 '
            f'{made["h5"]["bytes"] / 1e6:.0f} MB, folder {made["folder"]["bytes"] / 1e6:.0f} MB, lmdb '
            f'{made["lmdb"]["bytes"] / 1e6:.0f} MB, LR-sized h5 {lr_h5["bytes"] / 1e6:.0f} MB')
    return head, sets


def bench_cpu(tmp: Path, samples: int, repeats: int):
    """CPU time per sample in this process (no workers, no collate): what a change to a dataset costs, with
    less noise than patches/s on a machine shared with other jobs."""
    import statistics
    head, sets = loader_sets(tmp)
    print(f'# CPU microseconds per sample, one process, {samples} random indices, median (min) of {repeats} '
          'passes (process time)')
    print(head)
    for name, make in sets.items():
        ds = make()
        idx = np.random.default_rng(0).integers(0, min(len(ds), 10 ** 6), samples).tolist()
        np.random.seed(0)
        for i in idx[:50]:
            ds[i]
        per = []
        for _ in range(repeats):
            t0 = time.process_time()
            for i in idx:
                ds[i]
            per.append((time.process_time() - t0) / samples * 1e6)
        print(f'{name:55s} {statistics.median(per):8.1f} ({min(per):.1f}) us/sample')


def bench_loaders(tmp: Path, batches: int, workers: int):
    import torch
    from srbench.data import sr_collate
    head, sets = loader_sets(tmp)
    print(f'# patches/s: batch 64, {workers} workers, 41x41 Y patches (x3, HR-sized inputs), '
          f'{batches} batches after 10 warm-up; torch threads {torch.get_num_threads()}')
    print(head)
    for name, make in sets.items():
        ds = make()
        dl = torch.utils.data.DataLoader(ds, batch_size=64, shuffle=True, num_workers=workers,
                                         collate_fn=sr_collate,
                                         persistent_workers=workers > 0, drop_last=True)
        it = iter(dl)
        for _ in range(10):
            next(it)
        t0 = time.perf_counter()
        n = 0
        for _ in range(batches):
            try:
                b = next(it)
            except StopIteration:
                it = iter(dl)
                b = next(it)
            n += b['inputs'].shape[0]
        dt = time.perf_counter() - t0
        print(f'{name:55s} {n / dt:10.0f} patches/s')
        del it, dl


# ------------------------------------------------------------------------------ imresize
def bench_imresize(repeats: int):
    import torch
    from srbench.data.io import imread, list_images
    from srbench.transforms.imresize import imresize_np, imresize_torch
    imgs = [imread(p) for p in list_images(data_root() / 'Set5' / 'HR')]
    print(f'# MATLAB imresize on Set5 (5 RGB images, 228x344 .. 512x512), images/s, best of {repeats}; '
          'torch on '
          f'CPU with 1 thread (as in DataLoader workers) and with {torch.get_num_threads()}')
    cases = [('x1/4 down (antialiased), uint8', 0.25, 'u8'), ('x1/4 down, float64', 0.25, 'f64'),
             ('x4 up, float64', 4, 'f64'), ('x1/2 down, float32', 0.5, 'f32'), ('x2 up, float32', 2, 'f32')]
    for label, scale, kind in cases:
        if kind == 'u8':
            np_in = imgs
        else:
            dt = np.float32 if kind == 'f32' else np.float64
            np_in = [(im.astype(np.float64) / 255).astype(dt) for im in imgs]
        t_in = [torch.from_numpy(np.ascontiguousarray(x.transpose(2, 0, 1))) for x in np_in]
        res = {}
        nt0 = torch.get_num_threads()
        for fe, fn, xs, nt in (('numpy', imresize_np, np_in, nt0), ('torch', imresize_torch, t_in, 1),
                               (f'torch/{nt0}thr', imresize_torch, t_in, nt0)):
            torch.set_num_threads(nt)
            best = 1e9
            for _ in range(repeats):
                t0 = time.perf_counter()
                for x in xs:
                    fn(x, scale)
                best = min(best, time.perf_counter() - t0)
            res[fe] = len(xs) / best
        torch.set_num_threads(nt0)
        print(f'{label:32s} ' + '   '.join(f'{k} {v:7.1f}' for k, v in res.items()))
    # torch batch (the front end that takes batches on any device)
    x = torch.rand(16, 1, 256, 256)
    torch.set_num_threads(1)
    imresize_torch(x, 0.25)
    t0 = time.perf_counter()
    for _ in range(repeats):
        imresize_torch(x, 0.25)
    torch.set_num_threads(nt0)
    print(f'{"torch batch 16x1x256x256 f32 x1/4":32s} torch {16 * repeats / (time.perf_counter() - t0):7.1f} '
          '(1 thread)')


# ------------------------------------------------------------------------------ recipes / memory
def bench_recipes(tmp: Path, only=None):
    t91 = data_root() / 'T91' / 'HR'
    print('# seed recipes on full T91 (VDSR/DRRN ask for 291 = T91 + BSD200; BSD200 is not present: T91 '
          'only); '
          'h5, hr uint8 + lr float32')
    print(f'{"recipe":24s} {"patches":>10s} {"per scale":>28s} {"MB":>9s} {"s":>7s} {"peak RSS MB":>12s} '
          f'{"RSS at start":>12s}')
    for name, flags in RECIPES.items():
        if only and not any(o.lower() in name.lower() for o in only):
            continue
        out = tmp / 'r.h5'
        s = run_data_aug(flags.split() + ['--input', str(t91), '--output', str(out), '--overwrite'], tmp)
        per = ' '.join(f'{k}:{v}' for k, v in s['per_scale'].items())
        print(f'{name:24s} {s["patches"]:10d} {per:>28s} {s["bytes"] / 1e6:9.1f} {s["seconds"]:7.1f} '
              f'{s["peak_rss_mb"]:12.0f} {s["start_rss_mb"]:12.0f}', flush=True)
        if out.exists():
            out.unlink()


def bench_memory(tmp: Path):
    t91 = data_root() / 'T91' / 'HR'
    print('# peak RSS vs data size (1): the SRCNN x2 recipe with T91 given 1, 4 and 16 times as --input '
          '(the same images, so the per-image working set is the same and only the data grows)')
    flags = RECIPES['SRCNN x2'].replace('--number 91', '').split()
    for k in (1, 4, 16):
        ins = ['--input'] + [str(t91)] * k
        s = run_data_aug(flags + ins + ['--output', str(tmp / 'm.h5'), '--overwrite'], tmp)
        print(f'T91 x{k:2d}: {s["patches"]:9d} patches, {s["bytes"] / 1e9:6.2f} GB, {s["seconds"]:6.1f} s, '
              f'peak RSS {s["peak_rss_mb"]:.0f} MB (at start {s["start_rss_mb"]:.0f} MB)', flush=True)
        (tmp / 'm.h5').unlink()
    print('# peak RSS vs data size (2): the FSRCNN x2 recipe on the first N images of T91 '
          '(later images are larger)')
    flags = RECIPES['FSRCNN x2'].replace('--number 91', '').split()
    for n in (10, 30, 91):
        s = run_data_aug(flags + ['--number', str(n), '--input', str(t91), '--output', str(tmp / 'm.h5'),
                                  '--overwrite'], tmp)
        print(f'N={n:3d}: {s["patches"]:9d} patches, {s["bytes"] / 1e9:6.2f} GB, {s["seconds"]:6.1f} s, '
              f'peak RSS {s["peak_rss_mb"]:.0f} MB (at start {s["start_rss_mb"]:.0f} MB)', flush=True)
        (tmp / 'm.h5').unlink()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('what', choices=['loaders', 'cpu', 'imresize', 'recipes', 'memory', 'all'])
    ap.add_argument('--batches', type=int, default=100, help='timed batches per loader (default 100)')
    ap.add_argument('--workers', type=int, default=2)
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--samples', type=int, default=2000, help='random indices per pass (cpu; default 2000)')
    ap.add_argument('--only', nargs='+', help='recipes whose name contains one of these')
    ap.add_argument('--tmp', help='scratch folder (default: a new temporary folder)')
    a = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix='srbench_bench_', dir=a.tmp))
    try:
        print(f'# {time.strftime("%Y-%m-%d %H:%M")}, {os.cpu_count()} CPUs, python {sys.version.split()[0]}')
        if a.what in ('imresize', 'all'):
            bench_imresize(a.repeats)
        if a.what in ('loaders', 'all'):
            bench_loaders(tmp, a.batches, a.workers)
        if a.what == 'cpu':
            bench_cpu(tmp, a.samples, max(a.repeats, 5))
        if a.what == 'recipes':
            bench_recipes(tmp, a.only)
        if a.what == 'memory':
            bench_memory(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == '__main__':
    main()
