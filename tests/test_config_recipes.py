"""The shared recipes the configs inherit or call resolve to what each config spelled out before they were
shared: srbench's DIV2K training base (``srbench::_base_/datasets/div2k_train.py``, RCAN / RDN / WDSR) and
the ``*_cpu30m`` recipe (:func:`srbench.recipes.cpu_budget`, ESPCN / FSRCNN). The expected dicts below are
the blocks those configs held literally; the configs must keep resolving to them."""
from __future__ import annotations

import os

import pytest

from conftest import REPO
from srbench.apis.common import load_config
from srbench.data import benchmarks
from srbench.errors import ConfigError
from srbench.recipes import cpu_budget

WDSR = REPO / 'plugins' / 'srbench-plugin-wdsr' / 'src' / 'srbench_plugin_wdsr' / 'configs'
LOADER = dict(num_workers=2, persistent_workers=True, sampler=dict(type='InfiniteSampler', shuffle=True),
              collate_fn=dict(type='sr_collate'))


def div2k_block(scale, patch_size, lr=1e-4, max_iters=1_000_000):
    hr = os.path.join(benchmarks.benchmark_root(), 'DIV2K', 'DIV2K_train_HR')
    return dict(
        train_dataloader=dict(LOADER, batch_size=16, dataset=dict(
            type='RandomCropDataset', name='DIV2K', hr_dir=hr, scale=scale, patch_size=patch_size,
            augment=True)),
        optim_wrapper=dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=lr, betas=(0.9, 0.999),
                                                                  eps=1e-8)),
        train_cfg=dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=10_000),
        param_scheduler=[dict(type='StepLR', by_epoch=False, step_size=200_000, gamma=0.5)],
        val_evaluator=[dict(type='PSNR')],
        test_evaluator=[dict(type='PSNR'), dict(type='SSIM')],
        test_cfg=dict(type='MultiTestLoop', skip_missing=True))


@pytest.mark.parametrize('path,gen,scale,patch,lr,iters', [
    (REPO / 'plugins/rcan/configs/rcan_x2_div2k.py',
     dict(type='RCAN', scale=2, mid_channels=64, num_groups=10, num_blocks=20, reduction=16),
     2, 48, 1e-4, None),
    (REPO / 'plugins/rcan/configs/rcan_x8_div2k.py', None, 8, 48, 1e-4, None),
    (REPO / 'plugins/rdn/configs/rdn_x2_div2k.py',
     dict(type='RDN', scale=2, mid_channels=64, growth=64, num_blocks=16, num_layers=8), 2, 32, 1e-4, None),
    (REPO / 'plugins/rdn/configs/rdn_x4_div2k.py', None, 4, 32, 1e-4, None),
    (WDSR / 'wdsr_a_x2.py', dict(type='WDSR_A', scale=2, mid_channels=32, num_blocks=16, expansion=4),
     2, 48, 1e-3, 300_000),
    (WDSR / 'wdsr_b_x3.py', None, 3, 48, 1e-3, 300_000),
], ids=lambda v: v.name if hasattr(v, 'name') else None)
def test_div2k_configs_resolve_to_their_recipe(path, gen, scale, patch, lr, iters):
    cfg = load_config(path).to_dict()
    want = div2k_block(scale, patch, lr, iters or 1_000_000)
    for key, value in want.items():
        assert cfg[key] == value, key
    assert cfg['default_hooks']['checkpoint']['interval'] == 10_000
    assert cfg['model']['type'] == 'SRModel' and cfg['model']['pixel_loss'] == dict(type='L1Loss')
    assert cfg['model']['generator']['scale'] == scale
    if gen is not None:
        assert cfg['model']['generator'] == gen
    assert cfg['val_dataloader']['dataset']['scale'] == scale
    assert [d['dataset']['scale'] for d in cfg['test_dataloader']] == [scale] * 4
    assert cfg['default_scope'] == 'srbench' and cfg['log_processor']['type'] == 'SRLogProcessor'


@pytest.mark.parametrize('name,max_iters,batch,last,log', [
    ('espcn', 150_000, 16, 'generator.conv3', 1000), ('fsrcnn', 40_000, 128, 'generator.deconv', 200)])
def test_cpu30m_configs_resolve_to_their_recipe(name, max_iters, batch, last, log):
    cfg = load_config(REPO / f'plugins/{name}/configs/{name}_x3_cpu30m.py').to_dict()
    assert cfg['max_iters'] == max_iters
    assert cfg['train_dataloader']['batch_size'] == batch
    loader = cfg['train_dataloader']
    assert loader['num_workers'] == 0 and loader['persistent_workers'] is False
    assert cfg['optim_wrapper'] == dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3),
                                        constructor='GroupedOptimWrapperConstructor',
                                        paramwise_cfg=dict(custom_keys={last: dict(lr_mult=0.1)}))
    assert cfg['param_scheduler'] == [dict(type='MultiStepLR', by_epoch=False,
                                           milestones=[int(max_iters * 0.8)], gamma=0.1)]
    assert cfg['train_cfg'] == dict(type='IterBasedTrainLoop', max_iters=max_iters,
                                    val_interval=max_iters // 10)
    assert cfg['default_hooks']['logger']['interval'] == log
    assert cfg['default_hooks']['checkpoint']['interval'] == max_iters // 10
    assert cfg['default_hooks']['checkpoint']['max_keep_ckpts'] == 2
    assert cfg['custom_hooks'] == [dict(type='TrainTimeLimitHook', minutes=30)]
    assert cfg['test_dataloader'] == benchmarks.test_loaders(['Set5', 'Set14'], [3])
    # the paper config's model and data are kept
    paper = load_config(REPO / f'plugins/{name}/configs/{name}_x3.py').to_dict()
    assert cfg['model'] == paper['model']
    assert cfg['train_dataloader']['dataset'] == paper['train_dataloader']['dataset']


@pytest.mark.parametrize('bad', [0, 9, 1.5e4, True, '40000'])
def test_cpu_budget_refuses_a_run_too_short_for_its_validations(bad):
    with pytest.raises(ConfigError, match='max_iters'):
        cpu_budget(bad, batch_size=16, last_layer='generator.conv3', log_interval=10)
