# LapSRN: the authors' released model pretrained_models/LapSRN_x4.mat (291 images (T91 + BSD200)),
# https://github.com/phoenix104104/LapSRN; declared by the 'lapsrn' plugin as released weights
# 'lapsrn_x4' (srbench convert --list), tested under the authors' protocol 'lapsrn-matlab':
#   srbench convert LapSRN_x4.mat -o work_dirs/released/lapsrn_x4.pth
#   srbench test lapsrn_x4_released --ckpt work_dirs/released/lapsrn_x4.pth \
#       --out work_dirs/released/lapsrn_x4.json
# (srbench test also takes the released file itself as --ckpt: it is converted on the fly, same checks.)
_base_ = ['srbench::_base_/default_runtime.py']
from srbench.data.benchmarks import test_loaders  # noqa: E402

model = dict(type='SRModel', generator=dict(type='LapSRN', scale=4, depth=10, upsample_kernel=3))
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [4],
                               eval_protocol='lapsrn-matlab')
test_evaluator = [dict(type='PSNR', protocol='matlab-double'), dict(type='SSIM', protocol='matlab-double')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
