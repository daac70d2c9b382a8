"""VDSR network.

Paper: J. Kim, J. K. Lee, K. M. Lee, "Accurate Image Super-Resolution Using Very Deep Convolutional
Networks", CVPR 2016. https://arxiv.org/abs/1511.04587

d = 20 layers of 3×3 convolutions with 64 filters (the first takes the Y image, the last gives one
channel), ReLU after all but the last, zero padding so that the output keeps the input size, and
residual learning: the network predicts HR − ILR and the input (the bicubic-upsampled LR image) is
added back. One network serves x2, x3 and x4 (trained on a mix of scales). He et al. initialisation.
Weights (biases excluded): 9·64 + 18·9·64·64 + 9·64 = 664,704.
"""
from __future__ import annotations

from torch import nn

from srbench.errors import ConfigError
from srbench.models import msra_init
from srbench.registry import MODELS


@MODELS.register_module()
class VDSR(nn.Module):
    """VDSR.

    Args:
        in_channels / out_channels: 1 for Y.
        mid_channels: filters per layer (64).
        num_layers: depth d, first and last layer included (20).
        residual: add the input to the output (residual learning; the paper's model).
    """

    def __init__(self, in_channels: int = 1, out_channels: int = 1, mid_channels: int = 64,
                 num_layers: int = 20, residual: bool = True):
        super().__init__()
        if num_layers < 2:
            raise ConfigError(f'VDSR: num_layers must be at least 2, got {num_layers!r}')
        layers = [msra_init(nn.Conv2d(in_channels, mid_channels, 3, padding=1)), nn.ReLU(inplace=True)]
        for _ in range(num_layers - 2):
            layers += [msra_init(nn.Conv2d(mid_channels, mid_channels, 3, padding=1)), nn.ReLU(inplace=True)]
        layers.append(msra_init(nn.Conv2d(mid_channels, out_channels, 3, padding=1)))
        self.body = nn.Sequential(*layers)
        self.residual = residual

    def forward(self, x):
        y = self.body(x)
        return x + y if self.residual else y

    def receptive_field(self) -> int:
        """How far an output pixel sees, in input pixels on each side (one per 3x3 layer: num_layers); what
        tiled inference needs as overlap (:mod:`srbench.inference.tile`; checked by tiling in
        tests/test_inference.py)."""
        return sum(1 for m in self.body if isinstance(m, nn.Conv2d))
