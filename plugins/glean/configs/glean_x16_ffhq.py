# GLEAN x16, faces 64x64 -> 1024x1024 -- Chan et al., "GLEAN: Generative Latent Bank for Large-Factor Image
# Super-Resolution", CVPR 2021 (https://arxiv.org/abs/2012.00739). The paper's 16x face setting, as in the
# authors' MMagic config glean_x16_2xb8_ffhq: trained on FFHQ (70,000 images, 1024x1024), validated and tested
# on CelebA-HQ (MMagic: the 100 images of meta_info_CelebAHQ_val100_GT.txt in github.com/ckkelvinchan/GLEAN).
#
# Latent bank: the official StyleGAN2 FFHQ config-F generator (1024x1024, style dim 512, channel multiplier
# 2), read from a LOCAL file when the model is built (nothing is downloaded; a missing file is one clear
# error):
#   MMagic's conversion stylegan2-ffhq-config-f-official_20210327_171224-bce9310c.pth (its generator_ema), or
#   rosinality's convert_weight.py output of NVIDIA's stylegan2-ffhq-config-f.pkl (its g_ema), or either one
#   reduced to the generator once: python -m srbench_plugins.glean.convert <file> <out.pth>
# Testing a trained GLEAN checkpoint does not need the StyleGAN2 file (the checkpoint holds the bank):
#   --cfg-options model.generator.pretrained=None
#
# Data (not shipped; set the folders): HR images in the folders below; the LR images are made from them with
# MATLAB bicubic on uint8 RGB (srbench's test protocol), or read from lr_dir= if given.
#   --cfg-options train_dataloader.dataset.hr_dir=/data/FFHQ/images val_dataloader.dataset.hr_dir=... \
#                 test_dataloader.0.dataset.hr_dir=...
#
# Training (MMagic's base_glean): Adam, lr 1e-4, betas (0.9, 0.99), cosine annealing towards 1e-7 with a
# period of 600k iterations, stopped at 300k (half the cosine: lr 5e-5 at the end); batch 8 per process
# (MMagic: 2 GPUs x 8). Loss: pixel-wise MSE only -- the "GLEAN (PSNR)" variant. The paper trains with
# MSE + 1e-2 perceptual (VGG16) + 1e-2 adversarial loss (StyleGAN2 discriminator); srbench builds neither (no
# VGG weights offline), see plugins/glean/README.md. The latent bank is kept fixed, as in the paper.
# No horizontal flips (MMagic flips at random): srbench's whole-image datasets have no flip option.
_base_ = ['srbench::_base_/default_runtime.py']
from srbench.data.benchmarks import test_loader  # noqa: E402 (MMEngine wants _base_ first)

scale = 16
model = dict(
    type='SRModel',
    generator=dict(type='GLEAN', in_size=64, out_size=1024, style_dim=512, channel_multiplier=2,
                   rrdb_channels=64, num_rrdbs=23,
                   pretrained=dict(ckpt_path='work_dirs/weights/stylegan2-ffhq-config-f-official_20210327_171224'
                                             '-bce9310c.pth',
                                   prefix=None, layout='auto')),   # generator_ema, g_ema or the whole file
    pixel_loss=dict(type='MSELoss'),
)
train_dataloader = dict(
    batch_size=8, num_workers=4, persistent_workers=True,
    sampler=dict(type='InfiniteSampler', shuffle=True), collate_fn=dict(type='sr_collate'),
    dataset=dict(type='PairedImageDataset', name='FFHQ', scale=scale, hr_dir='data/FFHQ/images'))
optim_wrapper = dict(type='OptimWrapper', optimizer=dict(type='Adam', lr=1e-4, betas=(0.9, 0.99)))
train_cfg = dict(type='IterBasedTrainLoop', max_iters=300_000, val_interval=5000)
param_scheduler = [dict(type='CosineAnnealingLR', by_epoch=False, T_max=600_000, eta_min=1e-7)]
default_hooks = dict(checkpoint=dict(interval=5000))

val_dataloader = test_loader('CelebA-HQ', scale, hr_dir='data/CelebA-HQ/GT')
val_evaluator = [dict(type='PSNR')]
test_dataloader = [test_loader('CelebA-HQ', scale, hr_dir='data/CelebA-HQ/GT')]
# srbench's protocol (Y, border = scale) and MMagic's (RGB, whole image) for comparison with its numbers
test_evaluator = [dict(type='PSNR'), dict(type='SSIM'),
                  dict(type='PSNR', channel='rgb', crop_border=0, prefix='rgb')]
test_cfg = dict(type='MultiTestLoop', skip_missing=True)
