"""FSRCNN network.

Paper: C. Dong, C. C. Loy, X. Tang, "Accelerating the Super-Resolution Convolutional Neural Network",
ECCV 2016. https://arxiv.org/abs/1608.00367

On the LR Y image: feature extraction Conv(5×5, d) -- shrinking Conv(1×1, s) -- m × mapping
Conv(3×3, s) -- expanding Conv(1×1, d), each followed by a PReLU (one slope per channel) -- and a
9×9 deconvolution with stride = scale to the HR grid. FSRCNN is (d, s, m) = (56, 12, 4),
FSRCNN-s is (32, 5, 1). Weights (biases and PReLU slopes excluded):
25d + sd + 9ms² + ds + 81d = 12,464 (FSRCNN) / 3,937 (FSRCNN-s), the same for every scale.

Geometry: the deconvolution output is exactly ``scale`` times the input and lies on the HR pixel grid
(:class:`srbench.models.HRGridConvTranspose2d`); with ``edge='replicate'`` (default) convolutions pad
by edge replication -- as the authors' MATLAB test code (``imfilter(..., 'same', 'replicate')``) --
and so does the deconvolution, so no pixel near the border sees zeros.
Pixel grid (``grid``): where the deconvolution puts its output decides everything (a one-pixel shift costs
4-10 dB). ``'centre'`` (default, srbench's :class:`~srbench.models.HRGridConvTranspose2d`): tap ``u`` of LR
pixel ``i`` lands on HR ``r·i + u - (9 - r) // 2`` (offset 3 / 3 / 2 at x2 / x3 / x4). ``'authors'``: the
authors' MATLAB test code (``deconv.m`` of the FSRCNN package) puts it at ``r·i + u - 4`` at every scale --
the convention the released models were trained for. At x3 the authors' demo then compares its output
shifted by one pixel (``shave_x3``), which is offset 3 again: so the released x3 model needs ``'centre'``,
the released x2 / x4 models need ``'authors'`` (1 / 2 HR pixels from srbench's grid).
Initialisation (Sec. 4.1 of the paper): convolutions with He et al.'s method for PReLU ("msra"),
the deconvolution with N(0, 0.001²), biases 0; PReLU slopes start at 0.25.
"""
from __future__ import annotations

import math

from torch import nn

from srbench.errors import ConfigError
from srbench.models import HRGridConvTranspose2d, msra_init
from srbench.registry import MODELS


@MODELS.register_module()
class FSRCNN(nn.Module):
    """FSRCNN (d, s, m).

    Args:
        scale: upscaling factor (the deconvolution's stride).
        in_channels / out_channels: 1 for Y.
        d, s, m: LR feature dimension, shrunk dimension, number of mapping layers.
        deconv_kernel: deconvolution size (the paper: 9).
        edge: ``'replicate'`` (edge padding everywhere; default) or ``'zeros'`` (zero padding, as Caffe
            trains it).
        grid: ``'centre'`` (srbench's pixel-centre placement) or ``'authors'`` (the FSRCNN authors'
            ``deconv.m``: offset ``(deconv_kernel - 1) // 2``); see the module docstring.
    """

    GRIDS = ('centre', 'authors')

    def __init__(self, scale: int = 3, in_channels: int = 1, out_channels: int = 1, d: int = 56, s: int = 12,
                 m: int = 4, deconv_kernel: int = 9, edge: str = 'replicate', grid: str = 'centre'):
        super().__init__()
        if grid not in self.GRIDS:
            raise ConfigError(f'FSRCNN: grid must be one of {self.GRIDS}, got {grid!r}')
        self.grid = grid
        if edge not in ('replicate', 'zeros'):
            raise ConfigError(f'FSRCNN: edge must be "replicate" or "zeros", got {edge!r}')
        self.scale = scale
        pad_mode = 'replicate' if edge == 'replicate' else 'zeros'

        def conv(cin, cout, k):
            return msra_init(nn.Conv2d(cin, cout, k, padding=k // 2, padding_mode=pad_mode), a=0.25)

        layers = [conv(in_channels, d, 5), nn.PReLU(d, 0.25), conv(d, s, 1), nn.PReLU(s, 0.25)]
        for _ in range(m):
            layers += [conv(s, s, 3), nn.PReLU(s, 0.25)]
        layers += [conv(s, d, 1), nn.PReLU(d, 0.25)]
        self.body = nn.Sequential(*layers)
        self.deconv = HRGridConvTranspose2d(d, out_channels, deconv_kernel, scale, edge=edge,
                                            offset=(deconv_kernel - 1) // 2 if grid == 'authors' else None)
        nn.init.normal_(self.deconv.weight, 0.0, 1e-3)
        nn.init.zeros_(self.deconv.bias)

    def forward(self, x):
        return self.deconv(self.body(x))

    def receptive_field(self) -> int:
        """How far an output pixel sees, in input pixels on each side (LR pixels: the 3x3 and 5x5
        convolutions' half sizes, plus the HR deconvolution's half kernel in LR pixels, rounded up; measured
        by gradients: 8 (x2), 7 (x3, x4), this gives 9, 8, 8); what tiled inference needs as overlap
        (:mod:`srbench.inference.tile`; checked by tiling in tests/test_inference.py)."""
        body = sum(m.kernel_size[0] // 2 for m in self.body if isinstance(m, nn.Conv2d))
        return body + math.ceil(self.deconv.kernel_size[0] / (2 * self.scale))
