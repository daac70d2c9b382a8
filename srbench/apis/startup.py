"""srbench's start-up without what a run does not use: the third-party optimizers MMEngine's optimizer
registry registers at import time.

``mmengine.optim`` (imported by every part of MMEngine's Runner, hooks and models) registers, at import
time, the optimizers of every optional package that is installed: ``bitsandbytes`` (whose import runs
``torch.compile`` on four kernels, pulling in torch's dynamo and inductor: 5-10 s on a 2-core machine) and
``transformers`` (``Adafactor``: 1.5-2 s). pyiqa installs both. srbench's configs use torch's optimizers,
so:

* :func:`skip_optional_optimizers` imports ``mmengine.optim`` now with those packages hidden (MMEngine's own
  ``except ImportError`` leaves their optimizers out): a test run, which builds no optimizer;
* :func:`defer_optional_optimizers` does the same lazily, when something first imports MMEngine's optimizer
  builder (every ``srbench`` command and ``tools/*.py`` calls it before it runs: ``srbench plugins`` or a
  bad-config error then start in a few seconds instead of ten);
* :func:`restore_optional_optimizers` registers the skipped optimizers; :func:`srbench.apis.train` calls
  it when a config names an optimizer type that is not registered without them
  (:func:`needs_optional_optimizers`), e.g. ``PagedAdamW8bit`` or ``Adafactor``.

Nothing else changes: the packages stay importable (pyiqa metrics import ``transformers`` as usual).
"""
from __future__ import annotations

import importlib.abc
import importlib.util
import sys

from ..utils.modules import hidden_modules

SKIPPED_PACKAGES = ('bitsandbytes', 'transformers')
"""Packages whose optimizers a test run does not register (MMEngine's ``register_<package>_optimizers``)."""

_skipped: list[str] = []


def skip_optional_optimizers() -> list[str]:
    """Import ``mmengine.optim`` now without the optimizers of :data:`SKIPPED_PACKAGES` (when it is not
    imported yet: otherwise nothing happens), through :func:`defer_optional_optimizers`' hook. Returns the
    packages that were hidden."""
    if 'mmengine.optim' in sys.modules:
        return []
    before = len(_skipped)
    defer_optional_optimizers()
    import mmengine.optim  # noqa: F401
    return _skipped[before:]


BUILDER = 'mmengine.optim.optimizer.builder'
"""The MMEngine module whose import registers the optional packages' optimizers."""


class _HideWhileExecuting(importlib.abc.Loader):
    """Wraps the builder module's loader: :data:`SKIPPED_PACKAGES` are hidden while its code runs."""

    def __init__(self, loader):
        self.loader = loader

    def create_module(self, spec):
        return self.loader.create_module(spec)

    def exec_module(self, module):
        with hidden_modules(SKIPPED_PACKAGES) as hidden:
            self.loader.exec_module(module)
        _skipped.extend(hidden)


class _BuilderFinder(importlib.abc.MetaPathFinder):
    """Finds :data:`BUILDER` once, through the other finders, and wraps its loader."""

    def find_spec(self, name, path=None, target=None):
        if name != BUILDER:
            return None
        _remove_finder()
        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            spec.loader = _HideWhileExecuting(spec.loader)
        return spec


def _remove_finder():
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _BuilderFinder)]


def defer_optional_optimizers() -> bool:
    """Hide :data:`SKIPPED_PACKAGES` from MMEngine's optimizer builder when it is first imported, without
    importing anything now. False when the builder is imported already (nothing to do)."""
    if BUILDER in sys.modules:
        return False
    if not any(isinstance(f, _BuilderFinder) for f in sys.meta_path):
        sys.meta_path.insert(0, _BuilderFinder())
    return True


def needs_optional_optimizers(cfg) -> bool:
    """Whether the config's ``optim_wrapper`` names an optimizer type (a string) that is not registered
    (what :func:`restore_optional_optimizers` may add)."""
    from mmengine.registry import OPTIMIZERS

    def types(node, under_optimizer=False):
        if isinstance(node, dict):
            for k, v in node.items():
                if k == 'type' and under_optimizer and isinstance(v, str):
                    yield v
                else:
                    yield from types(v, under_optimizer or k == 'optimizer')
        elif isinstance(node, (list, tuple)):
            for v in node:
                yield from types(v, under_optimizer)

    for t in types(cfg.get('optim_wrapper') or {}):
        try:
            found = OPTIMIZERS.get(t)
        except Exception:                          # a scope that does not exist: let the build report it
            found = None
        if found is None:
            return True
    return False


def restore_optional_optimizers() -> None:
    """Register the optimizers :func:`skip_optional_optimizers` left out (a training run after a test run in
    one process); nothing when none was left out."""
    _remove_finder()
    if not _skipped:
        return
    from mmengine.optim.optimizer import builder
    todo = list(_skipped)
    _skipped.clear()
    for p in todo:
        reg = getattr(builder, f'register_{p}_optimizers', None)
        if reg is not None:
            reg()
