"""The plugin declaration layer: ``srbench.spec`` (torch-free), the declaration completing the data configs
inside a plain MMEngine Runner, and the ``srbench.plugins`` compatibility module."""
import subprocess
import sys

import pytest

from conftest import REPO, run_tool
from srbench.errors import ConfigError


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


# -- the declaration completes the data configs: a plain MMEngine Runner runs a config ---------------------
def _demo_cfg(tmp_path, photos):
    from mmengine.config import Config
    cfg = Config.fromfile(str(REPO / 'configs' / 'espcn_x3_demo.py'))
    cfg.work_dir = str(tmp_path / 'wd')
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
