# FSRCNN x3 in about 30 minutes on a 2-core CPU: fsrcnn_x3.py (same model, initialisation and the seed's data,
# 6.5M patch pairs, ~4 GB, read from disk) with Adam at 1e-3 (deconvolution 10x smaller, as in the paper)
# instead of the paper's SGD, which needs far more iterations. Data as fsrcnn_x3.py:
#   python tools/data_aug.py --number 91 --width 21 --height 21 --stride 3 -uf 3 --rotations 0 90 180 270 \
#       --scales 1.0 0.9 0.8 0.7 0.6 --input ../shared/datasets/T91/HR --single_y --use_h5py \
#       --output work_dirs/data/fsrcnn_x3.h5
# Train / test (see README.md, "The 30-minute CPU trainings"):
#   python tools/train.py configs/fsrcnn_x3_cpu30m.py
#   python tools/test.py configs/fsrcnn_x3_cpu30m.py --ckpt work_dirs/fsrcnn_x3_cpu30m/iter_<N>.pth
# max_iters is ~30 minutes at the speed measured on the 2-core machine; TrainTimeLimitHook stops at 30
# minutes.
_base_ = ['./fsrcnn_x3.py']
from srbench.data.benchmarks import test_loaders

max_iters = 40_000
train_dataloader = dict(batch_size=128, num_workers=0, persistent_workers=False)
optim_wrapper = dict(_delete_=True, type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3),
                     constructor='GroupedOptimWrapperConstructor',
                     paramwise_cfg=dict(custom_keys={'generator.deconv': dict(lr_mult=0.1)}))
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[int(max_iters * 0.8)], gamma=0.1)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters // 10)
default_hooks = dict(logger=dict(interval=200), checkpoint=dict(interval=max_iters // 10, max_keep_ckpts=2))
custom_hooks = [dict(type='TrainTimeLimitHook', minutes=30)]
test_dataloader = test_loaders(['Set5', 'Set14'], [3])
