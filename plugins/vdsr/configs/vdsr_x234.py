# VDSR, one model for x2/x3/x4 -- Kim et al., "Accurate Image Super-Resolution Using Very Deep Convolutional
# Networks", CVPR 2016 (https://arxiv.org/abs/1511.04587). Bicubic-upsampled Y input, residual learning.
# Data (the seed's recipe: 41x41 same-size sub-images, stride 41, scales 1.0/0.7/0.5, 4 rotations, flips,
# x2 + x3 + x4 in one file):
#   python tools/data_aug.py --number 91 --upsampling bicubic --width 41 --height 41 --stride 41 -uf 2 3 4 \
#       --scales 1.0 0.7 0.5 --rotations 0 90 180 270 --flips 0 1 2 3 --input ../shared/datasets/T91/HR \
#       --use_h5py --same_size --single_y --output work_dirs/data/vdsr_x234.h5
# The paper and the seed use 291 images (T91 + 200 BSD training images, --number 291); ../shared holds T91
# only. The seed also adds nearest-upsampled inputs (--upsampling nearest bicubic); the benchmark input is
# bicubic, so only bicubic here.
# Training (paper Sec. 3.2 and 5.2): batch 64 of mixed scales (here one scale per batch: ScaleBatchSampler),
# SGD with momentum 0.9 and weight decay 1e-4, learning rate 0.1 divided by 10 every 20 epochs, 80 epochs =
# 9,960 iterations; He initialisation; loss 1/2 ||r - f(x)||^2 per sample (Euclidean loss: the scale of the
# paper's learning rate); adjustable gradient clipping to theta / lr. The paper clips every gradient element
# and gives no theta; element-wise at theta = 0.01 diverged within 20 iterations here, so the gradient norm
# is clipped, as the DRRN authors' Caffe solver for their VDSR does (theta = 0.01): stable.
_base_ = ['srbench::_base_/default_runtime.py', 'srbench::_base_/datasets/sr_train_loader.py']
from srbench.data.benchmarks import test_loader, test_loaders

model = dict(type='SRModel', generator=dict(type='VDSR', num_layers=20, mid_channels=64),
             pixel_loss=dict(type='EuclideanLoss'))
train_dataloader = dict(
    batch_size=64, batch_sampler=dict(type='ScaleBatchSampler'),
    dataset=dict(type='H5PatchDataset', h5_path='work_dirs/data/vdsr_x234.h5', in_memory=True))
optim_wrapper = dict(type='LRScaledClipOptimWrapper', theta=0.01, mode='norm',
                     optimizer=dict(type='SGD', lr=0.1, momentum=0.9, weight_decay=1e-4))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=9960, val_interval=1245)
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[2490, 4980, 7470], gamma=0.1)]
default_hooks = dict(checkpoint=dict(interval=1245))

val_dataloader = test_loader('Set5', 3)
val_evaluator = [dict(type='PSNR')]
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [2, 3, 4])
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
