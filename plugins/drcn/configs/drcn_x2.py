# DRCN x2 -- Kim et al., "Deeply-Recursive Convolutional Network for Image Super-Resolution", CVPR 2016
# (https://arxiv.org/abs/1511.04491). Bicubic-upsampled Y input; 16 recursions of one 256-filter layer,
# recursive supervision and a learned ensemble of the 16 predictions. One model per scale.
# Data (the seed's recipe: 91 images, 41x41 same-size sub-images, stride 21, scales 1.0/0.7/0.5, 4 rotations):
#   python tools/data_aug.py --number 91 --width 41 --height 41 --stride 21 -uf 2 \
#       --rotations 0 90 180 270 --scales 1.0 0.7 0.5 --upsampling bicubic \
#       --input ../shared/datasets/T91/HR --single_y --use_h5py --output work_dirs/data/drcn_x2.h5
# Training (paper Sec. 3.3 and 4.2): batch 64, SGD with momentum 0.9 and weight decay 1e-4 (beta), learning
# rate 0.01 divided by 10 when the validation error has not decreased for 5 epochs, stopped below 1e-6; He
# initialisation, the recursive layer initialised to identity; loss alpha * (intermediate predictions) +
# (1 - alpha) * (ensemble), each a pixel-wise MSE: with the loss summed over the pixels (Caffe/MatConvNet
# scale) SGD at 0.01 diverges at once. Unclipped, even the pixel-wise MSE diverged within 12 iterations here
# (16 recursions of one layer); the paper mentions no clipping, VDSR (same authors, same time) clips to
# theta / lr: the global gradient norm is clipped at theta = 0.01 here, which trains stably.
# The paper says alpha starts high and decays as training progresses, without numbers: 1 -> 0 linearly over
# the first 25 epochs here. An epoch of the seed's data is ~61k pairs = ~950 iterations: validation on Set5
# every 1000 iterations stands for one.
_base_ = ['srbench::_base_/default_runtime.py', 'srbench::_base_/datasets/sr_train_loader.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 2
model = dict(type='DRCNModel', generator=dict(type='DRCN', scale=scale, mid_channels=256, num_recursions=16),
             pixel_loss=dict(type='MSELoss'), alpha_start=1.0, alpha_end=0.0, alpha_decay_iters=25_000)
train_dataloader = dict(
    batch_size=64,
    dataset=dict(type='H5PatchDataset', h5_path='work_dirs/data/drcn_x2.h5', scale=scale, in_memory=True))
optim_wrapper = dict(type='LRScaledClipOptimWrapper', theta=0.01, mode='norm',
                     optimizer=dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=500_000, val_interval=1000)
param_scheduler = [dict(type='ReduceOnPlateauLR', monitor='PSNR', rule='greater', factor=0.1, patience=5,
                        min_value=1e-6, by_epoch=True)]
default_hooks = dict(checkpoint=dict(interval=10_000))

val_dataloader = test_loader('Set5', scale)
val_evaluator = [dict(type='PSNR')]
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
