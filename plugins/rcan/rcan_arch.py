"""RCAN network.

Paper: Y. Zhang, K. Li, K. Li, L. Wang, B. Zhong, Y. Fu, "Image Super-Resolution Using Very Deep Residual
Channel Attention Networks", ECCV 2018. https://arxiv.org/abs/1807.02758

Residual in residual: a 3x3 head conv; G residual groups, each B residual channel attention blocks (RCAB:
conv3x3 - ReLU - conv3x3 - channel attention, plus a short skip) and a closing 3x3 conv with the group's
skip; a 3x3 conv after the groups and the long skip from the head; a sub-pixel upsampler (x2, x3: one conv to
64*r^2 and a PixelShuffle(r); x4, x8: two / three x2 stages) and a 3x3 conv to RGB. Channel attention:
global average pooling, 1x1 conv to C/r channels, ReLU, 1x1 conv back to C, sigmoid, rescaling. The input has
the DIV2K RGB mean (times ``rgb_range``) subtracted and the output gets it back (the authors' ``MeanShift``).
The paper's model: G = 10, B = 20, C = 64, reduction r = 16.

Parameters (weights and biases; the fixed mean shifts are buffers) at x2 / x3 / x4 / x8:
15,444,643 / 15,629,283 / 15,592,355 / 15,740,067.

The module names differ from the authors' code (RCAN ``code/model/rcan.py``, EDSR-PyTorch based);
``AUTHORS_KEYS`` maps them, :func:`from_authors_state_dict` converts a state dict of that code (their released
``RCAN_BIX*.pt``) and ``load_weights`` / ``tools/test.py --ckpt`` apply it by themselves (through
:meth:`RCAN.adapt_state_dict`). As the authors' code, the network works on pixel values in [0, ``rgb_range``]
(255); srbench's [0, 1] images are scaled on the way in and out.
"""
from __future__ import annotations

import re

import torch
import torch.nn.functional as F
from torch import nn

from srbench.errors import ConfigError
from srbench.registry import MODELS
from srbench.spec import GLOBAL

DIV2K_RGB_MEAN = (0.4488, 0.4371, 0.4040)

# (authors' key pattern, srbench key pattern), tried in order on the start of each key. The closing conv
# of residual group g is the authors' ``body.g.body.<B>`` (after the B RCABs) and the conv after the groups is
# ``body.<G>``: only those hold a weight directly at that depth, which is how the two last patterns tell them.
AUTHORS_KEYS = (
    (r'head\.0\.', 'head.'),
    (r'body\.(\d+)\.body\.(\d+)\.body\.0\.', r'groups.\1.blocks.\2.conv1.'),
    (r'body\.(\d+)\.body\.(\d+)\.body\.2\.', r'groups.\1.blocks.\2.conv2.'),
    (r'body\.(\d+)\.body\.(\d+)\.body\.3\.conv_du\.0\.', r'groups.\1.blocks.\2.ca.down.'),
    (r'body\.(\d+)\.body\.(\d+)\.body\.3\.conv_du\.2\.', r'groups.\1.blocks.\2.ca.up.'),
    (r'body\.(\d+)\.body\.\d+\.(weight|bias)$', r'groups.\1.conv.\2'),
    (r'body\.\d+\.(weight|bias)$', r'body_conv.\1'),
    (r'tail\.0\.(\d+)\.', r'upsampler.\1.'),
    (r'tail\.1\.', 'conv_last.'),
    # sub_mean.* / add_mean.* keep their names (fixed 1x1 convolutions, buffers here)
)


def _rename(sd: dict, table) -> dict:
    out = {}
    for k, v in sd.items():
        for pat, rep in table:
            new, n = re.subn('^' + pat, rep, k)
            if n:
                k = new
                break
        out[k] = v
    return out


def is_authors_state_dict(sd: dict) -> bool:
    """True when ``sd`` has the authors' module names (``head.0.weight``, ``body.0.body.0.body.0.weight``)."""
    return any(k.startswith('head.0.') or k.startswith('body.0.body.') for k in sd)


def from_authors_state_dict(sd: dict) -> dict:
    """A state dict of the authors' RCAN with this module's names. Keys that match no pattern are kept as
    they are (``load_weights`` then reports them)."""
    return _rename(sd, AUTHORS_KEYS)


def to_authors_state_dict(sd: dict) -> dict:
    """The inverse of :func:`from_authors_state_dict` (the numbers of groups and blocks are read from
    ``sd``)."""
    groups = {int(m.group(1)) for k in sd if (m := re.match(r'groups\.(\d+)\.', k))}
    blocks = {int(m.group(1)) for k in sd if (m := re.match(r'groups\.\d+\.blocks\.(\d+)\.', k))}
    n_groups, n_blocks = max(groups) + 1, max(blocks) + 1
    table = (
        (r'head\.', 'head.0.'),
        (r'groups\.(\d+)\.blocks\.(\d+)\.conv1\.', r'body.\1.body.\2.body.0.'),
        (r'groups\.(\d+)\.blocks\.(\d+)\.conv2\.', r'body.\1.body.\2.body.2.'),
        (r'groups\.(\d+)\.blocks\.(\d+)\.ca\.down\.', r'body.\1.body.\2.body.3.conv_du.0.'),
        (r'groups\.(\d+)\.blocks\.(\d+)\.ca\.up\.', r'body.\1.body.\2.body.3.conv_du.2.'),
        (r'groups\.(\d+)\.conv\.', rf'body.\1.body.{n_blocks}.'),
        (r'body_conv\.', f'body.{n_groups}.'),
        (r'upsampler\.(\d+)\.', r'tail.0.\1.'),
        (r'conv_last\.', 'tail.1.'),
    )
    return _rename(sd, table)


