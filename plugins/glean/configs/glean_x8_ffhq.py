# GLEAN x8, faces 128x128 -> 1024x1024 -- Chan et al., CVPR 2021 (https://arxiv.org/abs/2012.00739). The same
# FFHQ 1024 StyleGAN2 latent bank as x16 (configs/glean_x16_ffhq.py: data, weights, training and what
# differs from the paper), with 128x128 inputs -- the geometry of the authors' MMagic config
# glean_in128out1024_4xb2-300k_ffhq-celeba-hq (which trains on randomly blurred, noisy, JPEG-compressed LR
# images and evaluates on bicubic ones; here the training LR images are bicubic too). A 32x32 -> 256x256 face
# model would need a 256x256 face StyleGAN2, which the official config-F release does not include
# (GLEAN(in_size=32, out_size=256) builds it with any such checkpoint).
_base_ = ['./glean_x16_ffhq.py']
from srbench.data.benchmarks import test_loader  # noqa: E402 (MMEngine wants _base_ first)

scale = 8
model = dict(generator=dict(in_size=128, out_size=1024))
train_dataloader = dict(batch_size=8, dataset=dict(scale=scale))
val_dataloader = test_loader('CelebA-HQ', scale, hr_dir='data/CelebA-HQ/GT')
test_dataloader = [test_loader('CelebA-HQ', scale, hr_dir='data/CelebA-HQ/GT')]
