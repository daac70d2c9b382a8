"""SRRunner: MMEngine's Runner with srbench's console (see :mod:`srbench.engine.console`).

It differs from :class:`mmengine.runner.Runner` only in what reaches the console: MMEngine's set-up dumps
(environment, config, hook table) go to the log file alone unless verbose, MMEngine's deprecation warnings
about its internals are hidden, and a training progress bar (:class:`~srbench.engine.hooks.ProgressHook`)
is added where stderr is a terminal. Results and checkpoints are the same as a plain Runner's. The
environment it logs is MMEngine's, with torchvision's version read from its package metadata instead of
importing it (importing torchvision pulls in torch's dynamo: ~0.5 s of every run's start-up), and its
visualizer makes its matplotlib figure only when something draws (:mod:`srbench.engine.visualizer`).
"""
from __future__ import annotations

import sys
from importlib import metadata

from mmengine.runner import Runner
from mmengine.visualization import Visualizer

from ..registry import RUNNERS
from ..utils.modules import hidden_modules
from .console import filter_mmengine_warnings, quiet_console
from .hooks import ProgressHook
from .visualizer import LazyFigureVisualizer


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

    def build_visualizer(self, visualizer=None):
        """MMEngine's, with :class:`~srbench.engine.visualizer.LazyFigureVisualizer` where the config asks for
        the plain ``Visualizer`` (its matplotlib figure is made when something first draws)."""
        if isinstance(visualizer, dict) and visualizer.get('type') in ('Visualizer', 'mmengine.Visualizer',
                                                                       Visualizer):
            visualizer = dict(visualizer, type=LazyFigureVisualizer)
        return super().build_visualizer(visualizer)

    def _log_env(self, env_cfg: dict) -> None:
        """MMEngine's environment log, with torchvision's version from its package metadata (when it is
        not imported yet: MMEngine's ``collect_env`` runs with ``import torchvision`` failing, which it
        allows)."""
        import mmengine.runner.runner as runner_mod
        if 'torchvision' in sys.modules:
            return super()._log_env(env_cfg)
        collect = runner_mod.collect_env

        def collect_env():
            with hidden_modules(['torchvision']):
                env = collect()
            try:
                env['TorchVision'] = metadata.version('torchvision')
            except metadata.PackageNotFoundError:
                pass
            return env
        runner_mod.collect_env = collect_env
        try:
            return super()._log_env(env_cfg)
        finally:
            runner_mod.collect_env = collect
