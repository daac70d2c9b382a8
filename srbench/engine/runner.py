"""SRRunner: MMEngine's Runner with srbench's console (see :mod:`srbench.engine.console`).

It differs from :class:`mmengine.runner.Runner` only in what reaches the console: MMEngine's set-up dumps
(environment, config, hook table) go to the log file alone unless verbose, MMEngine's deprecation warnings
about its internals are hidden, and a training progress bar (:class:`~srbench.engine.hooks.ProgressHook`)
is added where stderr is a terminal. Results and checkpoints are the same as a plain Runner's.
"""
from __future__ import annotations

from mmengine.runner import Runner

from ..registry import RUNNERS
from .console import filter_mmengine_warnings, quiet_console
from .hooks import ProgressHook


@RUNNERS.register_module()
class SRRunner(Runner):
    """The Runner srbench's tools build (``srbench.apis.train.build_runner``)."""

    def __init__(self, *args, **kwargs):
        filter_mmengine_warnings()
        super().__init__(*args, **kwargs)
        if not any(isinstance(h, ProgressHook) for h in self._hooks):
            self.register_hook(ProgressHook())

    def build_logger(self, log_level='INFO', log_file=None, **kwargs):
        return quiet_console(super().build_logger(log_level, log_file, **kwargs))
