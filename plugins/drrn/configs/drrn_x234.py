# DRRN_B1U25, one model for x2/x3/x4 -- Tai, Yang, Liu, "Image Super-Resolution via Deep Recursive Residual
# Network", CVPR 2017. Bicubic-upsampled Y input; 1 recursive block of 25 residual units sharing weights.
# Data (the seed's recipe: 31x31 same-size sub-images, stride 28, 4 rotations, flips, x2 + x3 + x4 in one
# file):
#   python tools/data_aug.py --number 91 --width 31 --height 31 --stride 28 -uf 2 3 4 \
#       --rotations 0 90 180 270 --flips 0 1 2 --upsampling bicubic --input ../shared/datasets/T91/HR \
#       --single_y --use_h5py --output work_dirs/data/drrn_x234.h5
# The paper and the seed use 291 images (--number 291); ../shared holds T91 only.
# Training (the paper's implementation details and the authors' released Caffe solver): batch 128, SGD with
# momentum 0.9 and weight decay 1e-4, learning rate 0.1 halved every 10 epochs (the solver: every 65,360
# iterations), biases at 0.1x;
# adjustable gradient clipping with theta = 0.01 (the released solver clips the global gradient norm to
# theta / lr); He initialisation; Caffe's Euclidean loss. The paper does not state the number of epochs: 50
# here (326,800 iterations). Batches hold one scale each (ScaleBatchSampler; the Caffe data mixed them).
_base_ = ['srbench::_base_/default_runtime.py', 'srbench::_base_/datasets/sr_train_loader.py']
from srbench.data.benchmarks import test_loader, test_loaders

model = dict(type='SRModel', generator=dict(type='DRRN', num_blocks=1, num_units=25, mid_channels=128),
             pixel_loss=dict(type='EuclideanLoss'))
train_dataloader = dict(
    batch_size=128, batch_sampler=dict(type='ScaleBatchSampler'),
    dataset=dict(type='H5PatchDataset', h5_path='work_dirs/data/drrn_x234.h5', in_memory=True))
optim_wrapper = dict(type='LRScaledClipOptimWrapper', theta=0.01, mode='norm',
                     optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4),
                     constructor='GroupedOptimWrapperConstructor',
                     paramwise_cfg=dict(bias_lr_mult=0.1))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=326_800, val_interval=6536)
param_scheduler = [dict(type='StepLR', by_epoch=False, step_size=65_360, gamma=0.5)]
default_hooks = dict(checkpoint=dict(interval=6536))

val_dataloader = test_loader('Set5', 3)
val_evaluator = [dict(type='PSNR')]
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [2, 3, 4])
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
