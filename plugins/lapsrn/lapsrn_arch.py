"""LapSRN network (its multi-level training model is :class:`~.lapsrn_model.LapSRNModel`).

Paper: W.-S. Lai, J.-B. Huang, N. Ahuja, M.-H. Yang, "Deep Laplacian Pyramid Networks for Fast and
Accurate Super-Resolution", CVPR 2017. https://arxiv.org/abs/1704.03915

A Laplacian pyramid of log2(scale) levels, each upsampling by 2, on the LR Y image:

* feature extraction branch: an input Conv(3×3, 64) + LReLU(0.2); at every level d = 10 Conv(3×3, 64)
  + LReLU, a transposed convolution (×2) of the features + LReLU, and a Conv(3×3, 1) predicting the
  level's residual image;
* image reconstruction branch: at every level a ×2 transposed convolution of the image (4×4, bilinear
  initialisation, trainable), plus the level's residual.

Every level's output is a prediction (x2, x4, x8): :meth:`LapSRN.pyramid` returns them all, and the
training model (``lapsrn_model.py``) supervises each with the Charbonnier loss against the HR image
bicubic-downscaled to its size; ``forward`` returns the finest.
The feature branch's transposed convolution is 3×3 as in the authors' released MatConvNet code
(``upsample_kernel=3``, default); the image branch's is 4×4. Weights (biases excluded), d = 10:

=====  =================  ==========================
scale  3×3 (default)      4×4 feature upsampling
=====  =================  ==========================
x2     406,672            435,344
x4     812,768            870,112
x8     1,218,864          1,304,880
=====  =================  ==========================

The x4 count, 812,768, is the "812K" quoted for LapSRN (the CVPR paper itself gives no exact count).
Transposed convolutions are aligned with the HR grid (:class:`srbench.models.HRGridConvTranspose2d`;
for 4×4 this is exactly ``ConvTranspose2d(stride=2, padding=1)``, for 3×3 MatConvNet's crop [0 1 0 1]).
Initialisation as the released code: input conv N(0, 0.001²), other convolutions He et al., biases 0.
"""
from __future__ import annotations

import math

import torch
from torch import nn

from srbench.errors import ConfigError
from srbench.models import HRGridConvTranspose2d, bilinear_kernel, msra_init
from srbench.registry import MODELS


@MODELS.register_module()
class LapSRN(nn.Module):
    """LapSRN.

    Args:
        scale: 2, 4 or 8 (a power of two: one pyramid level per factor 2).
        in_channels / out_channels: 1 for Y (must be equal: the image branch upsamples the input).
        mid_channels: filters per layer (64).
        depth: convolutions per level, d (10).
        upsample_kernel: size of the feature branch's transposed convolution (3: the released code).
        negative_slope: LReLU slope (0.2).

    ``forward(x)`` returns the finest prediction (x``scale``) in training and eval mode alike;
    :meth:`pyramid` returns every level's.
    """

    def __init__(self, scale: int = 4, in_channels: int = 1, out_channels: int = 1, mid_channels: int = 64,
                 depth: int = 10, upsample_kernel: int = 3, negative_slope: float = 0.2):
        super().__init__()
        levels = int(round(math.log2(scale))) if isinstance(scale, int) and scale > 1 else 0
        if levels < 1 or 2 ** levels != scale:
            raise ConfigError(f'LapSRN: scale must be a power of two (2, 4, 8), got {scale!r}')
        if in_channels != out_channels:
            raise ConfigError(f'LapSRN: in_channels ({in_channels}) must equal out_channels ({out_channels})')
        self.scale, self.num_levels = scale, levels

        def lrelu():
            return nn.LeakyReLU(negative_slope, inplace=True)

        self.input_conv = nn.Conv2d(in_channels, mid_channels, 3, padding=1)
        nn.init.normal_(self.input_conv.weight, 0.0, 1e-3)
        nn.init.zeros_(self.input_conv.bias)
        self.input_act = lrelu()
        self.features = nn.ModuleList()
        self.residuals = nn.ModuleList()
        self.image_up = nn.ModuleList()
        for _ in range(levels):
            layers = []
            for _ in range(depth):
                layers += [msra_init(nn.Conv2d(mid_channels, mid_channels, 3, padding=1)), lrelu()]
            up_feat = HRGridConvTranspose2d(mid_channels, mid_channels, upsample_kernel, 2)
            layers += [msra_init(up_feat), lrelu()]
            self.features.append(nn.Sequential(*layers))
            self.residuals.append(msra_init(nn.Conv2d(mid_channels, out_channels, 3, padding=1)))
            up = HRGridConvTranspose2d(out_channels, out_channels, 4, 2, bias=False)
            with torch.no_grad():
                up.weight.zero_()
                for c in range(out_channels):
                    up.weight[c, c] = bilinear_kernel(4, 2)
            self.image_up.append(up)

    def pyramid(self, x: torch.Tensor) -> list[torch.Tensor]:
        """The prediction of every level, coarsest first: ``[x2, x4, ...]`` (the last is ``forward``'s;
        each level builds on the previous one, so this costs what ``forward`` costs)."""
        f = self.input_act(self.input_conv(x))
        img, outs = x, []
        for feat, res, up in zip(self.features, self.residuals, self.image_up):
            f = feat(f)
            img = up(img) + res(f)
            outs.append(img)
        return outs

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.pyramid(x)[-1]

    def receptive_field(self) -> int:
        """How far an output pixel sees, in input pixels on each side (LR pixels: the input conv, then per
        level l (at 2^l times the LR resolution) its depth + 2 layers in LR pixels rounded up; measured by
        gradients with depth 10: 12 (x2), 17 (x4), 20 (x8); this gives 13, 19, 22); what tiled inference needs
        as overlap (:mod:`srbench.inference.tile`; checked by tiling in tests/test_inference.py)."""
        depth = sum(1 for m in self.features[0] if isinstance(m, nn.Conv2d))
        return 1 + sum(math.ceil((depth + 2) / 2 ** lvl) for lvl in range(self.num_levels))
