"""Regression tests for the failures found when srbench was tried as a hostile user would (issue 13).

Each test builds its own small data; each failed before its fix."""
import os

import numpy as np
import pytest

from srbench.data import PairedImageDataset
from srbench.data.io import imread, imwrite

skdata = pytest.importorskip('skimage.data')
PIL = pytest.importorskip('PIL.Image')


# -- 1. a grayscale PNG with alpha is gray (MATLAB's imread), not RGB ------------------------------------
def test_gray_png_with_alpha_is_scored_as_gray(tmp_path):
    rgb = skdata.astronaut()[:96, :120]
    gray = np.asarray(PIL.fromarray(rgb).convert('L'))
    la, plain = tmp_path / 'la' / 'HR', tmp_path / 'l' / 'HR'
    la.mkdir(parents=True)
    PIL.fromarray(rgb).convert('LA').save(la / 'a.png')
    imwrite(plain / 'a.png', gray)
    assert imread(la / 'a.png').shape == gray.shape                  # OpenCV alone gives H×W×4
    np.testing.assert_array_equal(imread(la / 'a.png'), gray)
    rgba = tmp_path / 'rgba.png'
    PIL.fromarray(rgb).convert('RGBA').save(rgba)                     # a colour PNG with alpha stays RGB
    np.testing.assert_array_equal(imread(rgba), rgb)
    for channels in ('y', 'rgb'):
        a = PairedImageDataset(la, 4, input_kind='lr', channels=channels)[0]
        b = PairedImageDataset(plain, 4, input_kind='lr', channels=channels)[0]
        assert a['metainfo'].get('gray', True) == b['metainfo'].get('gray', True)
        np.testing.assert_array_equal(a['gt'].numpy(), b['gt'].numpy())
        np.testing.assert_array_equal(a['inputs'].numpy(), b['inputs'].numpy())


# -- 9. the plugin switches reject what they do not understand ---------------------------------------------
def _srbench(*args, **env):
    import subprocess
    import sys
    return subprocess.run([sys.executable, '-m', 'srbench', *args], capture_output=True, text=True, timeout=300,
                          env={**os.environ, **env})


def test_plugin_switch_typos_are_reported():
    p = _srbench('plugins', '--json', SRBENCH_PLUGINS_DISABLE='espnc,vdsr')
    assert p.returncode == 0
    assert "SRBENCH_PLUGINS_DISABLE names 'espnc', which matches no installed plugin" in p.stderr
    assert "did you mean 'espcn'" in p.stderr and "'vdsr'" not in p.stderr
    import json
    status = {r['name']: r['status'] for r in json.loads(p.stdout)}
    assert status['espcn'] == 'ok' and status['vdsr'] == 'disabled'
    p = _srbench('plugins', SRBENCH_PLUGINS_AUTOLOAD='nope')
    assert p.returncode == 2 and p.stdout == ''
    assert p.stderr.strip().splitlines()[-1] == (
        "srbench: error: SRBENCH_PLUGINS_AUTOLOAD='nope' is not a switch: use 1 (discover installed plugins, the "
        'default) or 0 (no discovery)')
    assert _srbench('plugins', SRBENCH_PLUGINS_AUTOLOAD='off').returncode == 0


