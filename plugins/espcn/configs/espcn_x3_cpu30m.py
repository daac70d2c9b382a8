# ESPCN x3 in about 30 minutes on a 2-core CPU: espcn_x3.py (same model and the seed's data: 2,420 sub-images
# of 17x17 LR / 51x51 HR from the 91 images) with Adam at 1e-3 (last layer 10x smaller, as in the paper) and a
# step decay instead of SGD with a plateau schedule. Data as espcn_x3.py:
#   python tools/data_aug.py --number 91 --width 51 --height 51 --stride 42 -uf 3 \
#       --input ../shared/datasets/T91/HR --single_y --use_h5py --output work_dirs/data/espcn_x3.h5
# Train / test (see README.md, "The 30-minute CPU trainings"):
#   python tools/train.py configs/espcn_x3_cpu30m.py
#   python tools/test.py configs/espcn_x3_cpu30m.py --ckpt work_dirs/espcn_x3_cpu30m/iter_<N>.pth
# max_iters is ~30 minutes at the speed measured on the 2-core machine; TrainTimeLimitHook stops at 30
# minutes.
_base_ = ['./espcn_x3.py']
from srbench.data.benchmarks import test_loaders

max_iters = 150_000
train_dataloader = dict(batch_size=16, num_workers=0, persistent_workers=False)
optim_wrapper = dict(_delete_=True, type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3),
                     constructor='GroupedOptimWrapperConstructor',
                     paramwise_cfg=dict(custom_keys={'generator.conv3': dict(lr_mult=0.1)}))
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[int(max_iters * 0.8)], gamma=0.1)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters // 10)
default_hooks = dict(logger=dict(interval=1000), checkpoint=dict(interval=max_iters // 10, max_keep_ckpts=2))
custom_hooks = [dict(type='TrainTimeLimitHook', minutes=30)]
test_dataloader = test_loaders(['Set5', 'Set14'], [3])
