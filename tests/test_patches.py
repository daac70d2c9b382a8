"""srbench.engine.patches: importing srbench leaves MMEngine alone, install() applies every patch once, the
runner set-up installs them, and one sentinel per misbehaviour runs MMEngine's unpatched code and fails with
"upstream fixed ...: remove the patch" when MMEngine no longer misbehaves."""
from __future__ import annotations

import builtins
import os
import pickle
import subprocess
import sys
import tracemalloc
from pathlib import Path

import mmengine
import numpy as np
import pytest
import torch
from mmengine.logging import HistoryBuffer

from conftest import REPO, tool_env
from srbench.engine import patches

PATCHED_STATE = '''
import mmengine.runner
from mmengine.logging import HistoryBuffer
from mmengine.registry import FUNCTIONS
from mmengine.runner import checkpoint as mc, runner as mr
from srbench.engine import patches
def state():
    return dict(loader=mc.CheckpointLoader._schemes[''], save=(mc.save_checkpoint, mr.save_checkpoint,
                mmengine.runner.save_checkpoint), update=HistoryBuffer.update,
                getstate=HistoryBuffer.__dict__.get('__getstate__'), collate=FUNCTIONS.get('sr_collate'),
                cfg_path=Config._get_cfg_path)
from mmengine.config import Config
'''


def run_py(code: str) -> str:
    p = subprocess.run([sys.executable, '-c', code], cwd=str(REPO), env=tool_env(), capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-3000:]
    return p.stdout


def test_importing_srbench_leaves_mmengine_alone_and_install_patches_it_once():
    out = run_py(PATCHED_STATE + '''
import srbench, srbench.engine, srbench.apis.train, srbench.apis.test, srbench.data, srbench.models
from srbench.registry import MODELS
MODELS.build(dict(type='DRCNModel', generator=dict(type='DRCN', mid_channels=4, num_recursions=1)))  # plugins
s = state()
assert s['loader'] is patches.MMENGINE_LOAD_FROM_LOCAL, s
assert s['save'] == (patches.MMENGINE_SAVE_CHECKPOINT,) * 3, s
assert s['update'] is patches.MMENGINE_HISTORY_UPDATE, s
assert s['getstate'] is patches.MMENGINE_HISTORY_GETSTATE, s
assert s['collate'] is None, s
assert s['cfg_path'] is patches.MMENGINE_GET_CFG_PATH, s
assert not patches.installed()
patches.install()
from srbench.engine import checkpoint, history
from srbench.data import sr_collate
s = state()
assert s['loader'] is checkpoint.load_from_local and s['save'] == (checkpoint.save_checkpoint,) * 3, s
assert s['update'] is history.fast_update and s['getstate'] is history.getstate, s
assert s['collate'] is sr_collate, s
assert s['cfg_path'] is patches.get_cfg_path, s
assert patches.installed()
HistoryBuffer.update = patches.MMENGINE_HISTORY_UPDATE     # put back by hand (what bench_train does)
patches.install()                                          # idempotent: a second call changes nothing
assert HistoryBuffer.update is patches.MMENGINE_HISTORY_UPDATE
assert state()['loader'] is checkpoint.load_from_local
print('ok')
''')
    assert out.strip().endswith('ok')


def test_runner_setup_installs_the_patches(tmp_path):
    out = run_py(PATCHED_STATE + f'''
from srbench.apis.train import build_runner, prepare_train_cfg
cfg = prepare_train_cfg({str(REPO / 'configs' / 'espcn_x3_demo.py')!r}, work_dir={str(tmp_path / 'wd')!r})
assert not patches.installed()
build_runner(cfg)
from srbench.engine import checkpoint
assert patches.installed() and state()['loader'] is checkpoint.load_from_local
print('ok')
''')
    assert out.strip().endswith('ok')


