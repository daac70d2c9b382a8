"""What srbench's runs print: one line per training log interval (with it/s), one line per test set, no
MMEngine environment/config dump on the console unless verbose (it is in the log file), and progress bars
that do not break when the output is a pipe."""
import io
import re

import pytest

from conftest import REPO, TOOLS, run_tool, tool_env

CONFIG = """_base_ = [{base!r}]
from srbench.data.benchmarks import test_loaders
model = dict(type='SRModel', generator=dict(type='Bicubic'))
test_dataloader = test_loaders(['Set5'], [2, 3])
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
"""


def runtime_base() -> str:
    """srbench's base runtime config (configs/_base_/ of the checkout, or the one inside the package)."""
    from pathlib import Path

    import srbench
    for p in (REPO / 'configs' / '_base_' / 'default_runtime.py',
              Path(srbench.__file__).parent / 'configs' / '_base_' / 'default_runtime.py'):
        if p.is_file():
            return str(p)
    raise FileNotFoundError('default_runtime.py')


def _config(tmp_path):
    cfg = tmp_path / 'bic_set5.py'
    cfg.write_text(CONFIG.format(base=runtime_base()))
    return cfg


def _log_text(work_dir):
    logs = sorted(work_dir.glob('*/*.log'))
    assert logs, f'no log file under {work_dir}'
    return logs[-1].read_text()


def test_test_prints_a_line_per_set_and_no_dump(tmp_path, shared_datasets):
    wd = tmp_path / 'wd'
    # bars forced on while stdout and stderr are pipes: they must not break the run or its output
    p = run_tool([TOOLS / 'test.py', _config(tmp_path), '--work-dir', wd],
                 env=tool_env(SRBENCH_DATA_ROOT=shared_datasets, SRBENCH_PROGRESS='1', SRBENCH_VERBOSE='0'))
    assert p.returncode == 0, p.stderr[-3000:]
    lines = [ln for ln in p.stdout.splitlines() if re.search(r'Set5 x\d: 5 images in [\d.]+ s', ln)]
    assert len(lines) == 2, p.stdout
    assert 'PSNR 33.64' in lines[0] and 'SSIM 0.9292' in lines[0]     # the seed's Bicubic Set5 x2 values
    for dump in ('System environment', 'Config:', 'Hooks will be executed', 'Iter(test)'):
        assert dump not in p.stdout and dump not in p.stderr, dump
    log = _log_text(wd)
    assert 'System environment' in log and 'Config:' in log        # kept in the log file
    assert 'Set5 x2: 5 images in' in log


def test_verbose_puts_the_dump_on_the_console(tmp_path, shared_datasets):
    wd = tmp_path / 'wd'
    p = run_tool([TOOLS / 'test.py', _config(tmp_path), '--work-dir', wd],
                 env=tool_env(SRBENCH_DATA_ROOT=shared_datasets, SRBENCH_VERBOSE='1'))
    assert p.returncode == 0, p.stderr[-3000:]
    assert 'System environment' in p.stdout and 'Config:' in p.stdout


def test_training_logs_iteration_loss_lr_speed_eta(tmp_path, photos):
    train_dir, _ = photos
    wd = tmp_path / 'wd'
    from srbench.apis.common import resolve_config_path
    p = run_tool([TOOLS / 'train.py', resolve_config_path('espcn_x3_demo'), '--work-dir', wd,
                  '--cfg-options', f'train_dataloader.dataset.hr_dir={train_dir}',
                  'train_dataloader.num_workers=0', 'train_dataloader.persistent_workers=False',
                  'train_cfg.max_iters=10',
                  'default_hooks.logger.interval=5'],
                 env=tool_env(SRBENCH_PROGRESS='0'))
    assert p.returncode == 0, p.stderr[-3000:]
    lines = [ln for ln in p.stdout.splitlines() if 'Iter(train)' in ln]
    assert len(lines) == 2, p.stdout
    for ln in lines:
        assert re.search(r'\[\s*(5|10)/10\]', ln) and 'lr: ' in ln and 'eta: ' in ln and 'loss: ' in ln, ln
        assert re.search(r'[\d.]+ it/s', ln), ln
    assert 'System environment' not in p.stdout and 'paramwise_options' not in p.stdout


