"""Optimizer wrappers. Mixed precision on CPU: MMEngine's AmpOptimWrapper needs a GPU; CPUAmpOptimWrapper
autocasts to bfloat16 on the CPU (bfloat16 has float32's range, so no loss scaling is needed).
LRScaledClipOptimWrapper: gradient clipping relative to the learning rate."""
from contextlib import contextmanager

import torch
from mmengine.optim import OptimWrapper

from ..errors import ConfigError
from ..registry import OPTIM_WRAPPERS


@OPTIM_WRAPPERS.register_module()
class CPUAmpOptimWrapper(OptimWrapper):
    """OptimWrapper that runs forward passes under ``torch.autocast('cpu', dtype)``."""

    def __init__(self, dtype: str = 'bfloat16', **kwargs):
        super().__init__(**kwargs)
        self.cast_dtype = getattr(torch, dtype)

    @contextmanager
    def optim_context(self, model):
        with super().optim_context(model), torch.autocast('cpu', dtype=self.cast_dtype):
            yield


@OPTIM_WRAPPERS.register_module()
class LRScaledClipOptimWrapper(OptimWrapper):
    """Gradient clipping whose threshold follows the learning rate: ``theta / lr``.

    This is the "adjustable gradient clipping" of very deep SR networks trained with a high learning
    rate (VDSR, DRRN): the step ``lr * g`` stays bounded by ``theta`` whatever the current rate.

    Args:
        theta: the threshold times the learning rate.
        mode: ``'value'`` -- clip every gradient element to ``[-theta/lr, theta/lr]``; ``'norm'`` --
            rescale all gradients together so that their global L2 norm is at most ``theta/lr``
            (Caffe's ``clip_gradients``).
        **kwargs: as :class:`mmengine.optim.OptimWrapper` (``clip_grad`` is not allowed with this one).

    The rate used is the base learning rate (before per-parameter ``lr_mult``), as Caffe does.
    """

    def __init__(self, theta: float, mode: str = 'value', **kwargs):
        if kwargs.get('clip_grad'):
            raise ConfigError('LRScaledClipOptimWrapper clips by itself: remove optim_wrapper.clip_grad')
        if mode not in ('value', 'norm'):
            raise ConfigError(f'LRScaledClipOptimWrapper: mode must be "value" or "norm", got {mode!r}')
        if not isinstance(theta, (int, float)) or theta <= 0:
            raise ConfigError(f'LRScaledClipOptimWrapper: theta must be a positive number, got {theta!r}')
        super().__init__(**kwargs)
        self.theta, self.mode = float(theta), mode

    def base_lr(self) -> float:
        base = self.base_param_settings
        return float(base['lr'] if base is not None else self.optimizer.param_groups[0]['lr'])

    def step(self, **kwargs) -> None:
        limit = self.theta / max(self.base_lr(), 1e-12)
        params = [p for g in self.optimizer.param_groups for p in g['params'] if p.grad is not None]
        if params:
            if self.mode == 'value':
                torch.nn.utils.clip_grad_value_(params, limit)
            else:
                torch.nn.utils.clip_grad_norm_(params, limit)
        self.optimizer.step(**kwargs)
