#!/usr/bin/env python
"""Training speed of the classic models on CPU and srbench's harness overhead (prints figures; not a test).

For each model: training iterations/s at batch 16 through srbench's harness -- MMEngine's Runner with the
model's config (SRModel and its checks, the data preprocessor, the optim wrapper and parameter groups of
the config, every default hook: timer, logger, scheduler, checkpoint) -- and through a bare PyTorch loop
with the same network, the same optimizer and the same tensors (forward, loss, backward, step; no data
loading, no hooks). Both are fed the same fixed batch from memory, so the ratio harness / bare is the
harness overhead (goal: <= 1.10).

    .venv/bin/python benchmarks/bench_train.py [--models srcnn fsrcnn ...|all] [--threads 2] [--seconds 8]
                                               [--repeats 3] [--batch 16] [--history N [--mmengine-history]]

Default models: the light ones (srcnn fsrcnn fsrcnn_s espcn vdsr lapsrn). ``drcn`` and ``drrn`` take
minutes per iteration at batch 16 on two cores: ask for them explicitly (or ``all``).
``--history N`` times the harness as it is N iterations into a run: the message hub's logged scalars
already hold N values (MMEngine 0.10's ``HistoryBuffer.update`` copies the whole history per call; srbench's
patches install an amortised O(1) one -- ``--mmengine-history`` puts MMEngine's back, for comparison).
Timings alternate harness / bare ``--repeats`` times. Printed: the median rates and their ratio, and the
ratio of the best rates (less sensitive to other load on a shared machine).
"""
from __future__ import annotations

import argparse
import copy
import statistics
import sys
import tempfile
import time
from pathlib import Path

import torch

REPO = Path(__file__).resolve().parents[1]

# name: (config, input size (LR for 'lr' models, HR-sized for 'bicubic'), HR size, model overrides)
MODELS = {
    'srcnn': ('srcnn_x3_915.py', 33, 33, {}),
    'fsrcnn': ('fsrcnn_x3.py', 7, 21, {}),
    'fsrcnn_s': ('fsrcnn_x3_s.py', 7, 21, {}),
    'espcn': ('espcn_x3.py', 17, 51, {}),
    'vdsr': ('vdsr_x234.py', 41, 41, {}),
    'lapsrn': ('lapsrn_x4.py', 32, 128, {}),
    'drcn': ('drcn_x2.py', 41, 41, {}),
    'drrn': ('drrn_x234.py', 31, 31, {}),
}
LIGHT = ['srcnn', 'fsrcnn', 'fsrcnn_s', 'espcn', 'vdsr', 'lapsrn']


def fixed_batch(in_size, hr_size, batch, scale):
    g = torch.Generator().manual_seed(0)
    x = torch.rand(batch, 1, in_size, in_size, generator=g)
    y = torch.rand(batch, 1, hr_size, hr_size, generator=g)
    return x, y


_BATCHES: dict = {}   # name -> (inputs, gt): kept out of the config (MMEngine dumps the config as text)


def register_fixed_dataset():
    """A dataset that returns slices of one batch held in memory (no decoding, no resizing)."""
    from srbench.registry import DATASETS
    if DATASETS.get('BenchFixedDataset') is not None:
        return

    @DATASETS.register_module()
    class BenchFixedDataset(torch.utils.data.Dataset):
        def __init__(self, key, scale, input_kind=None, channels=None):
            (self.inputs, self.gt), self.scale = _BATCHES[key], scale
            self.input_kind, self.channels = input_kind, channels

        def __len__(self):
            return self.inputs.shape[0]

        def __getitem__(self, i):
            j = i % self.inputs.shape[0]
            return dict(inputs=self.inputs[j], gt=self.gt[j],
                        metainfo=dict(scale=self.scale, channels=self.channels, input_kind=self.input_kind))


def prefill_history(runner, n):
    """Make the message hub look n iterations old: every train scalar already has n values."""
    import numpy as np
    from mmengine.logging import HistoryBuffer
    hub = runner.message_hub
    for key in ('train/time', 'train/data_time', 'train/lr', 'train/base_lr', 'train/loss'):
        hub._log_scalars[key] = HistoryBuffer(np.full(n, 0.5), np.ones(n, dtype=np.int64))
        hub._resumed_keys[key] = True


class StopwatchHook:
    """Times iterations ``warmup`` .. end of training (added to the Runner's hooks)."""

    def __new__(cls, warmup):
        from mmengine.hooks import Hook

        class _Stopwatch(Hook):
            priority = 'VERY_LOW'

            def __init__(self):
                self.t0 = self.t1 = None
                self.n = 0

            def before_train_iter(self, runner, batch_idx, data_batch=None):
                if runner.iter == warmup:
                    self.t0 = time.perf_counter()

            def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
                if self.t0 is not None:
                    self.n += 1
                    self.t1 = time.perf_counter()
        return _Stopwatch()


