"""Every change srbench makes to MMEngine's own behaviour, applied by one explicit call: :func:`install`.

Importing srbench changes nothing in MMEngine. Whatever builds an MMEngine Runner for srbench calls
``install()`` first -- :func:`srbench.apis.train.build_runner` does, so ``tools/train.py``, ``tools/test.py``,
the demo, :func:`srbench.apis.train` / :func:`srbench.apis.test` and every torchrun rank get the patches.
Code that builds MMEngine's ``Runner`` itself must call it too::

    from srbench.engine.patches import install
    install()
    runner = Runner.from_cfg(cfg)

Loading a checkpoint through :func:`srbench.engine.checkpoint.load_checkpoint_file` or
:func:`~srbench.engine.checkpoint.load_weights` needs none of them.

Each entry of :data:`PATCHES` says what it fixes in MMEngine 0.10.7, the upstream issue, and the sentinel
test (``tests/test_patches.py``) that runs MMEngine's unpatched behaviour and fails with "upstream fixed ...:
remove the patch" once MMEngine no longer misbehaves. MMEngine's own objects that the patches replace are kept
here (``MMENGINE_*``) for those tests and for benchmarks that compare with them.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Callable

import mmengine.runner
from mmengine.logging import HistoryBuffer
from mmengine.runner import checkpoint as _mm_checkpoint
from mmengine.runner import runner as _mm_runner
from mmengine.runner.checkpoint import CheckpointLoader

# MMEngine's own objects, as they are before install() (this module is the only one that replaces them)
MMENGINE_LOAD_FROM_LOCAL = _mm_checkpoint.load_from_local
MMENGINE_SAVE_CHECKPOINT = _mm_checkpoint.save_checkpoint
MMENGINE_HISTORY_UPDATE = HistoryBuffer.update
MMENGINE_HISTORY_GETSTATE = HistoryBuffer.__getstate__


@dataclass(frozen=True)
class Patch:
    """One change to MMEngine: ``apply()`` makes it; the other fields document it."""
    name: str
    fixes: str
    upstream: str
    sentinel: str
    apply: Callable[[], None]


def _checkpoint_loader() -> None:
    from .checkpoint import load_from_local
    CheckpointLoader.register_scheme('', load_from_local, force=True)


def _checkpoint_saver() -> None:
    from .checkpoint import save_checkpoint
    # the Runner calls runner.py's global; CheckpointHook._publish_model imports it from mmengine.runner;
    # the strategies from mmengine.runner.checkpoint
    _mm_runner.save_checkpoint = save_checkpoint
    _mm_checkpoint.save_checkpoint = save_checkpoint
    mmengine.runner.save_checkpoint = save_checkpoint


def _history_buffer() -> None:
    from .history import fast_update, getstate
    HistoryBuffer.update = fast_update
    HistoryBuffer.__getstate__ = getstate


def _root_collate() -> None:
    from ..data.common import _register_root_collate
    _register_root_collate()


PATCHES: tuple[Patch, ...] = (
    Patch('checkpoint_loader',
          fixes="MMEngine's local checkpoint loader calls torch.load without weights_only: on torch >= 2.6 "
                '(weights_only=True by default) resume and load_from fail on MMEngine\'s own checkpoints '
                '("Unsupported global: mmengine.logging.history_buffer.HistoryBuffer"). srbench loads every '
                'local file with weights_only=True and decodes what its saver encoded.',
          upstream='open-mmlab/mmengine#1655 (the bug; closed, still present in 0.10.7); the open PRs #1639 '
                   'and #1650 would pass weights_only=False instead',
          sentinel='tests/test_patches.py::test_upstream_checkpoints_still_fail_to_load_weights_only',
          apply=_checkpoint_loader),
    Patch('checkpoint_saver',
          fixes="MMEngine's save_checkpoint pickles the message hub's HistoryBuffers and numpy values (not "
                'loadable weights-only, see checkpoint_loader) and writes the final path in place: a run '
                'killed while saving leaves a truncated checkpoint under the final name. srbench encodes '
                'them as tensors and numbers and writes to a temporary file, fsyncs and renames.',
          upstream='open-mmlab/mmengine#1655 for the encoding; none found for the non-atomic write',
          sentinel='tests/test_patches.py::test_upstream_checkpoints_still_fail_to_load_weights_only, '
                   'tests/test_patches.py::test_upstream_save_is_still_not_atomic',
          apply=_checkpoint_saver),
    Patch('history_buffer',
          fixes="HistoryBuffer.update is np.append: every logged scalar copies the whole history (up to 10^6 "
                'values) at every iteration, so iterations get slower as a run goes on. srbench appends into '
                'a buffer of doubling capacity (same values, dtypes and statistics).',
          upstream='none found (searched open-mmlab/mmengine issues for HistoryBuffer / np.append / slow '
                   'logging)',
          sentinel='tests/test_patches.py::test_upstream_history_update_still_copies_the_history',
          apply=_history_buffer),
    Patch('root_collate',
          fixes="Runner.build_dataloader looks collate_fn types up in MMEngine's root FUNCTIONS registry, "
                "ignoring the default scope, so srbench's scoped sr_collate is not found; it is registered "
                'in the root registry too.',
          upstream='none found',
          sentinel='tests/test_patches.py::test_upstream_collate_lookup_still_ignores_the_scope',
          apply=_root_collate),
)

_lock = threading.Lock()
_installed = False


def install() -> None:
    """Apply every patch of :data:`PATCHES` to MMEngine, once per process.

    Idempotent and thread-safe: later calls do nothing, even if a patched attribute was put back by hand
    since (benchmarks compare with MMEngine's own ``HistoryBuffer.update`` that way).
    """
    global _installed
    with _lock:
        if _installed:
            return
        for p in PATCHES:
            p.apply()
        _installed = True


def installed() -> bool:
    """Whether :func:`install` has run in this process."""
    return _installed
