"""Bad input to the tools gives one clear line (srbench: error: ...), exit status 2, no traceback.

The tools run in-process here (runpy, same code path as the command line, without paying the torch
import per case); test_config_missing also runs them as real processes."""
import runpy
import sys
from types import SimpleNamespace

import pytest

from conftest import REPO, TOOLS, error_line

DEMO = REPO / 'configs' / 'espcn_x3_demo.py'


@pytest.fixture
def run_tool(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)   # MMEngine writes work_dirs/ relative to the cwd

    def run(args):
        args = [str(a) for a in args]
        monkeypatch.setattr(sys, 'argv', args)
        capsys.readouterr()
        with pytest.raises(SystemExit) as e:
            runpy.run_path(args[0], run_name='__main__')
        out = capsys.readouterr()
        return SimpleNamespace(returncode=e.value.code, stdout=out.out, stderr=out.err)
    return run


def test_config_missing(tmp_path):
    from conftest import run_tool as run_process
    line = error_line(run_process([TOOLS / 'train.py', tmp_path / 'nope.py']))
    assert 'config file not found' in line and 'nope.py' in line
    line = error_line(run_process([TOOLS / 'test.py', tmp_path / 'nope.py', '--ckpt', 'x.pth']))
    assert 'config file not found' in line


def test_config_unreadable(run_tool, tmp_path):
    bad = tmp_path / 'broken_x3.py'
    bad.write_text('model = dict(type=\n')
    line = error_line(run_tool([TOOLS / 'train.py', bad]))
    assert 'cannot read config' in line and 'broken_x3.py' in line


def test_unknown_model_type_lists_close_names_and_plugins(run_tool):
    line = error_line(run_tool([TOOLS / 'train.py', DEMO, '--cfg-options', 'model.generator.type=ESPNC']))
    assert "unknown model type 'ESPNC'" in line and "'ESPCN'" in line
    assert 'installed plugins:' in line and 'espcn (ok)' in line and 'bicubic (ok)' in line


def test_unknown_metric_and_dataset_types(run_tool, tmp_path):
    cfg = tmp_path / 'espcn_x3_badmetric.py'
    cfg.write_text(f"_base_ = [{str(DEMO)!r}]\ntest_evaluator = [dict(type='PSRN')]\n")
    line = error_line(run_tool([TOOLS / 'test.py', cfg, '--ckpt', tmp_path / 'x.pth']))
    assert "unknown metric type 'PSRN'" in line and "'PSNR'" in line
    line = error_line(run_tool([TOOLS / 'train.py', DEMO, '--cfg-options',
                                'train_dataloader.dataset.type=RandomCropDatset']))
    assert "unknown dataset type 'RandomCropDatset'" in line and "'RandomCropDataset'" in line


def test_checkpoint_missing_or_not_a_checkpoint(run_tool, tmp_path, photos):
    opts = ['--cfg-options', f'test_dataloader.0.dataset.hr_dir={photos[1]}']
    line = error_line(run_tool([TOOLS / 'test.py', DEMO, '--ckpt', tmp_path / 'missing.pth'] + opts))
    assert 'checkpoint file does not exist' in line and 'missing.pth' in line
    junk = tmp_path / 'junk.pth'
    junk.write_text('this is not a checkpoint\n')
    line = error_line(run_tool([TOOLS / 'test.py', DEMO, '--ckpt', junk] + opts))
    assert 'junk.pth is not a checkpoint' in line
    line = error_line(run_tool([TOOLS / 'test.py', DEMO] + opts))
    assert '--ckpt is required' in line


def test_wrong_weights_for_model(run_tool, tmp_path, photos):
    import torch
    ck = tmp_path / 'other.pth'
    torch.save({'state_dict': {'generator.conv1.weight': torch.zeros(3, 3, 3, 3)}}, ck)
    line = error_line(run_tool([TOOLS / 'test.py', DEMO, '--ckpt', ck, '--cfg-options',
                                f'test_dataloader.0.dataset.hr_dir={photos[1]}']))
    assert 'other.pth does not fit the model ESPCN' in line and 'missing keys' in line


def test_data_dir_missing(run_tool, tmp_path):
    line = error_line(run_tool([TOOLS / 'train.py', DEMO, '--work-dir', tmp_path / 'wd', '--cfg-options',
                                f'train_dataloader.dataset.hr_dir={tmp_path / "no_such_dir"}']))
    assert 'hr_dir' in line and 'does not exist' in line and 'no_such_dir' in line
    line = error_line(run_tool([TOOLS / 'test.py', REPO / 'configs' / 'bicubic_x234.py', '--cfg-options',
                                f'test_dataloader.0.dataset.hr_dir={tmp_path / "gone"}', 'test_cfg.skip_missing=False']))
    assert 'does not exist' in line and 'gone' in line


def test_scale_and_kind_mismatch_in_config(run_tool, photos):
    line = error_line(run_tool([TOOLS / 'train.py', DEMO, '--cfg-options', 'train_dataloader.dataset.scale=2']))
    assert 'x2' in line and 'generator.scale=3' in line
    line = error_line(run_tool([TOOLS / 'train.py', DEMO, '--cfg-options',
                                'train_dataloader.dataset.input_kind=bicubic']))
    assert "input_kind='bicubic'" in line and "takes input_kind='lr'" in line
    line = error_line(run_tool([TOOLS / 'train.py', DEMO, '--cfg-options', 'model.generator.scale=5']))
    assert 'scale' in line and '5' in line
