"""GLEAN network: encoder, StyleGAN2 latent bank, decoder.

Paper: K. C. K. Chan, X. Wang, X. Xu, J. Gu, C. C. Loy, "GLEAN: Generative Latent Bank for Large-Factor Image
Super-Resolution", CVPR 2021. https://arxiv.org/abs/2012.00739 (the authors' code: MMagic's
``GLEANStyleGANv2``; this is an independent implementation of the same architecture).

The LR image (``in_size`` x ``in_size``, RGB in [0, 1], mapped to [-1, 1] inside) becomes an
``out_size`` x ``out_size`` image (scale = out_size / in_size; both powers of two). ``ch[r]`` are the
StyleGAN2 generator's channels at resolution r (512 up to 64x64 for config F).

* Encoder. E0: an RRDB feature extractor (ESRGAN's trunk without upsampling: conv 3x3, ``num_rrdbs``
  residual-in-residual dense blocks of 3 dense blocks with 5 convolutions, growth ``rrdb_growth``, residual
  scaling 0.2, conv 3x3, global residual) at the LR resolution, then conv 3x3 to ``ch[in_size]`` + leaky
  ReLU (0.2): f_in. E1 ... En: stride-2 conv 3x3 + lrelu + conv 3x3 + lrelu, halving the resolution down to
  4x4: f_{in/2}, ..., f_4. Latents: conv 3x3 + lrelu on f_4, flatten, a fully connected layer to
  ``num_latents`` x ``style_dim`` -- the W+ latents of the generator (its mapping network is not used).
* Latent bank: the pretrained StyleGAN2 synthesis network (``stylegan2_arch``) driven by those latents and
  its stored noise maps. Before each of its upsampling blocks whose input resolution r is <= in_size, the
  generator features are concatenated with the encoder's f_r and fused by a conv 3x3 (2 ch[r] -> ch[r]).
  The generator's features at the resolutions above in_size (after each block's second convolution) go to
  the decoder; its RGB (ToRGB) branch does not reach the output and is not computed.
* Decoder: from f_in, per resolution r = in_size ... out_size / 2: conv 3x3 to 4 ch[2r] + pixel shuffle x2,
  concatenated with the generator feature at 2r; at out_size: conv 3x3 (2 ch[out] -> ``decoder_channels``) +
  lrelu + conv 3x3 to RGB.

Weights of the latent bank come from a local StyleGAN2 checkpoint (``pretrained=dict(ckpt_path=...,
prefix=..., layout='auto')``, see :mod:`.convert`); the paper keeps them fixed during training
(``freeze_bank=True``, the default). The ToRGB layers of the bank are always frozen (they do not reach the
output). The network needs inputs of exactly ``in_size`` x ``in_size``; SRModel (through :meth:`GLEAN.size_requirements`)
checks that before the network runs.
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from srbench.errors import ConfigError
from srbench.registry import MODELS
from srbench.spec import SizeRequirements

from .convert import check_ckpt_path, load_stylegan2
from .stylegan2_arch import StyleGAN2Generator, log2_size


def _lrelu():
    return nn.LeakyReLU(0.2, inplace=True)


class DenseBlock(nn.Module):
    """ESRGAN's residual dense block: 5 convolutions, each seeing all earlier outputs; residual x 0.2."""

    def __init__(self, channels: int, growth: int):
        super().__init__()
        self.convs = nn.ModuleList(
            nn.Conv2d(channels + i * growth, growth if i < 4 else channels, 3, padding=1) for i in range(5))
        for c in self.convs:                       # ESRGAN: He initialisation scaled by 0.1
            nn.init.kaiming_normal_(c.weight, a=0.2, nonlinearity='leaky_relu')
            c.weight.data.mul_(0.1)
            nn.init.zeros_(c.bias)

    def forward(self, x):
        feats = [x]
        for i, conv in enumerate(self.convs):
            y = conv(torch.cat(feats, 1))
            if i < 4:
                feats.append(F.leaky_relu(y, 0.2))
        return x + 0.2 * y