def test_every_patch_is_documented():
    names = [p.name for p in patches.PATCHES]
    assert names == ['checkpoint_loader', 'checkpoint_saver', 'history_buffer', 'root_collate',
                     'config_bases']
    this = Path(__file__).read_text()
    for p in patches.PATCHES:
        assert p.fixes and p.upstream and callable(p.apply)
        for s in p.sentinel.split(', '):
            path, test = s.split('::')
            assert path == 'tests/test_patches.py' and f'def {test}(' in this, s


def test_installed_loader_is_what_the_runner_loads_with(tmp_path):
    from mmengine.runner.checkpoint import CheckpointLoader

    from srbench.engine.checkpoint import save_checkpoint
    from srbench.errors import CheckpointError
    patches.install()
    f = tmp_path / 'iter_1.pth'
    save_checkpoint(hub_checkpoint(0.25), str(f))
    back = CheckpointLoader.load_checkpoint(str(f), map_location='cpu')     # resume / load_from
    assert back['message_hub']['log_scalars']['train/loss'].current() == 0.25
    g = tmp_path / 'pickled.pth'
    patches.MMENGINE_SAVE_CHECKPOINT(hub_checkpoint(0.25), str(g))
    with pytest.raises(CheckpointError, match='pickled.pth pickles Python objects'):
        CheckpointLoader.load_checkpoint(str(g), map_location='cpu')


# -- sentinels: MMEngine's own code, unpatched ---------------------------------------------------------------
def hub_checkpoint(value: float) -> dict:
    """What MMEngine's Runner saves, in small: weights and the message hub's HistoryBuffers."""
    hb = HistoryBuffer()
    patches.MMENGINE_HISTORY_UPDATE(hb, value)
    return {'meta': {'iter': 1, 'seed': np.int64(0)}, 'state_dict': {'w': torch.full((3,), value)},
            'message_hub': {'log_scalars': {'train/loss': hb}}}


def upstream_fixed(what: str, remove: str) -> None:
    pytest.fail(f'upstream fixed {what} (MMEngine {mmengine.__version__}, torch {torch.__version__}): remove '
                f'{remove} (srbench/engine/patches.py) and this sentinel')


def test_upstream_checkpoints_still_fail_to_load_weights_only(tmp_path):
    if tuple(int(x) for x in torch.__version__.split('.')[:2]) < (2, 6):
        pytest.skip('torch < 2.6 loads with weights_only=False by default')
    f = tmp_path / 'iter_1.pth'
    patches.MMENGINE_SAVE_CHECKPOINT(hub_checkpoint(0.5), str(f))
    try:
        patches.MMENGINE_LOAD_FROM_LOCAL(str(f), 'cpu')
    except pickle.UnpicklingError as e:
        assert 'Unsupported global' in str(e)       # open-mmlab/mmengine#1655, still there
    else:
        upstream_fixed('open-mmlab/mmengine#1655 (its own checkpoints load under torch >= 2.6)',
                       "the 'checkpoint_loader' patch and the encoding of the 'checkpoint_saver' patch "
                       '(unless MMEngine now loads with weights_only=False: srbench unpickles no Python '
                       'objects)')


class Killed(Exception):
    """Stands for the process being killed in the middle of writing a file."""


