#!/usr/bin/env python
"""RDN and RCAN on a CPU: seconds per image and peak memory of whole-image inference (prints them; not a
test).

  python benchmarks/bench_big_models.py                       # RCAN, RDN x x2, x4 x 1, 2 threads on Set5
  python benchmarks/bench_big_models.py --sets Urban100 --scales 2 --threads 2 --limit 3
  python benchmarks/bench_big_models.py --models RDN --sets Urban100 --scales 2 --threads 2 --limit 1 \
      --tile 128 --tile-overlap 16

Each (model, scale, threads, set) runs in a fresh process, so its peak RSS (``ru_maxrss``) is its own: the
paper-size network (random weights: the time does not depend on them) in eval mode under ``torch.no_grad``,
OMP_NUM_THREADS / torch threads set to the thread count, every image of the set whole (LR made by srbench's
MATLAB-exact pipeline beforehand, not timed), one untimed warm-up forward on a small input first. Reported:
seconds per image (mean over the images; also the slowest), the largest LR image, the peak RSS, and the RSS
before the first forward (model + images loaded), so the difference is what inference needs.

``--tile N`` runs each image through :func:`srbench.inference.tiled_forward` (cores of N x N LR pixels) to
show the memory tiling saves; ``--tile-overlap`` is the margin (default: the network's receptive field, so
the output equals the untiled one -- RDN's is 133 LR pixels; RCAN's is global and needs an explicit margin,
which then only approximates the untiled output). The row says which (``exact``).

Data comes from $SRBENCH_DATA_ROOT or ../shared/datasets (<Set>/HR).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODELS = {'RCAN': dict(type='RCAN'), 'RDN': dict(type='RDN')}


def rss_mib() -> float:
    """Peak resident set size of this process so far, MiB (Linux: ru_maxrss is in KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def current_rss_mib() -> float:
    with open('/proc/self/statm') as f:
        return int(f.read().split()[1]) * os.sysconf('SC_PAGE_SIZE') / 2**20


def one(model: str, scale: int, threads: int, dataset: str, limit: int | None, tile: int | None = None,
        overlap: int | None = None) -> dict:
    """Runs in the child process: build, load, time, measure."""
    import torch

    from srbench.inference import receptive_field_of, resolve_tiling, tiled_forward

    from srbench.data.benchmarks import benchmark_root
    from srbench.registry import MODELS as REG
    torch.set_num_threads(threads)
    hr_dir = Path(benchmark_root()) / dataset / 'HR'
    from srbench.data import PairedImageDataset
    ds = PairedImageDataset(hr_dir=str(hr_dir), scale=scale, input_kind='lr', channels='rgb', name=dataset)
    n = len(ds) if limit is None else min(limit, len(ds))
    lrs = [ds[i]['inputs'][None] for i in range(n)]
    torch.manual_seed(0)
    net = REG.build(dict(MODELS[model], scale=scale)).eval()
    params = sum(p.numel() for p in net.parameters())
    rf = receptive_field_of(net)
    tiling = resolve_tiling(tile, overlap, rf, None, model)
    if tiling is None:
        fwd = net
    else:
        def fwd(t):
            return tiled_forward(net, t, tiling[0], tiling[1], out_scale=scale, name=model)
    with torch.no_grad():
        net(torch.rand(1, 3, 16, 16))
    before = current_rss_mib()
    times = []
    with torch.no_grad():
        for x in lrs:
            t = time.perf_counter()
            y = fwd(x)
            times.append(time.perf_counter() - t)
            assert y.shape[-2:] == (x.shape[-2] * scale, x.shape[-1] * scale)
    big = max(lrs, key=lambda t: t.shape[-1] * t.shape[-2])
    return dict(model=model, scale=scale, threads=threads, dataset=dataset, images=n, params=params,
                s_per_image=sum(times) / n, s_max=max(times), largest_lr=f'{big.shape[-1]}x{big.shape[-2]}',
                rss_before_mib=round(before), peak_rss_mib=round(rss_mib()),
                tile='' if tiling is None else f'{tiling[0]}+{tiling[1]}',
                exact='' if tiling is None else str(isinstance(rf, int) and tiling[1] >= rf),
                torch=torch.__version__)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--models', nargs='+', default=['RCAN', 'RDN'], choices=list(MODELS))
    ap.add_argument('--scales', nargs='+', type=int, default=[2, 4])
    ap.add_argument('--threads', nargs='+', type=int, default=[1, 2])
    ap.add_argument('--sets', nargs='+', default=['Set5'])
    ap.add_argument('--limit', type=int, default=None, help='only the first N images of each set')
    ap.add_argument('--tile', type=int, default=None, help='run in tiles of N x N LR pixels (see above)')
    ap.add_argument('--tile-overlap', type=int, default=None,
                    help="the tiles' margin in LR pixels (default: the network's receptive field)")
    ap.add_argument('--json', help='also write the rows to this file')
    ap.add_argument('--child', nargs=7, help=argparse.SUPPRESS)
    a = ap.parse_args()
    if a.child:
        m, s, t, d, lim, tl, ov = a.child

        def opt(v):
            return None if v == 'none' else int(v)
        print(json.dumps(one(m, int(s), int(t), d, None if lim == 'all' else int(lim), opt(tl), opt(ov))))
        return
    from tabulate import tabulate
    rows = []
    for d in a.sets:
        for m in a.models:
            for s in a.scales:
                for t in a.threads:
                    env = dict(os.environ, OMP_NUM_THREADS=str(t), MKL_NUM_THREADS=str(t))
                    cmd = [sys.executable, __file__, '--child', m, str(s), str(t), d,
                           'all' if a.limit is None else str(a.limit), str(a.tile).lower(),
                           str(a.tile_overlap).lower()]
                    r = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=ROOT)
                    if r.returncode:
                        # e.g. killed for memory (-9): say so and go on
                        last = (r.stderr.strip().splitlines() or [''])[-1]
                        rows.append(dict(model=m, scale=s, threads=t, dataset=d,
                                         error=f'exit {r.returncode}: {last}'))
                    else:
                        rows.append(json.loads(r.stdout.strip().splitlines()[-1]))
                    print(json.dumps(rows[-1]), flush=True)
    cols = ['model', 'scale', 'threads', 'dataset', 'images', 'largest_lr', 's_per_image', 's_max',
            'rss_before_mib', 'peak_rss_mib', 'tile', 'exact', 'error']
    print(tabulate([[r.get(c, '') if not isinstance(r.get(c), float) else f'{r[c]:.2f}' for c in cols]
                    for r in rows], headers=cols, tablefmt='github'))
    if a.json:
        Path(a.json).write_text(json.dumps(rows, indent=1))


if __name__ == '__main__':
    main()
