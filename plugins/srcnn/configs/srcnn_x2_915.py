# SRCNN 9-1-5, x2: srcnn_x3_915.py at x2 (one model per scale, as in the paper).
# Data (seed recipe, -uf 2):
#   python tools/data_aug.py --number 91 --upsampling bicubic --width 33 --height 33 --stride 14 -uf 2 \
#       --input ../shared/datasets/T91/HR --single_y --use_h5py --same_size \
#       --output work_dirs/data/srcnn_x2.h5
_base_ = ['./srcnn_x3_915.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 2
model = dict(generator=dict(scale=scale))
train_dataloader = dict(dataset=dict(h5_path='work_dirs/data/srcnn_x2.h5', scale=scale))
val_dataloader = test_loader('Set5', scale)
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
