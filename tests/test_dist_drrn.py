"""``tools/dist_train.sh configs/drrn_x234.py 2`` on CPU (gloo): the multi-scale DRRN config -- its H5 patches
of x2, x3 and x4 with one scale per batch, batch norm, LR-scaled gradient clipping -- trains in two
processes for a few iterations, then resumes with ``-r``. A shrunken generator and a tiny H5 made from the
sample photos by tools/data_aug.py keep it short (no ../shared data needed)."""
import os
import socket
import subprocess
import sys

import torch

from conftest import REPO, tool_env


def free_port() -> int:
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def dist_train(wd, h5, val_dir, iters, *extra):
    opts = [f'train_dataloader.dataset.h5_path={h5}', 'train_dataloader.dataset.in_memory=False',
            'train_dataloader.batch_size=4', 'train_dataloader.num_workers=0',
            'train_dataloader.persistent_workers=False',
            'model.generator.mid_channels=8', 'model.generator.num_units=2',
            f'train_cfg.max_iters={iters}', 'train_cfg.val_interval=1000',
            'default_hooks.checkpoint.interval=3', 'default_hooks.logger.interval=1',
            f'val_dataloader.dataset.hr_dir={val_dir}']
    # verbose: MMEngine's runtime environment ('Distributed training: True') is on the console only then
    env = tool_env(PORT=free_port(), PYTHON=os.environ.get('PYTHON', sys.executable), OMP_NUM_THREADS=1,
                   SRBENCH_VERBOSE=1)
    cmd = ['bash', str(REPO / 'tools' / 'dist_train.sh'), str(REPO / 'configs' / 'drrn_x234.py'), '2',
           '--work-dir', str(wd), *extra, '--cfg-options', *opts]
    return subprocess.run(cmd,
                          cwd=str(REPO), env=env, capture_output=True, text=True, timeout=600)


def test_drrn_x234_dist_train_two_gloo_processes_then_resume(tmp_path, photos):
    from srbench.apis.data_aug import data_aug
    h5 = tmp_path / 'drrn_x234.h5'
    s = data_aug([photos[0]], h5, width=31, height=31, stride=60, upscale_factors=(2, 3, 4),
                 upsampling=('bicubic',), single_y=True, progress=False, log=lambda *a: None)
    assert sorted(s['per_scale']) == ['x2', 'x3', 'x4'] and min(s['per_scale'].values()) >= 8
    wd = tmp_path / 'wd'
    p = dist_train(wd, h5, photos[1], 3)
    out = p.stdout + p.stderr
    assert p.returncode == 0, out[-4000:]
    assert 'Distributed training: True' in out
    ckpt = wd / 'iter_3.pth'
    assert ckpt.is_file()
    sd = torch.load(ckpt, map_location='cpu', weights_only=True)
    assert sd['meta']['iter'] == 3
    assert any(k.endswith('blocks.0.conv_a.weight') for k in sd['state_dict'])

    p = dist_train(wd, h5, photos[1], 6, '-r')
    out = p.stdout + p.stderr
    assert p.returncode == 0, out[-4000:]
    assert 'resumed epoch: 0, iter: 3' in out
    sd6 = torch.load(wd / 'iter_6.pth', map_location='cpu', weights_only=True)
    assert sd6['meta']['iter'] == 6
    moved = [k for k, v in sd6['state_dict'].items()
             if v.is_floating_point() and not torch.equal(v, sd['state_dict'][k])]
    assert any(k.endswith('conv_a.weight') for k in moved), 'resumed training updated the shared weights'
