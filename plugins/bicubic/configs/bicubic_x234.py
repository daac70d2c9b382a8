# Bicubic (MATLAB imresize) on Set5, Set14, BSD100, Urban100 at x2, x3, x4 -- the baseline table.
# No weights: tools/test.py configs/bicubic_x234.py  (no --ckpt). Missing sets are skipped with a warning.
# Protocol 'matlab' (the default of every metric): the LR is the RGB image downscaled with MATLAB imresize
# and rounded to uint8 (data 'rgb-uint8', the default for RGB networks such as Bicubic), upscaled with
# imresize on uint8, Y = rgb2ycbcr rounded, border = scale. This reproduces the seed's Bicubic table.
# The data root is ../shared/datasets or $SRBENCH_DATA_ROOT; override a set with
# --cfg-options test_dataloader.0.dataset.hr_dir=/path/to/Set5/HR
_base_ = ['srbench::_base_/default_runtime.py']
from srbench.data.benchmarks import test_loaders

model = dict(type='SRModel', generator=dict(type='Bicubic'))
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [2, 3, 4])
test_evaluator = [dict(type='PSNR'), dict(type='SSIM'), dict(type='IFC')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
