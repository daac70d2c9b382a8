"""The model completes the data configs of the Runner's loops.

A config never repeats a network's input kind and channels: every dataset's ``input_kind`` and ``channels``
come from the network's plugin declaration (:class:`srbench.spec.ModelInfo`). MMEngine's Runner builds the
model first (in its constructor) and each loop's datasets later (when the loop is built), so srbench's loops
hand their dataloader config to the model before they build it: :func:`complete_by_model` calls the model's
``complete_dataloader_cfg(dataloader, where)`` (:meth:`srbench.models.SRModel.complete_dataloader_cfg`),
which fills the unset keys and raises one ConfigError for a contradiction or an unsupported scale. A model
without that method (not an SRModel) gets its dataloaders unchanged.

This is what makes a config run in a plain ``Runner.from_cfg(cfg)``; srbench's tools also do it earlier,
on the config (:func:`srbench.apis.common.apply_model_meta`), to report errors before anything is built.
Every srbench loop does it: ``IterBasedTrainLoop``, ``MultiTestLoop``, and the ``ValLoop`` and ``TestLoop``
below, registered in srbench's scope (so ``val_cfg = dict(type='ValLoop')`` resolves to them).
"""
from __future__ import annotations

from mmengine.model import is_model_wrapper
from mmengine.runner.loops import TestLoop as _MMTestLoop
from mmengine.runner.loops import ValLoop as _MMValLoop

from ..registry import LOOPS


def complete_by_model(runner, dataloader, where: str):
    """``dataloader`` (a config, or a built DataLoader) completed by the runner's model; see the module
    docstring. ``where`` is the config key (``'train_dataloader'``, ...) named in error messages."""
    model = runner.model.module if is_model_wrapper(runner.model) else runner.model
    complete = getattr(model, 'complete_dataloader_cfg', None)
    return complete(dataloader, where) if callable(complete) else dataloader


@LOOPS.register_module()
class ValLoop(_MMValLoop):
    """MMEngine's ``ValLoop`` whose dataloader config the model completes first."""

    def __init__(self, runner, dataloader, evaluator, fp16: bool = False) -> None:
        super().__init__(runner, complete_by_model(runner, dataloader, 'val_dataloader'), evaluator, fp16)


@LOOPS.register_module()
class TestLoop(_MMTestLoop):
    """MMEngine's ``TestLoop`` whose dataloader config the model completes first."""

    def __init__(self, runner, dataloader, evaluator, fp16: bool = False) -> None:
        super().__init__(runner, complete_by_model(runner, dataloader, 'test_dataloader'), evaluator, fp16)
