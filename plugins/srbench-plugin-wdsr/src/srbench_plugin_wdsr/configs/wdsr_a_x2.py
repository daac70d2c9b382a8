# WDSR-A x2 -- Yu et al., "Wide Activation for Efficient and Accurate Image Super-Resolution",
# arXiv 1808.08718 (https://arxiv.org/abs/1808.08718); authors' code: github.com/JiahuiYu/wdsr_ntire2018
# (trained with EDSR-PyTorch). The "WDSR baseline" of the authors' README: 16 blocks, 32 features widened 4x,
# 1,190,100 parameters.
# Data: the 800 DIV2K training images, <data root>/DIV2K/DIV2K_train_HR (data root: $SRBENCH_DATA_ROOT or
# ../shared/datasets, or set train_dataloader.dataset.hr_dir); without the folder the run stops with one error
# naming it. LR patches made on the fly with MATLAB bicubic (what DIV2K_train_LR_bicubic holds).
# Training: EDSR-PyTorch's recipe with the larger learning rate weight normalisation allows (paper): 16
# random 48x48 RGB LR patches per batch, flips and 90-degree rotations, L1 loss, Adam (0.9, 0.999, eps 1e-8),
# learning rate 1e-3; halved every 200 epochs of 1,000 iterations for 300 epochs (EDSR-PyTorch's defaults;
# the schedule is not checked against the paper, see the README).
# srbench's shared base configs come with the installed srbench ('srbench::...'): runtime defaults and the
# training loader (infinite sampler, srbench's collate).
_base_ = ['srbench::_base_/default_runtime.py', 'srbench::_base_/datasets/sr_train_loader.py']
import os

from srbench.data.benchmarks import benchmark_root, test_loader, test_loaders

scale = 2
div2k = os.path.join(benchmark_root(), 'DIV2K')
model = dict(
    type='SRModel',
    generator=dict(type='WDSR_A', scale=scale, mid_channels=32, num_blocks=16, expansion=4),
    pixel_loss=dict(type='L1Loss'),
)
train_dataloader = dict(
    batch_size=16,
    dataset=dict(type='RandomCropDataset', name='DIV2K', hr_dir=os.path.join(div2k, 'DIV2K_train_HR'),
                 scale=scale, patch_size=48, augment=True))
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='Adam', lr=1e-3, betas=(0.9, 0.999), eps=1e-8))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=300_000, val_interval=10_000)
param_scheduler = [dict(type='StepLR', by_epoch=False, step_size=200_000, gamma=0.5)]
default_hooks = dict(checkpoint=dict(interval=10_000))

val_dataloader = test_loader('Set5', scale)
val_evaluator = [dict(type='PSNR')]
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
