"""Where the benchmark sets live, and dataloader configs for them (used by the configs).

The root is ``$SRBENCH_DATA_ROOT`` if set, else the first existing of ``./../shared/datasets``,
``<srbench checkout>/../shared/datasets`` and ``./data``; the layout is ``<root>/<Set>/HR/*``.
Configs call :func:`test_loaders` at load time, so the paths they hold are plain strings that
``--cfg-options`` can override.
"""
from __future__ import annotations

import os
from pathlib import Path

BENCHMARKS = ('Set5', 'Set14', 'BSD100', 'Urban100')
ENV_ROOT = 'SRBENCH_DATA_ROOT'


def benchmark_root() -> str:
    env = os.environ.get(ENV_ROOT)
    if env:
        return os.path.abspath(os.path.expanduser(env))
    here = Path(__file__).resolve().parents[2]
    cands = [Path.cwd().parent / 'shared' / 'datasets', here.parent / 'shared' / 'datasets', Path.cwd() / 'data']
    for c in cands:
        if c.is_dir():
            return str(c)
    return str(cands[0])


def test_loader(name: str, scale: int, root: str | None = None, hr_dir: str | None = None, **dataset_kwargs) -> dict:
    """Dataloader config of one benchmark set at one scale (whole images, batch 1, no shuffling)."""
    root = root or benchmark_root()
    ds = dict(type='PairedImageDataset', name=name, scale=scale,
              hr_dir=hr_dir or os.path.join(root, name, 'HR'), **dataset_kwargs)
    return dict(batch_size=1, num_workers=0, persistent_workers=False, drop_last=False,
                sampler=dict(type='DefaultSampler', shuffle=False), collate_fn=dict(type='sr_collate'), dataset=ds)


def test_loaders(names=BENCHMARKS, scales=(2, 3, 4), root: str | None = None, **dataset_kwargs) -> list:
    """One dataloader config per (set, scale), sets outer, scales inner."""
    return [test_loader(n, s, root, **dataset_kwargs) for n in names for s in scales]
