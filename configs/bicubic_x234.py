# Bicubic (MATLAB imresize) on Set5, Set14, BSD100, Urban100 at x2, x3, x4 -- the baseline table.
# No weights: tools/test.py configs/bicubic_x234.py  (no --ckpt). Missing sets are skipped with a warning.
_base_ = ['./_base_/default_runtime.py']
from srbench.data.benchmarks import test_loaders

model = dict(type='SRModel', generator=dict(type='Bicubic'))
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [2, 3, 4])
test_evaluator = [dict(type='PSNR')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
