"""MultiTestLoop: evaluate every test set of a config (each dataloader is one data set at one
scale) and keep one :class:`srbench.results.SetResult` per test set (means, protocol, per-image rows)
for the results JSON."""
from __future__ import annotations

import copy
import logging
import numbers
import os
import time
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from typing import Sequence

import torch
from mmengine.dist import is_main_process
from mmengine.logging import print_log
from mmengine.runner.amp import autocast
from mmengine.runner.base_loop import BaseLoop
from mmengine.structures import BaseDataElement

from ..registry import LOOPS
from ..results import Protocol, SetResult
from ..utils.parallel import eval_threads, kernels_inline
from ..utils.progress import ProgressBar
from .console import own_test_lines
from .model_data import complete_by_model


def _dataset_cfg_dirs(ds_cfg) -> list[str]:
    """Folders/files a dataset config points at (for skip_missing)."""
    out = []
    if isinstance(ds_cfg, dict):
        for k, v in ds_cfg.items():
            if k.endswith(('_dir', '_path', '_file')) or k in ('h5_path', 'lmdb_path', 'hr_lmdb', 'lr_lmdb'):
                if isinstance(v, str) and v:
                    out.append(v)
            elif k in ('dataset',):
                out += _dataset_cfg_dirs(v)
            elif k == 'datasets' and isinstance(v, (list, tuple)):
                for d in v:
                    out += _dataset_cfg_dirs(d)
    return out


def set_line(res: SetResult, seconds: float) -> str:
    """The line printed when a test set is done: ``Set5 x2: 5 images in 1.2 s  PSNR 33.64  SSIM 0.9292``
    (each metric with its tables' decimals)."""
    from ..metrics.base import metric_decimals
    vals = []
    for k, v in res.metrics.items():
        if isinstance(v, numbers.Real):
            vals.append(f'{k} {float(v):.{metric_decimals(k)}f}')
        else:
            vals.append(f'{k} {v}')
    return f'{res.dataset} x{res.scale}: {res.num_images} images in {seconds:.1f} s  ' + '  '.join(vals)


def _rows_capable(metric) -> bool:
    """A metric whose results rows can be computed apart from storing them (:meth:`SRMetric.rows`, with
    :meth:`SRMetric.process` not overridden)."""
    from ..metrics.base import SRMetric
    return isinstance(metric, SRMetric) and type(metric).process is SRMetric.process


class _MetricWorker:
    """``evaluator.process`` of each batch, in the caller (``threads=0``), in one background thread
    (``threads=1``), or two batches at a time in two threads (``threads=2``).

    With threads, the metrics of batch i run while the caller loads batch i+1 and runs the network (NumPy,
    OpenCV and torch release the GIL in their kernels, so two cores work). With one thread, the metric
    kernels split their work in halves with a helper thread (:mod:`srbench.utils.parallel`); with two, each
    thread works on its own batch (every metric must compute rows apart from storing them,
    :meth:`~srbench.metrics.base.SRMetric.rows`, else one thread is used) and the rows are stored in the
    batches' order. Either way the metrics see each image as they would in one thread, so the numbers are
    the same bit for bit; at most ``threads`` batches wait in the threads, and an error of a metric (a
    :class:`~srbench.errors.DataError` naming the image) is raised in the caller, never lost."""

    def __init__(self, evaluator, threads: int):
        self.evaluator = evaluator
        self.metrics = list(getattr(evaluator, 'metrics', None) or [])
        if threads >= 2 and not (self.metrics and all(_rows_capable(m) for m in self.metrics)):
            threads = 1
        self.threads = min(threads, 2)
        self.pool = None
        if self.threads:   # the threads work on the caller's CUDA device (a rank's own GPU), if one is in use
            dev = torch.cuda.current_device() if torch.cuda.is_available() and torch.cuda.is_initialized() \
                else None
            self.pool = ThreadPoolExecutor(self.threads, thread_name_prefix='srbench-metrics', initializer=(
                None if dev is None else torch.cuda.set_device), initargs=(() if dev is None else (dev,)))
        self.pending: deque = deque()
        self.submitted = 0

    def _process(self, outputs, batch) -> None:
        with torch.no_grad():                   # grad mode is per thread: the metrics never need gradients
            self.evaluator.process(data_samples=outputs, data_batch=batch)

    def _rows(self, samples, first: int) -> list:
        from ..metrics.base import forget_last_pair
        try:
            with torch.no_grad(), kernels_inline():
                return [m.rows(samples, first) for m in self.metrics]
        finally:
            forget_last_pair()

    def submit(self, outputs, batch) -> None:
        if self.pool is None:
            self._process(outputs, batch)
            return
        while len(self.pending) >= self.threads:
            self._commit_oldest()
        if self.threads == 1:
            self.pending.append(self.pool.submit(self._process, outputs, batch))
            return
        samples = [o.to_dict() if isinstance(o, BaseDataElement) else o for o in outputs]
        self.pending.append(self.pool.submit(self._rows, samples, self.submitted))
        self.submitted += len(samples)

    def _commit_oldest(self) -> None:
        rows = self.pending.popleft().result()
        if rows is not None:                    # two threads: store each metric's rows, in the batches' order
            for m, r in zip(self.metrics, rows):
                m.results.extend(r)

    def wait(self) -> None:
        while self.pending:
            self._commit_oldest()

    def __enter__(self):
        return self

    def __exit__(self, exc_type, exc, tb):
        if self.pool is None:
            return False
        try:
            if exc_type is None:
                self.wait()
        finally:                                # an error: batches not started are dropped
            self.pool.shutdown(wait=True, cancel_futures=True)
        return False


