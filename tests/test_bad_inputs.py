"""The bad-input table: every tool, fed what a hostile or careless user gives it, exits with status 2 after
exactly one ``srbench: error:`` line that names the culprit, prints no traceback, and leaves nothing under the
output's final name.

The tools run in-process (runpy, the command-line code path without paying the torch import per case)."""
import json
import os
import runpy
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from conftest import REPO, TOOLS

DEMO = REPO / 'configs' / 'espcn_x3_demo.py'
BICUBIC = REPO / 'configs' / 'bicubic_x234.py'


@pytest.fixture(scope='module')
def bad(tmp_path_factory, photos):
    """A folder of bad inputs, built once."""
    import cv2
    import torch
    d = tmp_path_factory.mktemp('bad')
    (d / 'afile').write_text('a regular file')
    (d / 'empty').mkdir()
    (d / 'text').mkdir()
    (d / 'text' / 'notes.txt').write_text('not an image')
    (d / 'corrupt').mkdir()
    (d / 'corrupt' / 'a.png').write_bytes(b'\x89PNG\r\n\x1a\n' + os.urandom(200))
    (d / 'deep').mkdir()
    cv2.imwrite(str(d / 'deep' / 'a.png'), (np.arange(64 * 64).reshape(64, 64) * 16).astype(np.uint16))
    (d / 'tiny').mkdir()
    cv2.imwrite(str(d / 'tiny' / 'a.png'), np.zeros((2, 2, 3), np.uint8))
    (d / 'garbage.pth').write_bytes(os.urandom(1000))
    torch.save({'state_dict': {'generator.nope.weight': torch.zeros(3, 3)}}, d / 'wrong.pth')
    (d / 'notjson.json').write_text('{ not json')
    (d / 'oldformat.json').write_text(json.dumps({'format': 'srbench-results/99', 'results': []}))
    (d / 'nokeys.json').write_text(json.dumps({'hello': 1}))
    (d / 'syntax_x3.py').write_text('model = dict(type=\n')
    (d / 'nomodel_x3.py').write_text('x = 1\n')
    (d / 'h5missing_x3.py').write_text(f"_base_ = [{str(REPO / 'configs' / 'espcn_x3.py')!r}]\n"
                                       f"train_dataloader = dict(dataset=dict(h5_path={str(d / 'no.h5')!r}))\n")
    (d / 'badarg_x3.py').write_text(f"_base_ = [{str(DEMO)!r}]\ntrain_cfg = dict(max_iter=10)\n")
    (d / 'wd_empty').mkdir()
    return d


def _test_data(folder):
    return ['--cfg-options', f'test_dataloader.0.dataset.hr_dir={folder}', 'test_dataloader.0.dataset.scale=2']


def _train_data(folder):
    return ['--cfg-options', f'train_dataloader.dataset.hr_dir={folder}']


