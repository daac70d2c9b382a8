# SRCNN 9-1-5, x3 -- Dong et al., "Image Super-Resolution Using Deep Convolutional Networks", TPAMI 2016
# (https://arxiv.org/abs/1501.00092). Bicubic-upsampled Y input, trained on the 91 images.
# Data (the seed's recipe: 33x33 sub-images of the bicubic-upsampled Y image, stride 14, same-size pairs):
#   python tools/data_aug.py --number 91 --upsampling bicubic --width 33 --height 33 --stride 14 -uf 3 \
#       --input ../shared/datasets/T91/HR --single_y --use_h5py --same_size \
#       --output work_dirs/data/srcnn_x3.h5
# Training (paper Sec. 3.3 and 4.1): valid convolutions (a 33x33 input gives a 21x21 output, compared with
# the centre of the HR patch), Gaussian init std 0.001, SGD with momentum 0.9, learning rate 1e-4 for the
# first two layers and 1e-5 for the last, fixed. Loss: Caffe's Euclidean loss, the scale the paper's rates
# are for. Batch 128 and biases at 0.1x the rate as in the authors' Caffe net. The paper's curves run to
# about 8e8 backprops (Sec. 4.1, Fig. 2): 6.25M iterations of 128.
_base_ = ['srbench::_base_/default_runtime.py', 'srbench::_base_/datasets/sr_train_loader.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 3
model = dict(
    type='SRModel',
    generator=dict(type='SRCNN', scale=scale, kernel_sizes=(9, 1, 5), train_padding='valid',
                   test_padding='replicate'),
    pixel_loss=dict(type='EuclideanLoss'))

train_dataloader = dict(
    batch_size=128,
    dataset=dict(type='H5PatchDataset', h5_path='work_dirs/data/srcnn_x3.h5', scale=scale, in_memory=True))
optim_wrapper = dict(
    type='OptimWrapper', optimizer=dict(type='SGD', lr=1e-4, momentum=0.9),
    constructor='GroupedOptimWrapperConstructor',
    paramwise_cfg=dict(bias_lr_mult=0.1, custom_keys={'generator.conv3': dict(lr_mult=0.1)}))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=6_250_000, val_interval=50_000)
default_hooks = dict(checkpoint=dict(interval=50_000))

val_dataloader = test_loader('Set5', scale)
val_evaluator = [dict(type='PSNR')]
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
