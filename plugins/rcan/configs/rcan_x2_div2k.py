# RCAN x2, the paper's DIV2K recipe -- Zhang et al., "Image Super-Resolution Using Very Deep Residual Channel
# Attention Networks", ECCV 2018 (https://arxiv.org/abs/1807.02758), Sec. 4.1, and the authors' scripts
# (RCAN_TrainCode/code/TrainRCAN_scripts.sh, option.py).
# Data and training: srbench::_base_/datasets/div2k_train.py (the 800 DIV2K training images at
# <data root>/DIV2K/DIV2K_train_HR, LR patches made on the fly with MATLAB bicubic; without the folder the run
# stops with one error naming it), which is the paper's recipe as below.
# Training (paper): 16 random 48x48 RGB LR patches per batch, flips and 90-degree rotations, L1 loss, Adam
# (0.9, 0.999, eps 1e-8), learning rate 1e-4 halved every 200,000 iterations. The paper gives no total:
# 1,000 epochs of 1,000 iterations (the authors' option.py defaults). The authors train x3, x4 and x8 starting
# from their x2 model (--pre_train RCAN_BIX2.pt): set load_from to do the same.
_base_ = ['srbench::_base_/datasets/div2k_train.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 2
model = dict(
    generator=dict(type='RCAN', scale=scale, mid_channels=64, num_groups=10, num_blocks=20, reduction=16))
train_dataloader = dict(dataset=dict(scale=scale, patch_size=48))
val_dataloader = test_loader('Set5', scale)
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
