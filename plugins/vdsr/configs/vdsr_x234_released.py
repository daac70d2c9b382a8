# VDSR: the authors' released model Test/VDSR_Official.mat (291 images (T91 + BSD200), x2/x3/x4 mixed),
# https://github.com/huangzehao/caffe-vdsr; declared by the 'vdsr' plugin as released weights
# 'vdsr_official' (srbench convert --list), tested under the authors' protocol 'srcnn-matlab':
#   srbench convert VDSR_Official.mat -o work_dirs/released/vdsr_official.pth
#   srbench test vdsr_x234_released --ckpt work_dirs/released/vdsr_official.pth \
#       --out work_dirs/released/vdsr_official.json
# (srbench test also takes the released file itself as --ckpt: it is converted on the fly, same checks.)
_base_ = ['srbench::_base_/default_runtime.py']
from srbench.data.benchmarks import test_loaders  # noqa: E402

model = dict(type='SRModel', generator=dict(type='VDSR', num_layers=20, mid_channels=64))
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [2, 3, 4],
                               eval_protocol='srcnn-matlab')
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
