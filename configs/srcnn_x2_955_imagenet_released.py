# SRCNN -- the authors' released model 'x2.mat' (ImageNet (395,909 images)), https://github.com/WangDequan/SRCNN (commit 85679e2; the authors' MATLAB test package): model/9-5-5(ImageNet)/x2.mat
# Declared by the 'srcnn' plugin as released weights 'srcnn_9-5-5_imagenet_x2' (srbench plugins --weights).
# Test it on the four benchmark sets, under the authors' protocol 'srcnn-matlab':
#   srbench convert x2.mat -o work_dirs/released/srcnn_9-5-5_imagenet_x2.pth
#   python tools/test.py srcnn_x2_955_imagenet_released --ckpt work_dirs/released/srcnn_9-5-5_imagenet_x2.pth --out work_dirs/released/srcnn_9-5-5_imagenet_x2.json
# (tools/test.py also takes the released file itself as --ckpt: it is converted on the fly, with the same checks.)
_base_ = ['./_base_/default_runtime.py']
from srbench.data.benchmarks import test_loaders

model = dict(type='SRModel', generator=dict(type='SRCNN', scale=2, kernel_sizes=(9, 5, 5)))
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [2], eval_protocol='srcnn-matlab')
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