class MeanShift(nn.Module):
    """A fixed 1x1 convolution adding ``sign * rgb_range * mean`` (divided by ``std``), as the authors'
    ``MeanShift``. Its weight and bias are buffers: saved with the model (the authors' files hold them) but
    not trained."""

    def __init__(self, rgb_range: float, mean=DIV2K_RGB_MEAN, std=(1.0, 1.0, 1.0), sign: int = -1):
        super().__init__()
        std_t = torch.tensor(std, dtype=torch.float32)
        self.register_buffer('weight', torch.eye(3).view(3, 3, 1, 1) / std_t.view(3, 1, 1, 1))
        self.register_buffer('bias', sign * rgb_range * torch.tensor(mean, dtype=torch.float32) / std_t)

    def forward(self, x):
        return F.conv2d(x, self.weight, self.bias)


class ChannelAttention(nn.Module):
    """Squeeze (global average pooling) and excitation (1x1 down, ReLU, 1x1 up, sigmoid), then rescaling."""

    def __init__(self, channels: int, reduction: int):
        super().__init__()
        self.down = nn.Conv2d(channels, channels // reduction, 1)
        self.up = nn.Conv2d(channels // reduction, channels, 1)

    def forward(self, x):
        w = torch.sigmoid(self.up(F.relu(self.down(x.mean((2, 3), keepdim=True)))))
        return x * w


class RCAB(nn.Module):
    """Residual channel attention block: conv - ReLU - conv - channel attention, plus the input."""

    def __init__(self, channels: int, reduction: int):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1)
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1)
        self.ca = ChannelAttention(channels, reduction)

    def forward(self, x):
        return self.ca(self.conv2(F.relu(self.conv1(x)))) + x


class ResidualGroup(nn.Module):
    """B RCABs and a 3x3 conv, plus the group's input (short skip of the residual-in-residual structure)."""

    def __init__(self, channels: int, reduction: int, num_blocks: int):
        super().__init__()
        self.blocks = nn.Sequential(*(RCAB(channels, reduction) for _ in range(num_blocks)))
        self.conv = nn.Conv2d(channels, channels, 3, padding=1)

    def forward(self, x):
        return self.conv(self.blocks(x)) + x


@MODELS.register_module()
class RCAN(nn.Module):
    """Residual channel attention network.

    Args:
        scale: upscaling factor (2, 3, 4 or 8).
        in_channels / out_channels: 3 for RGB (the mean shift needs 3).
        mid_channels: C, features everywhere (64).
        num_groups: G, residual groups (10).
        num_blocks: B, RCABs per group (20).
        reduction: r, the channel attention's reduction (16).
        rgb_range: the pixel range the network works in (255, as the authors' code).
        rgb_mean: the mean subtracted from the input (DIV2K's, as the authors').
    """

    def __init__(self, scale: int = 4, in_channels: int = 3, out_channels: int = 3, mid_channels: int = 64,
                 num_groups: int = 10, num_blocks: int = 20, reduction: int = 16, rgb_range: float = 255.0,
                 rgb_mean=DIV2K_RGB_MEAN):
        super().__init__()
        if scale not in (2, 3, 4, 8):
            raise ConfigError(f'RCAN: scale must be 2, 3, 4 or 8, got {scale!r}')
        if in_channels != 3 or out_channels != 3:
            raise ConfigError('RCAN: in_channels and out_channels must be 3 (RGB; the mean shift is per '
                              'channel)')
        if not isinstance(reduction, int) or reduction < 1 or mid_channels // reduction < 1:
            raise ConfigError(f'RCAN: reduction must be a positive integer at most mid_channels, got '
                              f'{reduction!r}')
        for name, v in (('mid_channels', mid_channels), ('num_groups', num_groups),
                        ('num_blocks', num_blocks)):
            if not isinstance(v, int) or v < 1:
                raise ConfigError(f'RCAN: {name} must be a positive integer, got {v!r}')
        self.scale = scale
        self.rgb_range = float(rgb_range)
        c = mid_channels
        self.sub_mean = MeanShift(rgb_range, rgb_mean, sign=-1)
        self.head = nn.Conv2d(in_channels, c, 3, padding=1)
        self.groups = nn.Sequential(*(ResidualGroup(c, reduction, num_blocks) for _ in range(num_groups)))
        self.body_conv = nn.Conv2d(c, c, 3, padding=1)
        up = []
        for r in ([2] * {2: 1, 4: 2, 8: 3}[scale] if scale != 3 else [3]):
            up += [nn.Conv2d(c, c * r * r, 3, padding=1), nn.PixelShuffle(r)]
        self.upsampler = nn.Sequential(*up)
        self.conv_last = nn.Conv2d(c, out_channels, 3, padding=1)
        self.add_mean = MeanShift(rgb_range, rgb_mean, sign=1)

    def forward(self, x):
        x = self.head(self.sub_mean(x * self.rgb_range))
        x = self.body_conv(self.groups(x)) + x
        return self.add_mean(self.conv_last(self.upsampler(x))) / self.rgb_range

    def receptive_field(self) -> str:
        """The whole image (:data:`srbench.spec.GLOBAL`): channel attention pools each feature map globally,
        so every output pixel depends on every input pixel and a tiled output only approximates the untiled
        one (tiling RCAN needs an explicit overlap: :mod:`srbench.inference.tile`)."""
        return GLOBAL

    def adapt_state_dict(self, sd: dict) -> dict:
        """srbench's checkpoint hook (:func:`srbench.engine.load_weights`): the authors' names -> ours."""
        return from_authors_state_dict(sd) if is_authors_state_dict(sd) else sd
