"""SRCNN network.

Paper: C. Dong, C. C. Loy, K. He, X. Tang, "Image Super-Resolution Using Deep Convolutional Networks",
TPAMI 2016 (arXiv 2015), https://arxiv.org/abs/1501.00092 -- first version: "Learning a Deep
Convolutional Network for Image Super-Resolution", ECCV 2014.

Three convolutions on the bicubic-upsampled Y image: patch extraction (f1×f1, n1 = 64) + ReLU,
non-linear mapping (f2×f2, n2 = 32) + ReLU, reconstruction (f3×f3, 1 filter); the variants are named
f1-f2-f3: 9-1-5, 9-3-5, 9-5-5. Weights (biases excluded): 8,032 / 24,416 / 57,184.

Training uses *valid* convolutions (Sec. 4.1: "all the convolutional layers have no padding"), so a
33×33 input gives a 21×21 output for 9-1-5 (17×17 for 9-5-5), compared with the centre of the HR
patch. Testing needs a full-size image: the authors' MATLAB test code filters every layer with
``imfilter(..., 'same', 'replicate')``, i.e. edge padding. The network therefore switches by itself:
``train_padding`` in training mode, ``test_padding`` in eval mode (validation, tools/test.py).

With valid convolutions an input must be larger than the border lost on both sides: the network states it
through :meth:`SRCNN.size_requirements` (minimum 2 * border + 1 in a mode that uses valid convolutions), and
:class:`srbench.models.SRModel` checks it before the network runs.
"""
from __future__ import annotations

import torch.nn.functional as F
from torch import nn

from srbench.errors import ConfigError
from srbench.registry import MODELS
from srbench.spec import SizeRequirements

PADDINGS = ('valid', 'replicate', 'zeros')


@MODELS.register_module()
class SRCNN(nn.Module):
    """SRCNN f1-f2-f3.

    Args:
        scale: the upscaling factor the model is trained for (the network itself does not use it:
            its input is already bicubic-upsampled).
        in_channels / out_channels: 1 for Y.
        kernel_sizes: (f1, f2, f3): (9, 1, 5), (9, 3, 5) or (9, 5, 5).
        mid_channels: (n1, n2) = (64, 32).
        train_padding: ``'valid'`` (the paper's training: output smaller by f1+f2+f3-3), ``'replicate'``
            or ``'zeros'`` (full-size output).
        test_padding: padding in eval mode: ``'replicate'`` (the paper's test code), ``'zeros'`` or
            ``'valid'`` (then the output is smaller than the HR and cannot be scored).
        init_std: std of the Gaussian weight initialisation (the paper: 0.001; biases 0).
    """

    def __init__(self, scale: int = 3, in_channels: int = 1, out_channels: int = 1, kernel_sizes=(9, 1, 5),
                 mid_channels=(64, 32), train_padding: str = 'valid', test_padding: str = 'replicate',
                 init_std: float = 1e-3):
        super().__init__()
        for k, v in (('train_padding', train_padding), ('test_padding', test_padding)):
            if v not in PADDINGS:
                raise ConfigError(f'SRCNN: {k} must be one of {PADDINGS}, got {v!r}')
        if len(kernel_sizes) != 3 or any(int(f) < 1 or int(f) % 2 == 0 for f in kernel_sizes):
            raise ConfigError(f'SRCNN: kernel_sizes must be three odd sizes (f1, f2, f3), '
                              f'got {kernel_sizes!r}')
        self.scale = scale
        self.train_padding, self.test_padding = train_padding, test_padding
        f1, f2, f3 = (int(f) for f in kernel_sizes)
        n1, n2 = mid_channels
        self.conv1 = nn.Conv2d(in_channels, n1, f1)
        self.conv2 = nn.Conv2d(n1, n2, f2)
        self.conv3 = nn.Conv2d(n2, out_channels, f3)
        self.relu = nn.ReLU(inplace=True)
        for m in (self.conv1, self.conv2, self.conv3):
            nn.init.normal_(m.weight, 0.0, init_std)
            nn.init.zeros_(m.bias)

    @property
    def border(self) -> int:
        """Pixels lost on each side in valid mode."""
        return sum(c.kernel_size[0] // 2 for c in (self.conv1, self.conv2, self.conv3))

    def receptive_field(self) -> int:
        """How far an output pixel sees, in input pixels on each side (f1 // 2 + f2 // 2 + f3 // 2 = the valid
        border); what tiled inference needs as overlap (:mod:`srbench.inference.tile`; checked by tiling in
        tests/test_inference.py)."""
        return self.border

    def size_requirements(self) -> SizeRequirements | None:
        """The input size this instance needs in its current mode (the protocol of
        :class:`srbench.spec.SizeRequirements`): valid convolutions lose ``border`` pixels on each side, so
        an input must be at least 2 * border + 1 pixels high and wide; padded convolutions take any size."""
        padding = self.train_padding if self.training else self.test_padding
        if padding != 'valid':
            return None
        return SizeRequirements(minimum=2 * self.border + 1, note='valid convolutions')

    @staticmethod
    def _conv(conv: nn.Conv2d, x, padding: str):
        p = conv.kernel_size[0] // 2
        if padding == 'valid' or p == 0:
            return conv(x)
        x = F.pad(x, (p, p, p, p), mode='replicate' if padding == 'replicate' else 'constant')
        return conv(x)

    def forward(self, x):
        padding = self.train_padding if self.training else self.test_padding
        x = self.relu(self._conv(self.conv1, x, padding))
        x = self.relu(self._conv(self.conv2, x, padding))
        return self._conv(self.conv3, x, padding)
