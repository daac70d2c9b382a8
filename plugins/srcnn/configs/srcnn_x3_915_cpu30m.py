# SRCNN 9-1-5 x3 in about 30 minutes on a 2-core CPU: srcnn_x3_915.py (same model, valid convolutions, the
# paper's N(0, 0.001^2) initialisation, the seed's data) with an optimiser that gets somewhere in that budget.
# The paper's SGD at 1e-4 needs ~1e8 backprops to pass Bicubic; Adam at 3e-3 (last layer 10x smaller, as in
# the paper) does it in a few thousand iterations. Data as srcnn_x3_915.py:
#   python tools/data_aug.py --number 91 --upsampling bicubic --width 33 --height 33 --stride 14 -uf 3 \
#       --input ../shared/datasets/T91/HR --single_y --use_h5py --same_size \
#       --output work_dirs/data/srcnn_x3.h5
# Train / test (see README.md, "The 30-minute CPU trainings"):
#   python tools/train.py configs/srcnn_x3_915_cpu30m.py
#   python tools/test.py configs/srcnn_x3_915_cpu30m.py --ckpt work_dirs/srcnn_x3_915_cpu30m/iter_<N>.pth
# max_iters is ~30 minutes at the speed measured on the 2-core machine; TrainTimeLimitHook stops at 30 minutes
# if the machine is slower (validation and the final checkpoint still happen).
_base_ = ['./srcnn_x3_915.py']
from srbench.data.benchmarks import test_loaders

max_iters = 15_000
train_dataloader = dict(batch_size=128, num_workers=0, persistent_workers=False)
optim_wrapper = dict(_delete_=True, type='OptimWrapper', optimizer=dict(type='Adam', lr=3e-3),
                     constructor='GroupedOptimWrapperConstructor',
                     paramwise_cfg=dict(custom_keys={'generator.conv3': dict(lr_mult=0.1)}))
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[int(max_iters * 0.8)], gamma=0.1)]
train_cfg = dict(type='IterBasedTrainLoop', max_iters=max_iters, val_interval=max_iters // 10)
default_hooks = dict(logger=dict(interval=200), checkpoint=dict(interval=max_iters // 10, max_keep_ckpts=2))
custom_hooks = [dict(type='TrainTimeLimitHook', minutes=30)]
test_dataloader = test_loaders(['Set5', 'Set14'], [3])