# (id, tool, arguments (B = the bad folder, P = the photos, T = this case's tmp dir), expected text in the line,
#  output that must not exist afterwards)
CASES = [
    # train
    ('train-config-missing', 'train.py', ['{T}/nope.py'], 'config file not found', None),
    ('train-config-syntax', 'train.py', ['{B}/syntax_x3.py'], 'cannot read config', None),
    ('train-config-no-model', 'train.py', ['{B}/nomodel_x3.py'], 'has no "model"', None),
    ('train-unknown-model', 'train.py', [DEMO, '--cfg-options', 'model.generator.type=ESPNC'],
     "unknown model type 'ESPNC'", None),
    ('train-option-typo-top', 'train.py', [DEMO, '--cfg-options', 'trian_cfg.max_iters=2'], "'train_cfg'", None),
    ('train-option-typo-arg', 'train.py', [DEMO, '--cfg-options', 'train_cfg.max_iter=2'], "'max_iters'", None),
    ('train-option-typo-network', 'train.py', [DEMO, '--cfg-options', 'model.generator.mid_channel=3'],
     "model.generator is type ESPCN, which takes no argument 'mid_channel'", None),
    ('train-option-typo-dataset', 'train.py', [DEMO, '--cfg-options', 'train_dataloader.dataset.patch_sise=3'],
     "is type RandomCropDataset, which takes no argument 'patch_sise' (did you mean 'patch_size'", None),
    ('train-config-bad-argument', 'train.py', ['{B}/badarg_x3.py'],
     "train_cfg is type IterBasedTrainLoop, which takes no argument 'max_iter' (did you mean 'max_iters'", None),
    ('train-option-no-equals', 'train.py', [DEMO, '--cfg-options', 'train_cfg.max_iters'], 'key=value', None),
    ('train-option-expression', 'train.py', [DEMO, '--cfg-options', "test_evaluator=[dict(type='PSNR')]"],
     'not Python expressions', None),
    ('train-option-brackets', 'train.py', [DEMO, '--cfg-options', 'a=[1,2'], '--cfg-options', None),
    ('train-workdir-under-file', 'train.py', [DEMO, '--work-dir', '{B}/afile/wd'], 'is a file, not a folder',
     '{B}/afile/wd'),
    ('train-slurm-no-env', 'train.py', [DEMO, '--work-dir', '{T}/wd', '--launcher', 'slurm'], 'SLURM_PROCID', None),
    ('train-resume-nothing', 'train.py', [DEMO, '--work-dir', '{B}/wd_empty', '-r'], 'no checkpoint in the work dir',
     None),
    ('train-resume-missing', 'train.py', [DEMO, '--work-dir', '{T}/wd', '--resume', '{T}/none.pth'],
     'does not exist', None),
    ('train-resume-garbage', 'train.py', [DEMO, '--work-dir', '{T}/wd', '--resume', '{B}/garbage.pth'],
     'garbage.pth is not a checkpoint', None),
    ('train-data-missing', 'train.py', [DEMO, '--work-dir', '{T}/wd'] + _train_data('{T}/nodata'),
     'does not exist', '{T}/wd/iter_1.pth'),
    ('train-data-not-images', 'train.py', [DEMO, '--work-dir', '{T}/wd'] + _train_data('{B}/text'),
     'notes.txt', '{T}/wd/iter_1.pth'),
    ('train-data-empty', 'train.py', [DEMO, '--work-dir', '{T}/wd'] + _train_data('{B}/empty'), 'holds no images',
     '{T}/wd/iter_1.pth'),
    ('train-h5-missing', 'train.py', ['{B}/h5missing_x3.py', '--work-dir', '{T}/wd'], 'no.h5', None),
    # test
    ('test-ckpt-missing', 'test.py', [DEMO, '--ckpt', '{T}/none.pth'], 'does not exist', None),
    ('test-ckpt-garbage', 'test.py', [DEMO, '--ckpt', '{B}/garbage.pth'], 'garbage.pth is not a checkpoint', None),
    ('test-ckpt-wrong-model', 'test.py', [DEMO, '--ckpt', '{B}/wrong.pth'], 'wrong.pth', None),
    ('test-out-under-file', 'test.py', [BICUBIC, '--work-dir', '{T}/wd', '--out', '{B}/afile/r.json']
     + _test_data('{P1}'), 'is a file', '{T}/wd/results.json'),
    ('test-data-empty', 'test.py', [BICUBIC, '--work-dir', '{T}/wd'] + _test_data('{B}/empty'), 'holds no images',
     '{T}/wd/results.json'),
    ('test-data-corrupt', 'test.py', [BICUBIC, '--work-dir', '{T}/wd'] + _test_data('{B}/corrupt'), 'a.png',
     '{T}/wd/results.json'),
    ('test-data-16bit', 'test.py', [BICUBIC, '--work-dir', '{T}/wd'] + _test_data('{B}/deep'), 'uint16',
     '{T}/wd/results.json'),
    ('test-unknown-metric', 'test.py', [BICUBIC, '--work-dir', '{T}/wd', '--cfg-options',
                                        'test_evaluator.0.type=PSRN'], "unknown metric type 'PSRN'", None),
    # data_aug
    ('data-aug-input-missing', 'data_aug.py', ['--input', '{T}/nodata', '--output', '{T}/p.h5', '--use_h5py', '-uf', '3',
                                               '--width', '21', '--height', '21', '--stride', '21'],
     'nodata', '{T}/p.h5'),
    ('data-aug-input-empty', 'data_aug.py', ['--input', '{B}/empty', '--output', '{T}/p.h5', '--use_h5py', '-uf', '3',
                                              '--width', '21', '--height', '21', '--stride', '21'],
     'holds no images', '{T}/p.h5'),
    ('data-aug-output-readonly', 'data_aug.py', ['--input', '{P0}', '--output', '/proc/srbench_x.h5',
                                                 '--use_h5py', '-uf', '3', '--width', '21', '--height', '21',
                                                 '--stride', '21'], 'cannot write in /proc', None),
    ('data-aug-indivisible', 'data_aug.py', ['--input', '{P0}', '--output', '{T}/p.h5', '--use_h5py', '-uf', '3'],
     'not divisible by upscale factor 3', '{T}/p.h5'),
    ('data-aug-bad-rotation', 'data_aug.py', ['--input', '{P0}', '--output', '{T}/p.h5', '--use_h5py',
                                              '--rotations', '45'], '45', '{T}/p.h5'),
    ('data-aug-corrupt-image', 'data_aug.py', ['--input', '{B}/corrupt', '--output', '{T}/p.h5', '--use_h5py',
                                               '--same_size', '--upsampling', 'bicubic'], 'a.png', '{T}/p.h5'),
    ('data-aug-tiny-image', 'data_aug.py', ['--input', '{B}/tiny', '--output', '{T}/p.h5', '--use_h5py', '-uf', '3',
                                             '--width', '21', '--height', '21', '--stride', '21'],
     'no patch fits', '{T}/p.h5'),
    # leaderboard
    ('leaderboard-missing', 'leaderboard.py', ['{T}/none.json'], 'none.json', None),
    ('leaderboard-not-json', 'leaderboard.py', ['{B}/notjson.json'], 'notjson.json', None),
    ('leaderboard-future-format', 'leaderboard.py', ['{B}/oldformat.json'], 'oldformat.json', None),
    ('leaderboard-not-results', 'leaderboard.py', ['{B}/nokeys.json'], 'nokeys.json', None),
    # create_lmdb
    ('create-lmdb-input-missing', 'create_lmdb.py', ['{T}/nodata', '{T}/x.lmdb'], 'nodata', '{T}/x.lmdb'),
    ('create-lmdb-not-images', 'create_lmdb.py', ['{B}/text', '{T}/x.lmdb'], 'notes.txt', '{T}/x.lmdb'),
    ('create-lmdb-output-readonly', 'create_lmdb.py', ['{P0}', '/proc/srbench_x.lmdb'], '/proc', None),
]


