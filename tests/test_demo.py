"""The main job (README command (1)) end to end with a few iterations: it trains, tests ESPCN and
Bicubic on the same held-out photos and prints the table. (The full run's margin is in the README.)"""
import json

from conftest import run_tool


def test_demo_runs_end_to_end(tmp_path):
    wd = tmp_path / 'demo'
    p = run_tool(['-m', 'srbench', 'demo', '--work-dir', wd, '--iters', '20'])
    assert p.returncode == 0, p.stderr[-3000:]
    out = p.stdout
    assert 'trained 20 iterations' in out
    for name in ('camera', 'coffee', 'motorcycle_left', 'mean'):
        assert f'| {name}' in out
    assert 'ESPCN - Bicubic:' in out and 'LR protocol y-double' in out
    espcn = json.loads((wd / 'results_espcn.json').read_text())
    bic = json.loads((wd / 'results_bicubic.json').read_text())
    assert espcn['model']['generator'] == 'ESPCN' and bic['model']['generator'] == 'BicubicY'
    assert espcn['results'][0]['protocol']['data'] == bic['results'][0]['protocol']['data']
    gain = espcn['results'][0]['metrics']['PSNR'] - bic['results'][0]['metrics']['PSNR']
    assert f'{gain:+.2f} dB' in out
