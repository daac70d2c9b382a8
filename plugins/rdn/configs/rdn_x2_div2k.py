# RDN x2, the paper's DIV2K recipe -- Zhang et al., "Residual Dense Network for Image Super-Resolution",
# CVPR 2018 (https://arxiv.org/abs/1802.08797), Sec. 5.1, and the authors' scripts (RDN_TrainCode).
# Data: the 800 DIV2K training images, <data root>/DIV2K/DIV2K_train_HR (https://data.vision.ee.ethz.ch/cvl/DIV2K/;
# data root: $SRBENCH_DATA_ROOT or ../shared/datasets, or set train_dataloader.dataset.hr_dir); without the
# folder the run stops with one error naming it. The LR patches are made on the fly with MATLAB bicubic
# (what DIV2K_train_LR_bicubic holds; to read those instead: lr_dir='<...>/DIV2K_train_LR_bicubic',
# lr_tmpl='{}x2'). RandomCropDataset keeps the 800 HR images in memory (about 6.6 GB of uint8).
# Training (paper): 16 random 32x32 RGB LR patches per batch, flips and 90-degree rotations, L1 loss, Adam
# (0.9, 0.999, eps 1e-8), learning rate 1e-4 halved every 200 epochs of 1,000 iterations. The paper gives no
# total: 1,000 epochs as the authors' x4 script (-nEpochs 1000). The authors' released x2 model used 48x48
# patches; their x3/x4 models start from it (-preTrained RDN_BIX2.t7): set load_from to do the same.
_base_ = ['srbench::_base_/default_runtime.py', 'srbench::_base_/datasets/sr_train_loader.py']
import os

from srbench.data.benchmarks import benchmark_root, test_loader, test_loaders

scale = 2
div2k = os.path.join(benchmark_root(), 'DIV2K')
model = dict(
    type='SRModel',
    generator=dict(type='RDN', scale=scale, mid_channels=64, growth=64, num_blocks=16, num_layers=8),
    pixel_loss=dict(type='L1Loss'),
)
train_dataloader = dict(
    batch_size=16,
    dataset=dict(type='RandomCropDataset', name='DIV2K', hr_dir=os.path.join(div2k, 'DIV2K_train_HR'),
                 scale=scale, patch_size=32, augment=True))
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.999), eps=1e-8))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1_000_000, val_interval=10_000)
param_scheduler = [dict(type='StepLR', by_epoch=False, step_size=200_000, gamma=0.5)]
default_hooks = dict(checkpoint=dict(interval=10_000))

val_dataloader = test_loader('Set5', scale)
val_evaluator = [dict(type='PSNR')]
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