def _forget_loggers():
    from mmengine.logging import MMLogger
    for inst in list(MMLogger._instance_dict.values()):
        for h in list(inst.handlers):
            inst.removeHandler(h)
    MMLogger._instance_dict.clear()


def test_the_table_is_large_enough():
    assert len(CASES) >= 30 and len({c[0] for c in CASES}) == len(CASES)
    assert {c[1] for c in CASES} == {'train.py', 'test.py', 'data_aug.py', 'leaderboard.py', 'create_lmdb.py'}


@pytest.mark.parametrize('case', CASES, ids=[c[0] for c in CASES])
def test_bad_input(case, bad, photos, tmp_path, capsys, monkeypatch):
    name, tool, args, expected, never = case
    fill = dict(B=bad, T=tmp_path, P0=photos[0], P1=photos[1])
    args = [str(a).format(**fill) for a in args]
    monkeypatch.chdir(tmp_path)                     # MMEngine writes work_dirs/ relative to the cwd
    for k in [k for k in os.environ if k.startswith('SLURM')]:
        monkeypatch.delenv(k)
    monkeypatch.setattr(sys, 'argv', [str(TOOLS / tool)] + args)
    _forget_loggers()           # in-process only: MMEngine's loggers keep the previous case's captured stream
    capsys.readouterr()
    with pytest.raises(SystemExit) as e:
        runpy.run_path(str(TOOLS / tool), run_name='__main__')
    out = capsys.readouterr()
    res = SimpleNamespace(code=e.value.code, err=out.err)
    assert res.code == 2, f'exit status {res.code}\n{out.out[-2000:]}\n{out.err[-3000:]}'
    assert 'Traceback' not in res.err, res.err[-3000:]
    lines = [ln for ln in res.err.splitlines() if ln.startswith('srbench: error:')]
    assert len(lines) == 1, res.err[-3000:]
    assert expected in lines[0], lines[0]
    if never:
        assert not Path(never.format(**fill)).exists(), f'{never} was left behind'
