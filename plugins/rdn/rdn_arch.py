"""RDN network.

Paper: Y. Zhang, Y. Tian, Y. Kong, B. Zhong, Y. Fu, "Residual Dense Network for Image Super-Resolution",
CVPR 2018. https://arxiv.org/abs/1802.08797

In LR space: shallow features F_-1 = conv3x3(x) and F_0 = conv3x3(F_-1); D residual dense blocks (RDB), each
C densely connected 3x3 conv + ReLU layers of G filters (layer c sees G0 + c*G channels), local feature fusion
(1x1 conv back to G0) and a local residual; global feature fusion (1x1 conv of the D block outputs
concatenated, then a 3x3 conv) plus the global residual F_-1; then UPNet: a sub-pixel upsampler (x2, x3: one
conv to G*r^2 and a PixelShuffle(r); x4: two x2 stages) and a 3x3 conv to RGB. The paper's model:
D = 16, C = 8, G = G0 = 64.

Parameters (weights and biases) at x2 / x3 / x4: 22,123,395 / 22,308,035 / 22,271,107.

The module names differ from the authors' PyTorch code (EDSR-PyTorch ``src/model/rdn.py``); ``AUTHORS_KEYS``
maps them, :func:`from_authors_state_dict` converts a state dict of that code to this network's names and
``load_weights`` / ``tools/test.py --ckpt`` apply it by themselves (through :meth:`RDN.adapt_state_dict`).
As the authors' code, the network works on pixel values in [0, ``rgb_range``] (255): srbench's [0, 1]
images are scaled on the way in and out, so weights of that code give the same output here.
"""
from __future__ import annotations

import re

import torch
from torch import nn

from srbench.errors import ConfigError
from srbench.registry import MODELS

# (authors' key pattern, srbench key pattern): EDSR-PyTorch ``src/model/rdn.py`` -> this module.
# Applied to the start of each key; the rest (``weight``/``bias``) is kept.
AUTHORS_KEYS = (
    (r'SFENet1\.', 'sfe1.'),
    (r'SFENet2\.', 'sfe2.'),
    (r'RDBs\.(\d+)\.convs\.(\d+)\.conv\.0\.', r'rdbs.\1.convs.\2.'),
    (r'RDBs\.(\d+)\.LFF\.', r'rdbs.\1.lff.'),
    (r'GFF\.0\.', 'gff_1x1.'),
    (r'GFF\.1\.', 'gff_3x3.'),
    (r'UPNet\.(\d+)\.', r'upnet.\1.'),
)
# the same table read backwards (srbench -> authors), for tests and for exporting
SRBENCH_KEYS = (
    (r'sfe1\.', 'SFENet1.'),
    (r'sfe2\.', 'SFENet2.'),
    (r'rdbs\.(\d+)\.convs\.(\d+)\.', r'RDBs.\1.convs.\2.conv.0.'),
    (r'rdbs\.(\d+)\.lff\.', r'RDBs.\1.LFF.'),
    (r'gff_1x1\.', 'GFF.0.'),
    (r'gff_3x3\.', 'GFF.1.'),
    (r'upnet\.(\d+)\.', r'UPNet.\1.'),
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
    """True when ``sd`` has the authors' module names (``SFENet1.weight`` ...)."""
    return any(k.startswith(('SFENet1.', 'RDBs.')) for k in sd)


def from_authors_state_dict(sd: dict) -> dict:
    """A state dict of the authors' PyTorch RDN (EDSR-PyTorch names) with this module's names. Keys that
    match no pattern are kept as they are (``load_weights`` then reports them)."""
    return _rename(sd, AUTHORS_KEYS)


def to_authors_state_dict(sd: dict) -> dict:
    """The inverse of :func:`from_authors_state_dict`."""
    return _rename(sd, SRBENCH_KEYS)


class RDB(nn.Module):
    """Residual dense block: C densely connected conv + ReLU layers, 1x1 local feature fusion, local
    residual."""

    def __init__(self, g0: int, g: int, c: int):
        super().__init__()
        self.convs = nn.ModuleList(nn.Conv2d(g0 + i * g, g, 3, padding=1) for i in range(c))
        self.lff = nn.Conv2d(g0 + c * g, g0, 1)
        self.act = nn.ReLU(inplace=True)

    def forward(self, x):
        feats = x
        for conv in self.convs:
            feats = torch.cat((feats, self.act(conv(feats))), 1)
        return self.lff(feats) + x


@MODELS.register_module()
class RDN(nn.Module):
    """Residual dense network.

    Args:
        scale: upscaling factor (2, 3 or 4).
        in_channels / out_channels: 3 for RGB.
        mid_channels: G0, the width of the shallow and fused features (64).
        growth: G, the filters of each dense layer (64).
        num_blocks: D, residual dense blocks (16).
        num_layers: C, conv layers per block (8).
        rgb_range: the pixel range the network works in (255, as the authors' code).
    """

    def __init__(self, scale: int = 4, in_channels: int = 3, out_channels: int = 3, mid_channels: int = 64,
                 growth: int = 64, num_blocks: int = 16, num_layers: int = 8, rgb_range: float = 255.0):
        super().__init__()
        if scale not in (2, 3, 4):
            raise ConfigError(f'RDN: scale must be 2, 3 or 4, got {scale!r}')
        for name, v in (('mid_channels', mid_channels), ('growth', growth), ('num_blocks', num_blocks),
                        ('num_layers', num_layers)):
            if not isinstance(v, int) or v < 1:
                raise ConfigError(f'RDN: {name} must be a positive integer, got {v!r}')
        self.scale = scale
        self.rgb_range = float(rgb_range)
        g0, g = mid_channels, growth
        self.sfe1 = nn.Conv2d(in_channels, g0, 3, padding=1)
        self.sfe2 = nn.Conv2d(g0, g0, 3, padding=1)
        self.rdbs = nn.ModuleList(RDB(g0, g, num_layers) for _ in range(num_blocks))
        self.gff_1x1 = nn.Conv2d(num_blocks * g0, g0, 1)
        self.gff_3x3 = nn.Conv2d(g0, g0, 3, padding=1)
        stages = [2, 2] if scale == 4 else [scale]
        up, cin = [], g0
        for r in stages:
            up += [nn.Conv2d(cin, g * r * r, 3, padding=1), nn.PixelShuffle(r)]
            cin = g
        up.append(nn.Conv2d(g, out_channels, 3, padding=1))
        self.upnet = nn.Sequential(*up)

    def receptive_field(self) -> int:
        """How far an output pixel sees, in input pixels on each side (LR pixels: 2 shallow + D x C dense + 1
        fusion 3x3 layers, then the upsampler (one 3x3 per stage, the last 3x3 at HR), counted as one LR pixel
        each); what tiled inference needs as overlap (:mod:`srbench.inference.tile`; checked by tiling in
        tests/test_inference.py)."""
        dense = sum(len(b.convs) for b in self.rdbs)
        return 3 + dense + sum(1 for m in self.upnet if isinstance(m, nn.Conv2d))

    def forward(self, x):
        f_1 = self.sfe1(x * self.rgb_range)
        f = self.sfe2(f_1)
        outs = []
        for block in self.rdbs:
            f = block(f)
            outs.append(f)
        f = self.gff_3x3(self.gff_1x1(torch.cat(outs, 1))) + f_1
        return self.upnet(f) / self.rgb_range

    def adapt_state_dict(self, sd: dict) -> dict:
        """srbench's checkpoint hook (:func:`srbench.engine.load_weights`): the authors' names -> ours."""
        return from_authors_state_dict(sd) if is_authors_state_dict(sd) else sd
