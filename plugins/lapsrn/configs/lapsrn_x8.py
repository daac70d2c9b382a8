# LapSRN x8: lapsrn_x4.py with three pyramid levels (one model per scale). Data: the same recipe with -uf 8:
#   python tools/data_aug.py --number 91 --width 128 --height 128 --stride 64 -uf 8 \
#       --scales 1.0 0.9 0.8 0.7 0.6 0.5 --rotations 0 90 180 270 --flips 0 1 \
#       --input ../shared/datasets/T91/HR --single_y --use_h5py --output work_dirs/data/lapsrn_x8.h5
_base_ = ['./lapsrn_x4.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 8
model = dict(generator=dict(scale=scale))
train_dataloader = dict(dataset=dict(h5_path='work_dirs/data/lapsrn_x8.h5', scale=scale))
val_dataloader = test_loader('Set5', scale)
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
