"""Optimizer wrappers. Mixed precision on CPU: MMEngine's AmpOptimWrapper needs a GPU; CPUAmpOptimWrapper
autocasts to bfloat16 on the CPU (bfloat16 has float32's range, so no loss scaling is needed).
LRScaledClipOptimWrapper: gradient clipping relative to the learning rate. GroupedOptimWrapperConstructor:
paramwise_cfg without one optimizer group per parameter."""
from contextlib import contextmanager

import torch
from mmengine.optim import DefaultOptimWrapperConstructor, OptimWrapper

from ..errors import ConfigError
from ..registry import OPTIM_WRAPPER_CONSTRUCTORS, OPTIM_WRAPPERS


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


@OPTIM_WRAPPER_CONSTRUCTORS.register_module()
class GroupedOptimWrapperConstructor(DefaultOptimWrapperConstructor):
    """MMEngine's default constructor, with the parameter groups that ``paramwise_cfg`` creates (one per
    parameter) merged when their settings are equal, and made plain dicts.

    Same optimisation, fewer and lighter groups: per-parameter ``ConfigDict`` groups cost a light model
    10-20 % of its step time (the optimizer loops over groups and reads every setting through
    ``ConfigDict.__getitem__``). Use it with
    ``optim_wrapper=dict(constructor='GroupedOptimWrapperConstructor', paramwise_cfg=...)``.
    """

    def add_params(self, params, module, prefix: str = '', is_dcn_module=None) -> None:
        if prefix:                                    # recursion inside MMEngine's implementation
            return super().add_params(params, module, prefix, is_dcn_module)
        groups: list = []
        super().add_params(groups, module, prefix, is_dcn_module)
        merged: dict = {}
        for g in groups:
            settings = {k: v for k, v in dict(g).items() if k != 'params'}
            key = repr(sorted(settings.items()))
            if key not in merged:
                merged[key] = dict(settings, params=[])
            merged[key]['params'].extend(g['params'])
        params.extend(merged.values())
