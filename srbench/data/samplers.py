"""Multi-scale training: a batch sampler that keeps one scale per batch (DATA_SAMPLERS registry).

One network trained for x2, x3 and x4 at once (VDSR, DRRN, DRCN) sees patches of every scale, but a
batch must hold one scale (the model is told the scale per batch, and LR patches of different scales
differ in size). ``ScaleBatchSampler`` wraps the loader's sampler (``InfiniteSampler`` or
``DefaultSampler``, shuffled): it sorts the indices the sampler yields into one bucket per scale and
yields a bucket when it is full, so consecutive batches mix scales in proportion to the data::

    train_dataloader = dict(
        batch_size=64, num_workers=2, sampler=dict(type='InfiniteSampler', shuffle=True),
        batch_sampler=dict(type='ScaleBatchSampler'), collate_fn=dict(type='sr_collate'),
        dataset=dict(type='H5PatchDataset', h5_path='data/vdsr_291.h5'))

MMEngine's Runner builds it through its root DATA_SAMPLERS registry with ``default_args=dict(sampler=...,
batch_size=...)`` under the config's ``default_scope='srbench'``, which finds this child registry.
The scale of each index comes from the dataset (:func:`sample_scales`).
"""
from __future__ import annotations

import numpy as np
from torch.utils.data import BatchSampler

from ..errors import ConfigError
from ..registry import DATA_SAMPLERS


def sample_scales(dataset) -> np.ndarray:
    """The scale of every index of ``dataset``: its ``sample_scales``, through ConcatDataset,
    RepeatDataset and Subset wrappers, else its single ``scale``."""
    s = getattr(dataset, 'sample_scales', None)
    if s is not None:
        return np.asarray(s)
    subs = getattr(dataset, 'datasets', None)
    if subs is not None:                                         # torch / MMEngine ConcatDataset
        return np.concatenate([sample_scales(d) for d in subs])
    inner = getattr(dataset, 'dataset', None)
    if inner is not None:
        base = sample_scales(inner)
        if hasattr(dataset, 'indices'):                          # torch Subset
            return base[np.asarray(dataset.indices)]
        if hasattr(dataset, 'times'):                            # MMEngine RepeatDataset
            return np.tile(base, int(dataset.times))
    sc = getattr(dataset, 'scale', None)
    if sc is not None and not isinstance(sc, (list, tuple)):
        return np.full(len(dataset), int(sc))
    raise ConfigError(f'ScaleBatchSampler: cannot tell the scale of the samples of {type(dataset).__name__} '
                      '(it has neither "sample_scales" nor a single "scale")')


@DATA_SAMPLERS.register_module()
class ScaleBatchSampler(BatchSampler):
    """Batches of ``batch_size`` indices of one scale each, drawn from ``sampler``.

    Args:
        sampler: the index sampler (MMEngine passes the loader's ``sampler``); it must have the dataset
            as ``.dataset`` (``InfiniteSampler`` and ``DefaultSampler`` do).
        batch_size: samples per batch (MMEngine passes the loader's ``batch_size``).
        drop_last: with a finite sampler, drop each scale's last incomplete batch (default: yield them).
    """

    def __init__(self, sampler, batch_size: int, drop_last: bool = False):
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ConfigError(f'ScaleBatchSampler: batch_size must be a positive integer, got {batch_size!r}')
        super().__init__(sampler, batch_size, bool(drop_last))
        ds = getattr(sampler, 'dataset', None)
        if ds is None:
            raise ConfigError('ScaleBatchSampler: the sampler has no .dataset; use InfiniteSampler or '
                              'DefaultSampler')
        self.scales = sample_scales(ds)
        if len(self.scales) != len(ds):
            raise ConfigError(f'ScaleBatchSampler: {type(ds).__name__} gives {len(self.scales)} scales for '
                              f'{len(ds)} samples')

    def skip_next(self, n_batches: int) -> None:
        """Make the next iteration start n_batches further on (their indices are drawn and dropped, no data
        is loaded): how a resumed run reaches the data order of an unbroken one."""
        self._skip = int(n_batches)

    def __iter__(self):
        skip, self._skip = getattr(self, '_skip', 0), 0
        for batch in self._batches():
            if skip:
                skip -= 1
                continue
            yield batch

    def _batches(self):
        buckets: dict = {}
        for idx in self.sampler:
            b = buckets.setdefault(int(self.scales[idx]), [])
            b.append(idx)
            if len(b) == self.batch_size:
                yield b
                buckets[int(self.scales[idx])] = []
        if not self.drop_last:
            for s in sorted(buckets):
                if buckets[s]:
                    yield buckets[s]

    def __len__(self):
        from mmengine.dataset import InfiniteSampler
        if isinstance(self.sampler, InfiniteSampler):
            return max(1, len(self.sampler) // self.batch_size)
        idx = np.fromiter(iter(self.sampler), dtype=np.int64)
        _, counts = np.unique(self.scales[idx], return_counts=True)
        full = counts // self.batch_size
        return int(full.sum() if self.drop_last else (full + (counts % self.batch_size > 0)).sum())
