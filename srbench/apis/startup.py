"""A test run's start-up without what it never uses: MMEngine's optimizer registry and the third-party
optimizers it registers at import time.

``mmengine.optim`` (imported by every part of MMEngine's Runner, hooks and models) registers, at import
time, the optimizers of every optional package that is installed: ``bitsandbytes`` (whose import runs
``torch.compile`` on four kernels, pulling in torch's dynamo and inductor: 5-10 s on a 2-core machine) and
``transformers`` (``Adafactor``: 1.5-2 s). pyiqa installs both. A test run builds no optimizer, so
:func:`skip_optional_optimizers` imports ``mmengine.optim`` with those packages hidden (MMEngine's own
``except ImportError`` leaves their optimizers out). Nothing else changes: the packages stay importable
(pyiqa metrics import ``transformers`` as usual), and :func:`restore_optional_optimizers` -- called by
:func:`srbench.apis.train` -- registers the skipped optimizers when the same process trains afterwards.
"""
from __future__ import annotations

import sys

SKIPPED_PACKAGES = ('bitsandbytes', 'transformers')
"""Packages whose optimizers a test run does not register (MMEngine's ``register_<package>_optimizers``)."""

_skipped: list[str] = []


def skip_optional_optimizers() -> list[str]:
    """Import ``mmengine.optim`` without the optimizers of :data:`SKIPPED_PACKAGES` (when it is not imported
    yet: otherwise nothing happens). Returns the packages that were hidden."""
    if 'mmengine.optim' in sys.modules:
        return []
    hidden = [p for p in SKIPPED_PACKAGES if p not in sys.modules]
    for p in hidden:
        sys.modules[p] = None        # `import p` raises ImportError while this is there
    try:
        import mmengine.optim  # noqa: F401
    finally:
        for p in hidden:
            if sys.modules.get(p, 0) is None:
                del sys.modules[p]
    _skipped.extend(hidden)
    return hidden


def restore_optional_optimizers() -> None:
    """Register the optimizers :func:`skip_optional_optimizers` left out (a training run after a test run in
    one process); nothing when none was left out."""
    if not _skipped:
        return
    from mmengine.optim.optimizer import builder
    todo = list(_skipped)
    _skipped.clear()
    for p in todo:
        reg = getattr(builder, f'register_{p}_optimizers', None)
        if reg is not None:
            reg()