# -- 5. fast resume with the multi-scale batch sampler (VDSR / DRRN configs) ------------------------------------
def test_multiscale_resume_moves_the_sampler_on_and_matches_an_unbroken_run(tmp_path, photos):
    import torch

    from conftest import REPO, TOOLS, custom_hooks_cfg, run_tool
    from srbench.apis.data_aug import data_aug
    h5 = tmp_path / 'x234.h5'
    s = data_aug([photos[0]], h5, width=21, height=21, stride=14, upscale_factors=(2, 3, 4), single_y=True,
                 same_size=True, upsampling=('bicubic',), progress=False, log=lambda *a: None)
    n = 12
    assert s['patches'] > 4 * n

    def cfg(kill_at=None):
        p = tmp_path / f'vdsr_small{"_kill" if kill_at else ""}.py'
        p.write_text(f"""_base_ = [{str(REPO / 'configs' / 'vdsr_x234.py')!r}]
model = dict(generator=dict(num_layers=3, mid_channels=8))
train_dataloader = dict(batch_size=4, num_workers=0, persistent_workers=False,
                        dataset=dict(h5_path={str(h5)!r}, in_memory=False))
val_dataloader = dict(dataset=dict(hr_dir={str(photos[1])!r}))
train_cfg = dict(max_iters={n}, val_interval=1000)
default_hooks = dict(logger=dict(interval=4), checkpoint=dict(interval={n // 2}, max_keep_ckpts=5))
{custom_hooks_cfg(dict(type='KillAtIterHook', at=kill_at)) if kill_at else ''}""")
        return p

    full, wd = tmp_path / 'full', tmp_path / 'wd'
    p = run_tool([TOOLS / 'train.py', cfg(), '--work-dir', full])
    assert p.returncode == 0, p.stderr[-3000:]
    assert run_tool([TOOLS / 'train.py', cfg(n // 2), '--work-dir', wd]).returncode == -9
    p = run_tool([TOOLS / 'train.py', cfg(), '--work-dir', wd, '-r'])
    out = p.stdout + p.stderr
    assert p.returncode == 0, out[-3000:]
    assert f'moved the sampler on by {n // 2} batches' in out and 'replaying' not in out
    a = torch.load(full / f'iter_{n}.pth', map_location='cpu', weights_only=True)['state_dict']
    b = torch.load(wd / f'iter_{n}.pth', map_location='cpu', weights_only=True)['state_dict']
    assert a.keys() == b.keys() and all(torch.equal(a[k], b[k]) for k in a)


# -- 3 and 10. -r in a copied work dir, a damaged newest checkpoint, garbage as a checkpoint --------------------
def _tiny_ckpts(wd, iters):
    import torch
    wd.mkdir(parents=True, exist_ok=True)
    for i in iters:
        torch.save({'state_dict': {'w': torch.full((2,), float(i))}, 'meta': {'iter': i}}, wd / f'iter_{i}.pth')
    (wd / 'last_checkpoint').write_text(str(wd / f'iter_{iters[-1]}.pth'))


def test_resume_never_takes_another_work_dirs_checkpoint(tmp_path):
    import shutil

    from srbench.engine.checkpoint import find_latest_checkpoint
    a, b = tmp_path / 'A', tmp_path / 'B'
    _tiny_ckpts(a, [1000, 2000])
    shutil.copytree(a, b)
    (b / 'iter_2000.pth').unlink()                       # B's newest removed; its pointer still names A's
    assert find_latest_checkpoint(b) == str(b / 'iter_1000.pth')
    assert find_latest_checkpoint(a) == str(a / 'iter_2000.pth')
    shutil.copytree(a, tmp_path / 'C')                   # a copy with its newest file: this copy's, not A's
    assert find_latest_checkpoint(tmp_path / 'C') == str(tmp_path / 'C' / 'iter_2000.pth')
    (b / 'iter_1000.pth').unlink()
    assert find_latest_checkpoint(b) is None


def test_damaged_newest_checkpoint_names_the_previous_complete_one(tmp_path):
    from srbench.apis.train import prepare_train_cfg
    from srbench.errors import CheckpointError
    from conftest import REPO
    wd = tmp_path / 'wd'
    _tiny_ckpts(wd, [10, 20])
    data = (wd / 'iter_20.pth').read_bytes()
    (wd / 'iter_20.pth').write_bytes(data[:len(data) // 2])          # truncated by a copy
    with pytest.raises(CheckpointError) as e:
        prepare_train_cfg(str(REPO / 'configs' / 'espcn_x3_demo.py'), work_dir=str(wd), resume='auto')
    msg = str(e.value)
    assert 'iter_20.pth' in msg and f'--resume {wd / "iter_10.pth"}' in msg and 'weights_only' not in msg


def test_random_bytes_are_not_a_checkpoint_without_torch_advice(tmp_path):
    from srbench.engine.checkpoint import load_checkpoint_file
    from srbench.errors import CheckpointError
    for name, data in (('random.pth', os.urandom(4096)), ('text.pth', b'hello\n'), ('empty.pth', b'')):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(CheckpointError) as e:
            load_checkpoint_file(tmp_path / name)
        assert name in str(e.value) and 'is not a checkpoint' in str(e.value)
        assert 'weights_only=False' not in str(e.value), str(e.value)


# -- 2 and 7. --cfg-options: typos and Python expressions are one error (the error lines themselves: the
# train-option-* and train-config-bad-argument rows of tests/test_bad_inputs.py) --------------------------------
def test_good_cfg_options_still_merge():
    from conftest import REPO
    from srbench.apis.common import load_config
    cfg = load_config(REPO / 'configs' / 'espcn_x3_demo.py',
                      {'train_cfg.max_iters': 7, 'model.generator.type': 'FSRCNN', 'model.generator.d': 8,
                       'default_hooks.checkpoint.interval': 5, 'randomness.seed': 3, 'work_dir': 'x',
                       'test_dataloader.0.dataset.hr_dir': 'y'})
    assert cfg.train_cfg.max_iters == 7 and cfg.model.generator.d == 8 and cfg.work_dir == 'x'


# -- 6. a hung rank: the other gives up after the configured timeout and names it -----------------------------
def test_hung_rank_is_named_after_the_timeout(tmp_path, photos):
    from conftest import REPO
    from test_dist_train import dist_train
    cfg = tmp_path / 'espcn_x3_hang.py'
    cfg.write_text(f"""_base_ = [{str(REPO / 'configs' / 'espcn_x3_demo.py')!r}]
train_dataloader = dict(batch_size=2, num_workers=0, persistent_workers=False,
                        dataset=dict(hr_dir={photos[0]!r}, patch_size=10, length=32))
train_cfg = dict(max_iters=8)
env_cfg = dict(dist_cfg=dict(timeout=10))
default_hooks = dict(logger=dict(interval=2), checkpoint=dict(interval=100))
custom_imports = dict(imports=['srbench_test_hooks'], allow_failed_imports=False)
custom_hooks = [dict(type='HangAtIterHook', rank=1, at=3)]
""")
    p = dist_train(cfg, 2, tmp_path / 'wd')
    out = p.stdout + p.stderr
    assert p.returncode != 0
    line = next((ln for ln in out.splitlines() if ln.startswith('srbench: error: rank 0 of 2 waited 10 s')), None)
    assert line is not None, out[-4000:]
    assert 'rank 1 (in or after iteration 3) stopped or hangs while the others are in iteration 4' in line, line


# -- 8. temporaries of killed runs are removed by the next run, which says so --------------------------------
def test_stale_temporaries_of_killed_runs_are_removed(tmp_path, photos):
    import subprocess
    import sys

    from srbench.apis.data_aug import data_aug
    from srbench.apis.train import prepare_train_cfg
    from conftest import REPO
    dead = subprocess.run([sys.executable, '-c', 'import os; print(os.getpid())'], capture_output=True,
                          text=True).stdout.strip()                     # a pid that no longer runs
    wd = tmp_path / 'wd'
    wd.mkdir()
    (wd / f'.iter_20.pth.tmp-{dead}').write_bytes(b'x' * 100)
    (wd / f'.iter_30.pth.tmp-{os.getpid()}').write_bytes(b'x')         # a live process's: kept
    prepare_train_cfg(str(REPO / 'configs' / 'espcn_x3_demo.py'), work_dir=str(wd))
    assert sorted(p.name for p in wd.iterdir()) == [f'.iter_30.pth.tmp-{os.getpid()}']
    out = tmp_path / 'p.h5'
    stale = tmp_path / f'.p.h5.tmp-{dead}'
    stale.write_bytes(b'x' * 1000)
    data_aug([photos[0]], out, width=21, height=21, stride=21, upscale_factors=(3,), single_y=True,
             progress=False, log=lambda *a: None)
    assert out.is_file() and not stale.exists()


# -- 4 and 7. outputs that cannot be written: one line, before the work, nothing lost -----------------------------
def test_unwritable_outputs_are_one_line_before_the_work(tmp_path, photos):
    from conftest import REPO, TOOLS, error_line, run_tool, tool_env
    afile = tmp_path / 'some_file.h5'
    afile.write_bytes(b'not a folder')
    demo = REPO / 'configs' / 'espcn_x3_demo.py'
    line = error_line(run_tool([TOOLS / 'train.py', demo, '--work-dir', afile / 'wd'], timeout=300))
    assert f'work dir {afile / "wd"} cannot be created: {afile} is a file, not a folder' in line
    bic = REPO / 'configs' / 'bicubic_x234.py'
    opts = ['--cfg-options', f'test_dataloader.0.dataset.hr_dir={photos[1]}']
    p = run_tool([TOOLS / 'test.py', bic, '--work-dir', tmp_path / 'twd', '--out', afile / 'res.json'] + opts,
                 timeout=300)
    assert f'--out {afile / "res.json"} cannot be created: {afile} is a file' in error_line(p)
    assert not (tmp_path / 'twd' / 'results.json').exists()             # refused before the evaluation
    line = error_line(run_tool([TOOLS / 'train.py', demo, '--work-dir', tmp_path / 'w2', '--launcher', 'slurm'],
                               env={k: v for k, v in tool_env().items() if not k.startswith('SLURM')},
                               timeout=300))
    assert '--launcher slurm needs the SLURM environment (SLURM_PROCID' in line
    # a folder nobody may write in, root included (a read-only file system): /proc
    line = error_line(run_tool([TOOLS / 'data_aug.py', '--input', photos[0], '--output', '/proc/srbench_p.h5',
                                '--use_h5py', '-uf', '3', '--width', '21', '--height', '21', '--stride', '21'], timeout=300))
    assert line == ('srbench: error: --output /proc/srbench_p.h5 cannot be created: cannot write in /proc '
                    '(No such file or directory)'), line
    assert not os.path.exists('/proc/srbench_p.h5')


# -- 10. a results file without a protocol is never put beside the paper's numbers unmarked -----------------------
def test_results_without_protocol_are_marked_beside_the_papers(tmp_path):
    import json

    from conftest import REPO
    from srbench.apis.leaderboard import leaderboard
    data = json.loads((REPO / 'tests' / 'data' / 'results_v1_bicubic_set5.json').read_text())
    plain = leaderboard([str(REPO / 'tests' / 'data' / 'results_v1_bicubic_set5.json')])
    assert 'our result records no protocol' not in plain
    for r in data['results']:
        r.pop('protocol', None)
    f = tmp_path / 'noprot.json'
    f.write_text(json.dumps(data))
    md = leaderboard([str(f)])
    assert 'our result records no protocol' in md, md


# -- 11. an authors' data protocol scored under another metric protocol is said, not silent ---------------
def test_eval_protocol_with_another_metric_protocol_is_one_warning_line(capsys):
    from conftest import REPO
    from srbench.apis.common import load_config, validate_config
    cfg_path = REPO / 'configs' / 'lapsrn_x2_released.py'
    validate_config(load_config(cfg_path))                     # as shipped: matlab-double, no warning
    assert 'warning' not in capsys.readouterr().err
    validate_config(load_config(cfg_path, {'test_evaluator.1.protocol': 'matlab'}))
    lines = [ln for ln in capsys.readouterr().err.splitlines() if ln.startswith('srbench: warning:')]
    assert len(lines) == 1, lines                              # one line for the SSIM metric, every set named
    assert "SSIM uses metric protocol 'matlab'" in lines[0] and "'lapsrn-matlab'" in lines[0]
    assert 'Set5, Set14, BSD100, Urban100' in lines[0] and "protocol='matlab-double'" in lines[0]
