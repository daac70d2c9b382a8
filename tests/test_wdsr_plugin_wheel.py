"""srbench-plugin-wdsr as a third-party user gets it: a wheel built from plugins/srbench-plugin-wdsr (offline,
no build isolation), installed into a separate folder, used from a process outside the repository -- listed by
``python -m srbench plugins``, a config shipped in the wheel trained (2 iterations, small variant) and tested
by name -- and gone without a trace once the folder is removed. srbench's own install does not include it."""
from __future__ import annotations

import json
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, TOOLS, error_line, run_tool, tool_env

PLUGIN = REPO / 'plugins' / 'srbench-plugin-wdsr'


def test_srbench_itself_does_not_install_the_plugin():
    import tomllib
    pp = tomllib.loads((REPO / 'pyproject.toml').read_text())
    assert not any('wdsr' in v for v in pp['project']['entry-points']['srbench.plugins'].values())
    assert not any('wdsr' in p for p in pp['tool']['setuptools']['packages'])
    own = tomllib.loads((PLUGIN / 'pyproject.toml').read_text())
    assert own['project']['name'] == 'srbench-plugin-wdsr' and 'srbench' in own['project']['dependencies']
    assert own['project']['entry-points']['srbench.plugins'] == {'wdsr': 'srbench_plugin_wdsr:plugin'}


@pytest.fixture(scope='module')
def wheel(tmp_path_factory) -> Path:
    """The plugin's wheel, built from a copy of its folder (the build writes build/ and *.egg-info next to the
    sources; the repository stays clean)."""
    tmp = tmp_path_factory.mktemp('wdsr_build')
    src = tmp / 'srbench-plugin-wdsr'
    shutil.copytree(PLUGIN, src, ignore=shutil.ignore_patterns('build', '*.egg-info', '__pycache__', 'tests'))
    p = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation',
                        '--no-index', '-w', str(tmp / 'dist'), str(src)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    (whl,) = (tmp / 'dist').glob('srbench_plugin_wdsr-0.1.0-*.whl')
    return whl


def test_wheel_ships_the_declaration_network_reference_and_configs(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    pkg = 'srbench_plugin_wdsr/'
    files = ('__init__.py', 'wdsr_arch.py', 'paper.json',
             *(f'configs/wdsr_{v}_x{s}.py' for v in 'ab' for s in (2, 3, 4)))
    want = {pkg + f for f in files}
    assert want <= names, sorted(want - names)
    assert not any('_base_' in n for n in names)        # srbench's bases are inherited, not copied
    ep = next(n for n in names if n.endswith('entry_points.txt'))
    text = zipfile.ZipFile(wheel).read(ep).decode()
    assert '[srbench.plugins]' in text and 'wdsr = srbench_plugin_wdsr:plugin' in text


def _plugins(env, cwd):
    p = run_tool(['-m', 'srbench', 'plugins', '--json'], env=env, cwd=cwd)
    assert p.returncode == 0, p.stderr[-3000:]
    return {r['name']: r for r in json.loads(p.stdout)}


def test_installed_wheel_lists_trains_and_tests_by_config_name_then_uninstalls(wheel, photos, tmp_path):
    target = tmp_path / 'site'
    p = subprocess.run([sys.executable, '-m', 'pip', 'install', '-q', '--no-deps', '--no-index', '--target',
                        str(target), str(wheel)], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    # a data root holding only Set5 (the sample photos stand in): validation and test use it, the other
    # benchmark sets of the config are skipped (test_cfg.skip_missing)
    root = tmp_path / 'data'
    (root / 'Set5').mkdir(parents=True)
    (root / 'Set5' / 'HR').symlink_to(Path(photos[1]).resolve())
    env = tool_env(PYTHONPATH=str(target), OMP_NUM_THREADS=1, SRBENCH_DATA_ROOT=root)
    outside = tmp_path / 'elsewhere'             # not the repository: nothing found through the checkout
    outside.mkdir()

    rows = _plugins(env, outside)
    w = rows['wdsr']
    assert w['status'] == 'ok' and w['distribution'] == 'srbench-plugin-wdsr' and w['version'] == '0.1.0'
    assert set(w['models']) == {'WDSR_A', 'WDSR_B'} and w['models']['WDSR_B']['channels'] == 'rgb'
    assert Path(w['configs']).resolve() == (target / 'srbench_plugin_wdsr' / 'configs').resolve()

    small = ['model.generator.num_blocks=1', 'model.generator.mid_channels=8']
    wd = tmp_path / 'wd'
    p = run_tool([TOOLS / 'train.py', 'wdsr_b_x2', '--work-dir', wd, '--cfg-options', *small,
                  f'train_dataloader.dataset.hr_dir={photos[0]}', 'train_dataloader.dataset.patch_size=12',
                  'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
                  'train_dataloader.persistent_workers=False', 'train_cfg.max_iters=2',
                  'train_cfg.val_interval=2',
                  'default_hooks.checkpoint.interval=2', 'default_hooks.logger.interval=1'],
                 env=env, cwd=outside)
    assert p.returncode == 0, p.stderr[-3000:]
    ckpt = wd / 'iter_2.pth'
    assert ckpt.is_file()
    out = tmp_path / 'results.json'
    p = run_tool([TOOLS / 'test.py', 'wdsr_b_x2', '--ckpt', ckpt, '--out', out, '--work-dir', tmp_path / 'wt',
                  '--cfg-options', *small], env=env, cwd=outside)
    assert p.returncode == 0, p.stderr[-3000:]
    res = json.loads(out.read_text())
    assert res['model']['generator'] == 'WDSR_B' and res['model']['plugin'] == 'wdsr'
    assert res['model']['distribution'] == 'srbench-plugin-wdsr'
    assert res['config_path'].startswith(str(target.resolve()))
    (r,) = res['results']
    assert (r['dataset'], r['scale'], r['num_images']) == ('Set5', 2, len(list(Path(photos[1]).iterdir())))
    assert 5.0 < r['metrics']['PSNR'] < 60.0

    shutil.rmtree(target)                        # "pip uninstall": the folder on PYTHONPATH is gone
    rows = _plugins(env, outside)
    assert 'wdsr' not in rows and all(r['status'] == 'ok' for r in rows.values())
    p = run_tool([TOOLS / 'train.py', 'wdsr_b_x2'], env=env, cwd=outside)
    assert error_line(p) == 'srbench: error: config file not found: wdsr_b_x2'


def test_the_plugins_own_tests_pass():
    """The plugin's tests (plugins/srbench-plugin-wdsr/tests: they import the network from src/, no install)
    are not under srbench's testpaths; run them here so that srbench's suite covers them."""
    p = run_tool(['-m', 'pytest', '-q', '-p', 'no:cacheprovider', PLUGIN / 'tests'],
                 env=tool_env(OMP_NUM_THREADS=1), timeout=900)
    assert p.returncode == 0, p.stdout[-4000:] + p.stderr[-2000:]
    assert ' passed' in p.stdout and 'failed' not in p.stdout
