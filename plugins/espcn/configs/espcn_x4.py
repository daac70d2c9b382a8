# ESPCN x4: espcn_x3.py at x4 (one model per scale). Seed recipe: 17x17 LR / 68x68 HR sub-images,
# HR stride 56 = (17 - 3) * 4:
#   python tools/data_aug.py --number 91 --width 68 --height 68 --stride 56 -uf 4 \
#       --input ../shared/datasets/T91/HR --single_y --use_h5py --output work_dirs/data/espcn_x4.h5
_base_ = ['./espcn_x3.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 4
model = dict(generator=dict(scale=scale))
train_dataloader = dict(dataset=dict(h5_path='work_dirs/data/espcn_x4.h5', scale=scale))
val_dataloader = test_loader('Set5', scale)
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
