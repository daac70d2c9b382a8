# SRCNN: the authors' released model model/9-3-5(ImageNet)/x3.mat (ImageNet (395,909 images)),
# https://github.com/WangDequan/SRCNN; declared by the 'srcnn' plugin as released weights
# 'srcnn_9-3-5_imagenet_x3' (srbench convert --list), tested under the authors' protocol 'srcnn-matlab':
#   srbench convert x3.mat -o work_dirs/released/srcnn_9-3-5_imagenet_x3.pth
#   srbench test srcnn_x3_935_imagenet_released --ckpt work_dirs/released/srcnn_9-3-5_imagenet_x3.pth \
#       --out work_dirs/released/srcnn_9-3-5_imagenet_x3.json
# (srbench test also takes the released file itself as --ckpt: it is converted on the fly, same checks.)
_base_ = ['srbench::_base_/default_runtime.py']
from srbench.data.benchmarks import test_loaders  # noqa: E402

model = dict(type='SRModel', generator=dict(type='SRCNN', scale=3, kernel_sizes=(9, 3, 5)))
test_dataloader = test_loaders(['Set5', 'Set14', 'BSD100', 'Urban100'], [3],
                               eval_protocol='srcnn-matlab')
test_evaluator = [dict(type='PSNR'), dict(type='SSIM')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
