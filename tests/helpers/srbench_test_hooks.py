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


@HOOKS.register_module()
class RecordWorldHook(Hook):
    """Write ``rank<r>_of<w>_<backend>`` into the work dir: proof of how many processes trained."""

    def before_train(self, runner):
        import torch.distributed as dist
        from mmengine.dist import get_dist_info
        rank, world = get_dist_info()
        backend = dist.get_backend() if dist.is_initialized() else 'none'
        with open(os.path.join(runner.work_dir, f'rank{rank}_of{world}_{backend}'), 'w') as f:
            f.write(str(os.getpid()))


@HOOKS.register_module()
class AssertTrainModeHook(Hook):
    """Fail the run if a training iteration starts with the model (or any submodule) in eval mode."""

    def before_train_iter(self, runner, batch_idx, data_batch=None):
        bad = [n for n, m in runner.model.named_modules() if not m.training]
        if bad:
            raise RuntimeError(f'iteration {runner.iter + 1} starts in eval mode: {bad[:3]}')


@HOOKS.register_module()
class HangAtIterHook(Hook):
    """Rank ``rank`` stops answering after iteration ``at`` (sleeps): a hung process."""

    def __init__(self, rank: int, at: int):
        self.rank, self.at = rank, at

    def after_train_iter(self, runner, batch_idx, data_batch=None, outputs=None):
        import time

        import torch.distributed as dist
        if dist.is_initialized() and dist.get_rank() == self.rank and runner.iter + 1 == self.at:
            time.sleep(3600)
