"""Config fragments that several plugins' configs share but that depend on a value each config chooses.

An MMEngine base config takes no arguments, and a config cannot inherit two bases that define the same key
(the paper config it starts from already defines the optimiser, the loop and the hooks), so a recipe that
is "the same, with this run length and this last layer" is a function the config calls::

    _base_ = ['./fsrcnn_x3.py']
    from srbench.recipes import cpu_budget

    max_iters = 40_000
    (train_dataloader, optim_wrapper, param_scheduler, train_cfg, default_hooks, custom_hooks,
     test_dataloader) = cpu_budget(max_iters, batch_size=128, last_layer='generator.deconv', log_interval=200)

The names it returns are the config keys, in that order (:class:`CPUBudget`); the config's text keeps the
numbers that differ between papers.
"""
from __future__ import annotations

from typing import NamedTuple

from .errors import ConfigError


class CPUBudget(NamedTuple):
    """The config keys :func:`cpu_budget` sets, in the order a config unpacks them."""
    train_dataloader: dict
    optim_wrapper: dict
    param_scheduler: list
    train_cfg: dict
    default_hooks: dict
    custom_hooks: list
    test_dataloader: list


def cpu_budget(max_iters: int, batch_size: int, last_layer: str, log_interval: int, lr: float = 1e-3,
               minutes: int = 30, test_sets=('Set5', 'Set14'), scale: int = 3) -> CPUBudget:
    """The "about 30 minutes on a 2-core CPU" recipe of the ``*_cpu30m`` configs: the paper config's model,
    initialisation and data, trained with Adam at ``lr`` (the layer ``last_layer`` -- a parameter-name
    prefix such as ``'generator.conv3'`` -- 10x slower, as the papers' last layers) instead of the papers'
    SGD, one 10x decay at 80 % of ``max_iters``, validation and a checkpoint (the last two kept) every 10 %,
    :class:`~srbench.engine.hooks.TrainTimeLimitHook` ending the run after ``minutes``, loaders in the main
    process, and testing on ``test_sets`` at ``scale``. ``optim_wrapper`` replaces the paper's
    (``_delete_``); the other keys merge into it."""
    from .data.benchmarks import test_loaders
    if isinstance(max_iters, bool) or not isinstance(max_iters, int) or max_iters < 10:
        raise ConfigError(f'cpu_budget: max_iters must be an integer >= 10 (validation every 10 %), '
                          f'got {max_iters!r}')
    return CPUBudget(
        train_dataloader=dict(batch_size=batch_size, num_workers=0, persistent_workers=False),
        optim_wrapper=dict(_delete_=True, type='OptimWrapper', optimizer=dict(type='Adam', lr=lr),
                           constructor='GroupedOptimWrapperConstructor',
                           paramwise_cfg=dict(custom_keys={last_layer: dict(lr_mult=0.1)})),
        param_scheduler=[dict(type='MultiStepLR', by_epoch=False, milestones=[int(max_iters * 0.8)],
                              gamma=0.1)],
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters // 10),
        default_hooks=dict(logger=dict(interval=log_interval),
                           checkpoint=dict(interval=max_iters // 10, max_keep_ckpts=2)),
        custom_hooks=[dict(type='TrainTimeLimitHook', minutes=minutes)],
        test_dataloader=test_loaders(list(test_sets), [scale]),
    )
