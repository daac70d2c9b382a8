# FSRCNN x4: fsrcnn_x3.py at x4 (one model per scale; the paper shares the convolutions and retrains the
# deconvolution, here each scale is trained from scratch as the seed does).
# Data (seed recipe: HR 24x24 / LR 6x6, HR stride 4):
#   python tools/data_aug.py --number 91 --width 24 --height 24 --stride 4 -uf 4 --rotations 0 90 180 270 \
#       --scales 1.0 0.9 0.8 0.7 0.6 --input ../shared/datasets/T91/HR --single_y --use_h5py \
#       --output work_dirs/data/fsrcnn_x4.h5
_base_ = ['./fsrcnn_x3.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 4
model = dict(generator=dict(scale=scale))
train_dataloader = dict(dataset=dict(h5_path='work_dirs/data/fsrcnn_x4.h5', scale=scale))
val_dataloader = test_loader('Set5', scale)
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
