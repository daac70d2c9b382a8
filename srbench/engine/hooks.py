"""Hooks srbench adds to MMEngine's."""
from __future__ import annotations

import time

from mmengine.hooks import Hook
from mmengine.logging import print_log

from ..errors import ConfigError
from ..registry import HOOKS


@HOOKS.register_module()
class TrainTimeLimitHook(Hook):
    """Stop an iteration-based training run after ``minutes`` of training, cleanly: the current
    iteration becomes the last one, so validation and the final checkpoint (``save_last``) happen as
    at a normal end. Used for "train for about 30 minutes" budgets and by the demo.

    Args:
        minutes: wall-clock budget for training, counted from the first training iteration (data
            preparation and model building are not counted).
    """
    priority = 'NORMAL'

    def __init__(self, minutes: float):
        if not isinstance(minutes, (int, float)) or minutes <= 0:
            raise ConfigError(f'TrainTimeLimitHook: minutes must be a positive number, got {minutes!r}')
        self.seconds = float(minutes) * 60.0
        self._t0 = None
        self.stopped_at: int | None = None      # the iteration the limit stopped the run at (None: not cut)
        self.planned: int | None = None         # the run's max_iters before the limit

    def before_train(self, runner) -> None:
        self._t0 = None
        self.stopped_at = None
        self.planned = runner.train_loop.max_iters

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        if self._t0 is None:
            self._t0 = time.perf_counter()

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self._t0 is None or time.perf_counter() - self._t0 < self.seconds:
            return
        loop = runner.train_loop
        if runner.iter + 1 < loop.max_iters:
            print_log(f'srbench: training time limit ({self.seconds / 60:g} min) reached at iteration '
                      f'{runner.iter + 1}; stopping there', logger='current')
            loop._max_iters = runner.iter + 1
            self.stopped_at = runner.iter + 1


@HOOKS.register_module()
class ProgressHook(Hook):
    """A progress bar for training where stderr is a terminal (:func:`srbench.utils.progress.interactive`):
    iterations done / total, it/s, ETA and the current loss. Does nothing elsewhere (the logger's line per
    interval is the record there). While the bar is drawn, the logger's console lines appear above it.
    Only the main process draws.
    """
    priority = 'LOW'

    def __init__(self, enabled: bool | None = None):
        self.enabled = enabled
        self._bar = None
        self._streams: list = []

    def before_train(self, runner) -> None:
        import logging
        import sys

        from mmengine.dist import is_main_process

        from ..utils.progress import ProgressBar, interactive
        on = interactive() if self.enabled is None else self.enabled
        if not on or not is_main_process():
            return
        loop = runner.train_loop
        self._bar = ProgressBar(loop.max_iters, 'train', unit='it', enabled=True, fields=('loss',),
                                redirect_stdout=True)
        self._bar.update(runner.iter)
        # the logger's console handler holds the real stdout; point it at the bar's (rich's) stdout proxy
        for h in runner.logger.handlers:
            if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler) \
                    and h.stream is sys.__stdout__ and sys.stdout is not sys.__stdout__:
                self._streams.append((h, h.setStream(sys.stdout)))

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self._bar is None:
            return
        loss = outputs.get('loss') if isinstance(outputs, dict) else None
        if hasattr(loss, 'detach'):
            loss = loss.detach()
        total = runner.train_loop.max_iters
        if total != self._bar.total:     # cut short by TrainTimeLimitHook
            self._bar.set_total(total)
        self._bar.update(1, **({'loss': f'{float(loss):.4g}'} if loss is not None else {}))

    def after_train(self, runner) -> None:
        self._close()

    def after_run(self, runner) -> None:
        self._close()

    def _close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        for h, old in self._streams:
            h.setStream(old)
        self._streams = []