def interrupt_writes_in(folder: Path, monkeypatch) -> list:
    """Make every file opened for writing in ``folder`` die half-way through its first write; returns the list
    of the files it interrupted (filled as they are)."""
    real_open, hits = builtins.open, []

    class DiesMidWrite:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()
            return False

        def write(self, data):
            data = bytes(data)
            self.fh.write(data[:len(data) // 2])
            self.fh.flush()
            raise Killed

        def __getattr__(self, name):
            return getattr(self.fh, name)

    def open_(file, mode='r', *args, **kwargs):
        fh = real_open(file, mode, *args, **kwargs)
        if isinstance(file, (str, os.PathLike)) and Path(file).parent == folder and set(mode) & set('wax+'):
            hits.append(Path(file).name)
            return DiesMidWrite(fh)
        return fh

    monkeypatch.setattr(builtins, 'open', open_)
    return hits


def test_upstream_save_is_still_not_atomic(tmp_path, monkeypatch):
    f = tmp_path / 'iter_1.pth'
    patches.MMENGINE_SAVE_CHECKPOINT({'state_dict': {'w': torch.ones(3)}}, str(f))
    before = f.read_bytes()
    hits = interrupt_writes_in(tmp_path, monkeypatch)
    with pytest.raises(Killed):
        patches.MMENGINE_SAVE_CHECKPOINT({'state_dict': {'w': torch.zeros(3)}}, str(f))
    monkeypatch.undo()
    assert hits, ("the sentinel no longer sees MMEngine's save_checkpoint write the file: it changed; check "
                  'whether it is atomic now')
    if f.read_bytes() == before:
        upstream_fixed('the non-atomic checkpoint write (an interrupted save keeps the old file)',
                       "the atomic write of the 'checkpoint_saver' patch")
    assert len(f.read_bytes()) < len(before)          # still misbehaves: a truncated file under its name


def test_srbench_save_survives_the_same_interruption(tmp_path, monkeypatch):
    from srbench.engine.checkpoint import save_checkpoint
    f = tmp_path / 'iter_1.pth'
    save_checkpoint({'state_dict': {'w': torch.ones(3)}}, str(f))
    before = f.read_bytes()
    hits = interrupt_writes_in(tmp_path, monkeypatch)
    with pytest.raises(Killed):
        save_checkpoint({'state_dict': {'w': torch.zeros(3)}}, str(f))
    monkeypatch.undo()
    assert hits and f.name not in hits                 # it wrote a temporary, never the final name
    assert f.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ['iter_1.pth']


def big_allocations(update, calls: int = 10, n: int = 100_000) -> int:
    """How many of ``calls`` updates of a HistoryBuffer holding ``n`` values allocate at least half of its
    history's size (tracemalloc sees numpy's buffers; no timing)."""
    hb = HistoryBuffer(np.zeros(n), np.ones(n, np.int64))
    update(hb, 1.0)                                    # a first call may set up a buffer
    tracemalloc.start()
    try:
        big = 0
        for _ in range(calls):
            tracemalloc.reset_peak()
            base = tracemalloc.get_traced_memory()[0]
            update(hb, 0.5)
            big += tracemalloc.get_traced_memory()[1] - base >= 4 * n
    finally:
        tracemalloc.stop()
    assert hb.data[0].size == n + 1 + calls
    return big


def test_upstream_history_update_still_copies_the_history():
    big = big_allocations(patches.MMENGINE_HISTORY_UPDATE)
    if big < 8:
        upstream_fixed('the O(n) HistoryBuffer.update (it no longer copies the history at every call)',
                       "the 'history_buffer' patch")


def test_srbench_history_update_does_not_copy_the_history():
    from srbench.engine.history import fast_update
    assert big_allocations(fast_update) <= 1           # at most one doubling of the capacity in 10 calls


def test_upstream_collate_lookup_still_ignores_the_scope():
    from mmengine.registry import DefaultScope
    from mmengine.runner import Runner

    from srbench.registry import FUNCTIONS
    name = 'srbench_sentinel_collate'
    if FUNCTIONS.get(name) is None:
        FUNCTIONS.register_module(name, module=lambda batch: batch)
    with DefaultScope.overwrite_default_scope('srbench'):
        try:
            Runner.build_dataloader(dict(dataset=[1, 2, 3], batch_size=1, num_workers=0,
                                         sampler=dict(type='DefaultSampler', shuffle=False),
                                         collate_fn=dict(type=name)), seed=0)
        except TypeError:              # MMEngine's root FUNCTIONS.get() found nothing: partial(None)
            return
    upstream_fixed('the collate_fn lookup (Runner.build_dataloader finds scoped functions)',
                   "the 'root_collate' patch")


def test_a_plain_runner_gets_the_patches_from_the_train_loop(tmp_path, photos):
    """A Runner built by hand from an srbench config, without install(): srbench's train loop installs the
    patches before it builds its data loader, so training works and writes checkpoints srbench loads."""
    out = run_py(f'''
from mmengine.runner import Runner
from srbench.apis.train import prepare_train_cfg
from srbench.engine import patches
cfg = prepare_train_cfg({str(REPO / 'configs' / 'espcn_x3_demo.py')!r}, work_dir={str(tmp_path / 'wd')!r})
cfg.train_cfg.max_iters = 2
cfg.default_hooks.checkpoint.interval = 2
cfg.train_dataloader.update(batch_size=2, num_workers=0, persistent_workers=False)
cfg.train_dataloader.dataset.update(hr_dir={photos[0]!r}, patch_size=12, length=8)
print('before', patches.installed())
runner = Runner.from_cfg(cfg)
runner.train()
print('after', patches.installed())
from srbench.engine.checkpoint import load_checkpoint_file
print('keys', len(load_checkpoint_file({str(tmp_path / 'wd' / 'iter_2.pth')!r})['state_dict']))
''')
    assert 'before False' in out and 'after True' in out
    assert 'keys ' in out and 'keys 0' not in out


# -- config_bases: _base_ = ['srbench::...', '<plugin>::...'] ----------------------------------------------
def test_upstream_config_bases_still_refuse_srbench(tmp_path):
    """MMEngine's own resolution of ``srbench::_base_/default_runtime.py``: it fails (pkg_resources is gone
    from setuptools >= 82; with it, srbench is no OpenMMLab package with a .mim folder)."""
    try:
        path, _ = patches.MMENGINE_GET_CFG_PATH('srbench::_base_/default_runtime.py', str(tmp_path / 'a.py'))
    except Exception:  # noqa: BLE001 -- ModuleNotFoundError (pkg_resources), FileNotFoundError (.mim)...
        return
    if Path(path).is_file():
        upstream_fixed("'srbench::' bases (Config._get_cfg_path finds srbench's installed configs)",
                       "the 'config_bases' patch")


def test_config_bases_resolve_srbench_and_plugin_prefixes_from_anywhere(tmp_path):
    from mmengine.config import Config

    from srbench.config_files import SRBENCH_CONFIGS
    from srbench.errors import ConfigError
    patches.install_patch('config_bases')
    got, scope = Config._get_cfg_path('srbench::_base_/default_runtime.py', str(tmp_path / 'mine.py'))
    assert Path(got) == (SRBENCH_CONFIGS / '_base_' / 'default_runtime.py').resolve() and scope is None
    got, scope = Config._get_cfg_path('espcn::espcn_x3.py', str(tmp_path / 'mine.py'))
    assert Path(got) == (REPO / 'plugins' / 'espcn' / 'configs' / 'espcn_x3.py').resolve()
    got, scope = Config._get_cfg_path('./x.py', str(tmp_path / 'mine.py'))        # MMEngine's own
    assert Path(got) == tmp_path / 'x.py' and scope is None
    # a user's config in a folder of its own inherits srbench's bases and a plugin's config
    (tmp_path / 'mine.py').write_text("_base_ = ['espcn::espcn_x3.py']\ntrain_cfg = dict(max_iters=7)\n")
    cfg = Config.fromfile(str(tmp_path / 'mine.py'))
    assert cfg.default_scope == 'srbench' and cfg.train_cfg.max_iters == 7 and cfg.model.generator.scale == 3
    assert cfg.default_hooks.checkpoint.type == 'CheckpointHook'        # from srbench::_base_/default_runtime
    assert '_scope_' not in cfg.train_dataloader.collate_fn and '_scope_' not in cfg.default_hooks.checkpoint
    with pytest.raises(ConfigError, match=r"base config srbench::_base_/nope.py \(inherited by .*mine.py\) "
                                          r"not found: .*_base_/nope.py does not exist"):
        Config._get_cfg_path('srbench::_base_/nope.py', str(tmp_path / 'mine.py'))
    with pytest.raises(ConfigError, match=r"'nosuchplugin' is neither srbench nor an installed plugin "
                                          r"\(known prefixes: srbench, bicubic, "):
        Config._get_cfg_path('nosuchplugin::x.py', str(tmp_path / 'mine.py'))
