"""Hooks used by the tests only (imported with custom_imports)."""
import os
import signal

from mmengine.hooks import Hook

from srbench.registry import HOOKS


@HOOKS.register_module()
class KillAtIterHook(Hook):
    """SIGKILL the process right after iteration ``at`` (after its checkpoint is written): a crash."""
    priority = 'LOWEST'   # after CheckpointHook (VERY_LOW)

    def __init__(self, at: int):
        self.at = at

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        if runner.iter + 1 == self.at:
            os.kill(os.getpid(), signal.SIGKILL)
