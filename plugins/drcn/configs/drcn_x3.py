# DRCN x3: drcn_x2.py at x3 (one model per scale). Data: the same recipe with -uf 3:
#   python tools/data_aug.py --number 91 --width 41 --height 41 --stride 21 -uf 3 \
#       --rotations 0 90 180 270 --scales 1.0 0.7 0.5 --upsampling bicubic \
#       --input ../shared/datasets/T91/HR --single_y --use_h5py --output work_dirs/data/drcn_x3.h5
_base_ = ['./drcn_x2.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 3
model = dict(generator=dict(scale=scale))
train_dataloader = dict(dataset=dict(h5_path='work_dirs/data/drcn_x3.h5', scale=scale))
val_dataloader = test_loader('Set5', scale)
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