class RRDB(nn.Module):
    """Residual-in-residual dense block: 3 dense blocks, 0.2 residual scaling."""

    def __init__(self, channels: int, growth: int):
        super().__init__()
        self.blocks = nn.Sequential(*(DenseBlock(channels, growth) for _ in range(3)))

    def forward(self, x):
        return x + 0.2 * self.blocks(x)


class RRDBFeatures(nn.Module):
    """ESRGAN's trunk without its upsampling: conv, RRDBs, conv, global residual."""

    def __init__(self, in_channels: int, channels: int, num_blocks: int, growth: int):
        super().__init__()
        self.head = nn.Conv2d(in_channels, channels, 3, padding=1)
        self.body = nn.Sequential(*(RRDB(channels, growth) for _ in range(num_blocks)))
        self.tail = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        x = self.head(x)
        return x + self.tail(self.body(x))


@MODELS.register_module()
class GLEAN(nn.Module):
    """GLEAN with a StyleGAN2 latent bank.

    Args:
        in_size: LR side (a power of two >= 4; 64 for 16x faces to 1024).
        out_size: HR side = the generator's resolution (1024 for FFHQ).
        img_channels: 3 (RGB).
        style_dim, channel_multiplier, max_channels, blur_kernel: the StyleGAN2 generator's size (config F:
            512, 2, 512, [1, 3, 3, 1]); they must match the checkpoint.
        rrdb_channels, num_rrdbs, rrdb_growth: the encoder's RRDB trunk (64, 23, 32 as ESRGAN / MMagic).
        decoder_channels: channels of the decoder's last hidden convolution (64).
        pretrained: ``dict(ckpt_path=..., prefix=None, layout='auto')`` -- the StyleGAN2 weights, read from a
            local file when the network is built (a missing file is one CheckpointError saying how to get
            one); ``None`` leaves the bank random (tests, or when a GLEAN checkpoint is loaded afterwards).
        freeze_bank: keep the generator's weights fixed (the paper); its ToRGB layers are frozen anyway.

    Attributes: ``scale`` (out_size // in_size), ``in_size``, ``out_size``, ``bank`` (the generator).
    """

    def __init__(self, in_size: int = 64, out_size: int = 1024, img_channels: int = 3, style_dim: int = 512,
                 channel_multiplier: float = 2, max_channels: int = 512, rrdb_channels: int = 64,
                 num_rrdbs: int = 23, rrdb_growth: int = 32, decoder_channels: int = 64,
                 blur_kernel=(1, 3, 3, 1), pretrained: dict | None = None, freeze_bank: bool = True):
        super().__init__()
        lin = log2_size(in_size, 'GLEAN: in_size')
        lout = log2_size(out_size, 'GLEAN: out_size')
        if in_size >= out_size:
            raise ConfigError(f'GLEAN: in_size ({in_size}) must be smaller than out_size ({out_size})')
        for name, v in (('rrdb_channels', rrdb_channels), ('rrdb_growth', rrdb_growth),
                        ('decoder_channels', decoder_channels)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ConfigError(f'GLEAN: {name} must be a positive integer, got {v!r}')
        if isinstance(num_rrdbs, bool) or not isinstance(num_rrdbs, int) or num_rrdbs < 0:
            raise ConfigError(f'GLEAN: num_rrdbs must be a non-negative integer, got {num_rrdbs!r}')
        ckpt_key = 'model.generator.pretrained.ckpt_path'
        if pretrained is not None:             # a missing file fails before the (large) network is built
            if not isinstance(pretrained, dict) or set(pretrained) - {'ckpt_path', 'prefix', 'layout'}:
                raise ConfigError('GLEAN: pretrained must be dict(ckpt_path=..., prefix=None, layout="auto") '
                                  f'or None, got {pretrained!r}')
            check_ckpt_path(pretrained.get('ckpt_path'), ckpt_key)
        self.in_size, self.out_size, self.scale = in_size, out_size, out_size // in_size
        self.style_dim = style_dim
        self.bank = StyleGAN2Generator(out_size, style_dim, channel_multiplier, max_channels, img_channels,
                                       blur_kernel)
        ch = self.bank.channels
        self.num_latents = self.bank.num_latents

        # encoder
        self.encoder_in = nn.Sequential(RRDBFeatures(img_channels, rrdb_channels, num_rrdbs, rrdb_growth),
                                        nn.Conv2d(rrdb_channels, ch[in_size], 3, padding=1), _lrelu())
        self.encoder_down = nn.ModuleList(
            nn.Sequential(nn.Conv2d(ch[2 ** i], ch[2 ** (i - 1)], 3, stride=2, padding=1), _lrelu(),
                          nn.Conv2d(ch[2 ** (i - 1)], ch[2 ** (i - 1)], 3, padding=1), _lrelu())
            for i in range(lin, 2, -1))
        self.encoder_latent = nn.Sequential(nn.Conv2d(ch[4], ch[4], 3, padding=1), _lrelu(), nn.Flatten(),
                                            nn.Linear(16 * ch[4], self.num_latents * style_dim))
        # fusion of encoder features into the bank, at 4, 8, ..., in_size
        self.fusion = nn.ModuleList(nn.Conv2d(2 * ch[2 ** i], ch[2 ** i], 3, padding=1)
                                    for i in range(2, lin + 1))
        # decoder: in_size -> out_size
        self.decoder_up = nn.ModuleList(
            nn.Sequential(nn.Conv2d(ch[2 ** i] * (1 if i == lin else 2), 4 * ch[2 ** (i + 1)], 3, padding=1),
                          nn.PixelShuffle(2))
            for i in range(lin, lout))
        self.decoder_out = nn.Sequential(nn.Conv2d(2 * ch[out_size], decoder_channels, 3, padding=1),
                                         _lrelu(), nn.Conv2d(decoder_channels, img_channels, 3, padding=1))

        self.pretrained_info = None
        if pretrained is not None:
            self.pretrained_info = load_stylegan2(self.bank, pretrained.get('ckpt_path'),
                                                  pretrained.get('prefix'), pretrained.get('layout', 'auto'),
                                                  key=ckpt_key)
        self.freeze_bank = bool(freeze_bank)
        if self.freeze_bank:
            self.bank.requires_grad_(False)
        for m in [self.bank.rgb4] + [b.rgb for b in self.bank.blocks]:
            m.requires_grad_(False)

    def size_requirements(self) -> SizeRequirements:
        """The one input size this instance takes (checked by SRModel before the network runs)."""
        return SizeRequirements(exact=self.in_size,
                                note=f'LR of HR {self.out_size}x{self.out_size} at x{self.scale}: the encoder ends '
                                     'in a fully connected layer and the latent bank has a fixed resolution')

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        n = x.shape[0]
        bank = self.bank
        # encoder
        f = self.encoder_in(x * 2 - 1)
        feats = {self.in_size: f}
        h = f
        for block in self.encoder_down:
            h = block(h)
            feats[h.shape[-1]] = h
        latents = self.encoder_latent(h).view(n, self.num_latents, self.style_dim)
        # latent bank, with the encoder's features fused in up to in_size
        g = bank.conv4(bank.const.expand(n, -1, -1, -1), latents[:, 0], bank.noise(0))
        bank_feats = []
        for k, blk in enumerate(bank.blocks):
            r = g.shape[-1]
            if r <= self.in_size:
                g = self.fusion[k](torch.cat([g, feats[r]], 1))
            g = blk.up(g, latents[:, 1 + 2 * k], bank.noise(1 + 2 * k))
            g = blk.conv(g, latents[:, 2 + 2 * k], bank.noise(2 + 2 * k))
            if g.shape[-1] > self.in_size:
                bank_feats.append(g)
        # decoder
        h = f
        for i, up in enumerate(self.decoder_up):
            h = up(h if i == 0 else torch.cat([h, bank_feats[i - 1]], 1))
        y = self.decoder_out(torch.cat([h, bank_feats[-1]], 1))
        return (y + 1) / 2
