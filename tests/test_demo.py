"""The main job (README command (1)) end to end with a few iterations: it trains, tests ESPCN and
Bicubic on the same held-out photos, prints the table, saves the pictures and the next commands; a run
that its time limit cuts short says so. (The full run's margin is in the README.)"""
import json

import cv2
import pytest

from conftest import run_tool, tool_env
from srbench.apis.demo import CROP, ZOOM, TEST_PHOTOS


def _check_pictures(wd):
    sheet = cv2.imread(str(wd / 'comparison.png'), cv2.IMREAD_UNCHANGED)
    assert sheet is not None and sheet.dtype == 'uint8'
    panel_h = CROP * ZOOM + 2 * 22                        # crop, zoomed, with a title and a caption bar
    assert sheet.shape == (len(TEST_PHOTOS) * panel_h, 4 * CROP * ZOOM, 3)
    assert sheet.std() > 10                               # not a blank picture
    for photo in TEST_PHOTOS:
        stem = photo.rsplit('.', 1)[0]
        hr = cv2.imread(str(wd / 'data' / 'test' / 'HR' / f'{stem}.png'), cv2.IMREAD_UNCHANGED)
        for tag in ('espcn', 'bicubic'):
            sr = cv2.imread(str(wd / 'sr' / f'{stem}_{tag}.png'), cv2.IMREAD_UNCHANGED)
            assert sr is not None and sr.shape[:2] == (hr.shape[0] // 3 * 3, hr.shape[1] // 3 * 3)
    assert not list(wd.rglob('*.tmp*'))                  # written atomically: no temporaries left


def _check_saved_config(wd):
    text = (wd / 'espcn_x3_demo.py').read_text()          # the training run's config, not a test run's
    assert "type='ESPCN'" in text and 'BicubicY' not in text and 'train_cfg' in text


def test_demo_runs_end_to_end(tmp_path):
    wd = tmp_path / 'demo'
    p = run_tool(['-m', 'srbench', 'demo', '--work-dir', wd, '--iters', '20'],
                 env=tool_env(OMP_NUM_THREADS='1'))
    assert p.returncode == 0, p.stderr[-3000:]
    out = p.stdout
    assert 'trained 20 iterations' in out and '1 thread (OMP_NUM_THREADS)' in out
    assert 'WARNING' not in out and 'cut short' not in out
    for name in ('camera', 'coffee', 'motorcycle_left', 'mean'):
        assert f'| {name}' in out
    assert 'ESPCN - Bicubic:' in out and 'LR protocol y-double' in out
    espcn = json.loads((wd / 'results_espcn.json').read_text())
    bic = json.loads((wd / 'results_bicubic.json').read_text())
    assert espcn['model']['generator'] == 'ESPCN' and bic['model']['generator'] == 'BicubicY'
    assert espcn['results'][0]['protocol']['data'] == bic['results'][0]['protocol']['data']
    gain = espcn['results'][0]['metrics']['PSNR'] - bic['results'][0]['metrics']['PSNR']
    assert f'{gain:+.2f} dB' in out
    assert 'srbench test ' in out and 'srbench leaderboard ' in out and 'comparison.png' in out
    assert 'System environment' not in out and 'Config:' not in out
    _check_pictures(wd)
    _check_saved_config(wd)


def test_demo_says_when_its_time_limit_cut_it_short(tmp_path):
    wd = tmp_path / 'demo'
    p = run_tool(['-m', 'srbench', 'demo', '--work-dir', wd, '--minutes', '0.01'],
                 env=tool_env(OMP_NUM_THREADS='1'))
    assert p.returncode == 0, p.stderr[-3000:]
    out = p.stdout
    assert 'WARNING: the 0.01-minute time limit stopped training at iteration' in out
    assert 'of 3000' in out and 'not the converged result' in out and 'srbench demo --minutes' in out
    assert 'NOTE: training was cut short' in out       # again under the table
    _check_pictures(wd)
    _check_saved_config(wd)


def test_thread_choice(monkeypatch):
    from srbench.apis.demo import DEFAULT_THREADS, choose_threads
    from srbench.errors import ConfigError
    monkeypatch.delenv('OMP_NUM_THREADS', raising=False)
    assert choose_threads() == (DEFAULT_THREADS, 'default; --threads N to change') and DEFAULT_THREADS == 1
    monkeypatch.setenv('OMP_NUM_THREADS', '2')
    assert choose_threads()[0] == 2
    assert choose_threads(3) == (3, '--threads')          # explicit beats the environment
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ConfigError, match='--threads'):
            choose_threads(bad)
    monkeypatch.setenv('OMP_NUM_THREADS', 'many')
    with pytest.raises(ConfigError, match='OMP_NUM_THREADS'):
        choose_threads()


def test_cut_short_advice():
    from srbench.apis.demo import _more_minutes, cut_short_message
    assert _more_minutes(4, 613, 3000) >= 4 * 3000 / 613       # enough time at the speed it had
    msg = cut_short_message(613, 3000, 4, 2)
    assert '613 of 3000 (20%)' in msg and '--threads 1' in msg
