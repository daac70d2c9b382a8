# LapSRN x4 -- Lai et al., "Deep Laplacian Pyramid Networks for Fast and Accurate Super-Resolution", CVPR 2017
# (https://arxiv.org/abs/1704.03915). LR Y input; two x2 pyramid levels (x2 and x4 predictions), d = 10.
# Data (the seed has no LapSRN recipe; the paper's: 128x128 HR patches, scale 0.5-1.0, rotations, flips; the
# paper adds 200 BSD images: ../shared holds T91 only):
#   python tools/data_aug.py --number 91 --width 128 --height 128 --stride 64 -uf 4 \
#       --scales 1.0 0.9 0.8 0.7 0.6 0.5 --rotations 0 90 180 270 --flips 0 1 \
#       --input ../shared/datasets/T91/HR --single_y --use_h5py --output work_dirs/data/lapsrn_x4.h5
# Training (paper Sec. 3.2 and 4.1, the authors' MatConvNet code): Charbonnier loss (eps = 1e-3) on every
# level against the HR bicubic-downscaled to the level's size, summed over the pixels of a sample
# (MatConvNet's scale); batch 64; SGD with momentum 0.9 and weight decay 1e-4; learning rate 1e-5 halved every
# 50 epochs (an epoch = 1,000 iterations here), stopped at 1e-6 (200 epochs); biases at 0.1x.
_base_ = ['srbench::_base_/default_runtime.py', 'srbench::_base_/datasets/sr_train_loader.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 4
model = dict(type='LapSRNModel', generator=dict(type='LapSRN', scale=scale, depth=10, mid_channels=64),
             pixel_loss=dict(type='CharbonnierLoss', eps=1e-3, reduction='batchmean'))
train_dataloader = dict(
    batch_size=64,
    dataset=dict(type='H5PatchDataset', h5_path='work_dirs/data/lapsrn_x4.h5', scale=scale, in_memory=True))
optim_wrapper = dict(type='OptimWrapper',
                     optimizer=dict(type='SGD', lr=1e-5, momentum=0.9, weight_decay=1e-4),
                     constructor='GroupedOptimWrapperConstructor',
                     paramwise_cfg=dict(bias_lr_mult=0.1))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=200_000, val_interval=5000)
param_scheduler = [dict(type='StepLR', by_epoch=False, step_size=50_000, gamma=0.5)]
default_hooks = dict(checkpoint=dict(interval=5000))

val_dataloader = test_loader('Set5', scale)
val_evaluator = [dict(type='PSNR')]
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
