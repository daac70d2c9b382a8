# ESPCN x3 (Shi et al., CVPR 2016) on T91, Y channel, LR patches 17x17 (seed recipe).
# Foundation version: random aligned crops from the whole T91 images (RandomCropDataset); the data
# issue adds the seed's data_aug/H5 flow.
_base_ = ['./_base_/default_runtime.py', './_base_/schedules/adam_iter.py', './_base_/datasets/sr_train_loader.py']
from srbench.data.benchmarks import benchmark_root, test_loader, test_loaders

scale = 3
model = dict(
    type='SRModel',
    generator=dict(type='ESPCN', scale=scale, in_channels=1, out_channels=1),
    pixel_loss=dict(type='MSELoss'),
)
# the paper: last layer learns at 0.1x the rate of the others
optim_wrapper = dict(paramwise_cfg=dict(custom_keys={'generator.conv3': dict(lr_mult=0.1)}))

train_dataloader = dict(
    dataset=dict(type='RandomCropDataset', hr_dir=benchmark_root() + '/T91/HR', scale=scale, patch_size=17,
                 length=16000))
val_dataloader = test_loader('Set5', scale)
val_evaluator = [dict(type='PSNR')]
test_dataloader = test_loaders(['Set5', 'Set14'], [scale])
test_evaluator = [dict(type='PSNR')]