def test_progress_bar_is_a_no_op_off_a_terminal():
    from srbench.utils.progress import ProgressBar, interactive
    assert not interactive(io.StringIO())
    with ProgressBar(3, 'x', fields=('loss',)) as bar:      # pytest captures stderr: not a terminal
        assert not bar.enabled
        bar.update(1, loss='0.1')
        bar.set_total(2)


def test_progress_bar_draws_on_a_forced_stream(monkeypatch):
    import sys
    buf = io.StringIO()
    monkeypatch.setattr(sys, 'stderr', buf)
    with ProgressBarFactory()(4, 'Set5 x2', unit='img', enabled=True) as bar:
        for _ in range(4):
            bar.update(1)
    assert 'Set5 x2' in buf.getvalue() and '4/4' in buf.getvalue()


def ProgressBarFactory():   # noqa: N802 -- imported late so that the monkeypatched stderr is used
    from srbench.utils.progress import ProgressBar
    return ProgressBar


def test_console_filter_keeps_other_messages(monkeypatch):
    import logging

    from srbench.engine.console import VERBOSE_ENV, ConsoleFilter, own_test_lines
    f = ConsoleFilter()

    def rec(msg):
        return logging.LogRecord('x', logging.INFO, __file__, 1, msg, None, None)
    monkeypatch.delenv(VERBOSE_ENV, raising=False)
    assert not f.filter(rec('Config:\nmodel = ...'))
    assert f.filter(rec('Set5 x2: 5 images in 0.3 s  PSNR 33.64'))
    assert f.filter(rec('Iter(test) [5/5]  Set5/x2/PSNR: 33.6396'))      # another test loop's line stays
    assert f.filter(rec('Iter(val) [5/5]  PSNR: 33.6396'))
    with own_test_lines():                                                # srbench's test loop: its own lines
        assert not f.filter(rec('Iter(test) [5/5]  Set5/x2/PSNR: 33.6396'))
    monkeypatch.setenv(VERBOSE_ENV, '1')
    assert f.filter(rec('Config:\nmodel = ...'))


def test_progress_callback_prints_lines_off_a_terminal(capsys):
    from srbench.utils.progress import progress_callback
    cb = progress_callback('images', lines=4)
    for i in range(1, 9):
        cb(i, 8)
    err = capsys.readouterr().err.splitlines()
    assert err == ['images: 2/8 img', 'images: 4/8 img', 'images: 6/8 img', 'images: 8/8 img']


@pytest.mark.parametrize('forced', ['0', '1'])
def test_data_aug_and_lmdb_progress_through_a_pipe(tmp_path, monkeypatch, forced):
    """Patch making and LMDB packing with bars forced on (SRBENCH_PROGRESS=1) or off, stderr not a terminal:
    the same outputs either way."""
    import cv2
    import numpy as np

    from srbench.apis.data_aug import data_aug
    from srbench.data.stores.lmdb import make_lmdb_from_folder
    monkeypatch.setenv('SRBENCH_PROGRESS', forced)
    src = tmp_path / 'img'
    src.mkdir()
    rng = np.random.default_rng(0)
    for k in range(3):
        cv2.imwrite(str(src / f'{k}.png'), rng.integers(0, 255, (24, 30, 3), dtype=np.uint8))
    s = data_aug([src], tmp_path / 'p.h5', width=12, height=12, stride=12, upscale_factors=[2])
    assert s['patches'] == 3 * 2 * 2
    r = make_lmdb_from_folder(src, tmp_path / 'x.lmdb')
    assert r['images'] == 3
