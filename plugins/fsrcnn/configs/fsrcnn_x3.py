# FSRCNN (d, s, m) = (56, 12, 4), x3 -- Dong et al., "Accelerating the Super-Resolution Convolutional Neural
# Network", ECCV 2016 (https://arxiv.org/abs/1608.00367). LR Y input, 9x9 deconvolution to the HR grid.
# Data (the seed's recipe: 91 images at scales 1.0-0.6 and 4 rotations; HR 21x21 / LR 7x7 sub-images,
# HR stride 3 -- the paper's f_sub = 7 for x3; about 6.5M pairs, several GB):
#   python tools/data_aug.py --number 91 --width 21 --height 21 --stride 3 -uf 3 --rotations 0 90 180 270 \
#       --scales 1.0 0.9 0.8 0.7 0.6 --input ../shared/datasets/T91/HR --single_y --use_h5py \
#       --output work_dirs/data/fsrcnn_x3.h5
# Training (paper Sec. 4.1): SGD, learning rate 1e-3 for the convolutions and 1e-4 for the deconvolution,
# convolutions initialised for PReLU (He et al.), the deconvolution with N(0, 0.001^2). Loss: Caffe's
# Euclidean loss (the scale of the paper's rates); batch 128 and biases at 0.1x as in the authors' Caffe
# files. No momentum: with momentum 0.9 these rates diverge within 60 iterations here. The paper's fine-tuning
# on General-100 is not done (the seed trains on 91 images only); the paper gives no iteration count: 1M
# iterations of 128 here (~20 passes over the 6.5M pairs).
_base_ = ['srbench::_base_/default_runtime.py', 'srbench::_base_/datasets/sr_train_loader.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 3
model = dict(
    type='SRModel',
    # pixel grid of the deconvolution: 'centre' (srbench's, for models trained here; the configs inheriting this
    # one use it too); the authors' released x2 / x4 models need grid='authors' (their deconv.m, offset 4)
    generator=dict(type='FSRCNN', scale=scale, d=56, s=12, m=4, grid='centre'),
    pixel_loss=dict(type='EuclideanLoss'))

train_dataloader = dict(
    batch_size=128,
    dataset=dict(type='H5PatchDataset', h5_path='work_dirs/data/fsrcnn_x3.h5', scale=scale))
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='SGD', lr=1e-3, momentum=0.0),
    constructor='GroupedOptimWrapperConstructor',
    paramwise_cfg=dict(bias_lr_mult=0.1, custom_keys={'generator.deconv': dict(lr_mult=0.1)}))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1_000_000, val_interval=20_000)
default_hooks = dict(checkpoint=dict(interval=20_000))

val_dataloader = test_loader('Set5', scale)
val_evaluator = [dict(type='PSNR')]
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
