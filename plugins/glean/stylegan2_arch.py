"""A compact StyleGAN2 synthesis network: GLEAN's generative latent bank.

Paper: T. Karras, S. Laine, M. Aittala, J. Hellsten, J. Lehtinen, T. Aila, "Analyzing and Improving the
Image Quality of StyleGAN", CVPR 2020. https://arxiv.org/abs/1912.04958 (config F).

Only the synthesis network is built: GLEAN's encoder predicts the W+ latents itself, so the 8-layer mapping
network (z -> w) is never run and is not part of this module (:mod:`.convert` drops its weights when it
reads a full StyleGAN2 checkpoint). Sized by ``(out_size, style_dim, channel_multiplier, max_channels)``:

* channels at resolution r: ``min(max_channels, 16384 * channel_multiplier / r)`` -- config F
  (``channel_multiplier=2``, ``max_channels=512``) gives 512 up to 64x64, then 256, 128, 64, 32 at 1024;
* a learned constant 4x4 input; at 4x4 one modulated 3x3 convolution and a ToRGB;
* per resolution 8 ... ``out_size``: a modulated 3x3 convolution that upsamples x2 (transposed convolution,
  stride 2, then the [1, 3, 3, 1] blur), a modulated 3x3 convolution, and a ToRGB whose output is added to
  the upsampled (same blur) RGB of the resolution below (skip architecture);
* modulated convolution: style s = A(w) (an equalised linear layer, bias initialised to 1), weights scaled
  by s per input channel, then demodulated (divided by the L2 norm of each output filter, eps 1e-8); ToRGB
  (1x1) is modulated but not demodulated;
* after each modulated 3x3 convolution: per-pixel noise times a learned strength (initialised to 0),
  a bias, leaky ReLU (0.2) times sqrt(2);
* equalised learning rate everywhere: weights are stored N(0, 1) and multiplied by 1/sqrt(fan_in) when
  used (so a converted official checkpoint keeps its numbers unchanged).

The noise maps are fixed buffers ``noise_0 ... noise_{L-2}`` (saved with the weights; GLEAN uses the
checkpoint's noise maps, not fresh noise, so its output is deterministic). W+ has ``L = 2*log2(out_size) - 2``
latents: latent 0 for the 4x4 convolution, 1 for the 4x4 ToRGB; at the k-th resolution above 4x4 the
upsampling convolution takes 1+2k, the second convolution 2+2k, its ToRGB 3+2k.

The modulated convolution is computed as in StyleGAN2's "non-fused" form: scale the input channels by s,
convolve with the shared weights, multiply each output channel by its demodulation coefficient
(mathematically the same as convolving each sample with its own modulated filters).
"""
from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from srbench.errors import ConfigError

LRELU_GAIN = math.sqrt(2.0)


def fir_kernel(taps) -> torch.Tensor:
    """The separable 2-D FIR filter of ``taps`` (outer product), normalised to sum 1."""
    k = torch.as_tensor(taps, dtype=torch.float32)
    if k.ndim != 1 or k.numel() < 2:
        raise ConfigError(f'StyleGAN2: blur_kernel must be a list of at least 2 taps, got {taps!r}')
    k = k[:, None] * k[None, :]
    return k / k.sum()


def upfirdn(x: torch.Tensor, kernel: torch.Tensor, up: int = 1, pad=(0, 0)) -> torch.Tensor:
    """Upsample by zero insertion (sample i goes to position up*i), pad ``pad[0]`` before and ``pad[1]``
    after on both axes, then filter each channel with ``kernel`` (true convolution: the kernel is flipped),
    keeping only the fully overlapping positions."""
    n, c, h, w = x.shape
    if up > 1:
        x = F.pad(x.reshape(n, c, h, 1, w, 1), (0, up - 1, 0, 0, 0, up - 1)).reshape(n, c, h * up, w * up)
    p0, p1 = pad
    x = F.pad(x, (p0, p1, p0, p1))
    k = torch.flip(kernel, (0, 1)).to(x.dtype)[None, None].expand(c, 1, *kernel.shape)
    return F.conv2d(x, k, groups=c)


