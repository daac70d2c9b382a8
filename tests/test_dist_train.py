"""tools/dist_train.sh: two gloo processes on CPU train to the end, write a checkpoint, and resume."""
import os
import subprocess
import sys

from conftest import REPO, tool_env


def free_port() -> int:
    import socket
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def dist_run(script, cfg, n, wd, *extra, timeout=600):
    # verbose: MMEngine's runtime environment ('Distributed training: True') is on the console only then
    env = tool_env(PORT=free_port(), PYTHON=os.environ.get('PYTHON', sys.executable), SRBENCH_VERBOSE=1)
    return subprocess.run(['bash', str(REPO / 'tools' / script), str(cfg), str(n), '--work-dir', str(wd),
                           *map(str, extra)], cwd=str(REPO), env=env, capture_output=True, text=True, timeout=timeout)


def dist_train(cfg, n, wd, *extra):
    return dist_run('dist_train.sh', cfg, n, wd, *extra)


def tiny_cfg(tmp_path, photos, iters):
    cfg = tmp_path / f'espcn_x3_dist{iters}.py'
    cfg.write_text(f"""_base_ = [{str(REPO / 'configs' / 'espcn_x3_demo.py')!r}]
train_dataloader = dict(batch_size=2, num_workers=1, dataset=dict(hr_dir={photos[0]!r}, patch_size=10, length=32))
test_dataloader = [dict(batch_size=1, num_workers=0, persistent_workers=False, drop_last=False,
                        sampler=dict(type='DefaultSampler', shuffle=False), collate_fn=dict(type='sr_collate'),
                        dataset=dict(type='PairedImageDataset', name='photos', scale=3, hr_dir={photos[1]!r}))]
train_cfg = dict(max_iters={iters})
default_hooks = dict(logger=dict(interval=2), checkpoint=dict(interval=4))
custom_imports = dict(imports=['srbench_test_hooks'], allow_failed_imports=False)
custom_hooks = [dict(type='RecordWorldHook')]
""")
    return cfg


def test_dist_train_two_gloo_processes_and_resume(tmp_path, photos):
    wd = tmp_path / 'wd'
    p = dist_train(tiny_cfg(tmp_path, photos, 4), 2, wd)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out[-4000:]
    assert (wd / 'iter_4.pth').is_file()
    assert 'Distributed training: True' in out
    ranks = sorted(f.name for f in wd.glob('rank*_of*'))
    assert ranks == ['rank0_of2_gloo', 'rank1_of2_gloo'], ranks
    pids = {(wd / r).read_text() for r in ranks}
    assert len(pids) == 2, 'two separate processes'
    # resume with -r under torchrun for 4 more iterations
    p = dist_train(tiny_cfg(tmp_path, photos, 8), 2, wd, '-r')
    out = p.stdout + p.stderr
    assert p.returncode == 0, out[-4000:]
    assert 'resumed epoch: 0, iter: 4' in out
    assert (wd / 'iter_8.pth').is_file()

    # dist_test.sh: two ranks share the test images; the results JSON has every image once, in order
    out_json = tmp_path / 'dist_results.json'
    p = dist_run('dist_test.sh', tiny_cfg(tmp_path, photos, 8), 2, tmp_path / 'twd', '--ckpt', wd / 'iter_8.pth',
                 '--out', out_json)
    assert p.returncode == 0, (p.stdout + p.stderr)[-4000:]
    import json
    res = json.loads(out_json.read_text())['results'][0]
    assert [r['name'] for r in res['per_image']] == ['camera', 'coffee', 'motorcycle_left']
    assert res['num_images'] == 3
    assert abs(res['metrics']['PSNR'] - sum(r['PSNR'] for r in res['per_image']) / 3) < 1e-9
