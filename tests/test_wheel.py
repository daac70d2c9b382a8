"""srbench as an installed tool: its wheel built from a copy of the repository (offline, no build isolation),
installed (no ``-e``) into a fresh virtual environment outside the repository whose dependencies come from the
test environment -- but not srbench: the checkout's srbench is not importable there -- and used from a
folder with no checkout: ``srbench configs``, ``plugins``, ``demo``, ``train`` and ``test`` by config name,
``leaderboard``. Then ``srbench new-plugin toy``: the plugin it writes is pip-installed into that environment,
listed with its paper, trains and tests with a config inheriting srbench's bases, has a reference column in
the leaderboard, passes its own tests, and is gone after ``pip uninstall``.

The wheel and the environment are built once for the module (about 15 s)."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO

pytestmark = pytest.mark.slow
EXCLUDE = ('.venv', '.git', 'work_dirs', 'build', 'dist', '*.egg-info', '__pycache__', '.ruff_cache', 'tests',
           'benchmarks', 'srbench-plugin-wdsr')


def _is_srbench(name: str) -> bool:
    n = name.lower()
    return n.startswith(('srbench', '__editable__')) or 'srbench' in n


@pytest.fixture(scope='module')
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp('srbench_build')
    src = tmp / 'srbench'
    shutil.copytree(REPO, src, ignore=shutil.ignore_patterns(*EXCLUDE))
    p = subprocess.run([sys.executable, '-m', 'pip', 'wheel', '-q', '--no-deps', '--no-build-isolation',
                        '--no-index', '-w', str(tmp / 'dist'), str(src)],
                       capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    (whl,) = (tmp / 'dist').glob('srbench-*.whl')
    return whl


@pytest.fixture(scope='module')
def env(wheel, tmp_path_factory):
    """A fresh venv (no pip) with srbench's wheel installed; the dependencies are the test environment's
    site-packages seen through a folder of links that leaves out everything srbench (the editable install of
    the checkout, its dist-info, .pth files naming it)."""
    tmp = tmp_path_factory.mktemp('srbench_env')
    deps = tmp / 'deps'
    deps.mkdir()
    sites = [Path(p) for p in sys.path if p.endswith('site-packages') and Path(p).is_dir()]
    for site in sites:
        for entry in site.iterdir():
            if _is_srbench(entry.name) or (deps / entry.name).exists():
                continue
            if entry.suffix == '.pth' and 'srbench' in entry.read_text(errors='replace'):
                continue
            if entry.suffix == '.pth' and entry.read_text(errors='replace').strip().startswith('/'):
                continue            # a path to another site-packages (the worktree's link to main's): listed
            (deps / entry.name).symlink_to(entry)
    venv = tmp / 'venv'
    subprocess.run([sys.executable, '-m', 'venv', '--without-pip', str(venv)], check=True, timeout=120)
    py = venv / 'bin' / 'python'
    purelib = Path(subprocess.run([str(py), '-c', 'import sysconfig; print(sysconfig.get_path("purelib"))'],
                                  capture_output=True, text=True, check=True).stdout.strip())
    (purelib / 'zz_deps.pth').write_text(f'import site; site.addsitedir({str(deps)!r})\n')
    p = subprocess.run([sys.executable, '-m', 'pip', '--python', str(py), 'install', '-q', '--no-deps',
                        '--no-index', str(wheel)], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    work = tmp / 'work'              # no checkout here or above
    work.mkdir()
    e = {k: v for k, v in os.environ.items() if k not in ('PYTHONPATH', 'VIRTUAL_ENV')}
    e.update(OMP_NUM_THREADS='1', PATH=f'{venv / "bin"}{os.pathsep}{e.get("PATH", "")}')
    return dict(py=py, bin=venv / 'bin', purelib=purelib, work=work, env=e, tmp=tmp)


def sh(env, *args, extra_env=None, timeout=600, cwd=None):
    e = dict(env['env'], **{k: str(v) for k, v in (extra_env or {}).items()})
    return subprocess.run([str(a) for a in args], cwd=str(cwd or env['work']), env=e, capture_output=True,
                          text=True, timeout=timeout)


def ok(p) -> str:
    assert p.returncode == 0, f'rc={p.returncode}\n{p.stdout[-3000:]}\n{p.stderr[-4000:]}'
    return p.stdout


@pytest.fixture(scope='module')
def set5_root(env):
    """A data root holding only Set5 (the shared benchmark copy): test sets of other names are skipped."""
    from srbench.data.benchmarks import benchmark_root
    src = Path(benchmark_root()) / 'Set5' / 'HR'
    if not src.is_dir():
        pytest.skip(f'benchmark data sets not found at {benchmark_root()} (set SRBENCH_DATA_ROOT)')
    root = env['tmp'] / 'data'
    (root / 'Set5').mkdir(parents=True)
    (root / 'Set5' / 'HR').symlink_to(src.resolve())
    return root


def test_wheel_ships_configs_bases_template_and_plugin_files(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    want = set()
    for folder in sorted((REPO / 'plugins').iterdir()):
        if not (folder / '__init__.py').is_file():
            continue
        pkg = f'srbench_plugins/{folder.name}/'
        want |= {pkg + 'paper.json'} | {pkg + f'configs/{c.name}' for c in (folder / 'configs').glob('*.py')}
        if (folder / 'README.md').is_file():
            want.add(pkg + 'README.md')
    base = REPO / 'srbench' / 'configs'
    want |= {f'srbench/configs/{p.relative_to(base)}' for p in base.rglob('*.py')}
    want |= {f'srbench/templates/plugin/{p.name}' for p in (REPO / 'srbench/templates/plugin').iterdir()}
    assert len(want) > 60 and want <= names, sorted(want - names)
    assert not any(n.startswith(('configs/', 'tools/', 'tests/')) for n in names)


def test_installed_srbench_works_outside_the_checkout(env, set5_root, photos):
    where = ok(sh(env, env['py'], '-c', 'import srbench, srbench_plugins; print(srbench.__file__); '
                                         'print(srbench_plugins.__path__[0])'))
    assert all(Path(ln).resolve().is_relative_to(env['purelib'].resolve()) for ln in where.split()), where
    assert str(REPO) not in where
    out = ok(sh(env, env['bin'] / 'srbench', '--version'))
    assert out.startswith('srbench 0.1.0 (torch ') and 'mmengine 0.10.7' in out

    rows = {r['name']: r for r in json.loads(ok(sh(env, env['bin'] / 'srbench', 'configs', '--json')))}
    assert {'espcn_x3', 'espcn_x3_demo', 'bicubic_x234', 'srcnn_x3_915', 'glean_x16_ffhq'} <= set(rows)
    assert rows['espcn_x3']['plugin'] == 'espcn' and rows['espcn_x3']['scales'] == '3'
    assert rows['espcn_x3']['model'] == 'ESPCN' and 'H5PatchDataset' in rows['espcn_x3']['data']
    assert Path(rows['espcn_x3']['path']).resolve().is_relative_to(env['purelib'].resolve())

    plugins = json.loads(ok(sh(env, env['py'], '-m', 'srbench', 'plugins', '--json')))
    assert plugins and all(r['status'] == 'ok' and not r['warnings'] for r in plugins), plugins

    wd = env['tmp'] / 'demo'
    out = ok(sh(env, env['bin'] / 'srbench', 'demo', '--work-dir', wd, '--iters', '3'))
    assert 'Bicubic' in out and 'ESPCN' in out

    wt = env['tmp'] / 'train'
    ok(sh(env, env['bin'] / 'srbench', 'train', 'espcn_x3_demo', '--work-dir', wt, '--cfg-options',
          f'train_dataloader.dataset.hr_dir={photos[0]}', 'train_dataloader.num_workers=0',
          'train_dataloader.persistent_workers=False', 'train_dataloader.batch_size=2',
          'train_dataloader.dataset.patch_size=12', 'train_cfg.max_iters=2',
          'default_hooks.checkpoint.interval=2'))
    assert (wt / 'iter_2.pth').is_file()

    res = env['tmp'] / 'bicubic.json'
    out = ok(sh(env, env['bin'] / 'srbench', 'test', 'bicubic_x234', '--out', res, '--work-dir',
                env['tmp'] / 'wbic', extra_env=dict(SRBENCH_DATA_ROOT=set5_root)))
    r = json.loads(res.read_text())
    assert r['config_path'].startswith(str(env['purelib'].resolve()))
    psnr = {x['scale']: x['metrics']['PSNR'] for x in r['results'] if x['dataset'] == 'Set5'}
    assert sorted(psnr) == [2, 3, 4] and 33.0 < psnr[2] < 34.5, psnr     # the Bicubic table: 33.66 dB x2
    md = ok(sh(env, env['bin'] / 'srbench', 'leaderboard', res))
    assert 'Bicubic' in md and 'Set5' in md


def test_new_plugin_installs_lists_trains_tests_and_uninstalls(env, set5_root, photos):
    srb = env['bin'] / 'srbench'
    ok(sh(env, srb, 'new-plugin', 'toy', '--dir', env['tmp']))
    dist = env['tmp'] / 'srbench-plugin-toy'
    p = subprocess.run([sys.executable, '-m', 'pip', '--python', str(env['py']), 'install', '-q', '--no-deps',
                        '--no-index', '--no-build-isolation', str(dist)], capture_output=True, text=True,
                       timeout=600, cwd=str(env['tmp']))
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-3000:]
    shutil.rmtree(dist / 'build', ignore_errors=True)

    rows = {r['name']: r for r in json.loads(ok(sh(env, srb, 'plugins', '--json')))}
    toy = rows['toy']
    assert toy['status'] == 'ok' and toy['distribution'] == 'srbench-plugin-toy' and not toy['warnings']
    assert set(toy['models']) == {'ToySR'} and toy['components']['MODELS'] == ['ToySR']
    (cfg,) = json.loads(ok(sh(env, srb, 'configs', 'toy', '--json')))
    assert (cfg['plugin'], cfg['name'], cfg['model'], cfg['scales']) == ('toy', 'toy_x2', 'ToySR', '2')

    wd = env['tmp'] / 'toy_wd'
    small = [f'train_dataloader.dataset.hr_dir={photos[0]}', 'train_dataloader.num_workers=0',
             'train_dataloader.persistent_workers=False', 'train_dataloader.batch_size=2',
             'train_cfg.max_iters=2', 'train_cfg.val_interval=2', 'default_hooks.checkpoint.interval=2']
    ok(sh(env, srb, 'train', 'toy_x2', '--work-dir', wd, '--cfg-options', *small,
          extra_env=dict(SRBENCH_DATA_ROOT=set5_root)))
    res = env['tmp'] / 'toy.json'
    ok(sh(env, srb, 'test', 'toy_x2', '--ckpt', wd / 'iter_2.pth', '--out', res, '--work-dir',
          env['tmp'] / 'wt', extra_env=dict(SRBENCH_DATA_ROOT=set5_root)))
    r = json.loads(res.read_text())
    assert r['model']['plugin'] == 'toy' and r['model']['distribution'] == 'srbench-plugin-toy'
    assert [x['dataset'] for x in r['results']] == ['Set5']
    md = ok(sh(env, srb, 'leaderboard', res))
    assert 'paper (placeholder' in md and 'ToySR' in md

    p = sh(env, env['py'], '-m', 'pytest', '-q', '-p', 'no:cacheprovider', dist / 'tests', cwd=dist)
    assert p.returncode == 0 and ' passed' in p.stdout, p.stdout[-3000:] + p.stderr[-2000:]

    p = subprocess.run([sys.executable, '-m', 'pip', '--python', str(env['py']), 'uninstall', '-y', '-q',
                        'srbench-plugin-toy'], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stderr[-3000:]
    assert not list(env['purelib'].glob('srbench_plugin_toy*'))
    assert json.loads(ok(sh(env, srb, 'configs', 'toy', '--json'))) == []
    p = sh(env, srb, 'train', 'toy_x2')
    assert p.returncode == 2 and 'Traceback' not in p.stderr
    assert p.stderr.strip().splitlines()[-1] == 'srbench: error: config file not found: toy_x2'
