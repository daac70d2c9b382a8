# RCAN x4: rcan_x2_div2k.py at x4 (one model per scale; 48x48 LR patches, HR 192x192).
_base_ = ['./rcan_x2_div2k.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 4
model = dict(generator=dict(scale=scale))
train_dataloader = dict(dataset=dict(scale=scale))
val_dataloader = test_loader('Set5', scale)
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
