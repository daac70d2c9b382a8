# LapSRN -- the authors' released model 'LapSRN_x2.mat' (291 images (T91 + BSD200)), https://github.com/phoenix104104/LapSRN (commit 95154bb): pretrained_models/LapSRN_x2.mat
# Declared by the 'lapsrn' plugin as released weights 'lapsrn_x2' (srbench plugins --weights).
# Test it on the four benchmark sets, under the authors' protocol 'lapsrn-matlab':
#   srbench convert LapSRN_x2.mat -o work_dirs/released/lapsrn_x2.pth
#   python tools/test.py lapsrn_x2_released --ckpt work_dirs/released/lapsrn_x2.pth --out work_dirs/released/lapsrn_x2.json
# (tools/test.py also takes the released file itself as --ckpt: it is converted on the fly, with the same checks.)
_base_ = ['./_base_/default_runtime.py']
from srbench.data.benchmarks import test_loaders

model = dict(type='SRModel', generator=dict(type='LapSRN', scale=2, depth=10, upsample_kernel=3))
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [2], eval_protocol='lapsrn-matlab')
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