def harness_rate(cfg_path, x, y, scale, iters, warmup, work_dir, history=0):
    """Iterations/s through srbench.apis.train's runner."""
    from srbench.apis.common import load_config
    from srbench.apis.train import build_runner, prepare_train_cfg
    cfg = load_config(cfg_path)
    cfg.train_dataloader = dict(
        batch_size=x.shape[0], num_workers=0, persistent_workers=False,
        sampler=dict(type='InfiniteSampler', shuffle=False), collate_fn=dict(type='sr_collate'),
        dataset=dict(type='BenchFixedDataset', key='batch', scale=scale))
    _BATCHES['batch'] = (x, y)
    cfg.train_cfg = dict(type='IterBasedTrainLoop', max_iters=warmup + iters, val_interval=10 ** 9)
    for k in ('val_dataloader', 'val_cfg', 'val_evaluator', 'test_dataloader', 'test_cfg', 'test_evaluator'):
        cfg.pop(k, None)
    cfg.default_hooks.checkpoint = dict(type='CheckpointHook', interval=10 ** 9, by_epoch=False,
                                        save_last=False)
    cfg.log_level = 'WARNING'
    cfg.experiment_name = f'bench_{Path(cfg_path).stem}_{time.time_ns()}'
    cfg = prepare_train_cfg(cfg, work_dir=work_dir)
    runner = build_runner(cfg)
    watch = StopwatchHook(warmup)
    runner.register_hook(watch)
    if history:
        prefill_history(runner, history)
    runner.train()
    return watch.n / (watch.t1 - watch.t0), runner


def bare_rate(model, optimizer, x, y, scale, iters, warmup):
    """The same network, loss and optimizer in a plain loop (``forward_train``: the network and the paper's
    loss, without SRModel's checks and MMEngine's train step)."""
    model.train()
    for i in range(warmup + iters):
        if i == warmup:
            t0 = time.perf_counter()
        loss = sum(v for k, v in model.forward_train(x, y, None, scale).items() if 'loss' in k)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    return iters / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument('--models', nargs='+', default=LIGHT, help=f'from {", ".join(MODELS)}, or all')
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--batch', type=int, default=16)
    ap.add_argument('--seconds', type=float, default=8.0, help='about this long per timing')
    ap.add_argument('--repeats', type=int, default=3)
    ap.add_argument('--history', type=int, default=0, help='time the harness as if N iterations into a run')
    ap.add_argument('--mmengine-history', action='store_true',
                    help="use MMEngine's own HistoryBuffer.update (np.append) instead of srbench's")
    a = ap.parse_args()
    names = list(MODELS) if a.models == ['all'] else a.models
    bad = [n for n in names if n not in MODELS]
    if bad:
        sys.exit(f'unknown model(s) {bad}; known: {", ".join(MODELS)}')
    torch.set_num_threads(a.threads)
    from srbench.engine import patches
    patches.install()           # what build_runner does; done first so that --mmengine-history can undo one
    if a.mmengine_history:
        from mmengine.logging import HistoryBuffer
        HistoryBuffer.update = patches.MMENGINE_HISTORY_UPDATE
    register_fixed_dataset()
    print(f'torch {torch.__version__}, {a.threads} thread(s), batch {a.batch}; '
          f'medians of {a.repeats} alternated runs; logged history {a.history} '
          f'({"MMEngine" if a.mmengine_history else "srbench"} HistoryBuffer.update)')
    print(f'{"model":10} {"harness it/s":>13} {"bare it/s":>10} {"overhead":>9} {"best/best":>13}')
    with tempfile.TemporaryDirectory() as tmp:
        for name in names:
            cfg_name, insz, hrsz, _ = MODELS[name]
            cfg_path = REPO / 'configs' / cfg_name
            scale = hrsz // insz if hrsz != insz else 3
            x, y = fixed_batch(insz, hrsz, a.batch, scale)
            # calibrate the number of iterations per timing on a short harness run
            rate, runner = harness_rate(cfg_path, x, y, scale, 2, 1, f'{tmp}/{name}_cal', a.history)
            iters = max(3, int(rate * a.seconds))
            hs, bs = [], []
            for _ in range(a.repeats):
                h, runner = harness_rate(cfg_path, x, y, scale, iters, 2, f'{tmp}/{name}', a.history)
                model = copy.deepcopy(runner.model)
                opt = type(runner.optim_wrapper.optimizer)(model.parameters(),
                                                           **runner.optim_wrapper.optimizer.defaults)
                hs.append(h)
                bs.append(bare_rate(model, opt, x, y, scale, iters, 2))
            h, b = statistics.median(hs), statistics.median(bs)
            print(f'{name:10} {h:13.2f} {b:10.2f} {b / h:8.3f}x  {max(bs) / max(hs):12.3f}x   '
                  f'({iters} iterations per timing)', flush=True)


if __name__ == '__main__':
    main()
