"""The PyIQA bridge: pyiqa metrics that need no weights, close names for a misspelt metric, one clear
error offline without a weight file, and pyiqa staying optional (never imported by the core)."""
import subprocess
import sys

import numpy as np
import pytest
import torch

from conftest import REPO, tool_env
from srbench.errors import CheckpointError, ConfigError
from srbench.metrics import PSNR, SSIM
from srbench.registry import METRICS
from srbench.transforms.imresize import imresize_np

pytest.importorskip('pyiqa', reason='the optional package pyiqa is not installed: pip install "srbench[iqa]"')
skdata = pytest.importorskip('skimage.data')


@pytest.fixture(scope='module')
def samples():
    hr = skdata.astronaut()[100:260, 120:300]
    sr = imresize_np(imresize_np(hr, 0.5), 2.0)
    t = lambda a: torch.from_numpy(a.transpose(2, 0, 1).copy()).float() / 255  # noqa: E731
    return [{'pred': t(sr), 'gt': t(hr), 'metainfo': {'name': 'astronaut', 'scale': 2}}]


def score(metric, samples):
    metric.process(None, samples)
    return metric.compute_metrics(metric.results)


def test_core_does_not_import_pyiqa():
    code = ('import sys, srbench, srbench._core, srbench.metrics, srbench.apis.leaderboard; '
            'from srbench.discovery import ensure_plugins_loaded; ensure_plugins_loaded(); '
            'print("pyiqa" in sys.modules)')
    p = subprocess.run([sys.executable, '-c', code], cwd=str(REPO), env=tool_env(), capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip().splitlines()[-1] == 'False'


def test_missing_pyiqa_is_one_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, 'pyiqa', None)          # `import pyiqa` now raises ImportError
    with pytest.raises(ConfigError,
                       match=r'optional package pyiqa, which is not installed.*pip install "srbench\[iqa\]"'):
        METRICS.build(dict(type='PyIQA', metric='psnr'))


def test_weight_free_metrics_agree_with_srbench(samples):
    m = METRICS.build(dict(type='PyIQA', metric='psnr'))
    assert m.channel == 'y' and m.options == {'test_y_channel': True, 'color_space': 'ycbcr'}
    # pyiqa's Y is BT.601 in float (not rounded): srbench's `basicsr` protocol computes the same
    basicsr = score(PSNR(protocol='basicsr'), samples)['PSNR']
    assert score(m, samples)['psnr'] == pytest.approx(basicsr, abs=2e-3)
    rgb = score(METRICS.build(dict(type='PyIQA', metric='psnr', channel='rgb')), samples)['psnr']
    assert rgb == pytest.approx(score(PSNR(channel='rgb'), samples)['PSNR'], abs=2e-3)
    ssim_rgb = score(METRICS.build(dict(type='PyIQA', metric='ssim', channel='rgb', name='ssim_rgb')),
                     samples)
    assert ssim_rgb['ssim_rgb'] == pytest.approx(score(SSIM(channel='rgb'), samples)['SSIM'], abs=1e-5)
    info = m.protocol_info(2)
    assert info['name'] == 'matlab' and info['crop_border'] == 2 and 'pyiqa psnr (FR)' in info['metric']
    assert "color_space='ycbcr'" in info['y'] and info['lower_better'] is False


def test_no_reference_metric_needs_no_hr(samples):
    m = METRICS.build(dict(type='PyIQA', metric='piqe', crop_border=0))
    assert m.mode == 'NR' and m.channel == 'rgb' and not m.higher_is_better
    r = score(m, [{'pred': samples[0]['pred'], 'gt': None, 'metainfo': {'name': 'astronaut', 'scale': 2}}])
    assert np.isfinite(r['piqe']) and r['piqe'] > 0


def test_unknown_metric_lists_close_names():
    with pytest.raises(ConfigError, match="unknown pyiqa metric 'lpip'; did you mean 'lpips'"):
        METRICS.build(dict(type='PyIQA', metric='lpip'))
    with pytest.raises(ConfigError, match="unknown pyiqa metric 'ssmi'; did you mean 'ssim'"):
        METRICS.build(dict(type='PyIQA', metric='ssmi'))


def test_bad_options():
    with pytest.raises(ConfigError, match="'lpips' has no Y-channel mode.*channel='rgb'"):
        METRICS.build(dict(type='PyIQA', metric='lpips', channel='y'))
    with pytest.raises(ConfigError, match="unknown protocol 'mat'"):
        METRICS.build(dict(type='PyIQA', metric='psnr', protocol='mat'))
    with pytest.raises(CheckpointError, match='weight file /nonexistent/w.pth does not exist'):
        METRICS.build(dict(type='PyIQA', metric='lpips', channel='rgb', weights='/nonexistent/w.pth'))


def test_offline_without_weights_names_the_file_and_where_to_put_it(monkeypatch, tmp_path):
    monkeypatch.setenv('HF_HUB_OFFLINE', '1')
    monkeypatch.setenv('TORCH_HOME', str(tmp_path / 'torch'))
    with pytest.raises(CheckpointError) as e:
        METRICS.build(dict(type='PyIQA', metric='lpips'))
    msg = str(e.value)
    want = tmp_path / 'torch' / 'hub' / 'checkpoints' / 'alexnet-owt-7be5be79.pth'
    assert 'needs the weight file alexnet-owt-7be5be79.pth' in msg and 'offline' in msg
    assert f'put it at {want}' in msg
    assert 'https://download.pytorch.org/models/alexnet-owt-7be5be79.pth' in msg
    assert '\n' not in msg
