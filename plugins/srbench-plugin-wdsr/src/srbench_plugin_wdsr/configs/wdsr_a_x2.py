# WDSR-A x2 -- Yu et al., "Wide Activation for Efficient and Accurate Image Super-Resolution",
# arXiv 1808.08718 (https://arxiv.org/abs/1808.08718); authors' code: github.com/JiahuiYu/wdsr_ntire2018
# (trained with EDSR-PyTorch). The "WDSR baseline" of the authors' README: 16 blocks, 32 features widened 4x,
# 1,190,100 parameters.
# Data and training: srbench::_base_/datasets/div2k_train.py, srbench's DIV2K recipe (the 800 DIV2K training
# images at <data root>/DIV2K/DIV2K_train_HR, data root $SRBENCH_DATA_ROOT or ../shared/datasets; LR patches
# made on the fly with MATLAB bicubic; without the folder the run stops with one error naming it): 16 random
# 48x48 RGB LR patches per batch, flips and 90-degree rotations, L1 loss, Adam (0.9, 0.999, eps 1e-8), halved
# every 200 epochs of 1,000 iterations. Changed here: learning rate 1e-3 (the larger rate weight normalisation
# allows, paper) for 300 epochs (EDSR-PyTorch's defaults; the schedule is not checked against the paper, see
# the README).
# srbench's shared base configs come with the installed srbench ('srbench::...'): this one includes the
# runtime defaults and the training loader (infinite sampler, srbench's collate).
_base_ = ['srbench::_base_/datasets/div2k_train.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 2
model = dict(generator=dict(type='WDSR_A', scale=scale, mid_channels=32, num_blocks=16, expansion=4))
train_dataloader = dict(dataset=dict(scale=scale, patch_size=48))
optim_wrapper = dict(optimizer=dict(lr=1e-3))
train_cfg = dict(max_iters=300_000)
val_dataloader = test_loader('Set5', scale)
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
