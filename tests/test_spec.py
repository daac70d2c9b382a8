"""The plugin declaration layer: ``srbench.spec`` (torch-free), size requirements checked in one place
(SRModel), the declaration completing the data configs inside a plain MMEngine Runner, and the
``srbench.plugins`` compatibility module."""
import itertools
import subprocess
import sys

import pytest
import torch

from conftest import REPO, run_tool
from srbench.errors import ConfigError, ModelInputError, PluginError
from srbench.models import SRModel
from srbench.spec import ModelInfo, SizeRequirements


# -- srbench.spec ---------------------------------------------------------------------------------------
def test_spec_imports_neither_torch_nor_mmengine():
    code = ('import sys; from srbench.spec import ModelInfo, Plugin, SizeRequirements, CHANNELS; '
            'import srbench.plugins; '      # the compatibility module stays as cheap for old declarations
            'bad = [m for m in ("torch", "mmengine", "srbench.registry") if m in sys.modules]; '
            'print(bad); sys.exit(1 if bad else 0)')
    p = subprocess.run([sys.executable, '-c', code], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr[-2000:]


def test_compatibility_module_reexports_the_same_objects():
    import srbench.discovery as discovery
    import srbench.lookup as lookup
    import srbench.plugins as plugins
    import srbench.spec as spec
    assert plugins.ModelInfo is spec.ModelInfo and plugins.Plugin is spec.Plugin
    assert plugins.CHANNELS is spec.CHANNELS and plugins.INPUT_KINDS is spec.INPUT_KINDS
    assert plugins.ensure_plugins_loaded is discovery.ensure_plugins_loaded
    assert plugins.records is discovery.records
    assert plugins.find_model is lookup.find_model and plugins.check_registered is lookup.check_registered


def test_size_requirements():
    r = SizeRequirements(minimum=13)
    assert r.check(13, 40) and not r.check(12, 40) and not r.check(40, 12)
    m = SizeRequirements(multiple_of=4)
    assert m.check(8, 12) and not m.check(8, 10) and not m.check(6, 8)
    both = SizeRequirements(minimum=5, multiple_of=2).combine(SizeRequirements(minimum=3, multiple_of=3))
    assert (both.minimum, both.multiple_of) == (5, 6)
    assert SizeRequirements().none and SizeRequirements().combine(None).none
    assert r.describe() == 'at least 13x13 pixels' and m.describe() == 'height and width multiples of 4'
    for bad in (dict(minimum=0), dict(multiple_of=-2), dict(minimum=2.5), dict(minimum=True)):
        with pytest.raises(PluginError, match='must be a positive integer'):
            SizeRequirements(**bad)
    info = ModelInfo('lr', 'y', size=dict(minimum=4, multiple_of=2))
    assert info.size == SizeRequirements(4, 2)
    assert info.as_dict()['size'] == dict(minimum=4, multiple_of=2)
    assert ModelInfo('lr', 'y').size.none
    with pytest.raises(PluginError, match='ModelInfo.size must be a SizeRequirements'):
        ModelInfo('lr', 'y', size=13)


# -- size requirements, checked by SRModel before the network runs -----------------------------------------
def test_srcnn_valid_convolutions_need_13_pixels_one_clear_error():
    """SRCNN 9-1-5 with valid convolutions (training) loses 6 pixels per side: the instance states the
    minimum 2 * 6 + 1 = 13 and SRModel refuses smaller inputs, naming the network, size and requirement."""
    model = SRModel(generator=dict(type='SRCNN', scale=3), pixel_loss=dict(type='MSELoss'))
    model.train()
    meta = [dict(scale=3)]
    with pytest.raises(ModelInputError, match=r'^SRCNN takes inputs of at least 13x13 pixels '
                                              r'\(valid convolutions, training mode\), got 30x12$'):
        model(torch.rand(1, 1, 12, 30), dict(gt=torch.rand(1, 1, 12, 30), metainfo=meta), mode='loss')
    out = model(torch.rand(1, 1, 13, 13), dict(gt=torch.rand(1, 1, 13, 13), metainfo=meta), mode='loss')
    assert torch.isfinite(out['loss'])
    # eval mode pads (the authors' test code): any size
    model.eval()
    with torch.no_grad():
        assert model(torch.rand(1, 1, 5, 7), None, mode='tensor', scale=3).shape[-2:] == (5, 7)
    # the requirement follows the constructor: 9-5-5 loses 8 pixels per side
    big = SRModel(generator=dict(type='SRCNN', scale=3, kernel_sizes=(9, 5, 5)))
    big.train()
    assert big.size_requirements().minimum == 17
    big.eval()
    assert big.size_requirements().none
    zeros = SRModel(generator=dict(type='SRCNN', scale=3, train_padding='zeros'))
    zeros.train()
    assert zeros.size_requirements().none


def test_declared_size_requirements_are_checked(monkeypatch):
    """A requirement declared in ModelInfo (here put in ESPCN's place) is checked, and combined with the
    network's own."""
    model = SRModel(generator=dict(type='ESPCN', scale=2))
    model.info = ModelInfo('lr', 'y', scales=(2,), size=SizeRequirements(minimum=4, multiple_of=4))
    model.eval()
    with torch.no_grad():
        assert model(torch.rand(1, 1, 8, 12), None, mode='tensor').shape[-2:] == (16, 24)
        with pytest.raises(ModelInputError, match=r'^ESPCN takes inputs of at least 4x4 pixels, height and '
                                                  r'width multiples of 4, got 10x8$'):
            model(torch.rand(1, 1, 8, 10), None, mode='tensor')
    monkeypatch.setattr(type(model.generator), 'size_requirements',
                        lambda self: SizeRequirements(minimum=9, multiple_of=3), raising=False)
    r = model.size_requirements()
    assert (r.minimum, r.multiple_of) == (9, 12)


def test_lapsrn_needs_no_size_beyond_one_pixel():
    """LapSRN's declaration states no requirement: every level is padded 3x3 convolutions and x2
    transposed convolutions, which take a 1x1 LR image at every scale."""
    from srbench.lookup import find_model
    assert find_model('LapSRN')[0].size.none
    for scale in (2, 4, 8):
        model = SRModel(generator=dict(type='LapSRN', scale=scale, depth=1, mid_channels=4)).eval()
        with torch.no_grad():
            out = model(torch.rand(1, 1, 1, 1), None, mode='tensor', scale=scale)
        assert out.shape[-2:] == (scale, scale)


# -- the declaration completes the data configs: a plain MMEngine Runner runs a config ---------------------
_RUNS = itertools.count()


def _demo_cfg(tmp_path, photos):
    from mmengine.config import Config

    from srbench.engine.patches import install_patch
    install_patch('config_bases')     # its _base_ = ['srbench::_base_/...'], for a plain Config.fromfile
    cfg = Config.fromfile(str(REPO / 'configs' / 'espcn_x3_demo.py'))
    cfg.work_dir = str(tmp_path / 'wd')
    cfg.experiment_name = f'plain_runner_{next(_RUNS)}'     # two runners in one second: MMEngine's instances
    cfg.train_dataloader.update(batch_size=2, num_workers=0, persistent_workers=False)
    cfg.train_dataloader.dataset.update(hr_dir=photos[0], patch_size=12, length=8)
    cfg.train_cfg.max_iters = 2
    cfg.default_hooks.logger.interval = 1
    cfg.test_dataloader[0].dataset.hr_dir = photos[1]
    return cfg


def test_plain_runner_from_cfg_trains_and_tests(tmp_path, photos):
    from mmengine.runner import Runner
    cfg = _demo_cfg(tmp_path, photos)
    for ds in (cfg.train_dataloader.dataset, cfg.test_dataloader[0].dataset):
        assert ds.get('input_kind') is None and ds.get('channels') is None   # the config does not say
    runner = Runner.from_cfg(cfg)
    runner.train()
    assert runner.iter == 2
    ds = runner.train_dataloader.dataset
    assert (ds.input_kind, ds.channels) == ('lr', 'y')                       # ESPCN's declaration
    metrics = runner.test()
    psnr = {k: v for k, v in metrics.items() if k.endswith('/PSNR')}
    assert list(psnr) == ['sample-photos/x3/PSNR'] and 0 < psnr['sample-photos/x3/PSNR'] < 100  # 2 iters


def test_plain_runner_contradiction_is_the_same_one_line_error(tmp_path, photos):
    from mmengine.runner import Runner
    cfg = _demo_cfg(tmp_path, photos)
    cfg.train_dataloader.dataset.channels = 'rgb'
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ConfigError, match=r"train_dataloader\.dataset\.channels='rgb', but ESPCN "
                                          r"\(plugin 'espcn'\) takes channels='y'; remove the key"):
        runner.train()
    cfg = _demo_cfg(tmp_path, photos)
    cfg.test_dataloader[0].dataset.scale = 4
    runner = Runner.from_cfg(cfg)
    with pytest.raises(ConfigError, match=r'test_dataloader\.dataset: scale x4, but model\.generator\.scale'):
        runner.test()


# -- DataLoader workers started with spawn: datasets unpickle without running discovery ------------------
SPAWN = '''
import sys
import torch
from torch.utils.data import DataLoader
from srbench.registry import DATASETS, FUNCTIONS
if __name__ == '__main__':
    ds = DATASETS.build(dict(type='PairedImageDataset', hr_dir=sys.argv[1], scale=3, input_kind='lr',
                             channels='y'))
    ref = [ds[i]['inputs'] for i in range(len(ds))]
    dl = DataLoader(ds, batch_size=1, num_workers=2, multiprocessing_context='spawn',
                    collate_fn=FUNCTIONS.get('sr_collate'))
    got = [b['inputs'][0] for b in dl]
    assert len(got) == len(ref) == 3 and all(torch.equal(a, b) for a, b in zip(got, ref))
    print('spawned workers gave the same samples:', len(got))
'''


def test_spawned_dataloader_workers(photos):
    p = run_tool(['-c', SPAWN, photos[1]])
    assert p.returncode == 0, p.stderr[-3000:]
    assert 'spawned workers gave the same samples: 3' in p.stdout
