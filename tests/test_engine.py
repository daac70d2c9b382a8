"""Engine pieces in-process: CPU AMP wrapper, time-limit hook, registries' scope."""
import torch
from mmengine.registry import MODELS as ROOT_MODELS

import srbench._core  # noqa: F401
from srbench import registry
from srbench.engine.optim import CPUAmpOptimWrapper


def test_cpu_amp_wrapper_autocasts_to_bfloat16():
    model = torch.nn.Linear(4, 4)
    ow = CPUAmpOptimWrapper(optimizer=torch.optim.SGD(model.parameters(), lr=0.1))
    with ow.optim_context(model):
        y = model(torch.rand(2, 4))
    assert y.dtype == torch.bfloat16
    ow.update_params(y.float().pow(2).mean())
    assert model.weight.dtype == torch.float32


def test_registries_are_srbench_children_of_mmengine_roots():
    for name in ('MODELS', 'DATASETS', 'TRANSFORMS', 'METRICS', 'HOOKS', 'LOOPS', 'OPTIM_WRAPPERS', 'FUNCTIONS'):
        reg = getattr(registry, name)
        assert reg.scope == 'srbench' and reg.parent is not None and reg.parent.scope == 'mmengine'
    assert registry.MODELS.parent is ROOT_MODELS
    assert ROOT_MODELS.children['srbench'] is registry.MODELS


def test_time_limit_hook_makes_the_current_iteration_the_last(monkeypatch):
    from types import SimpleNamespace

    from srbench.engine.hooks import TrainTimeLimitHook

    class Loop:  # like IterBasedTrainLoop: max_iters reads _max_iters
        _max_iters = 1000
        max_iters = property(lambda self: self._max_iters)

    runner = SimpleNamespace(iter=41, train_loop=Loop())
    h = TrainTimeLimitHook(minutes=0.5)
    t = [100.0]
    monkeypatch.setattr('srbench.engine.hooks.time.perf_counter', lambda: t[0])
    h.before_train_iter(runner, 0)
    t[0] += 10
    h.after_train_iter(runner, 0)
    assert runner.train_loop.max_iters == 1000
    t[0] += 25
    h.after_train_iter(runner, 0)
    assert runner.train_loop.max_iters == 42   # iteration 42 (runner.iter + 1) is now the last one
