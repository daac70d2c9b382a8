# ESPCN x3 in about 30 minutes on a 2-core CPU: espcn_x3.py (same model and the seed's data: 2,420 sub-images
# of 17x17 LR / 51x51 HR from the 91 images) with Adam at 1e-3 (last layer 10x smaller, as in the paper) and a
# step decay instead of SGD with a plateau schedule. Data as espcn_x3.py:
#   python tools/data_aug.py --number 91 --width 51 --height 51 --stride 42 -uf 3 \
#       --input ../shared/datasets/T91/HR --single_y --use_h5py --output work_dirs/data/espcn_x3.h5
# Train / test (see README.md, "The 30-minute CPU trainings"):
#   python tools/train.py configs/espcn_x3_cpu30m.py
#   python tools/test.py configs/espcn_x3_cpu30m.py --ckpt work_dirs/espcn_x3_cpu30m/iter_<N>.pth
# max_iters is ~30 minutes at the speed measured on the 2-core machine; TrainTimeLimitHook stops at 30
# minutes. The rest of the recipe (optimiser, schedule, hooks, test sets) is the *_cpu30m recipe,
# srbench.recipes.cpu_budget.
_base_ = ['./espcn_x3.py']
from srbench.recipes import cpu_budget

max_iters = 150_000
(train_dataloader, optim_wrapper, param_scheduler, train_cfg, default_hooks, custom_hooks,
 test_dataloader) = cpu_budget(max_iters, batch_size=16, last_layer='generator.conv3', log_interval=1000)
