"""DRRN network.

Paper: Y. Tai, J. Yang, X. Liu, "Image Super-Resolution via Deep Recursive Residual Network", CVPR 2017.
https://openaccess.thecvf.com/content_cvpr_2017/papers/Tai_Image_Super-Resolution_via_CVPR_2017_paper.pdf

B recursive blocks of U residual units on the bicubic-upsampled Y image, 3×3 convolutions with 128
filters, pre-activation (BN → ReLU → conv, as the authors' released Caffe model):

* block b starts with a convolution H0 = conv_b(act(H_{b-1})) (the first block's takes the image);
* its U residual units share ONE pair of convolutions (weights shared across the recursion; the BN
  layers are not shared, as in the released model): H_u = conv_b2(act(conv_b1(act(H_{u-1})))) + H0,
  i.e. multi-path: every unit adds the block's first output H0 (local residual learning);
* reconstruction conv(act(H)) to one channel plus the input (global residual learning).

DRRN_B1U25 (one block, 25 units, 52 layers): weights (biases, BN excluded)
9·128 + 2·9·128·128 + 9·128 = 297,216. One network serves x2, x3 and x4. He et al. initialisation.
"""
from __future__ import annotations

from torch import nn

from srbench.errors import ConfigError
from srbench.models import msra_init
from srbench.registry import MODELS


def _act(channels: int, norm: bool) -> nn.Sequential:
    if norm:
        return nn.Sequential(nn.BatchNorm2d(channels), nn.ReLU(inplace=True))
    return nn.Sequential(nn.ReLU())


class RecursiveBlock(nn.Module):
    """One recursive block: an entry conv and U residual units sharing conv_a/conv_b."""

    def __init__(self, in_channels: int, channels: int, num_units: int, norm: bool):
        super().__init__()
        self.entry_act = _act(in_channels, norm)
        self.entry = msra_init(nn.Conv2d(in_channels, channels, 3, padding=1))
        self.conv_a = msra_init(nn.Conv2d(channels, channels, 3, padding=1))
        self.conv_b = msra_init(nn.Conv2d(channels, channels, 3, padding=1))
        self.acts_a = nn.ModuleList(_act(channels, norm) for _ in range(num_units))
        self.acts_b = nn.ModuleList(_act(channels, norm) for _ in range(num_units))

    def forward(self, x):
        h0 = self.entry(self.entry_act(x))
        h = h0
        for act_a, act_b in zip(self.acts_a, self.acts_b):
            h = self.conv_b(act_b(self.conv_a(act_a(h)))) + h0
        return h


@MODELS.register_module()
class DRRN(nn.Module):
    """DRRN_B<num_blocks>U<num_units>.

    Args:
        in_channels / out_channels: 1 for Y.
        mid_channels: filters per layer (128).
        num_blocks: B (1).
        num_units: U, residual units per block (25).
        norm: batch normalisation in the pre-activations (the released model; ``False``: ReLU only).
    """

    def __init__(self, in_channels: int = 1, out_channels: int = 1, mid_channels: int = 128,
                 num_blocks: int = 1, num_units: int = 25, norm: bool = True):
        super().__init__()
        if num_blocks < 1 or num_units < 1:
            raise ConfigError(f'DRRN: num_blocks and num_units must be at least 1, '
                              f'got {num_blocks!r}, {num_units!r}')
        self.blocks = nn.Sequential(*[RecursiveBlock(in_channels if b == 0 else mid_channels, mid_channels,
                                                     num_units, norm) for b in range(num_blocks)])
        self.end_act = _act(mid_channels, norm)
        self.end = msra_init(nn.Conv2d(mid_channels, out_channels, 3, padding=1))

    def forward(self, x):
        return x + self.end(self.end_act(self.blocks(x)))

    def receptive_field(self) -> int:
        """How far an output pixel sees, in input pixels on each side (per block 1 entry + 2 per unit 3x3
        convolutions, plus the last: B (1 + 2U) + 1); what tiled inference needs as overlap
        (:mod:`srbench.inference.tile`; checked by tiling in tests/test_inference.py)."""
        return sum(1 + 2 * len(b.acts_a) for b in self.blocks) + 1
