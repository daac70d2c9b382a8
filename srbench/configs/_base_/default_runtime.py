# Runtime defaults shared by every srbench experiment (MMEngine Runner, iteration-based).
default_scope = 'srbench'

env_cfg = dict(
    cudnn_benchmark=False,
    mp_cfg=dict(mp_start_method='fork', opencv_num_threads=0),
    dist_cfg=dict(backend='nccl'),   # srbench switches to gloo by itself when there is no CUDA
)

default_hooks = dict(
    timer=dict(type='IterTimerHook'),
    logger=dict(type='LoggerHook', interval=100),
    param_scheduler=dict(type='ParamSchedulerHook'),
    checkpoint=dict(type='CheckpointHook', by_epoch=False, interval=5000, max_keep_ckpts=3, save_last=True),
    sampler_seed=dict(type='DistSamplerSeedHook'),
)
# SRLogProcessor = MMEngine's with it/s in the line; set-up dumps go to the log file only (srbench/engine/console.py)
log_processor = dict(type='SRLogProcessor', by_epoch=False, window_size=100)
log_level = 'INFO'
visualizer = dict(type='Visualizer', vis_backends=[dict(type='LocalVisBackend')])

randomness = dict(seed=0, deterministic=False)
load_from = None
resume = False

val_cfg = dict(type='ValLoop')
test_cfg = dict(type='MultiTestLoop')
