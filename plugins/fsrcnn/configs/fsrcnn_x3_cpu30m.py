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
# minutes. The rest of the recipe (optimiser, schedule, hooks, test sets) is the *_cpu30m recipe,
# srbench.recipes.cpu_budget.
_base_ = ['./fsrcnn_x3.py']
from srbench.recipes import cpu_budget

max_iters = 40_000
(train_dataloader, optim_wrapper, param_scheduler, train_cfg, default_hooks, custom_hooks,
 test_dataloader) = cpu_budget(max_iters, batch_size=128, last_layer='generator.deconv', log_interval=200)
