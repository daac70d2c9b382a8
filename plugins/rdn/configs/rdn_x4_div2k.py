# RDN x4: rdn_x2_div2k.py at x4 (one model per scale; 32x32 LR patches, HR 128x128).
_base_ = ['./rdn_x2_div2k.py']
from srbench.data.benchmarks import test_loader, test_loaders

scale = 4
model = dict(generator=dict(scale=scale))
train_dataloader = dict(dataset=dict(scale=scale))
val_dataloader = test_loader('Set5', scale)
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [scale])