class EqualLinear(nn.Module):
    """Linear layer with equalised learning rate (weights N(0, 1) scaled by 1/sqrt(in_features))."""

    def __init__(self, in_features: int, out_features: int, bias_init: float = 0.0):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features))
        self.bias = nn.Parameter(torch.full((out_features,), float(bias_init)))
        self.scale = 1.0 / math.sqrt(in_features)

    def forward(self, x):
        return F.linear(x, self.weight * self.scale, self.bias)


class StyleConv(nn.Module):
    """Modulated, demodulated convolution (optionally upsampling x2), then noise, bias, scaled leaky ReLU.

    Args:
        in_channels / out_channels: feature channels.
        style_dim: size of a latent w.
        upsample: x2 upsampling (transposed convolution, stride 2, then the blur filter).
        kernel_size: 3 in StyleGAN2.
        blur_kernel: FIR taps of the blur after the upsampling.
    """

    def __init__(self, in_channels: int, out_channels: int, style_dim: int, upsample: bool = False,
                 kernel_size: int = 3, blur_kernel=(1, 3, 3, 1)):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel_size, kernel_size))
        self.affine = EqualLinear(style_dim, in_channels, bias_init=1.0)
        self.noise_strength = nn.Parameter(torch.zeros(1))
        self.bias = nn.Parameter(torch.zeros(out_channels))
        self.wscale = 1.0 / math.sqrt(in_channels * kernel_size * kernel_size)
        self.upsample = upsample
        self.padding = kernel_size // 2
        if upsample:
            # the transposed convolution gives 2h + k - 2 samples; the blur trims them back to 2h
            p = (len(blur_kernel) - 2) - (kernel_size - 1)
            self.blur_pad = ((p + 1) // 2 + 1, p // 2 + 1)
            self.register_buffer('blur', fir_kernel(blur_kernel) * 4, persistent=False)

    def modulated_conv(self, x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
        s = self.affine(w)                                          # N x in
        weight = self.weight * self.wscale
        x = x * s[:, :, None, None]
        if self.upsample:
            x = F.conv_transpose2d(x, weight.transpose(0, 1), stride=2)
            x = upfirdn(x, self.blur, pad=self.blur_pad)
        else:
            x = F.conv2d(x, weight, padding=self.padding)
        demod = torch.rsqrt((s * s) @ weight.pow(2).sum((2, 3)).t() + 1e-8)   # N x out
        return x * demod[:, :, None, None]

    def forward(self, x: torch.Tensor, w: torch.Tensor, noise: torch.Tensor) -> torch.Tensor:
        x = self.modulated_conv(x, w) + self.noise_strength * noise
        return F.leaky_relu(x + self.bias[None, :, None, None], 0.2) * LRELU_GAIN


class ToRGB(nn.Module):
    """Modulated 1x1 convolution to RGB (no demodulation) plus bias, plus the upsampled RGB skip."""

    def __init__(self, in_channels: int, style_dim: int, out_channels: int = 3, upsample_skip: bool = True,
                 blur_kernel=(1, 3, 3, 1)):
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, 1, 1))
        self.affine = EqualLinear(style_dim, in_channels, bias_init=1.0)
        self.bias = nn.Parameter(torch.zeros(out_channels))
        self.wscale = 1.0 / math.sqrt(in_channels)
        if upsample_skip:
            p = len(blur_kernel) - 2
            self.up_pad = ((p + 1) // 2 + 1, p // 2)
            self.register_buffer('up_kernel', fir_kernel(blur_kernel) * 4, persistent=False)

    def forward(self, x: torch.Tensor, w: torch.Tensor, skip: torch.Tensor | None = None) -> torch.Tensor:
        s = self.affine(w)
        out = F.conv2d(x * s[:, :, None, None], self.weight * self.wscale) + self.bias[None, :, None, None]
        if skip is not None:
            out = out + upfirdn(skip, self.up_kernel, up=2, pad=self.up_pad)
        return out


class StyleBlock(nn.Module):
    """One resolution of the synthesis network: upsampling conv, conv, ToRGB."""

    def __init__(self, in_channels: int, out_channels: int, style_dim: int, img_channels: int, blur_kernel):
        super().__init__()
        self.up = StyleConv(in_channels, out_channels, style_dim, upsample=True, blur_kernel=blur_kernel)
        self.conv = StyleConv(out_channels, out_channels, style_dim, blur_kernel=blur_kernel)
        self.rgb = ToRGB(out_channels, style_dim, img_channels, blur_kernel=blur_kernel)


def log2_size(size, what: str, minimum: int = 4) -> int:
    """log2 of a power-of-two image side >= ``minimum``; ConfigError otherwise."""
    if isinstance(size, bool) or not isinstance(size, int) or size < minimum or size & (size - 1):
        raise ConfigError(f'{what} must be a power of two >= {minimum}, got {size!r}')
    return size.bit_length() - 1


class StyleGAN2Generator(nn.Module):
    """StyleGAN2 synthesis network (config F layout), without the mapping network.

    Args:
        out_size: output side (a power of two >= 4; 1024 for FFHQ).
        style_dim: size of a latent w (512).
        channel_multiplier: 2 for config F.
        max_channels: channel cap of the low resolutions (512).
        img_channels: 3.
        blur_kernel: FIR taps of the upsampling filter ([1, 3, 3, 1]).

    Attributes: ``channels`` (resolution -> channels), ``num_latents`` (W+ size), ``num_noises``.
    """

    def __init__(self, out_size: int = 1024, style_dim: int = 512, channel_multiplier: float = 2,
                 max_channels: int = 512, img_channels: int = 3, blur_kernel=(1, 3, 3, 1)):
        super().__init__()
        log = log2_size(out_size, 'StyleGAN2Generator: out_size')
        if not isinstance(style_dim, int) or style_dim < 1:
            raise ConfigError(f'StyleGAN2Generator: style_dim must be a positive integer, got {style_dim!r}')
        if not channel_multiplier or channel_multiplier <= 0 or not isinstance(max_channels, int) \
                or max_channels < 1:
            raise ConfigError('StyleGAN2Generator: channel_multiplier and max_channels must be positive, got '
                              f'{channel_multiplier!r}, {max_channels!r}')
        self.out_size, self.style_dim, self.img_channels = out_size, style_dim, img_channels
        self.channel_multiplier, self.max_channels = channel_multiplier, max_channels
        self.blur_kernel = tuple(blur_kernel)
        self.channels = {2 ** i: max(1, min(max_channels, int(round(16384 * channel_multiplier / 2 ** i))))
                         for i in range(2, log + 1)}
        c4 = self.channels[4]
        self.const = nn.Parameter(torch.randn(1, c4, 4, 4))
        self.conv4 = StyleConv(c4, c4, style_dim, blur_kernel=blur_kernel)
        self.rgb4 = ToRGB(c4, style_dim, img_channels, upsample_skip=False, blur_kernel=blur_kernel)
        ch = self.channels
        self.blocks = nn.ModuleList(
            StyleBlock(ch[2 ** (i - 1)], ch[2 ** i], style_dim, img_channels, blur_kernel)
            for i in range(3, log + 1))
        self.num_latents = 2 * log - 2
        self.num_noises = self.num_latents - 1
        for i in range(self.num_noises):
            r = 2 ** ((i + 5) // 2)             # 4, 8, 8, 16, 16, ...
            self.register_buffer(f'noise_{i}', torch.randn(1, 1, r, r))

    def noise(self, i: int) -> torch.Tensor:
        return getattr(self, f'noise_{i}')

    def check_latents(self, latents: torch.Tensor) -> None:
        want = (self.num_latents, self.style_dim)
        if latents.ndim != 3 or tuple(latents.shape[1:]) != want:
            raise ConfigError(f'StyleGAN2Generator: expected W+ latents N x {want[0]} x {want[1]}, got '
                              f'{tuple(latents.shape)}')

    def synthesize(self, latents: torch.Tensor) -> torch.Tensor:
        """The generator's own image (N x img_channels x out_size x out_size, about [-1, 1]) for W+ latents
        (N x num_latents x style_dim), with the stored noise maps."""
        self.check_latents(latents)
        x = self.conv4(self.const.expand(latents.shape[0], -1, -1, -1), latents[:, 0], self.noise(0))
        rgb = self.rgb4(x, latents[:, 1])
        for k, blk in enumerate(self.blocks):
            x = blk.up(x, latents[:, 1 + 2 * k], self.noise(1 + 2 * k))
            x = blk.conv(x, latents[:, 2 + 2 * k], self.noise(2 + 2 * k))
            rgb = blk.rgb(x, latents[:, 3 + 2 * k], rgb)
        return rgb

    forward = synthesize
