# The main job (`python -m srbench demo`): ESPCN x3 trained briefly on scikit-image's bundled sample
# photos, tested with Bicubic on held-out sample photos. Self-contained on purpose (it does not inherit
# espcn_x3.py, whose data recipe needs ../shared). srbench.apis.demo fills the folders.
_base_ = ['srbench::_base_/default_runtime.py', 'srbench::_base_/datasets/sr_train_loader.py']
from srbench.data.benchmarks import test_loader

scale = 3
demo_data = 'work_dirs/demo/data'   # overridden by the demo
model = dict(type='SRModel', generator=dict(type='ESPCN', scale=scale), pixel_loss=dict(type='MSELoss'))

train_dataloader = dict(
    batch_size=16,
    num_workers=2,
    dataset=dict(type='RandomCropDataset', hr_dir=demo_data + '/train/HR', scale=scale, patch_size=24,
                 length=4000))
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=2e-3),
                     paramwise_cfg=dict(custom_keys={'generator.conv3': dict(lr_mult=0.1)}))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=3000, val_interval=100000)
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[2000, 2600], gamma=0.2)]
custom_hooks = [dict(type='TrainTimeLimitHook', minutes=4)]
default_hooks = dict(logger=dict(interval=250), checkpoint=dict(interval=100000, max_keep_ckpts=1))

val_cfg = None
test_dataloader = [test_loader('sample-photos', scale, hr_dir=demo_data + '/test/HR')]
test_evaluator = [dict(type='PSNR')]
