"""The classic models learn from T91 patches made with the seed's data recipes (tools/data_aug.py), every
config builds and validates, and a valid-convolution SRCNN trained with tools/train.py is scored in full
size by tools/test.py on Set5. Without ../shared/datasets the scikit-image sample photos stand in for
T91 and Set5."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
import torch

from conftest import REPO, TOOLS, run_tool, tool_env

CONFIGS = REPO / 'configs'
MINE = sorted(p.name for p in CONFIGS.glob('*.py')
              if p.name.split('_')[0] in ('srcnn', 'fsrcnn', 'vdsr', 'espcn', 'drcn', 'drrn', 'lapsrn')
              and p.name != 'espcn_x3_demo.py' and not p.stem.endswith('_released'))   # test-only



pytestmark = pytest.mark.usefixtures('one_thread')

@pytest.mark.parametrize('name', MINE)
def test_config_builds_and_validates(name):
    from srbench.apis.common import load_config, model_info_of, validate_config
    from srbench.models import count_weights
    from srbench.registry import MODELS
    cfg = load_config(CONFIGS / name)
    validate_config(cfg)                       # every type exists; datasets get input_kind/channels
    gname, info, plugin = model_info_of(cfg)
    assert plugin is not None and plugin.name == name.split('_')[0]
    ds = cfg.train_dataloader.dataset
    assert ds.type == 'H5PatchDataset' and ds.input_kind == info.input and ds.channels == 'y'
    assert count_weights(MODELS.build(cfg.model)) > 0
    if info.multiscale:
        assert cfg.train_dataloader.batch_sampler.type == 'ScaleBatchSampler'
    else:
        assert cfg.model.generator.scale == ds.scale == cfg.val_dataloader.dataset.scale


# config, data_aug options of the config's recipe (few images), smaller generator for the heavy models
RECIPES = {
    'srcnn': ('srcnn_x3_915.py', dict(width=33, height=33, stride=14, upscale_factors=(3,), same_size=True),
              {}),
    'fsrcnn': ('fsrcnn_x3.py', dict(width=21, height=21, stride=9, upscale_factors=(3,),
                                    rotations=(0, 90)), {}),
    'espcn': ('espcn_x3.py', dict(width=51, height=51, stride=21, upscale_factors=(3,)), {}),
    'vdsr': ('vdsr_x234.py', dict(width=41, height=41, stride=41, upscale_factors=(2, 3, 4), same_size=True,
                                  scales=(1.0, 0.7)), dict(num_layers=8)),
    'drcn': ('drcn_x2.py', dict(width=41, height=41, stride=21, upscale_factors=(2,),
                                upsampling=('bicubic',)),
             dict(mid_channels=32, num_recursions=4)),
    'drrn': ('drrn_x234.py', dict(width=31, height=31, stride=28, upscale_factors=(2, 3, 4),
                                  upsampling=('bicubic',)), dict(mid_channels=32, num_units=4)),
    'lapsrn': ('lapsrn_x4.py', dict(width=64, height=64, stride=64, upscale_factors=(4,)), dict(depth=3)),
}


@pytest.fixture(scope='module')
def t91_few(tmp_path_factory, photos):
    """Links to a few T91 images (the patches are made from them, never copied into the repo)."""
    from srbench.data.benchmarks import benchmark_root
    t91 = Path(benchmark_root()) / 'T91' / 'HR'
    if not t91.is_dir():
        return Path(photos[0])
    d = tmp_path_factory.mktemp('t91')
    for p in sorted(t91.iterdir())[:6]:
        (d / p.name).symlink_to(p)
    return d


@pytest.fixture(scope='module')
def set5(photos):
    """(name, HR folder) of the test set: Set5, or the held-out sample photos."""
    from srbench.data.benchmarks import benchmark_root
    d = Path(benchmark_root()) / 'Set5' / 'HR'
    return ('Set5', d) if d.is_dir() else ('photos', Path(photos[1]))


@pytest.mark.parametrize('model', list(RECIPES))
def test_training_iterations_lower_the_loss(model, t91_few, tmp_path):
    from mmengine.dataset import DefaultSampler
    from mmengine.optim import OptimWrapper
    from torch.utils.data import DataLoader

    from srbench.apis.common import apply_model_meta, load_config
    from srbench.apis.data_aug import data_aug
    from srbench.data import ScaleBatchSampler, sr_collate
    from srbench.registry import DATASETS, MODELS
    cfg_name, recipe, smaller = RECIPES[model]
    h5 = tmp_path / 'patches.h5'
    data_aug([t91_few], h5, single_y=True, progress=False, log=lambda *a: None, **recipe)
    cfg = load_config(CONFIGS / cfg_name, {'train_dataloader.dataset.h5_path': str(h5),
                                           'train_dataloader.dataset.in_memory': True})
    cfg.model.generator.update(smaller)
    apply_model_meta(cfg)
    torch.manual_seed(0)
    net = MODELS.build(cfg.model)
    ds = DATASETS.build(cfg.train_dataloader.dataset)
    loader = DataLoader(ds, batch_sampler=ScaleBatchSampler(DefaultSampler(ds, shuffle=True, seed=0), 8),
                        collate_fn=sr_collate)
    batches = iter(loader)
    held = next(batches)                                  # a fixed batch, scored before and after

    def held_loss():
        with torch.no_grad():
            return sum(v for k, v in net(**held, mode='loss').items() if 'loss' in k).item()

    net.train()
    before = held_loss()
    ow = OptimWrapper(torch.optim.Adam(net.parameters(), lr=1e-3))
    for i in range(30):
        try:
            data = next(batches)
        except StopIteration:
            batches = iter(loader)
            data = next(batches)
        net.train_step(data, ow)
    after = held_loss()
    assert after < 0.9 * before, f'{model}: held-out loss {before:.4g} -> {after:.4g}'


def test_srcnn_valid_training_then_full_size_test_through_the_tools(t91_few, tmp_path, set5):
    """SRCNN trains with valid convolutions (21x21 outputs for 33x33 inputs) and is tested in full size
    (edge-padded convolutions in eval mode): tools/train.py then tools/test.py on Set5 x3."""
    from srbench.apis.data_aug import data_aug
    h5 = tmp_path / 'srcnn_x3.h5'
    data_aug([t91_few], h5, width=33, height=33, stride=14, upscale_factors=(3,), same_size=True,
             single_y=True, progress=False, log=lambda *a: None)
    wd = tmp_path / 'wd'
    name, hr_dir = set5
    opts = [f'train_dataloader.dataset.h5_path={h5}', 'train_dataloader.batch_size=16',
            f'val_dataloader.dataset.hr_dir={hr_dir}',
            'train_cfg.max_iters=30', 'train_cfg.val_interval=30', 'default_hooks.checkpoint.interval=30',
            'default_hooks.logger.interval=10']
    p = run_tool([TOOLS / 'train.py', CONFIGS / 'srcnn_x3_915_cpu30m.py', '--work-dir', wd,
                  '--cfg-options', *opts],
                 env=tool_env(OMP_NUM_THREADS=1))
    assert p.returncode == 0, p.stderr[-3000:]
    ckpt = wd / 'iter_30.pth'
    assert ckpt.is_file()
    out = tmp_path / 'results.json'
    cfg = tmp_path / 'srcnn_set5.py'                       # the same config, tested on Set5 only
    cfg.write_text(f"_base_ = [{str(CONFIGS / 'srcnn_x3_915_cpu30m.py')!r}]\n"
                   "from srbench.data.benchmarks import test_loader\n"
                   f"test_dataloader = [test_loader({name!r}, 3, hr_dir={str(hr_dir)!r})]\n")
    p = run_tool([TOOLS / 'test.py', cfg, '--ckpt', ckpt, '--out', out], env=tool_env(OMP_NUM_THREADS=1))
    assert p.returncode == 0, p.stderr[-3000:]
    res = json.loads(out.read_text())
    (r,) = res['results']
    assert (r['dataset'], r['scale'], r['num_images']) == (name, 3, len(list(hr_dir.iterdir())))
    assert res['model']['generator'] == 'SRCNN' and res['model']['input_kind'] == 'bicubic'
    # 30 iterations from the paper's tiny initialisation: far from good, but a real full-size image
    assert 5.0 < r['metrics']['PSNR'] < 40.0



def test_data_of_the_wrong_kind_for_the_model_is_one_clear_error(t91_few, tmp_path):
    """SRCNN's HR-sized (bicubic) patches given to FSRCNN, which takes the LR image: the config check
    passes (both are Y), the dataset refuses with one line naming the flag to change."""
    from srbench.apis.common import apply_model_meta, load_config
    from srbench.apis.data_aug import data_aug
    from srbench.errors import DataError
    from srbench.registry import DATASETS
    h5 = tmp_path / 'srcnn_x3.h5'
    data_aug([t91_few], h5, width=33, height=33, stride=33, upscale_factors=(3,), same_size=True,
             single_y=True, progress=False, log=lambda *a: None)
    cfg = load_config(CONFIGS / 'fsrcnn_x3.py', {'train_dataloader.dataset.h5_path': str(h5)})
    apply_model_meta(cfg)
    with pytest.raises(DataError, match=r"HR-sized .*input_kind='lr'.*--same_size"):
        DATASETS.build(cfg.train_dataloader.dataset)


# paper configs through srbench's train API (Runner, hooks, optim wrapper, scheduler, validation), shrunk
RUNS = {
    'vdsr_x234.py': (RECIPES['vdsr'][1], ['model.generator.num_layers=4', 'model.generator.mid_channels=8']),
    'drcn_x2.py': (RECIPES['drcn'][1], ['model.generator.mid_channels=8',
                                        'model.generator.num_recursions=2']),
    'lapsrn_x4.py': (RECIPES['lapsrn'][1], ['model.generator.mid_channels=8', 'model.generator.depth=1']),
    'fsrcnn_x3.py': (RECIPES['fsrcnn'][1], []),
    'espcn_x3.py': (RECIPES['espcn'][1], []),
}


@pytest.mark.parametrize('name', list(RUNS))
def test_paper_config_trains_and_validates_through_the_runner(name, t91_few, set5, tmp_path):
    from srbench.apis.data_aug import data_aug
    from srbench.apis.train import train
    recipe, opts = RUNS[name]
    h5 = tmp_path / 'patches.h5'
    data_aug([t91_few], h5, single_y=True, progress=False, log=lambda *a: None, **recipe)
    opts = {k: v for k, v in (o.split('=') for o in opts)}
    opts = {k: int(v) for k, v in opts.items()}
    opts.update({'train_dataloader.dataset.h5_path': str(h5), 'train_dataloader.batch_size': 4,
                 'train_dataloader.num_workers': 0, 'train_dataloader.persistent_workers': False,
                 'train_cfg.max_iters': 3, 'train_cfg.val_interval': 3,
                 'default_hooks.checkpoint.interval': 3,
                 'val_dataloader.dataset.hr_dir': str(set5[1])})
    runner = train(CONFIGS / name, work_dir=str(tmp_path / 'wd'), cfg_options=opts)
    assert runner.iter == 3 and (tmp_path / 'wd' / 'iter_3.pth').is_file()
    psnr = runner.message_hub.get_scalar('val/PSNR').current()
    assert 0 < psnr < 60
