"""Training through tools/train.py: a run killed half-way and resumed with -r ends with exactly the
weights of an uninterrupted run; tools/test.py writes the full results JSON."""
import hashlib
import json
from pathlib import Path

import pytest
import torch

from conftest import REPO, TOOLS, run_tool, custom_hooks_cfg

N = 16


def write_cfg(tmp: Path, train_dir: str, test_dir: str, kill_at: int | None = None, workers: int = 2) -> Path:
    extra = custom_hooks_cfg(dict(type='KillAtIterHook', at=kill_at)) if kill_at else ''
    cfg = tmp / f'espcn_x3_tiny{"_kill" if kill_at else ""}.py'
    cfg.write_text(f"""_base_ = [{str(REPO / 'configs' / 'espcn_x3_demo.py')!r}]
train_dataloader = dict(batch_size=4, num_workers={workers}, persistent_workers={workers > 0},
                        dataset=dict(hr_dir={train_dir!r}, patch_size=12, length=64))
test_dataloader = [dict(batch_size=1, num_workers=0, persistent_workers=False, drop_last=False,
                        sampler=dict(type='DefaultSampler', shuffle=False), collate_fn=dict(type='sr_collate'),
                        dataset=dict(type='PairedImageDataset', name='photos', scale=3, hr_dir={test_dir!r}))]
train_cfg = dict(max_iters={N})
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[{N // 2 + 2}], gamma=0.5)]
default_hooks = dict(logger=dict(interval=4), checkpoint=dict(interval={N // 2}, max_keep_ckpts=5))
custom_hooks = []
{extra}""")
    return cfg


def weights(ckpt) -> dict:
    return torch.load(ckpt, map_location='cpu', weights_only=True)['state_dict']


@pytest.fixture(scope='module')
def uninterrupted(tmp_path_factory, photos):
    tmp = tmp_path_factory.mktemp('full')
    cfg = write_cfg(tmp, *photos)
    wd = tmp / 'wd'
    p = run_tool([TOOLS / 'train.py', cfg, '--work-dir', wd])
    assert p.returncode == 0, p.stderr[-3000:]
    return cfg, wd


def test_resume_after_kill_gives_identical_weights(tmp_path, photos, uninterrupted):
    _, full_wd = uninterrupted
    kill_cfg = write_cfg(tmp_path, *photos, kill_at=N // 2)
    wd = tmp_path / 'wd'
    p = run_tool([TOOLS / 'train.py', kill_cfg, '--work-dir', wd])
    assert p.returncode == -9, f'the run was meant to be killed at iteration {N // 2}: rc={p.returncode}'
    assert (wd / f'iter_{N // 2}.pth').is_file() and not (wd / f'iter_{N}.pth').exists()
    assert not list(wd.glob('.*.tmp*')), 'no temporary checkpoint may be left behind'
    # resume the rest with the normal config: -r with no path takes the latest checkpoint in the work dir
    resume_cfg = write_cfg(tmp_path, *photos)
    p = run_tool([TOOLS / 'train.py', resume_cfg, '--work-dir', wd, '-r'])
    assert p.returncode == 0, p.stderr[-3000:]
    assert f'resumed epoch: 0, iter: {N // 2}' in (p.stdout + p.stderr)
    assert "replaying" in (p.stdout + p.stderr)   # random crops: the loader is replayed, not skipped
    a, b = weights(full_wd / f'iter_{N}.pth'), weights(wd / f'iter_{N}.pth')
    assert a.keys() == b.keys()
    for k in a:
        assert torch.equal(a[k], b[k]), f'{k} differs after resume'
    # and the weights really moved during the second half
    mid = weights(wd / f'iter_{N // 2}.pth')
    assert any(not torch.equal(mid[k], b[k]) for k in b)


def test_resume_without_checkpoint_is_one_clear_error(tmp_path, photos):
    cfg = write_cfg(tmp_path, *photos)
    from conftest import error_line
    line = error_line(run_tool([TOOLS / 'train.py', cfg, '--work-dir', tmp_path / 'empty', '-r']))
    assert 'no checkpoint' in line and 'empty' in line


def test_test_tool_writes_results_json(tmp_path, uninterrupted):
    cfg, wd = uninterrupted
    ckpt = wd / f'iter_{N}.pth'
    out = tmp_path / 'res' / 'results.json'
    p = run_tool([TOOLS / 'test.py', cfg, '--ckpt', ckpt, '--out', out, '--work-dir', tmp_path / 'twd'])
    assert p.returncode == 0, p.stderr[-3000:]
    r = json.loads(out.read_text())
    assert r['model']['generator'] == 'ESPCN' and r['model']['type'] == 'SRModel'
    assert r['model']['plugin'] == 'espcn' and r['model']['plugin_version'] and r['model']['distribution'] == 'srbench'
    assert r['model']['input_kind'] == 'lr' and r['model']['channels'] == 'y'
    assert r['checkpoint']['path'] == str(ckpt.resolve())
    assert r['checkpoint']['sha256'] == hashlib.sha256(ckpt.read_bytes()).hexdigest()
    assert r['config']['model']['generator']['type'] == 'ESPCN'
    assert r['git_commit'] is None or len(r['git_commit'].split('-')[0]) == 40
    assert r['date'][:4].isdigit() and 'T' in r['date']
    [res] = r['results']
    assert res['dataset'] == 'photos' and res['scale'] == 3 and res['num_images'] == 3
    names = sorted(x['name'] for x in res['per_image'])
    assert names == ['camera', 'coffee', 'motorcycle_left']
    mean = sum(x['PSNR'] for x in res['per_image']) / 3
    assert abs(res['metrics']['PSNR'] - mean) < 1e-9
    prot = res['protocol']['metrics']['PSNR']
    assert prot['name'] == 'matlab' and prot['channel'] == 'y' and prot['crop_border'] == 3
    assert 'bicubic' in res['protocol']['data']['lr'].lower()
    assert 'ESPCN' in p.stdout and 'photos' in p.stdout


def test_amp_on_cpu_uses_bfloat16_autocast(tmp_path, photos):
    cfg = write_cfg(tmp_path, *photos, workers=0)
    cfg.write_text(cfg.read_text().replace(f'max_iters={N}', 'max_iters=2'))
    wd = tmp_path / 'amp'
    p = run_tool([TOOLS / 'train.py', cfg, '--work-dir', wd, '--amp'])
    assert p.returncode == 0, p.stderr[-3000:]
    dumped = (wd / cfg.name).read_text()
    assert "CPUAmpOptimWrapper" in dumped
    assert torch.load(wd / 'iter_2.pth', weights_only=True)['state_dict']['generator.conv1.weight'].dtype == torch.float32