@LOOPS.register_module()
class MultiTestLoop(BaseLoop):
    """Test loop over several dataloaders with one evaluator config.

    Args:
        runner: the Runner.
        dataloader: one dataloader config or a list of them (one per data set and scale).
        evaluator: metric config(s), rebuilt fresh for every dataloader.
        fp16: autocast during inference.
        skip_missing: skip (with a warning) a data set whose folder or file does not exist, instead of
            failing; the run fails if every data set is missing.
        metric_thread: compute the metrics in background threads while the next image is loaded and goes
            through the network: two threads, each on its own image, with ``$SRBENCH_THREADS`` of 2 or more
            (the default on a machine with two or more CPUs; one thread when a metric cannot compute its rows
            apart from storing them); the metrics see every image as in one thread and store them in order,
            so the numbers are the same bit for bit. ``False``, or ``$SRBENCH_THREADS=1``
            (:mod:`srbench.utils.parallel`): everything in one thread, image after image.
    """

    def __init__(self, runner, dataloader, evaluator, fp16: bool = False, skip_missing: bool = False,
                 metric_thread: bool = True):
        self._runner = runner
        cfgs = dataloader if isinstance(dataloader, (list, tuple)) else [dataloader]
        self.dataloader_cfgs = [copy.deepcopy(complete_by_model(runner, c, 'test_dataloader')) for c in cfgs]
        self.evaluator_cfg = evaluator
        self.fp16, self.skip_missing, self.metric_thread = fp16, skip_missing, bool(metric_thread)
        self.dataloader = None
        self.results: list[SetResult] = []
        self.skipped: list[str] = []

    def _threads(self) -> int:
        """Metric threads: ``$SRBENCH_THREADS`` (default: the CPUs, at most 2) when it allows a second thread
        and ``metric_thread`` is on, else none."""
        n = eval_threads()
        return n if self.metric_thread and n > 1 else 0

    def _missing(self, dl_cfg) -> list[str]:
        ds = dl_cfg.get('dataset', {}) if isinstance(dl_cfg, dict) else {}
        return [p for p in _dataset_cfg_dirs(ds) if not os.path.exists(os.path.expanduser(p))]

    def run(self) -> dict:
        with own_test_lines():
            return self._run()

    def _run(self) -> dict:
        self.runner.call_hook('before_test')
        all_metrics = {}
        for dl_cfg in self.dataloader_cfgs:
            if not isinstance(dl_cfg, dict):
                dl = dl_cfg
            else:
                missing = self._missing(dl_cfg) if self.skip_missing else []
                if missing:
                    ds = dl_cfg.get('dataset', {})
                    label = f'{ds.get("name") or ds.get("hr_dir")} x{ds.get("scale")}'
                    print_log(f'srbench: skipping test set {label}: {missing[0]} does not exist',
                              logger='current', level=logging.WARNING)
                    self.skipped.append(label)
                    continue
                dl = self.runner.build_dataloader(copy.deepcopy(dl_cfg), seed=self.runner.seed)
            all_metrics.update(self._run_one(dl))
        if not self.results:
            from ..data.benchmarks import ENV_ROOT, benchmark_root
            from ..errors import DataError
            if self.skipped:
                raise DataError('no test set could be evaluated: all are missing: '
                                f'{", ".join(self.skipped)}. '
                                f'Benchmark sets are read from ${ENV_ROOT} (now {benchmark_root()}) as '
                                '<Set>/HR/*; `srbench data check ROOT` says what a data root lacks, and '
                                'docs/user-guide.md "Getting the benchmark data" where to get the sets')
            raise DataError('no test set could be evaluated: the config has none')
        self.runner.call_hook('after_test')
        return all_metrics

    def _run_one(self, dl) -> dict:
        self.dataloader = dl
        evaluator = self.runner.build_evaluator(copy.deepcopy(self.evaluator_cfg))
        ds = dl.dataset
        meta = dict(getattr(ds, 'metainfo', {}) or {})
        evaluator.dataset_meta = meta
        self.runner.call_hook('before_test_epoch')
        self.runner.model.eval()
        name, scale = meta.get('dataset', type(ds).__name__), meta.get('scale')
        t0 = time.perf_counter()
        with ProgressBar(len(ds), f'{name} x{scale}', unit='img',
                         enabled=None if is_main_process() else False) as bar, _MetricWorker(
                             evaluator, self._threads()) as worker:
            for idx, batch in enumerate(dl):
                self.runner.call_hook('before_test_iter', batch_idx=idx, data_batch=batch)
                with torch.no_grad(), autocast(enabled=self.fp16):
                    outputs = self.runner.model.test_step(batch)
                worker.submit(outputs, batch)
                self.runner.call_hook('after_test_iter', batch_idx=idx, data_batch=batch, outputs=outputs)
                bar.update(len(outputs) if isinstance(outputs, (list, tuple)) else 1)
        metrics = evaluator.evaluate(len(ds))
        self.results.append(self._record(evaluator.metrics, metrics, meta, ds))
        print_log(set_line(self.results[-1], time.perf_counter() - t0), logger='current', level=logging.INFO)
        tagged = {f'{name}/x{scale}/{k}': v for k, v in metrics.items()}
        self.runner.call_hook('after_test_epoch', metrics=tagged)
        return tagged

    @staticmethod
    def _record(metric_objs: Sequence, metrics: dict, meta: dict, ds) -> SetResult:
        """The result of one data set: the evaluator's means, each metric's protocol and the data set's,
        and one row per image with every metric's value (keys prefixed like the means)."""
        per_image: list[dict] = []
        protocol = {}
        for m in metric_objs:
            rows = getattr(m, 'per_image', None) or []
            for i, row in enumerate(rows):
                if i >= len(per_image):
                    per_image.append({'name': row.get('name')})
                per_image[i].update({(f'{m.prefix}/{k}' if m.prefix else k): v
                                     for k, v in row.items() if k != 'name'})
            if hasattr(m, 'protocol_info'):
                key = getattr(m, 'metric_name', type(m).__name__)
                protocol[f'{m.prefix}/{key}' if m.prefix else key] = m.protocol_info(meta.get('scale'))
        data_protocol = ds.protocol_info() if hasattr(ds, 'protocol_info') else {}
        means = {k: float(v) if isinstance(v, numbers.Real) else v for k, v in metrics.items()}
        return SetResult(dataset=meta.get('dataset') or type(ds).__name__, scale=meta.get('scale'),
                         num_images=len(ds), metrics=means,
                         protocol=Protocol(metrics=protocol, data=data_protocol), per_image=per_image)
