# Adam with step decay, iteration-based (the schedule of the light models; override per paper).
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-3, betas=(0.9, 0.999)))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=100000, val_interval=5000)
param_scheduler = [dict(type='MultiStepLR', by_epoch=False, milestones=[60000, 90000], gamma=0.1)]
