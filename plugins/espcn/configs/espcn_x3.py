# ESPCN x3 -- Shi et al., "Real-Time Single Image and Video Super-Resolution Using an Efficient Sub-Pixel
# Convolutional Neural Network", CVPR 2016 (https://arxiv.org/abs/1609.05158). LR Y input, sub-pixel output.
# Data (the seed's recipe for the 91 images: 17x17 LR / 51x51 HR sub-images, HR stride 42 = (17 - 3) * 3, the
# stride that tiles the HR with the network's valid part):
#   python tools/data_aug.py --number 91 --width 51 --height 51 --stride 42 -uf 3 \
#       --input ../shared/datasets/T91/HR --single_y --use_h5py --output work_dirs/data/espcn_x3.h5
# Training (paper Sec. 4.2): pixel-wise MSE, tanh, learning rate 0.01 at first, lowered towards 1e-4 whenever
# the improvement stalls (here: x0.1 when Set5 PSNR gains less than 0.01 dB over 3 validations), the last
# layer learning 10x slower. The optimiser is not named in the paper: SGD with momentum 0.9 here; batch 16.
# The paper trains with Gaussian-blurred LR images; srbench (and the seed) use MATLAB bicubic downscaling.
_base_ = ['srbench::_base_/default_runtime.py', 'srbench::_base_/datasets/sr_train_loader.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 3
model = dict(
    type='SRModel',
    generator=dict(type='ESPCN', scale=scale, in_channels=1, out_channels=1),
    pixel_loss=dict(type='MSELoss'),
)
train_dataloader = dict(
    batch_size=16,
    dataset=dict(type='H5PatchDataset', h5_path='work_dirs/data/espcn_x3.h5', scale=scale, in_memory=True))
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='SGD', lr=0.01, momentum=0.9),
                     constructor='GroupedOptimWrapperConstructor',
                     paramwise_cfg=dict(custom_keys={'generator.conv3': dict(lr_mult=0.1)}))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=1_000_000, val_interval=10_000)
param_scheduler = [dict(type='ReduceOnPlateauLR', monitor='PSNR', rule='greater', factor=0.1, patience=2,
                        threshold=0.01, threshold_rule='abs', min_value=1e-4, by_epoch=True)]
default_hooks = dict(checkpoint=dict(interval=10_000))

val_dataloader = test_loader('Set5', scale)
val_evaluator = [dict(type='PSNR')]
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
