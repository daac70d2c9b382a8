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
from mmengine.config import Config
from mmengine.logging import HistoryBuffer
from mmengine.runner import checkpoint as _mm_checkpoint
from mmengine.runner import runner as _mm_runner
from mmengine.runner.checkpoint import CheckpointLoader

from ..errors import ConfigError, describe_exception

# MMEngine's own objects, as they are before install() (this module is the only one that replaces them)
MMENGINE_LOAD_FROM_LOCAL = _mm_checkpoint.load_from_local
MMENGINE_SAVE_CHECKPOINT = _mm_checkpoint.save_checkpoint
MMENGINE_HISTORY_UPDATE = HistoryBuffer.update
MMENGINE_HISTORY_GETSTATE = HistoryBuffer.__getstate__
MMENGINE_GET_CFG_PATH = Config._get_cfg_path


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


def get_cfg_path(cfg_path: str, filename: str) -> tuple[str, str | None]:
    """``Config._get_cfg_path`` with srbench's base prefixes: ``srbench::<path>`` (srbench's shared configs)
    and ``<plugin>::<file>`` (a plugin's configs) resolve to the installed file; every other path goes to
    MMEngine's own resolution. A prefix MMEngine cannot resolve either is one
    :class:`~srbench.errors.ConfigError` naming the config and the prefixes srbench knows.

    The scope returned is None, as for a relative ``./_base_/...`` path, not ``'srbench'``: with a scope,
    MMEngine writes ``_scope_='srbench'`` into every dict with a ``type`` of the base file, and
    ``Runner.build_dataloader`` passes that key on to the collate function (``sr_collate() got an unexpected
    keyword argument '_scope_'``). srbench's base sets ``default_scope = 'srbench'``, which is what the scope
    would have given."""
    from ..config_files import known_prefixes, resolve_prefixed
    if '::' not in cfg_path:
        return MMENGINE_GET_CFG_PATH(cfg_path, filename)
    p = resolve_prefixed(cfg_path, filename)
    if p is not None:
        return str(p), None
    try:
        return MMENGINE_GET_CFG_PATH(cfg_path, filename)
    except Exception as e:  # noqa: BLE001 -- MMEngine: ModuleNotFoundError (pkg_resources), FileNotFoundError
        prefix = cfg_path.partition('::')[0]
        raise ConfigError(f'base config {cfg_path!r} in {filename}: {prefix!r} is neither srbench nor'
                          f' an installed plugin (known prefixes: {", ".join(known_prefixes())}); '
                          f'MMEngine could not resolve it either ({describe_exception(e)})') from None


def _config_bases() -> None:
    Config._get_cfg_path = staticmethod(get_cfg_path)


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
    Patch('config_bases',
          fixes="Config._get_cfg_path (MMEngine 0.10.7) resolves `_base_ = ['pkg::path']` only for "
                'OpenMMLab packages that ship a .mim folder and a model-index metafile, and imports '
                'pkg_resources to do so, which setuptools >= 82 no longer ships (ModuleNotFoundError). '
                "srbench resolves 'srbench::<path>' (srbench/configs/<path>: the shared _base_ files "
                "installed with srbench) and '<plugin>::<file>' (the plugin's configs folder) itself (no "
                '_scope_ keys: see get_cfg_path) and passes every other path to MMEngine. '
                'srbench.apis.common.load_config applies it before parsing '
                '(install_patch); a plain mmengine Config.fromfile needs install() first.',
          upstream='open-mmlab/mmengine#1676 (merged after 0.10.7: package_utils uses importlib instead '
                   'of pkg_resources); cross-package bases stay limited to packages with a .mim folder',
          sentinel='tests/test_patches.py::test_upstream_config_bases_still_refuse_srbench',
          apply=_config_bases),
)

_lock = threading.Lock()
_installed = False
_applied: set[str] = set()       # patches applied one by one (install_patch)


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


def install_patch(name: str) -> None:
    """Apply the one patch called ``name`` (idempotent), e.g. ``'config_bases'`` before a config is parsed:
    what needs only that fix does not take the others with it (:func:`installed` stays as it was)."""
    with _lock:
        if _installed or name in _applied:
            return
        (p,) = [p for p in PATCHES if p.name == name]
        p.apply()
        _applied.add(name)


def installed() -> bool:
    """Whether :func:`install` has run in this process."""
    return _installed
