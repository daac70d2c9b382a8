"""Iteration-based training loop whose resume does not reload the data already trained on.

MMEngine's ``IterBasedTrainLoop`` resumes at iteration k by drawing k batches from the data loader and
throwing them away, so that the data order goes on as in an unbroken run. Every one of those batches is read
and collated: resuming FSRCNN x3 (batch 128, H5 patches) at iteration 32,000 took 4.5 minutes of a
2-core CPU before the first new iteration; a paper-length run resumed near its end would take hours.

When the training samples depend on their index alone (the patch datasets: H5, LMDB, patch folders; no
random transforms) and the sampler is MMEngine's ``InfiniteSampler``, the data a batch holds is fixed by the
indices the sampler yields, so skipping the *indices* of k batches gives exactly the order of the replay and
reads nothing. With random transforms (``RandomCropDataset``, pipelines) the replay also advances the
random state of the augmentations, so this loop replays as MMEngine does. A batch sampler that groups
indices (``ScaleBatchSampler``) skips whole batches itself through its ``skip_next(n)`` method.

Registered as ``IterBasedTrainLoop`` in srbench's scope, so every config with ``default_scope='srbench'``
uses it; ``fast_resume=False`` turns the fast path off.
"""
from __future__ import annotations

import itertools
import logging

import torch
from mmengine.dataset import InfiniteSampler
from mmengine.logging import print_log
from mmengine.runner.loops import IterBasedTrainLoop as _MMIterBasedTrainLoop
from mmengine.runner.loops import _InfiniteDataloaderIterator
from torch.utils.data import BatchSampler

from ..registry import LOOPS
from .patches import install as install_patches
from .model_data import complete_by_model


def index_determined(dataset) -> bool:
    """True when every sample of ``dataset`` depends on its index alone (``index_determined_samples``),
    looking through ConcatDataset, RepeatDataset and Subset wrappers."""
    if getattr(dataset, 'index_determined_samples', False):
        return True
    subs = getattr(dataset, 'datasets', None)
    if subs is not None:
        return all(index_determined(d) for d in subs)
    inner = getattr(dataset, 'dataset', None)
    if inner is not None and (hasattr(dataset, 'indices') or hasattr(dataset, 'times')):
        return index_determined(inner)
    return False


@LOOPS.register_module()
class IterBasedTrainLoop(_MMIterBasedTrainLoop):
    """MMEngine's ``IterBasedTrainLoop`` with a resume that skips sampler indices instead of loading data
    (see the module docstring), and ``model.train()`` called when the model is not in training mode (after
    validation) rather than at every iteration. Same arguments, plus ``fast_resume`` (default True).
    Installs :func:`srbench.engine.patches.install` (idempotent) before it builds its data loader."""

    def __init__(self, runner, dataloader, max_iters: int, val_begin: int = 1, val_interval: int = 1000,
                 dynamic_intervals=None, fast_resume: bool = True) -> None:
        # srbench trains with its fixes to MMEngine (checkpoints, logging, collate lookup): a Runner built by
        # hand (plain Runner.from_cfg) gets them here, before the data loader is built (sr_collate needs them)
        install_patches()
        dataloader = complete_by_model(runner, dataloader, 'train_dataloader')   # input_kind/channels
        super().__init__(runner, dataloader, max_iters, val_begin, val_interval, dynamic_intervals)
        self.fast_resume = bool(fast_resume)

    def _fast_forward(self, n_batches: int) -> bool:
        """Restart the data loader's index stream n_batches further on, without loading; False when the
        data or sampler do not allow it (then the caller replays)."""
        dl = self.dataloader
        bsampler = getattr(dl, 'batch_sampler', None)
        # the index sampler: with a batch sampler set in the config, DataLoader.sampler is a SequentialSampler
        # of its own and the InfiniteSampler sits inside the batch sampler (ScaleBatchSampler)
        sampler = getattr(bsampler, 'sampler', None) or getattr(dl, 'sampler', None)
        if not self.fast_resume or not isinstance(sampler, InfiniteSampler) or \
                not index_determined(dl.dataset):
            return False
        if type(bsampler) is BatchSampler:
            skip_indices, skip_batches = n_batches * bsampler.batch_size, 0
        elif callable(getattr(bsampler, 'skip_next', None)):     # e.g. ScaleBatchSampler
            skip_indices, skip_batches = 0, n_batches
        else:
            return False
        # drop the iterator built with the loop (its workers may have prefetched batches 0, 1, ...)
        self.dataloader_iterator = None
        # a fresh index stream from the sampler's seed, as a new process had it, moved on by the skip
        sampler.indices = itertools.islice(sampler._indices_of_rank(), skip_indices, None)
        if skip_batches:
            bsampler.skip_next(skip_batches)
        # a new loader iterator draws its worker seed from torch's global RNG: keep the global state as the
        # unbroken run had it (the patch datasets use no random numbers, so the worker seed does not matter)
        state = torch.get_rng_state()
        self.dataloader_iterator = _InfiniteDataloaderIterator(dl)
        torch.set_rng_state(state)
        return True

    def run(self):
        self.runner.call_hook('before_train')
        self.runner.call_hook('before_train_epoch')
        if self._iter > 0:
            if self._fast_forward(self._iter):
                print_log(f'srbench: resumed at iteration {self._iter}: moved the sampler on by {self._iter} '
                          'batches without loading them (the training samples depend on their index alone)',
                          logger='current')
            else:
                print_log(f'srbench: resumed at iteration {self._iter}: replaying {self._iter} batches of '
                          'the data loader so that data order and augmentation go on as in an unbroken run',
                          logger='current', level=logging.WARNING)
                for _ in range(self._iter):
                    next(self.dataloader_iterator)
        model = self.runner.model
        while self._iter < self._max_iters and not self.stop_training:
            # MMEngine calls model.train() at every iteration, a walk over every module (~0.15 ms for FSRCNN,
            # 3 % of its CPU step); only validation (model.eval()) changes the mode, so switch back only then
            if not model.training:
                model.train()
            data_batch = next(self.dataloader_iterator)
            self.run_iter(data_batch)
            self._decide_current_val_interval()
            if (self.runner.val_loop is not None and self._iter >= self.val_begin
                    and (self._iter % self.val_interval == 0 or self._iter == self._max_iters)):
                self.runner.val_loop.run()
        self.runner.call_hook('after_train_epoch')
        self.runner.call_hook('after_train')
        return self.runner.model
