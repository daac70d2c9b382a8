# Training on DIV2K, the recipe the DIV2K-trained papers share (EDSR's lineage: RDN, RCAN, WDSR), with the
# runtime defaults and the training loader: a config inherits only 'srbench::_base_/datasets/div2k_train.py'
# (it includes '../default_runtime.py' and './sr_train_loader.py'). A config that inherits it sets the model's
# generator, the scale (train_dataloader.dataset.scale) and its val / test loaders, and overrides what its
# paper changes (patch size, learning rate, length of the run). Data: the 800 DIV2K training images, <data
# root>/DIV2K/DIV2K_train_HR (https://data.vision.ee.ethz.ch/cvl/DIV2K/; data root: $SRBENCH_DATA_ROOT or
# ../shared/datasets, or set train_dataloader.dataset.hr_dir); without the folder the run stops with one error
# naming it. LR patches made on the fly with MATLAB bicubic (what DIV2K_train_LR_bicubic holds).
# RandomCropDataset keeps the 800 HR images in memory (about 6.6 GB of uint8). Training: 16 random 48x48 RGB
# LR patches per batch, flips and 90-degree rotations, L1 loss, Adam (0.9, 0.999, eps 1e-8), learning rate
# 1e-4 halved every 200,000 iterations, 1,000 epochs of 1,000 iterations (EDSR-PyTorch's defaults, which the
# authors' code of these papers builds on); validation on Set5 (PSNR) and a checkpoint every 10,000
# iterations; testing with PSNR and SSIM, skipping benchmark sets that are absent.
_base_ = ['../default_runtime.py', './sr_train_loader.py']
import os

from srbench.data.benchmarks import benchmark_root

div2k = os.path.join(benchmark_root(), 'DIV2K')
model = dict(type='SRModel', pixel_loss=dict(type='L1Loss'))
train_dataloader = dict(
    batch_size=16,
    dataset=dict(type='RandomCropDataset', name='DIV2K', hr_dir=os.path.join(div2k, 'DIV2K_train_HR'),
                 patch_size=48, augment=True))
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.999), eps=1e-8))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1_000_000, val_interval=10_000)
param_scheduler = [dict(type='StepLR', by_epoch=False, step_size=200_000, gamma=0.5)]
default_hooks = dict(checkpoint=dict(interval=10_000))
val_evaluator = [dict(type='PSNR')]
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
