"""ESPCN network.

Paper: W. Shi et al., "Real-Time Single Image and Video Super-Resolution Using an Efficient Sub-Pixel
Convolutional Neural Network", CVPR 2016. https://arxiv.org/abs/1609.05158

Three convolutions in LR space -- (f1, n1) = (5, 64), (f2, n2) = (3, 32), f3 = 3 with ``scale**2 *
out_channels`` filters -- tanh after the first two, then a sub-pixel convolution (pixel shuffle)
to the HR grid. 'same' padding, so an h×w input gives an (h·r)×(w·r) output.
Weights (biases excluded) for Y input at x3: 5·5·1·64 + 3·3·64·32 + 3·3·32·9 = 22,624.
"""
import math

from torch import nn

from srbench.registry import MODELS


@MODELS.register_module()
class ESPCN(nn.Module):
    """ESPCN.

    Args:
        scale: upscaling factor r.
        in_channels: 1 for Y.
        out_channels: 1 for Y.
        mid_channels: (n1, n2) = (64, 32).
        kernel_sizes: (f1, f2, f3) = (5, 3, 3).
    """

    def __init__(self, scale: int = 3, in_channels: int = 1, out_channels: int = 1,
                 mid_channels=(64, 32), kernel_sizes=(5, 3, 3)):
        super().__init__()
        self.scale = scale
        n1, n2 = mid_channels
        f1, f2, f3 = kernel_sizes
        self.conv1 = nn.Conv2d(in_channels, n1, f1, padding=f1 // 2)
        self.conv2 = nn.Conv2d(n1, n2, f2, padding=f2 // 2)
        self.conv3 = nn.Conv2d(n2, out_channels * scale * scale, f3, padding=f3 // 2)
        self.act = nn.Tanh()
        self.shuffle = nn.PixelShuffle(scale)
        self._init_weights()

    def _init_weights(self):
        # the paper does not give an initialisation; fan-in normal (He-like, smaller for the last layer)
        for m in (self.conv1, self.conv2):
            nn.init.normal_(m.weight, 0.0, math.sqrt(2.0 / (m.out_channels * m.weight[0][0].numel())))
            nn.init.zeros_(m.bias)
        nn.init.normal_(self.conv3.weight, 0.0, 0.001)
        nn.init.zeros_(self.conv3.bias)

    def forward(self, x):
        x = self.act(self.conv1(x))
        x = self.act(self.conv2(x))
        return self.shuffle(self.conv3(x))

    def receptive_field(self) -> int:
        """How far an output pixel sees, in input pixels on each side (LR pixels: the three kernels' half
        sizes); what tiled inference needs as overlap (:mod:`srbench.inference.tile`; checked by tiling in
        tests/test_inference.py)."""
        return sum(c.kernel_size[0] // 2 for c in (self.conv1, self.conv2, self.conv3))
