# RDN x2, the paper's DIV2K recipe -- Zhang et al., "Residual Dense Network for Image Super-Resolution",
# CVPR 2018 (https://arxiv.org/abs/1802.08797), Sec. 5.1, and the authors' scripts (RDN_TrainCode).
# Data and training: srbench::_base_/datasets/div2k_train.py (the 800 DIV2K training images at
# <data root>/DIV2K/DIV2K_train_HR, LR patches made on the fly with MATLAB bicubic; without the folder the run
# stops with one error naming it; to read the released LR images instead:
# lr_dir='<...>/DIV2K_train_LR_bicubic', lr_tmpl='{}x2'), which is the paper's recipe as below except the
# patch size, set here.
# Training (paper): 16 random 32x32 RGB LR patches per batch, flips and 90-degree rotations, L1 loss, Adam
# (0.9, 0.999, eps 1e-8), learning rate 1e-4 halved every 200 epochs of 1,000 iterations. The paper gives no
# total: 1,000 epochs as the authors' x4 script (-nEpochs 1000). The authors' released x2 model used 48x48
# patches; their x3/x4 models start from it (-preTrained RDN_BIX2.t7): set load_from to do the same.
_base_ = ['srbench::_base_/datasets/div2k_train.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 2
model = dict(generator=dict(type='RDN', scale=scale, mid_channels=64, growth=64, num_blocks=16, num_layers=8))
train_dataloader = dict(dataset=dict(scale=scale, patch_size=32))
val_dataloader = test_loader('Set5', scale)
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
