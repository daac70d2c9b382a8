"""WDSR-A and WDSR-B networks.

Paper: J. Yu, Y. Fan, J. Yang, N. Xu, Z. Wang, X. Wang, T. Huang, "Wide Activation for Efficient and Accurate
Image Super-Resolution", arXiv 1808.08718 (2018). https://arxiv.org/abs/1808.08718
Authors' code: https://github.com/JiahuiYu/wdsr_ntire2018 (``wdsr_a.py``, ``wdsr_b.py``).

Both networks work in LR space on mean-subtracted RGB, ``(x - mean) / 0.5`` (the authors' ``(x - 255 mean) /
127.5`` on 0..255 pixels): a 3x3 head conv to ``mid_channels`` features; ``num_blocks`` residual blocks; a
3x3 tail conv to ``3 r^2`` channels and a pixel shuffle; plus a global skip branch, a 5x5 conv of the input to
``3 r^2`` channels, pixel-shuffled and added. Every convolution has weight normalisation.

* WDSR-A block (wide activation): 3x3 conv to ``mid_channels * expansion`` - ReLU - 3x3 conv back.
* WDSR-B block (wider activation, linear low-rank convolution): 1x1 conv to ``mid_channels * expansion`` -
  ReLU - 1x1 conv to ``int(mid_channels * low_rank)`` (linear) - 3x3 conv back to ``mid_channels``.

Defaults: WDSR-A with 16 blocks of 32 features widened 4x (128) -- the authors' "WDSR baseline", 1,190,100
parameters at x2 (weights, biases and weight-norm gains); WDSR-B with 16 blocks of 64 features widened 6x and
a 0.8 low-rank width (51), whose blocks have about the parameters of WDSR-A's (73,536 against 73,728 weights),
the equal-budget setting of the paper's comparison.
"""
from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import weight_norm

from srbench.errors import ConfigError
from srbench.registry import MODELS

DIV2K_RGB_MEAN = (0.4488, 0.4371, 0.4040)


def wn_conv(cin: int, cout: int, k: int) -> nn.Module:
    """A 'same'-padded convolution with weight normalisation (weight = g * v / ||v||, per output channel)."""
    return weight_norm(nn.Conv2d(cin, cout, k, padding=k // 2))


class BlockA(nn.Module):
    """WDSR-A residual block: wide 3x3 conv - ReLU - 3x3 conv, scaled by ``res_scale``, plus the input."""

    def __init__(self, channels: int, expansion: float, res_scale: float = 1.0, **_):
        super().__init__()
        wide = int(channels * expansion)
        self.body = nn.Sequential(wn_conv(channels, wide, 3), nn.ReLU(inplace=True),
                                  wn_conv(wide, channels, 3))
        self.res_scale = res_scale

    def forward(self, x):
        return self.body(x) * self.res_scale + x


class BlockB(nn.Module):
    """WDSR-B residual block: 1x1 conv (wide) - ReLU - 1x1 linear low-rank conv - 3x3 conv, plus the input."""

    def __init__(self, channels: int, expansion: float, res_scale: float = 1.0, low_rank: float = 0.8):
        super().__init__()
        wide, rank = int(channels * expansion), int(channels * low_rank)
        if rank < 1:
            raise ConfigError(f'WDSR_B: low_rank {low_rank} of {channels} channels leaves no channel')
        self.body = nn.Sequential(wn_conv(channels, wide, 1), nn.ReLU(inplace=True), wn_conv(wide, rank, 1),
                                  wn_conv(rank, channels, 3))
        self.res_scale = res_scale

    def forward(self, x):
        return self.body(x) * self.res_scale + x


class _WDSR(nn.Module):
    block: type = BlockA

    def __init__(self, scale: int = 2, in_channels: int = 3, out_channels: int = 3, mid_channels: int = 32,
                 num_blocks: int = 16, expansion: float = 4.0, low_rank: float = 0.8, res_scale: float = 1.0,
                 rgb_mean=DIV2K_RGB_MEAN, rgb_std: float = 0.5):
        super().__init__()
        name = type(self).__name__
        if not isinstance(scale, int) or scale < 2:
            raise ConfigError(f'{name}: scale must be an integer >= 2, got {scale!r}')
        for key, v in (('mid_channels', mid_channels), ('num_blocks', num_blocks)):
            if not isinstance(v, int) or v < 1:
                raise ConfigError(f'{name}: {key} must be a positive integer, got {v!r}')
        if not expansion or int(mid_channels * expansion) < 1:
            raise ConfigError(f'{name}: expansion must be positive, got {expansion!r}')
        if len(rgb_mean) != in_channels or in_channels != out_channels:
            raise ConfigError(f'{name}: rgb_mean needs one value per channel and in_channels == out_channels '
                              f'(got {len(rgb_mean)} values, {in_channels} -> {out_channels} channels)')
        self.scale = scale
        self.register_buffer('mean', torch.tensor(rgb_mean, dtype=torch.float32).view(1, -1, 1, 1),
                             persistent=False)
        self.std = float(rgb_std)
        out = out_channels * scale * scale
        self.head = wn_conv(in_channels, mid_channels, 3)
        self.body = nn.Sequential(*(self.block(mid_channels, expansion, res_scale=res_scale,
                                               low_rank=low_rank) for _ in range(num_blocks)))
        self.tail = wn_conv(mid_channels, out, 3)
        self.skip = wn_conv(in_channels, out, 5)
        self.shuffle = nn.PixelShuffle(scale)

    def forward(self, x):
        x = (x - self.mean) / self.std
        y = self.shuffle(self.tail(self.body(self.head(x)))) + self.shuffle(self.skip(x))
        return y * self.std + self.mean


@MODELS.register_module()
class WDSR_A(_WDSR):  # noqa: N801 -- the paper's name
    """WDSR-A (wide activation).

    Args:
        scale: upscaling factor.
        in_channels / out_channels: 3 for RGB.
        mid_channels: width of the identity path (32).
        num_blocks: residual blocks (16).
        expansion: widening before the ReLU (4: 128 channels).
        res_scale: residual scaling (1).
        rgb_mean / rgb_std: input normalisation (DIV2K's mean; 0.5, i.e. the authors' 127.5 of 255).
    """

    block = BlockA


@MODELS.register_module()
class WDSR_B(_WDSR):  # noqa: N801 -- the paper's name
    """WDSR-B (wider activation with linear low-rank convolution).

    Args:
        scale: upscaling factor.
        in_channels / out_channels: 3 for RGB.
        mid_channels: width of the identity path (64).
        num_blocks: residual blocks (16).
        expansion: widening before the ReLU, by a 1x1 conv (6).
        low_rank: width of the linear 1x1 conv after the ReLU, relative to ``mid_channels`` (0.8).
        res_scale: residual scaling (1).
        rgb_mean / rgb_std: input normalisation (DIV2K's mean; 0.5).
    """

    block = BlockB

    def __init__(self, scale: int = 2, in_channels: int = 3, out_channels: int = 3, mid_channels: int = 64,
                 num_blocks: int = 16, expansion: float = 6.0, low_rank: float = 0.8, res_scale: float = 1.0,
                 rgb_mean=DIV2K_RGB_MEAN, rgb_std: float = 0.5):
        super().__init__(scale, in_channels, out_channels, mid_channels, num_blocks, expansion, low_rank,
                         res_scale, rgb_mean, rgb_std)
