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

    def before_train(self, runner) -> None:
        self._t0 = None

    def before_train_iter(self, runner, batch_idx: int, data_batch=None) -> None:
        if self._t0 is None:
            self._t0 = time.perf_counter()

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        if self._t0 is None or time.perf_counter() - self._t0 < self.seconds:
            return
        loop = runner.train_loop
        if runner.iter + 1 < loop.max_iters:
            print_log(f'srbench: training time limit ({self.seconds / 60:.1f} min) reached at iteration '
                      f'{runner.iter + 1}; stopping there', logger='current')
            loop._max_iters = runner.iter + 1
